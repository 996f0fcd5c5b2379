-- The hand-outs (and their counter-movements) go with the kind: the balances
-- they debited are not credited back.
DROP INDEX stock_movements_kind_created_idx;
DROP INDEX stock_movements_event_idx;
DROP INDEX stock_movements_meeting_idx;
DROP INDEX stock_movements_visit_idx;
DELETE FROM stock_movements WHERE kind = 'hand_out';
ALTER TABLE stock_movements DROP COLUMN event_id;
ALTER TABLE stock_movements DROP COLUMN meeting_id;
ALTER TABLE stock_movements DROP COLUMN visit_id;
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_kind_check;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_kind_check
  CHECK (kind IN ('receipt', 'transfer', 'issue', 'return', 'write_off', 'adjustment'));
