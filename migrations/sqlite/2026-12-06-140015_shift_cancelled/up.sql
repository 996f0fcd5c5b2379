-- A shift can be cancelled on its own (its event goes on): it keeps its row, so
-- schedules and calendars show it cancelled, and takes no sign-ups.
ALTER TABLE shifts ADD COLUMN cancelled_at TIMESTAMP;
ALTER TABLE shifts ADD COLUMN cancel_reason TEXT;
