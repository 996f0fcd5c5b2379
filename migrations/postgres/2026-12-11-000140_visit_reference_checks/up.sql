-- A visit's stop and volunteer, checked once per statement instead of once per
-- row.
--
-- As foreign keys, they checked each written visit with a query of its own: a
-- 500-visit sync ran 500 lookups, each with a row lock, a fifth of the machine's
-- CPU under eight concurrent syncs. The triggers below check all the rows a
-- statement wrote with one query, and keep the foreign keys' guarantee:
--   * a visit's stop is a stop of the visit's route; its volunteer, when set,
--     exists;
--   * a stop or a volunteer that a visit refers to is not deleted, and neither
--     changes its key.
-- The violation is reported as a foreign key's is (SQLSTATE 23503).
--
-- Concurrent writers are ordered as a foreign key orders them, by row locks on
-- the parents. A visit's writer locks its routes FOR SHARE and its volunteers
-- FOR KEY SHARE; a stop's remover locks the stop's route FOR NO KEY UPDATE and a
-- volunteer's remover holds the volunteer's row (its DELETE). Whoever comes
-- second waits for the first to end, and its check then sees what the first
-- committed (under READ COMMITTED each statement of a trigger reads the latest
-- committed rows).
ALTER TABLE visits DROP CONSTRAINT visits_route_stop_fkey;
ALTER TABLE visits DROP CONSTRAINT visits_volunteer_id_fkey;

CREATE FUNCTION visits_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    route_ids TEXT[];
    volunteer_ids TEXT[];
    missing TEXT;
BEGIN
    -- The parents, each once and in one order (as arrays: `IN (SELECT ...)` over
    -- the transition table was planned as a scan of every route).
    SELECT array_agg(DISTINCT route_id ORDER BY route_id),
           array_agg(DISTINCT volunteer_id ORDER BY volunteer_id) FILTER (WHERE volunteer_id IS NOT NULL)
        INTO route_ids, volunteer_ids FROM new_visits;
    PERFORM 1 FROM routes WHERE id = ANY (route_ids) ORDER BY id FOR SHARE;
    -- The stops of those routes are read once, into a hash that every visit is
    -- looked up in (a hashed NOT IN; the keys are never NULL).
    SELECT n.stop_id INTO missing FROM new_visits n
        WHERE (n.route_id, n.stop_id) NOT IN (SELECT s.route_id, s.id FROM route_stops s WHERE s.route_id = ANY (route_ids))
        LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING TABLE = 'visits', CONSTRAINT = 'visits_route_stop_check',
            MESSAGE = format('a visit refers to stop %s, which is not a stop of its route', missing);
    END IF;
    IF volunteer_ids IS NOT NULL THEN
        PERFORM 1 FROM volunteers WHERE id = ANY (volunteer_ids) ORDER BY id FOR KEY SHARE;
        SELECT wanted.id INTO missing FROM unnest(volunteer_ids) AS wanted(id)
            WHERE NOT EXISTS (SELECT 1 FROM volunteers v WHERE v.id = wanted.id)
            LIMIT 1;
        IF FOUND THEN
            RAISE foreign_key_violation USING TABLE = 'visits', CONSTRAINT = 'visits_volunteer_check',
                MESSAGE = format('a visit refers to volunteer %s, which does not exist', missing);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER visits_check_references_insert AFTER INSERT ON visits
    REFERENCING NEW TABLE AS new_visits FOR EACH STATEMENT EXECUTE FUNCTION visits_check_references();
CREATE TRIGGER visits_check_references_update AFTER UPDATE ON visits
    REFERENCING NEW TABLE AS new_visits FOR EACH STATEMENT EXECUTE FUNCTION visits_check_references();

CREATE FUNCTION route_stops_check_visits() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    visited TEXT;
BEGIN
    -- An array, as above: `IN (SELECT ...)` over a transition table was planned
    -- as a scan of every route.
    PERFORM 1 FROM routes WHERE id = ANY (ARRAY(SELECT DISTINCT route_id FROM old_stops)) ORDER BY id FOR NO KEY UPDATE;
    SELECT o.id INTO visited FROM old_stops o
        WHERE EXISTS (SELECT 1 FROM visits v WHERE v.route_id = o.route_id AND v.stop_id = o.id)
        LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING TABLE = 'route_stops', CONSTRAINT = 'visits_route_stop_check',
            MESSAGE = format('stop %s has visits', visited);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER route_stops_check_visits AFTER DELETE ON route_stops
    REFERENCING OLD TABLE AS old_stops FOR EACH STATEMENT EXECUTE FUNCTION route_stops_check_visits();

CREATE FUNCTION volunteers_check_visits() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    referenced TEXT;
BEGIN
    SELECT o.id INTO referenced FROM old_volunteers o
        WHERE EXISTS (SELECT 1 FROM visits v WHERE v.volunteer_id = o.id)
        LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING TABLE = 'volunteers', CONSTRAINT = 'visits_volunteer_check',
            MESSAGE = format('volunteer %s has visits', referenced);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER volunteers_check_visits AFTER DELETE ON volunteers
    REFERENCING OLD TABLE AS old_volunteers FOR EACH STATEMENT EXECUTE FUNCTION volunteers_check_visits();

-- The keys that visits refer to never change (nothing changes them). A
-- foreign key would refuse the change of a referenced key only; refusing any
-- statement that sets them costs nothing per row (a row trigger would fetch
-- every row a sync's UPDATE of its stops touches).
CREATE FUNCTION refuse_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE foreign_key_violation USING TABLE = TG_TABLE_NAME, MESSAGE = format('the keys of %s do not change', TG_TABLE_NAME);
END
$$;

CREATE TRIGGER route_stops_keys_fixed BEFORE UPDATE OF id, route_id ON route_stops
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_key_change();
CREATE TRIGGER volunteers_key_fixed BEFORE UPDATE OF id ON volunteers
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_key_change();
