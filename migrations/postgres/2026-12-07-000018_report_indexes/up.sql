-- Only reversals, placements and transfers fill these columns: indexing the
-- NULLs of every other movement cost each hand-out three index entries, and
-- the NULL entries lured SQLite's planner into walking the reversal index.
DROP INDEX stock_movements_reverses_key;
CREATE UNIQUE INDEX stock_movements_reverses_key ON stock_movements (reverses_id) WHERE reverses_id IS NOT NULL;
DROP INDEX stock_movements_placement_key;
CREATE UNIQUE INDEX stock_movements_placement_key ON stock_movements (placement_id) WHERE placement_id IS NOT NULL;
DROP INDEX stock_movements_to_branch_idx;
CREATE INDEX stock_movements_to_branch_idx ON stock_movements (to_branch_code, id) WHERE to_branch_code IS NOT NULL;

-- The poster coverage report reads only these columns of every site in scope:
-- it scans this index instead of the table.
CREATE INDEX poster_sites_coverage_idx ON poster_sites (branch_code, locality_id, status, current_posters, last_checked_at);
