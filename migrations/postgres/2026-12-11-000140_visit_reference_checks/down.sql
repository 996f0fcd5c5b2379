DROP TRIGGER volunteers_key_fixed ON volunteers;
DROP TRIGGER route_stops_keys_fixed ON route_stops;
DROP FUNCTION refuse_key_change();
DROP TRIGGER volunteers_check_visits ON volunteers;
DROP FUNCTION volunteers_check_visits();
DROP TRIGGER route_stops_check_visits ON route_stops;
DROP FUNCTION route_stops_check_visits();
DROP TRIGGER visits_check_references_update ON visits;
DROP TRIGGER visits_check_references_insert ON visits;
DROP FUNCTION visits_check_references();
ALTER TABLE visits
  ADD CONSTRAINT visits_volunteer_id_fkey FOREIGN KEY (volunteer_id) REFERENCES volunteers (id) NOT VALID;
ALTER TABLE visits VALIDATE CONSTRAINT visits_volunteer_id_fkey;
ALTER TABLE visits
  ADD CONSTRAINT visits_route_stop_fkey FOREIGN KEY (route_id, stop_id) REFERENCES route_stops (route_id, id) NOT VALID;
ALTER TABLE visits VALIDATE CONSTRAINT visits_route_stop_fkey;
