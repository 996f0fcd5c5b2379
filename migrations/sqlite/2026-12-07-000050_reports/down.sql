DROP INDEX poster_placements_placed_idx;
DROP INDEX shifts_start_idx;
DROP INDEX volunteers_status_idx;
DROP INDEX volunteers_created_idx;
DROP TABLE visit_days;
