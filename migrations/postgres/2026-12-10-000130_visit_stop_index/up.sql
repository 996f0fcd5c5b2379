-- Four indexes on visits instead of five: every synced visit wrote an entry
-- into each. `visits_stop_idx` (stop_id) served the old foreign key to the stop
-- alone; no query reads visits by stop, and the check of the foreign key
-- (route_id, stop_id) when a stop is deleted finds the route's visits through
-- `visits_route_idx` (route_id, visited_at).
DROP INDEX visits_stop_idx;
