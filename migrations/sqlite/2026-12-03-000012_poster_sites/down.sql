-- The ledger goes back to its kinds without placements (their movements are dropped).
ALTER TABLE stock_movements RENAME TO stock_movements_old;
DROP INDEX stock_movements_reverses_key;
DROP INDEX stock_movements_branch_idx;
DROP INDEX stock_movements_to_branch_idx;
DROP INDEX stock_movements_volunteer_idx;
DROP INDEX stock_movements_material_idx;
DROP INDEX stock_movements_created_idx;
CREATE TABLE stock_movements (
  id TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('receipt', 'transfer', 'issue', 'return', 'write_off', 'adjustment', 'hand_out')),
  material_id TEXT NOT NULL REFERENCES materials (id),
  branch_code TEXT NOT NULL REFERENCES branches (code),
  to_branch_code TEXT REFERENCES branches (code),
  volunteer_id TEXT REFERENCES volunteers (id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  direction TEXT CHECK (direction IS NULL OR direction IN ('increase', 'decrease')),
  reason TEXT,
  note TEXT,
  reverses_id TEXT REFERENCES stock_movements (id),
  recorded_by TEXT NOT NULL REFERENCES accounts (id),
  created_at TIMESTAMP NOT NULL,
  -- What a hand-out was handed out at (at most one of them).
  visit_id TEXT REFERENCES visits (id),
  meeting_id TEXT REFERENCES meetings (event_id),
  event_id TEXT REFERENCES events (id)
);
INSERT INTO stock_movements (id, kind, material_id, branch_code, to_branch_code, volunteer_id, quantity, direction,
    reason, note, reverses_id, recorded_by, created_at, visit_id, meeting_id, event_id)
  SELECT id, kind, material_id, branch_code, to_branch_code, volunteer_id, quantity, direction,
    reason, note, reverses_id, recorded_by, created_at, visit_id, meeting_id, event_id
  FROM stock_movements_old WHERE kind <> 'placement' ORDER BY id;
DROP TABLE stock_movements_old;
CREATE UNIQUE INDEX stock_movements_reverses_key ON stock_movements (reverses_id);
CREATE INDEX stock_movements_branch_idx ON stock_movements (branch_code, id);
CREATE INDEX stock_movements_to_branch_idx ON stock_movements (to_branch_code, id);
CREATE INDEX stock_movements_volunteer_idx ON stock_movements (volunteer_id, id);
CREATE INDEX stock_movements_material_idx ON stock_movements (material_id, id);
CREATE INDEX stock_movements_created_idx ON stock_movements (created_at);
CREATE INDEX stock_movements_visit_idx ON stock_movements (visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX stock_movements_meeting_idx ON stock_movements (meeting_id, material_id) WHERE meeting_id IS NOT NULL;
CREATE INDEX stock_movements_event_idx ON stock_movements (event_id, id) WHERE event_id IS NOT NULL;
CREATE INDEX stock_movements_kind_created_idx ON stock_movements (kind, created_at);
DROP TABLE poster_placement_changes;
DROP TABLE poster_placements;
DROP TABLE poster_sites;
