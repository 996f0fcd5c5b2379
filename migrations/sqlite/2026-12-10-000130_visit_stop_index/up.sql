-- PostgreSQL only (visits_stop_idx dropped there). SQLite keeps its own foreign
-- key on stop_id alone, whose check when a stop is deleted needs the index.
SELECT 1;
