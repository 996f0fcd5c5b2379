CREATE INDEX visits_stop_idx ON visits (stop_id);
