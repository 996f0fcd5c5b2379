DROP TABLE visits;
DROP TABLE route_assignees;
DROP TABLE route_stops;
DROP TABLE routes;
