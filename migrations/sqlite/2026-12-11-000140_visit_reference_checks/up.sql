-- A visit's stop must be a stop of the visit's route. PostgreSQL checks the pair
-- (its foreign key, now a check per statement); SQLite's foreign key holds the
-- stop alone (changing it means rebuilding the visits table), so a trigger adds
-- the route: one index probe per written visit. It fails with the text of
-- SQLite's own foreign key failure, so the two read alike.
CREATE TRIGGER visits_stop_of_route_insert BEFORE INSERT ON visits
WHEN NOT EXISTS (SELECT 1 FROM route_stops WHERE id = NEW.stop_id AND route_id = NEW.route_id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed');
END;
CREATE TRIGGER visits_stop_of_route_update BEFORE UPDATE OF route_id, stop_id ON visits
WHEN NOT EXISTS (SELECT 1 FROM route_stops WHERE id = NEW.stop_id AND route_id = NEW.route_id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed');
END;
-- A visited stop keeps its route (its id is kept by the foreign key).
CREATE TRIGGER route_stops_route_fixed BEFORE UPDATE OF route_id ON route_stops
WHEN OLD.route_id IS NOT NEW.route_id AND EXISTS (SELECT 1 FROM visits WHERE stop_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed');
END;
