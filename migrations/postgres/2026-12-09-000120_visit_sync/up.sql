-- A batch sync writes hundreds of visits and updates as many stops in one
-- transaction; this makes each row cheaper to write.
--
-- A visit's route and stop are checked by one foreign key instead of two: the
-- stop must be a stop *of that route* (before, each was checked on its own, so
-- the database held a visit's route and stop together only through the code).
-- One check per written visit instead of two.
CREATE UNIQUE INDEX route_stops_route_id_key ON route_stops (route_id, id);
ALTER TABLE visits
  ADD CONSTRAINT visits_route_stop_fkey FOREIGN KEY (route_id, stop_id) REFERENCES route_stops (route_id, id) NOT VALID;
-- NOT VALID then VALIDATE: the check of the existing rows is one scan of them
-- (not a probe per row). It runs in the migration's transaction, so writes to
-- visits and stops wait for it (docs/deploy.md).
ALTER TABLE visits VALIDATE CONSTRAINT visits_route_stop_fkey;
ALTER TABLE visits DROP CONSTRAINT visits_route_id_fkey;
ALTER TABLE visits DROP CONSTRAINT visits_stop_id_fkey;

-- A stop is updated once per batch that visits it (its count, its first
-- visit), never in an indexed column: room left on each page lets PostgreSQL
-- keep the new row version on the same page without touching the indexes
-- (a heap-only update). Pages written from now on keep the room.
ALTER TABLE route_stops SET (fillfactor = 85);
