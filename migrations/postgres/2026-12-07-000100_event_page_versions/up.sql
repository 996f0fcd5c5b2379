-- A change counter per branch for its events pages: every write to the branch's
-- events, their shifts or their sign-ups bumps it in its own transaction, so an
-- API instance can tell with one primary-key read whether a page it serialised
-- earlier is still what the database would give (the events page cache).
-- Triggers rather than application code: no write path, present or future, can
-- forget the bump. Statement-level with transition tables, so a bulk insert (the
-- demo seed) bumps each branch once per statement, not once per row.
CREATE TABLE event_page_versions (
    branch_code TEXT PRIMARY KEY REFERENCES branches (code),
    version BIGINT NOT NULL DEFAULT 0
);
INSERT INTO event_page_versions (branch_code) SELECT code FROM branches;

CREATE FUNCTION event_page_versions_branch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_page_versions (branch_code) VALUES (NEW.code) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER event_page_versions_branch AFTER INSERT ON branches
    FOR EACH ROW EXECUTE FUNCTION event_page_versions_branch();

-- Locks the counters in branch order first, so that two statements touching the
-- same branches cannot deadlock on them.
CREATE FUNCTION bump_event_page_versions(touched TEXT[]) RETURNS void LANGUAGE sql AS $$
    UPDATE event_page_versions SET version = version + 1
    WHERE branch_code IN (
        SELECT branch_code FROM event_page_versions
        WHERE branch_code = ANY (touched) ORDER BY branch_code FOR UPDATE
    );
$$;

CREATE FUNCTION event_page_versions_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_event_page_versions(ARRAY(SELECT DISTINCT branch_code FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM bump_event_page_versions(ARRAY(SELECT DISTINCT branch_code FROM old_rows));
    ELSE
        PERFORM bump_event_page_versions(
            ARRAY(SELECT branch_code FROM new_rows UNION SELECT branch_code FROM old_rows));
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION event_page_versions_shifts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_event_page_versions(ARRAY(
            SELECT DISTINCT e.branch_code FROM new_rows r JOIN events e ON e.id = r.event_id));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM bump_event_page_versions(ARRAY(
            SELECT DISTINCT e.branch_code FROM old_rows r JOIN events e ON e.id = r.event_id));
    ELSE
        PERFORM bump_event_page_versions(ARRAY(
            SELECT e.branch_code FROM new_rows r JOIN events e ON e.id = r.event_id
            UNION SELECT e.branch_code FROM old_rows r JOIN events e ON e.id = r.event_id));
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION event_page_versions_assignments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_event_page_versions(ARRAY(
            SELECT DISTINCT e.branch_code FROM new_rows r
            JOIN shifts s ON s.id = r.shift_id JOIN events e ON e.id = s.event_id));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM bump_event_page_versions(ARRAY(
            SELECT DISTINCT e.branch_code FROM old_rows r
            JOIN shifts s ON s.id = r.shift_id JOIN events e ON e.id = s.event_id));
    ELSE
        PERFORM bump_event_page_versions(ARRAY(
            SELECT e.branch_code FROM new_rows r JOIN shifts s ON s.id = r.shift_id JOIN events e ON e.id = s.event_id
            UNION
            SELECT e.branch_code FROM old_rows r JOIN shifts s ON s.id = r.shift_id JOIN events e ON e.id = s.event_id));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER event_page_versions_event_insert AFTER INSERT ON events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION event_page_versions_events();
CREATE TRIGGER event_page_versions_event_update AFTER UPDATE ON events
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION event_page_versions_events();
CREATE TRIGGER event_page_versions_event_delete AFTER DELETE ON events
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION event_page_versions_events();

CREATE TRIGGER event_page_versions_shift_insert AFTER INSERT ON shifts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION event_page_versions_shifts();
CREATE TRIGGER event_page_versions_shift_update AFTER UPDATE ON shifts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION event_page_versions_shifts();
CREATE TRIGGER event_page_versions_shift_delete AFTER DELETE ON shifts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION event_page_versions_shifts();

CREATE TRIGGER event_page_versions_assignment_insert AFTER INSERT ON assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION event_page_versions_assignments();
CREATE TRIGGER event_page_versions_assignment_update AFTER UPDATE ON assignments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION event_page_versions_assignments();
CREATE TRIGGER event_page_versions_assignment_delete AFTER DELETE ON assignments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION event_page_versions_assignments();
