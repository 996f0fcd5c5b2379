-- Poster sites: the places local executive bodies designated for campaign
-- posters, what hangs there (placements) and the append-only history of each
-- placement (placed, checked, damaged, removed, replaced).

CREATE TABLE poster_sites (
  id TEXT PRIMARY KEY NOT NULL,
  branch_code TEXT NOT NULL REFERENCES branches (code),
  locality_id TEXT NOT NULL REFERENCES localities (id),
  address TEXT NOT NULL,
  latitude DOUBLE,
  longitude DOUBLE,
  kind TEXT NOT NULL CHECK (kind IN ('board', 'stand', 'billboard', 'other')),
  -- How many posters the site takes at once.
  capacity INTEGER NOT NULL CHECK (capacity > 0),
  -- The decision of the local executive body that designated the site.
  decision_body TEXT NOT NULL,
  decision_number TEXT NOT NULL,
  decision_date DATE NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
  -- Posters hanging now (placements placed or checked), kept by every placement
  -- and status change in its transaction.
  current_posters INTEGER NOT NULL DEFAULT 0 CHECK (current_posters >= 0),
  -- The latest inspection (a change to checked, damaged or removed) of any of its placements.
  last_checked_at TIMESTAMP,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX poster_sites_branch_idx ON poster_sites (branch_code, id);
CREATE INDEX poster_sites_locality_idx ON poster_sites (locality_id, id);
CREATE INDEX poster_sites_updated_idx ON poster_sites (updated_at, id);
CREATE INDEX poster_sites_checked_idx ON poster_sites (branch_code, last_checked_at);

CREATE TABLE poster_placements (
  id TEXT PRIMARY KEY NOT NULL,
  site_id TEXT NOT NULL REFERENCES poster_sites (id),
  -- The site's branch, copied (a site never changes branch) for the lists.
  branch_code TEXT NOT NULL REFERENCES branches (code),
  material_id TEXT NOT NULL REFERENCES materials (id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  placed_at TIMESTAMP NOT NULL,
  -- The volunteer who put the posters up (out of their holding), if one did.
  placed_by TEXT REFERENCES volunteers (id),
  event_id TEXT REFERENCES events (id),
  status TEXT NOT NULL CHECK (status IN ('placed', 'checked', 'damaged', 'removed', 'replaced')),
  -- A replacement names the placement it replaces, and that one its replacement.
  replaces_id TEXT REFERENCES poster_placements (id),
  replaced_by_id TEXT REFERENCES poster_placements (id),
  recorded_by TEXT NOT NULL REFERENCES accounts (id),
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX poster_placements_site_idx ON poster_placements (site_id, id);
CREATE INDEX poster_placements_branch_idx ON poster_placements (branch_code, status, id);
CREATE INDEX poster_placements_status_idx ON poster_placements (status, id);
CREATE INDEX poster_placements_updated_idx ON poster_placements (updated_at, id);
CREATE INDEX poster_placements_material_idx ON poster_placements (material_id);
CREATE INDEX poster_placements_volunteer_idx ON poster_placements (placed_by);
CREATE INDEX poster_placements_event_idx ON poster_placements (event_id);
CREATE UNIQUE INDEX poster_placements_replaces_key ON poster_placements (replaces_id);
CREATE INDEX poster_placements_replaced_by_idx ON poster_placements (replaced_by_id);

-- Never updated or deleted. An inspection synced offline keeps the id the
-- phone gave it, so a replay finds it.
CREATE TABLE poster_placement_changes (
  id TEXT PRIMARY KEY NOT NULL,
  placement_id TEXT NOT NULL REFERENCES poster_placements (id),
  status TEXT NOT NULL CHECK (status IN ('placed', 'checked', 'damaged', 'removed', 'replaced')),
  at TIMESTAMP NOT NULL,
  -- The volunteer who made it, when a volunteer did.
  volunteer_id TEXT REFERENCES volunteers (id),
  recorded_by TEXT NOT NULL REFERENCES accounts (id),
  note TEXT,
  -- An opaque key or URL of a photo kept elsewhere.
  photo_ref TEXT,
  received_at TIMESTAMP NOT NULL
);
CREATE INDEX poster_placement_changes_placement_idx ON poster_placement_changes (placement_id, at, id);
CREATE INDEX poster_placement_changes_volunteer_idx ON poster_placement_changes (volunteer_id);

-- Putting posters up debits the stock: a movement of kind `placement` naming the
-- placement. SQLite cannot change a CHECK in place: the ledger is rebuilt (renamed
-- first, so that its self-reference follows the old copy until it is dropped).
ALTER TABLE stock_movements RENAME TO stock_movements_old;
DROP INDEX stock_movements_reverses_key;
DROP INDEX stock_movements_branch_idx;
DROP INDEX stock_movements_to_branch_idx;
DROP INDEX stock_movements_volunteer_idx;
DROP INDEX stock_movements_material_idx;
DROP INDEX stock_movements_created_idx;
CREATE TABLE stock_movements (
  id TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('receipt', 'transfer', 'issue', 'return', 'write_off', 'adjustment', 'hand_out', 'placement')),
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
  event_id TEXT REFERENCES events (id),
  -- A placement movement names its placement.
  placement_id TEXT REFERENCES poster_placements (id)
);
INSERT INTO stock_movements (id, kind, material_id, branch_code, to_branch_code, volunteer_id, quantity, direction,
    reason, note, reverses_id, recorded_by, created_at, visit_id, meeting_id, event_id)
  SELECT id, kind, material_id, branch_code, to_branch_code, volunteer_id, quantity, direction,
    reason, note, reverses_id, recorded_by, created_at, visit_id, meeting_id, event_id
  FROM stock_movements_old ORDER BY id;
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
CREATE UNIQUE INDEX stock_movements_placement_key ON stock_movements (placement_id);
