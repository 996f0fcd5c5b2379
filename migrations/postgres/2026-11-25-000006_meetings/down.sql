DROP TABLE follow_ups;
DROP TABLE report_questions;
DROP TABLE meeting_reports;
DROP TABLE meeting_speakers;
DROP TABLE meetings;
DROP TABLE organisations;
