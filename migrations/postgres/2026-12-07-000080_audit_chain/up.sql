-- The audit log as a hash chain (tamper evidence). Each entry carries its place
-- in one chain per database (chain_seq: 1, 2, 3, ... without gaps), the hash of
-- the entry before it (prev_hash; the first links to 64 zeros) and its own hash:
-- hex SHA-256 over prev_hash, chain_seq and the entry's fields in a
-- length-prefixed encoding (see src/domain/audit_chain.rs, which computes the
-- same bytes for `outreach audit verify`).
--
-- Like the outbox's seq, the link is made at commit, by a deferred constraint
-- trigger, under the row lock of the chain head (audit_chain), so concurrent
-- transactions cannot fork the chain and the lock is held only while they
-- commit. Lock order: every transaction takes the outbox's counter
-- (outbox_state) before the chain head, so a commit that writes both cannot
-- deadlock with another.
--
-- The entries already there are sealed into the chain here, oldest first.
ALTER TABLE audit_log ADD COLUMN chain_seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_chain_seq ON audit_log (chain_seq);

CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- The newest link.
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    -- Where a pruned prefix ended: the chain is verified from here (0 and the
    -- genesis hash while nothing was pruned).
    anchor_seq BIGINT NOT NULL,
    anchor_hash TEXT NOT NULL
);
INSERT INTO audit_chain (id, last_seq, last_hash, anchor_seq, anchor_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- One field: '~' for NULL, else its length in bytes, ':', the value and ','.
CREATE FUNCTION audit_chain_field(TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN $1 IS NULL THEN '~' ELSE octet_length($1)::text || ':' || $1 || ',' END
$$;

-- (prev_hash, chain_seq, id, at, actor_id, action, record_type, record_id, request_id, details)
CREATE FUNCTION audit_chain_hash(TEXT, BIGINT, TEXT, TIMESTAMP, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT)
RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to('outreach-audit-v1;'
        || audit_chain_field($1) || audit_chain_field($2::text) || audit_chain_field($3)
        || audit_chain_field(to_char($4, 'YYYY-MM-DD HH24:MI:SS.US')) || audit_chain_field($5)
        || audit_chain_field($6) || audit_chain_field($7) || audit_chain_field($8)
        || audit_chain_field($9) || audit_chain_field($10), 'UTF8')), 'hex')
$$;

-- Links one entry to the head of the chain.
CREATE FUNCTION audit_chain_link(entry_id TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    head RECORD;
    entry RECORD;
    next_hash TEXT;
BEGIN
    -- The outbox's counter first, always (see above).
    PERFORM 1 FROM outbox_state WHERE id = 1 FOR NO KEY UPDATE;
    SELECT last_seq, last_hash INTO head FROM audit_chain WHERE id = 1 FOR UPDATE;
    SELECT * INTO entry FROM audit_log WHERE id = entry_id;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    next_hash := audit_chain_hash(head.last_hash, head.last_seq + 1, entry.id, entry.at, entry.actor_id,
        entry.action, entry.record_type, entry.record_id, entry.request_id, entry.details);
    UPDATE audit_log SET chain_seq = head.last_seq + 1, prev_hash = head.last_hash, hash = next_hash
        WHERE id = entry_id;
    UPDATE audit_chain SET last_seq = head.last_seq + 1, last_hash = next_hash WHERE id = 1;
END
$$;

DO $$
DECLARE
    entry RECORD;
BEGIN
    FOR entry IN SELECT id FROM audit_log ORDER BY at, id LOOP
        PERFORM audit_chain_link(entry.id);
    END LOOP;
END
$$;

CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM audit_chain_link(NEW.id);
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER audit_log_chain_at_commit AFTER INSERT ON audit_log
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
