-- Work collectives and the explanatory meetings held with them, with experts and
-- with residents. A meeting is an event of a meeting kind (same id).

CREATE TABLE organisations (
  id TEXT PRIMARY KEY NOT NULL,
  branch_code TEXT NOT NULL REFERENCES branches (code),
  locality_id TEXT REFERENCES localities (id),
  name_kk TEXT NOT NULL,
  name_ru TEXT NOT NULL,
  bin TEXT NOT NULL,
  sector TEXT NOT NULL,
  employee_count INTEGER NOT NULL CHECK (employee_count > 0),
  address TEXT,
  -- Personal data: masked for observers.
  contact_name TEXT,
  contact_phone TEXT,
  -- Lower-cased names and the BIN, for search.
  search_text TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX organisations_bin_key ON organisations (bin);
CREATE INDEX organisations_branch_idx ON organisations (branch_code, id);

CREATE TABLE meetings (
  event_id TEXT PRIMARY KEY NOT NULL REFERENCES events (id),
  organisation_id TEXT REFERENCES organisations (id),
  status TEXT NOT NULL CHECK (status IN ('requested', 'agreed', 'held', 'cancelled')),
  proposed_starts_at TIMESTAMP NOT NULL,
  proposed_ends_at TIMESTAMP NOT NULL,
  cancel_reason TEXT,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX meetings_organisation_idx ON meetings (organisation_id);

-- Speakers: volunteers (booked through an assignment on the meeting's shift, so
-- the overlap rule and schedules apply) or figures from member organisations.
CREATE TABLE meeting_speakers (
  id TEXT PRIMARY KEY NOT NULL,
  meeting_id TEXT NOT NULL REFERENCES meetings (event_id) ON DELETE CASCADE,
  volunteer_id TEXT REFERENCES volunteers (id),
  assignment_id TEXT REFERENCES assignments (id),
  figure_name TEXT,
  figure_kind TEXT,
  member_organisation_id TEXT REFERENCES member_organisations (id),
  role TEXT NOT NULL CHECK (role IN ('speaker', 'moderator')),
  created_at TIMESTAMP NOT NULL,
  CHECK ((volunteer_id IS NOT NULL) OR (figure_name IS NOT NULL))
);
CREATE INDEX meeting_speakers_meeting_idx ON meeting_speakers (meeting_id);

CREATE TABLE meeting_reports (
  meeting_id TEXT PRIMARY KEY NOT NULL REFERENCES meetings (event_id) ON DELETE CASCADE,
  attendance INTEGER NOT NULL CHECK (attendance > 0),
  attendance_confirmed BOOLEAN NOT NULL DEFAULT FALSE,
  materials_handed_out INTEGER NOT NULL DEFAULT 0,
  notes TEXT,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE report_questions (
  id TEXT PRIMARY KEY NOT NULL,
  meeting_id TEXT NOT NULL REFERENCES meetings (event_id) ON DELETE CASCADE,
  topic TEXT NOT NULL,
  text TEXT
);
CREATE INDEX report_questions_meeting_idx ON report_questions (meeting_id);

CREATE TABLE follow_ups (
  id TEXT PRIMARY KEY NOT NULL,
  meeting_id TEXT NOT NULL REFERENCES meetings (event_id) ON DELETE CASCADE,
  what TEXT NOT NULL,
  owner TEXT NOT NULL,
  due_date DATE NOT NULL,
  done BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMP NOT NULL
);
CREATE INDEX follow_ups_meeting_idx ON follow_ups (meeting_id);
CREATE INDEX follow_ups_due_idx ON follow_ups (done, due_date);
