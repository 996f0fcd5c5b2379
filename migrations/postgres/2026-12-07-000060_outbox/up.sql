-- The transactional outbox behind the change feed: one row per change, written in
-- the transaction of the change itself.
--
-- `seq` is the feed's order and must be commit order, or a reader could hand out
-- seq 6 before seq 5 commits and its cursor would skip 5 forever. So `seq` is not
-- taken at insert time: a deferred constraint trigger gives it at commit, under
-- the row lock of `outbox_state`, held until the commit ends. A transaction that
-- took seq N is visible before the next one can take N+1 (PostgreSQL marks a
-- transaction committed before it releases its locks), and a rolled-back
-- transaction takes no seq at all: seqs are gapless.
CREATE TABLE outbox_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL,
    -- The highest seq that retention removed: a cursor below it missed changes.
    pruned_through BIGINT NOT NULL
);
INSERT INTO outbox_state (id, last_seq, pruned_through) VALUES (1, 0, 0);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    seq BIGINT UNIQUE,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    -- Whom the change concerns beyond the record's readers (the volunteer taken
    -- off a route), so that they get a tombstone for a record they no longer see.
    subject_id TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_at ON outbox (at);

CREATE FUNCTION outbox_assign_seq() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    next_seq BIGINT;
BEGIN
    UPDATE outbox_state SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq INTO next_seq;
    UPDATE outbox SET seq = next_seq WHERE id = NEW.id;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER outbox_seq_at_commit AFTER INSERT ON outbox
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION outbox_assign_seq();
