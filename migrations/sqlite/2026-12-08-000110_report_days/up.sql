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

-- The local day of an instant in a branch: date(at, printf('%+d minutes', offset)).

-- Volunteers: new ones per day of their record, and everyone by status.
CREATE TRIGGER report_days_volunteer_insert AFTER INSERT ON volunteers BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0)
    VALUES ('volunteers_new', NEW.branch_code,
            date(NEW.created_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = NEW.branch_code)),
            '', '', 1),
           ('volunteers', NEW.branch_code, '', NEW.status, '', 1)
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0;
END;
CREATE TRIGGER report_days_volunteer_delete AFTER DELETE ON volunteers BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0)
    VALUES ('volunteers_new', OLD.branch_code,
            date(OLD.created_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = OLD.branch_code)),
            '', '', -1),
           ('volunteers', OLD.branch_code, '', OLD.status, '', -1)
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0;
END;
CREATE TRIGGER report_days_volunteer_update AFTER UPDATE ON volunteers
WHEN OLD.branch_code IS NOT NEW.branch_code OR OLD.status IS NOT NEW.status OR OLD.created_at IS NOT NEW.created_at
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0)
    VALUES ('volunteers_new', OLD.branch_code,
            date(OLD.created_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = OLD.branch_code)),
            '', '', -1),
           ('volunteers', OLD.branch_code, '', OLD.status, '', -1),
           ('volunteers_new', NEW.branch_code,
            date(NEW.created_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = NEW.branch_code)),
            '', '', 1),
           ('volunteers', NEW.branch_code, '', NEW.status, '', 1)
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0;
END;

-- Events by day of their start, kind and status. A change of an event's
-- status or branch also moves its shifts and sign-ups (only the live shifts
-- of scheduled and completed events count).
CREATE TRIGGER report_days_event_insert AFTER INSERT ON events BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0)
    VALUES ('events', NEW.branch_code,
            date(NEW.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = NEW.branch_code)),
            NEW.kind, NEW.status, 1)
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0;
END;
CREATE TRIGGER report_days_event_delete AFTER DELETE ON events BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0)
    VALUES ('events', OLD.branch_code,
            date(OLD.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = OLD.branch_code)),
            OLD.kind, OLD.status, -1)
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0;
END;
CREATE TRIGGER report_days_event_update AFTER UPDATE ON events
WHEN OLD.branch_code IS NOT NEW.branch_code OR OLD.status IS NOT NEW.status OR OLD.kind IS NOT NEW.kind
    OR OLD.starts_at IS NOT NEW.starts_at
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0)
    VALUES ('events', OLD.branch_code,
            date(OLD.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = OLD.branch_code)),
            OLD.kind, OLD.status, -1),
           ('events', NEW.branch_code,
            date(NEW.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = NEW.branch_code)),
            NEW.kind, NEW.status, 1)
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0;
END;
CREATE TRIGGER report_days_event_liveness AFTER UPDATE ON events
WHEN OLD.branch_code IS NOT NEW.branch_code OR (OLD.status IN ('scheduled', 'completed')) IS NOT (NEW.status IN ('scheduled', 'completed'))
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1)
    SELECT 'shifts', b.code, date(s.starts_at, printf('%+d minutes', b.utc_offset_minutes)), '', '',
           SUM(side.sign), SUM(side.sign * s.capacity)
    FROM (SELECT -1 AS sign, OLD.branch_code AS branch_code WHERE OLD.status IN ('scheduled', 'completed')
          UNION ALL SELECT 1, NEW.branch_code WHERE NEW.status IN ('scheduled', 'completed')) AS side
    JOIN shifts s ON s.event_id = NEW.id
    JOIN branches b ON b.code = side.branch_code
    WHERE s.cancelled_at IS NULL
    GROUP BY 2, 3
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1;
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    SELECT 'signups', b.code, date(s.starts_at, printf('%+d minutes', b.utc_offset_minutes)), '', '',
           SUM(side.sign * (a.status IN ('signed_up', 'attended', 'no_show'))),
           SUM(side.sign * (a.status = 'attended')),
           SUM(side.sign * (a.status = 'no_show'))
    FROM (SELECT -1 AS sign, OLD.branch_code AS branch_code WHERE OLD.status IN ('scheduled', 'completed')
          UNION ALL SELECT 1, NEW.branch_code WHERE NEW.status IN ('scheduled', 'completed')) AS side
    JOIN shifts s ON s.event_id = NEW.id JOIN assignments a ON a.shift_id = s.id
    JOIN branches b ON b.code = side.branch_code
    WHERE s.cancelled_at IS NULL
    GROUP BY 2, 3
    ON CONFLICT (measure, branch_code, day, key, key2)
    DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;

-- Shifts (live ones of live events): count and capacity by the day of their
-- start; moving or cancelling one also moves its sign-ups.
CREATE TRIGGER report_days_shift_insert AFTER INSERT ON shifts
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1)
    SELECT 'shifts', b.code, date(s.starts_at, printf('%+d minutes', b.utc_offset_minutes)), '', '',
           SUM(s.sign), SUM(s.sign * s.capacity)
    FROM (SELECT 1 AS sign, e.branch_code AS branch_code, NEW.starts_at AS starts_at, NEW.capacity AS capacity, NEW.id AS shift_id FROM events e WHERE e.id = NEW.event_id AND e.status IN ('scheduled', 'completed') AND NEW.cancelled_at IS NULL) AS s
    JOIN branches b ON b.code = s.branch_code
    WHERE true
    GROUP BY 2, 3
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1;
END;
CREATE TRIGGER report_days_shift_delete AFTER DELETE ON shifts
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1)
    SELECT 'shifts', b.code, date(s.starts_at, printf('%+d minutes', b.utc_offset_minutes)), '', '',
           SUM(s.sign), SUM(s.sign * s.capacity)
    FROM (SELECT -1 AS sign, e.branch_code AS branch_code, OLD.starts_at AS starts_at, OLD.capacity AS capacity, OLD.id AS shift_id FROM events e WHERE e.id = OLD.event_id AND e.status IN ('scheduled', 'completed') AND OLD.cancelled_at IS NULL) AS s
    JOIN branches b ON b.code = s.branch_code
    WHERE true
    GROUP BY 2, 3
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1;
END;
CREATE TRIGGER report_days_shift_update AFTER UPDATE ON shifts
WHEN OLD.event_id IS NOT NEW.event_id OR OLD.starts_at IS NOT NEW.starts_at
    OR OLD.capacity IS NOT NEW.capacity OR OLD.cancelled_at IS NOT NEW.cancelled_at
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1)
    SELECT 'shifts', b.code, date(s.starts_at, printf('%+d minutes', b.utc_offset_minutes)), '', '',
           SUM(s.sign), SUM(s.sign * s.capacity)
    FROM (SELECT -1 AS sign, e.branch_code AS branch_code, OLD.starts_at AS starts_at, OLD.capacity AS capacity, OLD.id AS shift_id FROM events e WHERE e.id = OLD.event_id AND e.status IN ('scheduled', 'completed') AND OLD.cancelled_at IS NULL
          UNION ALL SELECT 1 AS sign, e.branch_code AS branch_code, NEW.starts_at AS starts_at, NEW.capacity AS capacity, NEW.id AS shift_id FROM events e WHERE e.id = NEW.event_id AND e.status IN ('scheduled', 'completed') AND NEW.cancelled_at IS NULL) AS s
    JOIN branches b ON b.code = s.branch_code
    WHERE true
    GROUP BY 2, 3
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1;
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    SELECT 'signups', b.code, date(s.starts_at, printf('%+d minutes', b.utc_offset_minutes)), '', '',
           SUM(s.sign * (a.status IN ('signed_up', 'attended', 'no_show'))),
           SUM(s.sign * (a.status = 'attended')),
           SUM(s.sign * (a.status = 'no_show'))
    FROM (SELECT -1 AS sign, e.branch_code AS branch_code, OLD.starts_at AS starts_at, OLD.capacity AS capacity, OLD.id AS shift_id FROM events e WHERE e.id = OLD.event_id AND e.status IN ('scheduled', 'completed') AND OLD.cancelled_at IS NULL
          UNION ALL SELECT 1 AS sign, e.branch_code AS branch_code, NEW.starts_at AS starts_at, NEW.capacity AS capacity, NEW.id AS shift_id FROM events e WHERE e.id = NEW.event_id AND e.status IN ('scheduled', 'completed') AND NEW.cancelled_at IS NULL) AS s
    JOIN branches b ON b.code = s.branch_code
    JOIN assignments a ON a.shift_id = s.shift_id
    WHERE true
    GROUP BY 2, 3
    ON CONFLICT (measure, branch_code, day, key, key2)
    DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;

-- Sign-ups of live shifts of live events by the day of the shift's start:
-- places taken (signed up, attended, no-show), attended, no-show.
CREATE TRIGGER report_days_assignment_insert AFTER INSERT ON assignments
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    SELECT 'signups', b.code, date(s.starts_at, printf('%+d minutes', b.utc_offset_minutes)), '', '',
           SUM(a.sign * (a.status IN ('signed_up', 'attended', 'no_show'))),
           SUM(a.sign * (a.status = 'attended')),
           SUM(a.sign * (a.status = 'no_show'))
    FROM (SELECT 1 AS sign, NEW.status AS status, NEW.shift_id AS shift_id) AS a
    JOIN shifts s ON s.id = a.shift_id
    JOIN events e ON e.id = s.event_id
    JOIN branches b ON b.code = e.branch_code
    WHERE s.cancelled_at IS NULL AND e.status IN ('scheduled', 'completed')
    GROUP BY 2, 3
    ON CONFLICT (measure, branch_code, day, key, key2)
    DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;
CREATE TRIGGER report_days_assignment_delete AFTER DELETE ON assignments
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    SELECT 'signups', b.code, date(s.starts_at, printf('%+d minutes', b.utc_offset_minutes)), '', '',
           SUM(a.sign * (a.status IN ('signed_up', 'attended', 'no_show'))),
           SUM(a.sign * (a.status = 'attended')),
           SUM(a.sign * (a.status = 'no_show'))
    FROM (SELECT -1 AS sign, OLD.status AS status, OLD.shift_id AS shift_id) AS a
    JOIN shifts s ON s.id = a.shift_id
    JOIN events e ON e.id = s.event_id
    JOIN branches b ON b.code = e.branch_code
    WHERE s.cancelled_at IS NULL AND e.status IN ('scheduled', 'completed')
    GROUP BY 2, 3
    ON CONFLICT (measure, branch_code, day, key, key2)
    DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;
CREATE TRIGGER report_days_assignment_update AFTER UPDATE ON assignments
WHEN OLD.status IS NOT NEW.status OR OLD.shift_id IS NOT NEW.shift_id
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    SELECT 'signups', b.code, date(s.starts_at, printf('%+d minutes', b.utc_offset_minutes)), '', '',
           SUM(a.sign * (a.status IN ('signed_up', 'attended', 'no_show'))),
           SUM(a.sign * (a.status = 'attended')),
           SUM(a.sign * (a.status = 'no_show'))
    FROM (SELECT -1 AS sign, OLD.status AS status, OLD.shift_id AS shift_id
          UNION ALL SELECT 1 AS sign, NEW.status AS status, NEW.shift_id AS shift_id) AS a
    JOIN shifts s ON s.id = a.shift_id
    JOIN events e ON e.id = s.event_id
    JOIN branches b ON b.code = e.branch_code
    WHERE s.cancelled_at IS NULL AND e.status IN ('scheduled', 'completed')
    GROUP BY 2, 3
    ON CONFLICT (measure, branch_code, day, key, key2)
    DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;

-- Routes as of now: routes, stops, stops visited.
CREATE TRIGGER report_days_route_insert AFTER INSERT ON routes
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    VALUES ('routes', NEW.branch_code, '', '', '', 1, 1 * NEW.stops_total, 1 * NEW.stops_visited)
    ON CONFLICT (measure, branch_code, day, key, key2)
    DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;
CREATE TRIGGER report_days_route_delete AFTER DELETE ON routes
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    VALUES ('routes', OLD.branch_code, '', '', '', -1, -1 * OLD.stops_total, -1 * OLD.stops_visited)
    ON CONFLICT (measure, branch_code, day, key, key2)
    DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;
CREATE TRIGGER report_days_route_update AFTER UPDATE ON routes
WHEN OLD.branch_code IS NOT NEW.branch_code OR OLD.stops_total IS NOT NEW.stops_total
    OR OLD.stops_visited IS NOT NEW.stops_visited
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    VALUES ('routes', OLD.branch_code, '', '', '', -1, -1 * OLD.stops_total, -1 * OLD.stops_visited),
           ('routes', NEW.branch_code, '', '', '', 1, 1 * NEW.stops_total, 1 * NEW.stops_visited)
    ON CONFLICT (measure, branch_code, day, key, key2)
    DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;

-- Social-media posts not removed, by the day they were published: posts and
-- their latest reach (views, reactions, shares, comments).
CREATE TRIGGER report_days_social_post_insert AFTER INSERT ON social_posts
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2, v3, v4)
    SELECT * FROM (SELECT 'social', NEW.branch_code, date(NEW.published_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = NEW.branch_code)), '', '', 1, 1 * COALESCE(NEW.views, 0), 1 * COALESCE(NEW.reactions, 0), 1 * COALESCE(NEW.shares, 0), 1 * COALESCE(NEW.comments, 0) WHERE NEW.removed_at IS NULL) WHERE true
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4;
END;
CREATE TRIGGER report_days_social_post_delete AFTER DELETE ON social_posts
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2, v3, v4)
    SELECT * FROM (SELECT 'social', OLD.branch_code, date(OLD.published_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = OLD.branch_code)), '', '', -1, -1 * COALESCE(OLD.views, 0), -1 * COALESCE(OLD.reactions, 0), -1 * COALESCE(OLD.shares, 0), -1 * COALESCE(OLD.comments, 0) WHERE OLD.removed_at IS NULL) WHERE true
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4;
END;
CREATE TRIGGER report_days_social_post_update AFTER UPDATE ON social_posts
WHEN OLD.branch_code IS NOT NEW.branch_code OR OLD.published_at IS NOT NEW.published_at
    OR OLD.removed_at IS NOT NEW.removed_at OR OLD.views IS NOT NEW.views OR OLD.reactions IS NOT NEW.reactions
    OR OLD.shares IS NOT NEW.shares OR OLD.comments IS NOT NEW.comments
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2, v3, v4)
    SELECT * FROM (SELECT 'social', OLD.branch_code, date(OLD.published_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = OLD.branch_code)), '', '', -1, -1 * COALESCE(OLD.views, 0), -1 * COALESCE(OLD.reactions, 0), -1 * COALESCE(OLD.shares, 0), -1 * COALESCE(OLD.comments, 0) WHERE OLD.removed_at IS NULL
    UNION ALL SELECT 'social', NEW.branch_code, date(NEW.published_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = NEW.branch_code)), '', '', 1, 1 * COALESCE(NEW.views, 0), 1 * COALESCE(NEW.reactions, 0), 1 * COALESCE(NEW.shares, 0), 1 * COALESCE(NEW.comments, 0) WHERE NEW.removed_at IS NULL) WHERE true
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1,
        v2 = v2 + excluded.v2, v3 = v3 + excluded.v3, v4 = v4 + excluded.v4;
END;

-- Poster sites as of now: v0 active sites, v1 of them with a poster hanging.
CREATE TRIGGER report_days_poster_site_insert AFTER INSERT ON poster_sites
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1)
    VALUES ('poster_sites', NEW.branch_code, '', '', '', 1 * (NEW.status = 'active'), 1 * (NEW.status = 'active' AND NEW.current_posters > 0))
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1;
END;
CREATE TRIGGER report_days_poster_site_delete AFTER DELETE ON poster_sites
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1)
    VALUES ('poster_sites', OLD.branch_code, '', '', '', -1 * (OLD.status = 'active'), -1 * (OLD.status = 'active' AND OLD.current_posters > 0))
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1;
END;
CREATE TRIGGER report_days_poster_site_update AFTER UPDATE ON poster_sites
WHEN OLD.branch_code IS NOT NEW.branch_code OR OLD.status IS NOT NEW.status
    OR OLD.current_posters IS NOT NEW.current_posters
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1)
    VALUES ('poster_sites', OLD.branch_code, '', '', '', -1 * (OLD.status = 'active'), -1 * (OLD.status = 'active' AND OLD.current_posters > 0)),
           ('poster_sites', NEW.branch_code, '', '', '', 1 * (NEW.status = 'active'), 1 * (NEW.status = 'active' AND NEW.current_posters > 0))
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1;
END;

-- Poster placements by the day placed: v0 posters (their quantities), v1 placements.
CREATE TRIGGER report_days_poster_placement_insert AFTER INSERT ON poster_placements
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1)
    VALUES ('posters', NEW.branch_code, date(NEW.placed_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = NEW.branch_code)), '', '', 1 * NEW.quantity, 1)
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1;
END;
CREATE TRIGGER report_days_poster_placement_delete AFTER DELETE ON poster_placements
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1)
    VALUES ('posters', OLD.branch_code, date(OLD.placed_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = OLD.branch_code)), '', '', -1 * OLD.quantity, -1)
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1;
END;
CREATE TRIGGER report_days_poster_placement_update AFTER UPDATE ON poster_placements
WHEN OLD.branch_code IS NOT NEW.branch_code OR OLD.placed_at IS NOT NEW.placed_at
    OR OLD.quantity IS NOT NEW.quantity
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1)
    VALUES ('posters', OLD.branch_code, date(OLD.placed_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = OLD.branch_code)), '', '', -1 * OLD.quantity, -1),
           ('posters', NEW.branch_code, date(NEW.placed_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = NEW.branch_code)), '', '', 1 * NEW.quantity, 1)
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1;
END;

-- Meetings held, by their event's start: v0 meetings, v1 attendance (their
-- reports'), v2 attendance at work-collective meetings (with an organisation);
-- and `organisations`: per work collective met (key), v0 its held meetings.
CREATE TRIGGER report_days_meeting_insert AFTER INSERT ON meetings
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    SELECT * FROM (SELECT 'meetings', e.branch_code, date(e.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = e.branch_code)), '', '', 1, 1 * COALESCE(rep.attendance, 0), 1 * CASE WHEN NEW.organisation_id IS NOT NULL THEN COALESCE(rep.attendance, 0) ELSE 0 END FROM events e LEFT JOIN meeting_reports rep ON rep.meeting_id = NEW.event_id WHERE e.id = NEW.event_id AND NEW.status = 'held'
    UNION ALL SELECT 'organisations', e.branch_code, date(e.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = e.branch_code)), NEW.organisation_id, '', 1, 0, 0 FROM events e WHERE e.id = NEW.event_id AND NEW.status = 'held' AND NEW.organisation_id IS NOT NULL) WHERE true
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;
CREATE TRIGGER report_days_meeting_delete AFTER DELETE ON meetings
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    SELECT * FROM (SELECT 'meetings', e.branch_code, date(e.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = e.branch_code)), '', '', -1, -1 * COALESCE(rep.attendance, 0), -1 * CASE WHEN OLD.organisation_id IS NOT NULL THEN COALESCE(rep.attendance, 0) ELSE 0 END FROM events e LEFT JOIN meeting_reports rep ON rep.meeting_id = OLD.event_id WHERE e.id = OLD.event_id AND OLD.status = 'held'
    UNION ALL SELECT 'organisations', e.branch_code, date(e.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = e.branch_code)), OLD.organisation_id, '', -1, 0, 0 FROM events e WHERE e.id = OLD.event_id AND OLD.status = 'held' AND OLD.organisation_id IS NOT NULL) WHERE true
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;
CREATE TRIGGER report_days_meeting_update AFTER UPDATE ON meetings
WHEN OLD.status IS NOT NEW.status OR OLD.organisation_id IS NOT NEW.organisation_id
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    SELECT * FROM (SELECT 'meetings', e.branch_code, date(e.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = e.branch_code)), '', '', -1, -1 * COALESCE(rep.attendance, 0), -1 * CASE WHEN OLD.organisation_id IS NOT NULL THEN COALESCE(rep.attendance, 0) ELSE 0 END FROM events e LEFT JOIN meeting_reports rep ON rep.meeting_id = OLD.event_id WHERE e.id = OLD.event_id AND OLD.status = 'held'
    UNION ALL SELECT 'organisations', e.branch_code, date(e.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = e.branch_code)), OLD.organisation_id, '', -1, 0, 0 FROM events e WHERE e.id = OLD.event_id AND OLD.status = 'held' AND OLD.organisation_id IS NOT NULL
    UNION ALL SELECT 'meetings', e.branch_code, date(e.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = e.branch_code)), '', '', 1, 1 * COALESCE(rep.attendance, 0), 1 * CASE WHEN NEW.organisation_id IS NOT NULL THEN COALESCE(rep.attendance, 0) ELSE 0 END FROM events e LEFT JOIN meeting_reports rep ON rep.meeting_id = NEW.event_id WHERE e.id = NEW.event_id AND NEW.status = 'held'
    UNION ALL SELECT 'organisations', e.branch_code, date(e.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = e.branch_code)), NEW.organisation_id, '', 1, 0, 0 FROM events e WHERE e.id = NEW.event_id AND NEW.status = 'held' AND NEW.organisation_id IS NOT NULL) WHERE true
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;
CREATE TRIGGER report_days_meeting_report_insert AFTER INSERT ON meeting_reports
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    SELECT * FROM (SELECT 'meetings', e.branch_code, date(e.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = e.branch_code)), '', '', 0, 1 * NEW.attendance, 1 * CASE WHEN m.organisation_id IS NOT NULL THEN NEW.attendance ELSE 0 END FROM meetings m JOIN events e ON e.id = m.event_id WHERE m.event_id = NEW.meeting_id AND m.status = 'held') WHERE true
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;
CREATE TRIGGER report_days_meeting_report_delete AFTER DELETE ON meeting_reports
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    SELECT * FROM (SELECT 'meetings', e.branch_code, date(e.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = e.branch_code)), '', '', 0, -1 * OLD.attendance, -1 * CASE WHEN m.organisation_id IS NOT NULL THEN OLD.attendance ELSE 0 END FROM meetings m JOIN events e ON e.id = m.event_id WHERE m.event_id = OLD.meeting_id AND m.status = 'held') WHERE true
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;
CREATE TRIGGER report_days_meeting_report_update AFTER UPDATE ON meeting_reports
WHEN OLD.attendance IS NOT NEW.attendance OR OLD.meeting_id IS NOT NEW.meeting_id
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    SELECT * FROM (SELECT 'meetings', e.branch_code, date(e.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = e.branch_code)), '', '', 0, -1 * OLD.attendance, -1 * CASE WHEN m.organisation_id IS NOT NULL THEN OLD.attendance ELSE 0 END FROM meetings m JOIN events e ON e.id = m.event_id WHERE m.event_id = OLD.meeting_id AND m.status = 'held'
    UNION ALL SELECT 'meetings', e.branch_code, date(e.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = e.branch_code)), '', '', 0, 1 * NEW.attendance, 1 * CASE WHEN m.organisation_id IS NOT NULL THEN NEW.attendance ELSE 0 END FROM meetings m JOIN events e ON e.id = m.event_id WHERE m.event_id = NEW.meeting_id AND m.status = 'held') WHERE true
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;
CREATE TRIGGER report_days_meeting_event_update AFTER UPDATE ON events
WHEN OLD.branch_code IS NOT NEW.branch_code OR OLD.starts_at IS NOT NEW.starts_at
BEGIN
    INSERT INTO report_days (measure, branch_code, day, key, key2, v0, v1, v2)
    SELECT * FROM (SELECT 'meetings', OLD.branch_code, date(OLD.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = OLD.branch_code)), '', '', -1, -1 * COALESCE(rep.attendance, 0), -1 * CASE WHEN m.organisation_id IS NOT NULL THEN COALESCE(rep.attendance, 0) ELSE 0 END FROM meetings m LEFT JOIN meeting_reports rep ON rep.meeting_id = m.event_id WHERE m.event_id = OLD.id AND m.status = 'held'
    UNION ALL SELECT 'organisations', OLD.branch_code, date(OLD.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = OLD.branch_code)), m.organisation_id, '', -1, 0, 0 FROM meetings m WHERE m.event_id = OLD.id AND m.status = 'held' AND m.organisation_id IS NOT NULL
    UNION ALL SELECT 'meetings', NEW.branch_code, date(NEW.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = NEW.branch_code)), '', '', 1, 1 * COALESCE(rep.attendance, 0), 1 * CASE WHEN m.organisation_id IS NOT NULL THEN COALESCE(rep.attendance, 0) ELSE 0 END FROM meetings m LEFT JOIN meeting_reports rep ON rep.meeting_id = m.event_id WHERE m.event_id = NEW.id AND m.status = 'held'
    UNION ALL SELECT 'organisations', NEW.branch_code, date(NEW.starts_at, (SELECT printf('%+d minutes', utc_offset_minutes) FROM branches WHERE code = NEW.branch_code)), m.organisation_id, '', 1, 0, 0 FROM meetings m WHERE m.event_id = NEW.id AND m.status = 'held' AND m.organisation_id IS NOT NULL) WHERE true
    ON CONFLICT (measure, branch_code, day, key, key2) DO UPDATE SET v0 = v0 + excluded.v0, v1 = v1 + excluded.v1, v2 = v2 + excluded.v2;
END;

-- The reports' rural settlements reached: one index probe per settlement.
CREATE INDEX routes_visited_locality_idx ON routes (locality_id) WHERE stops_visited > 0;
CREATE INDEX events_completed_locality_idx ON events (locality_id) WHERE status = 'completed';
CREATE INDEX poster_sites_hanging_locality_idx ON poster_sites (locality_id)
    WHERE status = 'active' AND current_posters > 0;
