-- The campaign reports (issue 18). Visits are the one table of a million rows:
-- they are summed per branch and branch-local day as they are stored (in the
-- same transaction as the visits), so a report over any range reads at most
-- 366 rows per branch instead of the visits. A test recomputes this table from
-- the raw visits.
CREATE TABLE visit_days (
    branch_code TEXT NOT NULL REFERENCES branches (code),
    -- The branch's local day, YYYY-MM-DD.
    day TEXT NOT NULL,
    visits BIGINT NOT NULL,
    doors_knocked BIGINT NOT NULL,
    conversations BIGINT NOT NULL,
    PRIMARY KEY (branch_code, day)
);

-- The visits stored so far. Every branch's zone is UTC+5 (Kazakhstan keeps one
-- time since 2024-03-01, without daylight saving time), the offset the server
-- derives from the branches' zones.
INSERT INTO visit_days (branch_code, day, visits, doors_knocked, conversations)
SELECT r.branch_code, date(v.visited_at, '+300 minutes'), COUNT(*), SUM(v.doors_knocked), SUM(v.conversations)
FROM visits v JOIN routes r ON r.id = v.route_id
GROUP BY r.branch_code, date(v.visited_at, '+300 minutes');

-- Hand-outs (a movement per material of most visits: a million rows too),
-- net of counter-movements, per branch, local day and material, kept with the
-- movements the same way.
CREATE TABLE hand_out_days (
    branch_code TEXT NOT NULL REFERENCES branches (code),
    day TEXT NOT NULL,
    material_id TEXT NOT NULL REFERENCES materials (id),
    quantity BIGINT NOT NULL,
    PRIMARY KEY (branch_code, day, material_id)
);

INSERT INTO hand_out_days (branch_code, day, material_id, quantity)
SELECT m.branch_code, date(m.created_at, '+300 minutes'), m.material_id, SUM(CASE WHEN m.reverses_id IS NULL THEN m.quantity ELSE -m.quantity END)
FROM stock_movements m WHERE m.kind = 'hand_out'
GROUP BY m.branch_code, date(m.created_at, '+300 minutes'), m.material_id;

-- The other in-range figures are grouped from their own rows by these.
CREATE INDEX volunteers_created_idx ON volunteers (branch_code, created_at);
CREATE INDEX volunteers_status_idx ON volunteers (branch_code, status);
CREATE INDEX shifts_start_idx ON shifts (starts_at);
CREATE INDEX poster_placements_placed_idx ON poster_placements (placed_at);
