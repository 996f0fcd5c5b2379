ALTER TABLE route_stops RESET (fillfactor);
ALTER TABLE visits ADD CONSTRAINT visits_stop_id_fkey FOREIGN KEY (stop_id) REFERENCES route_stops (id);
ALTER TABLE visits ADD CONSTRAINT visits_route_id_fkey FOREIGN KEY (route_id) REFERENCES routes (id);
ALTER TABLE visits DROP CONSTRAINT visits_route_stop_fkey;
DROP INDEX route_stops_route_id_key;
