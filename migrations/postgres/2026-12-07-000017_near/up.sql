-- "Near me" lists: a bounding box on indexed coordinates narrows the rows, then
-- distance_km (haversine, km; the same formula SQLite gets as a function
-- registered by the server) decides and orders.
CREATE FUNCTION distance_km(lat1 double precision, lng1 double precision, lat2 double precision, lng2 double precision)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT 2 * 6371.0088 * asin(least(1, sqrt(
        power(sin(radians(lat2 - lat1) / 2), 2)
        + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lng2 - lng1) / 2), 2))))
$$;

CREATE INDEX events_position_idx ON events (latitude, longitude) WHERE latitude IS NOT NULL;
CREATE INDEX poster_sites_position_idx ON poster_sites (latitude, longitude) WHERE latitude IS NOT NULL;
CREATE INDEX route_stops_first_position_idx ON route_stops (latitude, longitude) WHERE position = 0;
