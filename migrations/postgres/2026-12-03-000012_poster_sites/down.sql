DELETE FROM stock_movements WHERE kind = 'placement';
DROP INDEX stock_movements_placement_key;
ALTER TABLE stock_movements DROP COLUMN placement_id;
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_kind_check;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_kind_check
  CHECK (kind IN ('receipt', 'transfer', 'issue', 'return', 'write_off', 'adjustment', 'hand_out'));
DROP TABLE poster_placement_changes;
DROP TABLE poster_placements;
DROP TABLE poster_sites;
