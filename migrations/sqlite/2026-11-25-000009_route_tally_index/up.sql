-- Progress reports sum the routes' counters per branch, locality and status: with
-- every column they read in one index, the sums are an index-only scan in group
-- order (no table lookups, no sort), however many routes there are.
CREATE INDEX routes_tally_idx ON routes (
  branch_code, locality_id, status,
  stops_total, stops_visited, visits_count, doors_knocked, conversations, materials_left
);
