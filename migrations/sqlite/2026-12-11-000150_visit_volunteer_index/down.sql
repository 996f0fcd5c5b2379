DROP INDEX visits_volunteer_idx;
CREATE INDEX visits_volunteer_idx ON visits (volunteer_id, visited_at);
