-- The audit log as a hash chain (see the PostgreSQL migration). SQLite admits one
-- writer at a time, so a trigger links each entry as it is inserted. SQLite has
-- no SHA-256: audit_chain_hash is the Rust function (src/domain/audit_chain.rs)
-- that the server registers on every connection it opens; an INSERT into
-- audit_log on a connection without it fails.
ALTER TABLE audit_log ADD COLUMN chain_seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_chain_seq ON audit_log (chain_seq);

CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    anchor_seq BIGINT NOT NULL,
    anchor_hash TEXT NOT NULL
);
INSERT INTO audit_chain (id, last_seq, last_hash, anchor_seq, anchor_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_chain AFTER INSERT ON audit_log
BEGIN
    UPDATE audit_log SET
        chain_seq = (SELECT last_seq + 1 FROM audit_chain WHERE id = 1),
        prev_hash = (SELECT last_hash FROM audit_chain WHERE id = 1),
        hash = (SELECT audit_chain_hash(last_hash, last_seq + 1, NEW.id, NEW.at, NEW.actor_id, NEW.action,
            NEW.record_type, NEW.record_id, NEW.request_id, NEW.details) FROM audit_chain WHERE id = 1)
    WHERE id = NEW.id;
    UPDATE audit_chain SET last_seq = last_seq + 1, last_hash = (SELECT hash FROM audit_log WHERE id = NEW.id)
    WHERE id = 1;
END;

-- The entries already there are sealed into the chain here, oldest first: moved
-- aside and inserted again, in order, through the trigger.
CREATE TEMP TABLE audit_log_unsealed AS
    SELECT id, at, actor_id, action, record_type, record_id, request_id, details FROM audit_log;
DELETE FROM audit_log;
INSERT INTO audit_log (id, at, actor_id, action, record_type, record_id, request_id, details)
    SELECT id, at, actor_id, action, record_type, record_id, request_id, details FROM audit_log_unsealed
    ORDER BY at, id;
DROP TABLE audit_log_unsealed;
