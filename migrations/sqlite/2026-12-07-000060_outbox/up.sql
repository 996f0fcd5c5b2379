-- The transactional outbox behind the change feed (see the PostgreSQL migration).
-- SQLite admits one writer at a time, from its first write to its commit, so the
-- order of inserts is commit order: the seq is taken at insert, by a trigger.
CREATE TABLE outbox_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL,
    pruned_through BIGINT NOT NULL
);
INSERT INTO outbox_state (id, last_seq, pruned_through) VALUES (1, 0, 0);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seq BIGINT UNIQUE,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    subject_id TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_at ON outbox (at);

CREATE TRIGGER outbox_assign_seq AFTER INSERT ON outbox
BEGIN
    UPDATE outbox_state SET last_seq = last_seq + 1 WHERE id = 1;
    UPDATE outbox SET seq = (SELECT last_seq FROM outbox_state WHERE id = 1) WHERE id = NEW.id;
END;
