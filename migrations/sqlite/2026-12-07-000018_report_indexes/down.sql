DROP INDEX poster_sites_coverage_idx;
DROP INDEX stock_movements_reverses_key;
CREATE UNIQUE INDEX stock_movements_reverses_key ON stock_movements (reverses_id);
DROP INDEX stock_movements_placement_key;
CREATE UNIQUE INDEX stock_movements_placement_key ON stock_movements (placement_id);
DROP INDEX stock_movements_to_branch_idx;
CREATE INDEX stock_movements_to_branch_idx ON stock_movements (to_branch_code, id);
