-- Taking a volunteer off a route keeps the row and records when, so that visits
-- the phone recorded before that moment can still be synced.
ALTER TABLE route_assignees ADD COLUMN unassigned_at TIMESTAMP;
