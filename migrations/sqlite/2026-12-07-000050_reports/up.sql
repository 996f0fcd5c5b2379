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

-- The other in-range figures are grouped from their own rows by these.
CREATE INDEX volunteers_created_idx ON volunteers (created_at, branch_code);
CREATE INDEX volunteers_status_idx ON volunteers (branch_code, status);
CREATE INDEX shifts_start_idx ON shifts (starts_at);
CREATE INDEX poster_placements_placed_idx ON poster_placements (placed_at);
