-- Handing printed materials out: a `hand_out` movement debits a volunteer's
-- holding (or a branch's shelves) and names what it was handed out at: a visit,
-- a meeting (its report) or an event.

ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_kind_check;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_kind_check
  CHECK (kind IN ('receipt', 'transfer', 'issue', 'return', 'write_off', 'adjustment', 'hand_out'));
ALTER TABLE stock_movements ADD COLUMN visit_id TEXT REFERENCES visits (id);
ALTER TABLE stock_movements ADD COLUMN meeting_id TEXT REFERENCES meetings (event_id);
ALTER TABLE stock_movements ADD COLUMN event_id TEXT REFERENCES events (id);
CREATE INDEX stock_movements_visit_idx ON stock_movements (visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX stock_movements_meeting_idx ON stock_movements (meeting_id, material_id) WHERE meeting_id IS NOT NULL;
CREATE INDEX stock_movements_event_idx ON stock_movements (event_id, id) WHERE event_id IS NOT NULL;
-- The handed-out report reads the hand-outs of a period.
CREATE INDEX stock_movements_kind_created_idx ON stock_movements (kind, created_at);
