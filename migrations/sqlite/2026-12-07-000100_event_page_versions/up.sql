-- A change counter per branch for its events pages: every write to the branch's
-- events, their shifts or their sign-ups bumps it in its own transaction, so an
-- API instance can tell with one primary-key read whether a page it serialised
-- earlier is still what the database would give (the events page cache).
-- Triggers rather than application code: no write path, present or future, can
-- forget the bump.
CREATE TABLE event_page_versions (
    branch_code TEXT PRIMARY KEY NOT NULL REFERENCES branches (code),
    version BIGINT NOT NULL DEFAULT 0
);
INSERT INTO event_page_versions (branch_code) SELECT code FROM branches;

CREATE TRIGGER event_page_versions_branch AFTER INSERT ON branches BEGIN
    INSERT OR IGNORE INTO event_page_versions (branch_code) VALUES (NEW.code);
END;

CREATE TRIGGER event_page_versions_event_insert AFTER INSERT ON events BEGIN
    UPDATE event_page_versions SET version = version + 1 WHERE branch_code = NEW.branch_code;
END;
CREATE TRIGGER event_page_versions_event_update AFTER UPDATE ON events BEGIN
    UPDATE event_page_versions SET version = version + 1
    WHERE branch_code IN (OLD.branch_code, NEW.branch_code);
END;
CREATE TRIGGER event_page_versions_event_delete AFTER DELETE ON events BEGIN
    UPDATE event_page_versions SET version = version + 1 WHERE branch_code = OLD.branch_code;
END;

CREATE TRIGGER event_page_versions_shift_insert AFTER INSERT ON shifts BEGIN
    UPDATE event_page_versions SET version = version + 1
    WHERE branch_code = (SELECT branch_code FROM events WHERE id = NEW.event_id);
END;
CREATE TRIGGER event_page_versions_shift_update AFTER UPDATE ON shifts BEGIN
    UPDATE event_page_versions SET version = version + 1
    WHERE branch_code IN (SELECT branch_code FROM events WHERE id IN (OLD.event_id, NEW.event_id));
END;
CREATE TRIGGER event_page_versions_shift_delete AFTER DELETE ON shifts BEGIN
    UPDATE event_page_versions SET version = version + 1
    WHERE branch_code = (SELECT branch_code FROM events WHERE id = OLD.event_id);
END;

CREATE TRIGGER event_page_versions_assignment_insert AFTER INSERT ON assignments BEGIN
    UPDATE event_page_versions SET version = version + 1
    WHERE branch_code = (SELECT e.branch_code FROM shifts s JOIN events e ON e.id = s.event_id WHERE s.id = NEW.shift_id);
END;
CREATE TRIGGER event_page_versions_assignment_update AFTER UPDATE ON assignments BEGIN
    UPDATE event_page_versions SET version = version + 1
    WHERE branch_code IN (SELECT e.branch_code FROM shifts s JOIN events e ON e.id = s.event_id
                          WHERE s.id IN (OLD.shift_id, NEW.shift_id));
END;
CREATE TRIGGER event_page_versions_assignment_delete AFTER DELETE ON assignments BEGIN
    UPDATE event_page_versions SET version = version + 1
    WHERE branch_code = (SELECT e.branch_code FROM shifts s JOIN events e ON e.id = s.event_id WHERE s.id = OLD.shift_id);
END;
