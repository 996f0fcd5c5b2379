-- Events, their shifts, volunteers' assignments, and calendar feed tokens.

CREATE TABLE events (
  id TEXT PRIMARY KEY NOT NULL,
  branch_code TEXT NOT NULL REFERENCES branches (code),
  locality_id TEXT REFERENCES localities (id),
  kind TEXT NOT NULL CHECK (kind IN ('door_to_door', 'poster_placement', 'materials_distribution', 'street_stand',
    'work_collective_meeting', 'expert_meeting', 'residents_meeting', 'social_media', 'training', 'other')),
  title TEXT NOT NULL,
  description TEXT,
  venue TEXT,
  address TEXT,
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  starts_at TIMESTAMP NOT NULL,
  ends_at TIMESTAMP NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'completed', 'cancelled')),
  cancel_reason TEXT,
  created_by TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  CHECK (ends_at > starts_at)
);
CREATE INDEX events_branch_start_idx ON events (branch_code, starts_at, id);
CREATE INDEX events_start_idx ON events (starts_at, id);
CREATE INDEX events_updated_idx ON events (updated_at);

CREATE TABLE shifts (
  id TEXT PRIMARY KEY NOT NULL,
  event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  starts_at TIMESTAMP NOT NULL,
  ends_at TIMESTAMP NOT NULL,
  capacity INTEGER NOT NULL CHECK (capacity > 0),
  required_skill TEXT,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  CHECK (ends_at > starts_at)
);
CREATE INDEX shifts_event_idx ON shifts (event_id, starts_at);

-- A volunteer on a shift. The shift's times are copied here so that the overlap
-- check is one indexed query on the volunteer's own rows.
CREATE TABLE assignments (
  id TEXT PRIMARY KEY NOT NULL,
  shift_id TEXT NOT NULL REFERENCES shifts (id) ON DELETE CASCADE,
  volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
  status TEXT NOT NULL CHECK (status IN ('signed_up', 'waitlisted', 'cancelled', 'attended', 'no_show')),
  shift_starts_at TIMESTAMP NOT NULL,
  shift_ends_at TIMESTAMP NOT NULL,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX assignments_shift_volunteer_key ON assignments (shift_id, volunteer_id);
CREATE INDEX assignments_volunteer_idx ON assignments (volunteer_id, shift_starts_at);
CREATE INDEX assignments_shift_status_idx ON assignments (shift_id, status, created_at);

-- Secret, revocable tokens for a volunteer's iCalendar feed (phones subscribe to
-- the URL without a bearer token). Stored hashed.
CREATE TABLE calendar_tokens (
  account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX calendar_tokens_hash_key ON calendar_tokens (token_hash);
