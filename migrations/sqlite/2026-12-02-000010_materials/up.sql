-- Printed materials: the catalogue, the append-only stock ledger and the balances
-- it keeps (per branch and material, per volunteer and material).

CREATE TABLE materials (
  id TEXT PRIMARY KEY NOT NULL,
  code TEXT NOT NULL,
  title_kk TEXT NOT NULL,
  title_ru TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('poster', 'leaflet', 'brochure', 'newspaper', 'booklet', 'other')),
  language TEXT NOT NULL CHECK (language IN ('kk', 'ru', 'kk_ru')),
  format TEXT,
  pages INTEGER CHECK (pages IS NULL OR pages > 0),
  print_run TEXT,
  active BOOLEAN NOT NULL,
  -- A branch holding less than this is listed as below its reorder level.
  reorder_level INTEGER CHECK (reorder_level IS NULL OR reorder_level >= 0),
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX materials_code_key ON materials (code);
CREATE INDEX materials_updated_idx ON materials (updated_at);

-- Never updated or deleted: a mistake is corrected by a movement that reverses it.
CREATE TABLE stock_movements (
  id TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('receipt', 'transfer', 'issue', 'return', 'write_off', 'adjustment')),
  material_id TEXT NOT NULL REFERENCES materials (id),
  -- The branch whose stock moves; for a transfer, the sender.
  branch_code TEXT NOT NULL REFERENCES branches (code),
  to_branch_code TEXT REFERENCES branches (code),
  volunteer_id TEXT REFERENCES volunteers (id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  direction TEXT CHECK (direction IS NULL OR direction IN ('increase', 'decrease')),
  reason TEXT,
  note TEXT,
  -- A counter-movement names the movement it undoes; each is undone at most once.
  reverses_id TEXT REFERENCES stock_movements (id),
  recorded_by TEXT NOT NULL REFERENCES accounts (id),
  created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX stock_movements_reverses_key ON stock_movements (reverses_id);
CREATE INDEX stock_movements_branch_idx ON stock_movements (branch_code, id);
CREATE INDEX stock_movements_to_branch_idx ON stock_movements (to_branch_code, id);
CREATE INDEX stock_movements_volunteer_idx ON stock_movements (volunteer_id, id);
CREATE INDEX stock_movements_material_idx ON stock_movements (material_id, id);
CREATE INDEX stock_movements_created_idx ON stock_movements (created_at);

-- What each branch has on its shelves; kept by every movement in its transaction.
CREATE TABLE stock_balances (
  branch_code TEXT NOT NULL REFERENCES branches (code),
  material_id TEXT NOT NULL REFERENCES materials (id),
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  updated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (branch_code, material_id)
);
CREATE INDEX stock_balances_material_idx ON stock_balances (material_id, branch_code);
CREATE INDEX stock_balances_updated_idx ON stock_balances (updated_at);

-- What each volunteer carries (issued and not yet returned or handed out).
CREATE TABLE volunteer_holdings (
  volunteer_id TEXT NOT NULL REFERENCES volunteers (id),
  material_id TEXT NOT NULL REFERENCES materials (id),
  branch_code TEXT NOT NULL REFERENCES branches (code),
  quantity INTEGER NOT NULL CHECK (quantity >= 0),
  updated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (volunteer_id, material_id)
);
CREATE INDEX volunteer_holdings_branch_idx ON volunteer_holdings (branch_code, volunteer_id, material_id);
CREATE INDEX volunteer_holdings_material_idx ON volunteer_holdings (material_id);
CREATE INDEX volunteer_holdings_updated_idx ON volunteer_holdings (updated_at);
