DROP INDEX route_stops_first_position_idx;
DROP INDEX poster_sites_position_idx;
DROP INDEX events_position_idx;
