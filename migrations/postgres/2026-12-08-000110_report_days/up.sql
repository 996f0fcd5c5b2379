-- The campaign reports' figures kept per branch, measure and branch-local day,
-- so a national report reads 20 branches x its days of rows instead of the raw
-- tables (issue 18: 100,000 volunteers and 200,000 sign-ups at scale 10).
-- Kept by triggers in the transaction of every write to the raw rows: no write
-- path, present or future, can forget them. `day` is '' for the figures as of
-- now (volunteers by status, routes). A row's numbers are sums whose meaning
-- the measure states (src/db/report_days.rs); rows that fall to zero stay.
CREATE TABLE report_days (
    measure TEXT NOT NULL,
    branch_code TEXT NOT NULL,
    day TEXT NOT NULL,
    key TEXT NOT NULL,
    key2 TEXT NOT NULL,
    v0 BIGINT NOT NULL DEFAULT 0,
    v1 BIGINT NOT NULL DEFAULT 0,
    v2 BIGINT NOT NULL DEFAULT 0,
    v3 BIGINT NOT NULL DEFAULT 0,
    v4 BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (measure, branch_code, day, key, key2)
);

-- Each branch's UTC offset, which the triggers need to tell a local day. The
-- server sets it from the branch's time zone after migrating and rebuilds
-- `report_days` whenever it changes (Kazakhstan keeps no daylight saving time).
ALTER TABLE branches ADD COLUMN utc_offset_minutes INTEGER;

CREATE FUNCTION report_local_day(at TIMESTAMP, branch TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT to_char(at + utc_offset_minutes * INTERVAL '1 minute', 'YYYY-MM-DD') FROM branches WHERE code = branch;
$$;

-- One change to the figures: what a row adds (or, negated, takes away).
CREATE TYPE report_delta AS (
    measure TEXT, branch_code TEXT, day TEXT, key TEXT, key2 TEXT,
    v0 BIGINT, v1 BIGINT, v2 BIGINT, v3 BIGINT, v4 BIGINT
);

-- Adds the deltas of one trigger call in one statement, summed per row and in
-- key order: two transactions lock the rows they share in the same order (no
-- deadlock), and no row is hit twice by one upsert.
CREATE FUNCTION report_days_apply(deltas report_delta[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO report_days AS r (measure, branch_code, day, key, key2, v0, v1, v2, v3, v4)
    SELECT measure, branch_code, day, key, key2, SUM(v0), SUM(v1), SUM(v2), SUM(v3), SUM(v4)
    FROM unnest(deltas)
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET
        v0 = r.v0 + excluded.v0, v1 = r.v1 + excluded.v1, v2 = r.v2 + excluded.v2,
        v3 = r.v3 + excluded.v3, v4 = r.v4 + excluded.v4;
$$;

-- Volunteers: new ones per day of their record, and everyone by status.
CREATE FUNCTION report_days_volunteers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas report_delta[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        deltas := deltas
            || ROW('volunteers_new', OLD.branch_code, report_local_day(OLD.created_at, OLD.branch_code), '', '',
                   -1, 0, 0, 0, 0)::report_delta
            || ROW('volunteers', OLD.branch_code, '', OLD.status, '', -1, 0, 0, 0, 0)::report_delta;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        deltas := deltas
            || ROW('volunteers_new', NEW.branch_code, report_local_day(NEW.created_at, NEW.branch_code), '', '',
                   1, 0, 0, 0, 0)::report_delta
            || ROW('volunteers', NEW.branch_code, '', NEW.status, '', 1, 0, 0, 0, 0)::report_delta;
    END IF;
    PERFORM report_days_apply(deltas);
    RETURN NULL;
END
$$;
CREATE TRIGGER report_days_volunteer_insert AFTER INSERT OR DELETE ON volunteers
    FOR EACH ROW EXECUTE FUNCTION report_days_volunteers();
CREATE TRIGGER report_days_volunteer_update AFTER UPDATE ON volunteers FOR EACH ROW
    WHEN (OLD.branch_code IS DISTINCT FROM NEW.branch_code OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION report_days_volunteers();

-- The shifts and sign-ups an event's shifts contribute (live shifts of
-- scheduled and completed events), signed, for the event as `branch` and
-- `status` say.
CREATE FUNCTION report_event_shift_deltas(in_event TEXT, in_branch TEXT, in_status TEXT, in_sign BIGINT)
RETURNS report_delta[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
        SELECT ROW('shifts', in_branch, report_local_day(s.starts_at, in_branch), '', '', in_sign, in_sign * s.capacity, 0, 0, 0)::report_delta
        FROM shifts s WHERE s.event_id = in_event AND s.cancelled_at IS NULL AND in_status IN ('scheduled', 'completed')
        UNION ALL
        SELECT ROW('signups', in_branch, report_local_day(s.starts_at, in_branch), '', '',
                   in_sign * (a.status IN ('signed_up', 'attended', 'no_show'))::int,
                   in_sign * (a.status = 'attended')::int, in_sign * (a.status = 'no_show')::int, 0, 0)::report_delta
        FROM shifts s JOIN assignments a ON a.shift_id = s.id
        WHERE s.event_id = in_event AND s.cancelled_at IS NULL AND in_status IN ('scheduled', 'completed')
    );
$$;

-- Events by day of their start, kind and status. A change of an event's
-- status or branch also moves its shifts and sign-ups.
CREATE FUNCTION report_days_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas report_delta[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        deltas := deltas || ROW('events', OLD.branch_code, report_local_day(OLD.starts_at, OLD.branch_code),
                                OLD.kind, OLD.status, -1, 0, 0, 0, 0)::report_delta;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        deltas := deltas || ROW('events', NEW.branch_code, report_local_day(NEW.starts_at, NEW.branch_code),
                                NEW.kind, NEW.status, 1, 0, 0, 0, 0)::report_delta;
    END IF;
    IF TG_OP = 'UPDATE' AND (OLD.branch_code IS DISTINCT FROM NEW.branch_code
                             OR (OLD.status IN ('scheduled', 'completed')) IS DISTINCT FROM (NEW.status IN ('scheduled', 'completed'))) THEN
        deltas := deltas || report_event_shift_deltas(OLD.id, OLD.branch_code, OLD.status, -1)
                         || report_event_shift_deltas(NEW.id, NEW.branch_code, NEW.status, 1);
    END IF;
    PERFORM report_days_apply(deltas);
    RETURN NULL;
END
$$;
CREATE TRIGGER report_days_event_insert AFTER INSERT OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION report_days_events();
CREATE TRIGGER report_days_event_update AFTER UPDATE ON events FOR EACH ROW
    WHEN (OLD.branch_code IS DISTINCT FROM NEW.branch_code OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.starts_at IS DISTINCT FROM NEW.starts_at)
    EXECUTE FUNCTION report_days_events();

-- What one shift contributes (with its sign-ups when `with_signups`), signed,
-- for the shift as the arguments say and its event as it is.
CREATE FUNCTION report_shift_deltas(in_shift TEXT, in_event TEXT, in_starts_at TIMESTAMP, in_capacity INTEGER,
                                    in_cancelled_at TIMESTAMP, in_sign BIGINT, in_with_signups BOOLEAN)
RETURNS report_delta[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
        SELECT ROW('shifts', e.branch_code, report_local_day(in_starts_at, e.branch_code), '', '',
                   in_sign, in_sign * in_capacity, 0, 0, 0)::report_delta
        FROM events e WHERE e.id = in_event AND e.status IN ('scheduled', 'completed') AND in_cancelled_at IS NULL
        UNION ALL
        SELECT ROW('signups', e.branch_code, report_local_day(in_starts_at, e.branch_code), '', '',
                   in_sign * (a.status IN ('signed_up', 'attended', 'no_show'))::int,
                   in_sign * (a.status = 'attended')::int, in_sign * (a.status = 'no_show')::int, 0, 0)::report_delta
        FROM events e JOIN assignments a ON a.shift_id = in_shift
        WHERE in_with_signups AND e.id = in_event AND e.status IN ('scheduled', 'completed') AND in_cancelled_at IS NULL
    );
$$;

-- Shifts (live ones of live events): count and capacity by the day of their
-- start; moving or cancelling one also moves its sign-ups.
CREATE FUNCTION report_days_shifts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas report_delta[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        deltas := deltas || report_shift_deltas(OLD.id, OLD.event_id, OLD.starts_at, OLD.capacity, OLD.cancelled_at,
                                                -1, TG_OP = 'UPDATE');
    END IF;
    IF TG_OP <> 'DELETE' THEN
        deltas := deltas || report_shift_deltas(NEW.id, NEW.event_id, NEW.starts_at, NEW.capacity, NEW.cancelled_at,
                                                1, TG_OP = 'UPDATE');
    END IF;
    PERFORM report_days_apply(deltas);
    RETURN NULL;
END
$$;
CREATE TRIGGER report_days_shift_insert AFTER INSERT OR DELETE ON shifts
    FOR EACH ROW EXECUTE FUNCTION report_days_shifts();
CREATE TRIGGER report_days_shift_update AFTER UPDATE ON shifts FOR EACH ROW
    WHEN (OLD.event_id IS DISTINCT FROM NEW.event_id OR OLD.starts_at IS DISTINCT FROM NEW.starts_at
          OR OLD.capacity IS DISTINCT FROM NEW.capacity OR OLD.cancelled_at IS DISTINCT FROM NEW.cancelled_at)
    EXECUTE FUNCTION report_days_shifts();

-- Sign-ups of live shifts of live events by the day of the shift's start:
-- places taken (signed up, attended, no-show), attended, no-show.
CREATE FUNCTION report_assignment_deltas(in_shift TEXT, in_status TEXT, in_sign BIGINT)
RETURNS report_delta[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
        SELECT ROW('signups', e.branch_code, report_local_day(s.starts_at, e.branch_code), '', '',
                   in_sign * (in_status IN ('signed_up', 'attended', 'no_show'))::int,
                   in_sign * (in_status = 'attended')::int, in_sign * (in_status = 'no_show')::int, 0, 0)::report_delta
        FROM shifts s JOIN events e ON e.id = s.event_id
        WHERE s.id = in_shift AND s.cancelled_at IS NULL AND e.status IN ('scheduled', 'completed')
    );
$$;
CREATE FUNCTION report_days_assignments() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas report_delta[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        deltas := deltas || report_assignment_deltas(OLD.shift_id, OLD.status, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        deltas := deltas || report_assignment_deltas(NEW.shift_id, NEW.status, 1);
    END IF;
    PERFORM report_days_apply(deltas);
    RETURN NULL;
END
$$;
CREATE TRIGGER report_days_assignment_insert AFTER INSERT OR DELETE ON assignments
    FOR EACH ROW EXECUTE FUNCTION report_days_assignments();
CREATE TRIGGER report_days_assignment_update AFTER UPDATE ON assignments FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.shift_id IS DISTINCT FROM NEW.shift_id)
    EXECUTE FUNCTION report_days_assignments();

-- Routes as of now: routes, stops, stops visited.
CREATE FUNCTION report_days_routes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas report_delta[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        deltas := deltas || ROW('routes', OLD.branch_code, '', '', '', -1, -OLD.stops_total, -OLD.stops_visited, 0, 0)::report_delta;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        deltas := deltas || ROW('routes', NEW.branch_code, '', '', '', 1, NEW.stops_total, NEW.stops_visited, 0, 0)::report_delta;
    END IF;
    PERFORM report_days_apply(deltas);
    RETURN NULL;
END
$$;
CREATE TRIGGER report_days_route_insert AFTER INSERT OR DELETE ON routes
    FOR EACH ROW EXECUTE FUNCTION report_days_routes();
CREATE TRIGGER report_days_route_update AFTER UPDATE ON routes FOR EACH ROW
    WHEN (OLD.branch_code IS DISTINCT FROM NEW.branch_code OR OLD.stops_total IS DISTINCT FROM NEW.stops_total
          OR OLD.stops_visited IS DISTINCT FROM NEW.stops_visited)
    EXECUTE FUNCTION report_days_routes();

-- Social-media posts not removed, by the day they were published: posts and
-- their latest reach (views, reactions, shares, comments).
CREATE FUNCTION report_days_social_posts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas report_delta[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.removed_at IS NULL THEN
        deltas := deltas || ROW('social', OLD.branch_code, report_local_day(OLD.published_at, OLD.branch_code), '', '',
                                -1, -COALESCE(OLD.views, 0), -COALESCE(OLD.reactions, 0), -COALESCE(OLD.shares, 0),
                                -COALESCE(OLD.comments, 0))::report_delta;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.removed_at IS NULL THEN
        deltas := deltas || ROW('social', NEW.branch_code, report_local_day(NEW.published_at, NEW.branch_code), '', '',
                                1, COALESCE(NEW.views, 0), COALESCE(NEW.reactions, 0), COALESCE(NEW.shares, 0),
                                COALESCE(NEW.comments, 0))::report_delta;
    END IF;
    PERFORM report_days_apply(deltas);
    RETURN NULL;
END
$$;
CREATE TRIGGER report_days_social_post_insert AFTER INSERT OR DELETE ON social_posts
    FOR EACH ROW EXECUTE FUNCTION report_days_social_posts();
CREATE TRIGGER report_days_social_post_update AFTER UPDATE ON social_posts FOR EACH ROW
    WHEN (OLD.branch_code IS DISTINCT FROM NEW.branch_code OR OLD.published_at IS DISTINCT FROM NEW.published_at
          OR OLD.removed_at IS DISTINCT FROM NEW.removed_at OR OLD.views IS DISTINCT FROM NEW.views
          OR OLD.reactions IS DISTINCT FROM NEW.reactions OR OLD.shares IS DISTINCT FROM NEW.shares
          OR OLD.comments IS DISTINCT FROM NEW.comments)
    EXECUTE FUNCTION report_days_social_posts();

-- Poster sites as of now: v0 active sites, v1 of them with a poster hanging.
CREATE FUNCTION report_days_poster_sites() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas report_delta[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        deltas := deltas || ROW('poster_sites', OLD.branch_code, '', '', '', -(OLD.status = 'active')::int,
                                -(OLD.status = 'active' AND OLD.current_posters > 0)::int, 0, 0, 0)::report_delta;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        deltas := deltas || ROW('poster_sites', NEW.branch_code, '', '', '', (NEW.status = 'active')::int,
                                (NEW.status = 'active' AND NEW.current_posters > 0)::int, 0, 0, 0)::report_delta;
    END IF;
    PERFORM report_days_apply(deltas);
    RETURN NULL;
END
$$;
CREATE TRIGGER report_days_poster_site_insert AFTER INSERT OR DELETE ON poster_sites
    FOR EACH ROW EXECUTE FUNCTION report_days_poster_sites();
CREATE TRIGGER report_days_poster_site_update AFTER UPDATE ON poster_sites FOR EACH ROW
    WHEN (OLD.branch_code IS DISTINCT FROM NEW.branch_code OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.current_posters IS DISTINCT FROM NEW.current_posters)
    EXECUTE FUNCTION report_days_poster_sites();

-- Poster placements by the day placed: v0 posters (their quantities), v1 placements.
CREATE FUNCTION report_days_poster_placements() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas report_delta[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        deltas := deltas || ROW('posters', OLD.branch_code, report_local_day(OLD.placed_at, OLD.branch_code), '', '',
                                -OLD.quantity, -1, 0, 0, 0)::report_delta;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        deltas := deltas || ROW('posters', NEW.branch_code, report_local_day(NEW.placed_at, NEW.branch_code), '', '',
                                NEW.quantity, 1, 0, 0, 0)::report_delta;
    END IF;
    PERFORM report_days_apply(deltas);
    RETURN NULL;
END
$$;
CREATE TRIGGER report_days_poster_placement_insert AFTER INSERT OR DELETE ON poster_placements
    FOR EACH ROW EXECUTE FUNCTION report_days_poster_placements();
CREATE TRIGGER report_days_poster_placement_update AFTER UPDATE ON poster_placements FOR EACH ROW
    WHEN (OLD.branch_code IS DISTINCT FROM NEW.branch_code OR OLD.placed_at IS DISTINCT FROM NEW.placed_at
          OR OLD.quantity IS DISTINCT FROM NEW.quantity)
    EXECUTE FUNCTION report_days_poster_placements();

-- Meetings held, by their event's start: v0 meetings, v1 attendance (their
-- reports'), v2 attendance at work-collective meetings (with an organisation);
-- and `organisations`: per work collective met (key), v0 its held meetings.
-- What a meeting contributes, signed, for the meeting, its event and its report
-- as the arguments say (NULL: as stored).
CREATE FUNCTION report_meeting_deltas(in_meeting TEXT, in_status TEXT, in_organisation TEXT,
                                      in_branch TEXT, in_starts_at TIMESTAMP, in_sign BIGINT)
RETURNS report_delta[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
        SELECT ROW('meetings', COALESCE(in_branch, e.branch_code),
                   report_local_day(COALESCE(in_starts_at, e.starts_at), COALESCE(in_branch, e.branch_code)), '', '',
                   in_sign, in_sign * COALESCE(r.attendance, 0),
                   in_sign * CASE WHEN in_organisation IS NOT NULL THEN COALESCE(r.attendance, 0) ELSE 0 END,
                   0, 0)::report_delta
        FROM events e LEFT JOIN meeting_reports r ON r.meeting_id = in_meeting
        WHERE e.id = in_meeting AND in_status = 'held'
        UNION ALL
        SELECT ROW('organisations', COALESCE(in_branch, e.branch_code),
                   report_local_day(COALESCE(in_starts_at, e.starts_at), COALESCE(in_branch, e.branch_code)),
                   in_organisation, '', in_sign, 0, 0, 0, 0)::report_delta
        FROM events e
        WHERE e.id = in_meeting AND in_status = 'held' AND in_organisation IS NOT NULL
    );
$$;
CREATE FUNCTION report_days_meetings() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas report_delta[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        deltas := deltas || report_meeting_deltas(OLD.event_id, OLD.status, OLD.organisation_id, NULL, NULL, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        deltas := deltas || report_meeting_deltas(NEW.event_id, NEW.status, NEW.organisation_id, NULL, NULL, 1);
    END IF;
    PERFORM report_days_apply(deltas);
    RETURN NULL;
END
$$;
CREATE TRIGGER report_days_meeting_insert AFTER INSERT OR DELETE ON meetings
    FOR EACH ROW EXECUTE FUNCTION report_days_meetings();
CREATE TRIGGER report_days_meeting_update AFTER UPDATE ON meetings FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
    EXECUTE FUNCTION report_days_meetings();

-- A report's attendance, signed, into its held meeting's figures.
CREATE FUNCTION report_meeting_report_deltas(in_meeting TEXT, in_attendance INTEGER, in_sign BIGINT)
RETURNS report_delta[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
        SELECT ROW('meetings', e.branch_code, report_local_day(e.starts_at, e.branch_code), '', '', 0,
                   in_sign * in_attendance,
                   in_sign * CASE WHEN m.organisation_id IS NOT NULL THEN in_attendance ELSE 0 END, 0, 0)::report_delta
        FROM meetings m JOIN events e ON e.id = m.event_id
        WHERE m.event_id = in_meeting AND m.status = 'held'
    );
$$;
CREATE FUNCTION report_days_meeting_reports() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deltas report_delta[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        deltas := deltas || report_meeting_report_deltas(OLD.meeting_id, OLD.attendance, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        deltas := deltas || report_meeting_report_deltas(NEW.meeting_id, NEW.attendance, 1);
    END IF;
    PERFORM report_days_apply(deltas);
    RETURN NULL;
END
$$;
CREATE TRIGGER report_days_meeting_report_insert AFTER INSERT OR DELETE ON meeting_reports
    FOR EACH ROW EXECUTE FUNCTION report_days_meeting_reports();
CREATE TRIGGER report_days_meeting_report_update AFTER UPDATE ON meeting_reports FOR EACH ROW
    WHEN (OLD.attendance IS DISTINCT FROM NEW.attendance OR OLD.meeting_id IS DISTINCT FROM NEW.meeting_id)
    EXECUTE FUNCTION report_days_meeting_reports();

-- A meeting's event moved in time or to another branch moves the meeting's figures.
CREATE FUNCTION report_days_meeting_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_days_apply(
        ARRAY(SELECT unnest(report_meeting_deltas(m.event_id, m.status, m.organisation_id, OLD.branch_code, OLD.starts_at, -1))
              FROM meetings m WHERE m.event_id = OLD.id)
        || ARRAY(SELECT unnest(report_meeting_deltas(m.event_id, m.status, m.organisation_id, NEW.branch_code, NEW.starts_at, 1))
                 FROM meetings m WHERE m.event_id = NEW.id));
    RETURN NULL;
END
$$;
CREATE TRIGGER report_days_meeting_event_update AFTER UPDATE ON events FOR EACH ROW
    WHEN (OLD.branch_code IS DISTINCT FROM NEW.branch_code OR OLD.starts_at IS DISTINCT FROM NEW.starts_at)
    EXECUTE FUNCTION report_days_meeting_events();

-- The reports' rural settlements reached: one index probe per settlement.
CREATE INDEX routes_visited_locality_idx ON routes (locality_id) WHERE stops_visited > 0;
CREATE INDEX events_completed_locality_idx ON events (locality_id) WHERE status = 'completed';
CREATE INDEX poster_sites_hanging_locality_idx ON poster_sites (locality_id)
    WHERE status = 'active' AND current_posters > 0;
