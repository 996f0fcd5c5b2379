-- "Near me" lists: a bounding box on indexed coordinates narrows the rows, then
-- distance_km (haversine, km) decides and orders; SQLite's bundled build has no
-- trigonometry, so the server registers distance_km on every connection.
CREATE INDEX events_position_idx ON events (latitude, longitude) WHERE latitude IS NOT NULL;
CREATE INDEX poster_sites_position_idx ON poster_sites (latitude, longitude) WHERE latitude IS NOT NULL;
CREATE INDEX route_stops_first_position_idx ON route_stops (latitude, longitude) WHERE position = 0;
