DROP TABLE calendar_tokens;
DROP TABLE assignments;
DROP TABLE shifts;
DROP TABLE events;
