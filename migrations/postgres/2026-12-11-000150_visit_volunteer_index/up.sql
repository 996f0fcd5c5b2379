-- A visit recorded by staff has no volunteer, and no query looks visits up by a
-- missing volunteer: those visits stay out of the volunteer index. Each synced
-- visit wrote an entry into every index of `visits`; a staff sync now writes
-- three instead of four.
DROP INDEX visits_volunteer_idx;
CREATE INDEX visits_volunteer_idx ON visits (volunteer_id, visited_at) WHERE volunteer_id IS NOT NULL;
