-- Webhooks (see the PostgreSQL migration): subscriptions, one delivery per (subscription, outbox change), and the
-- dispatcher's cursor over the outbox.
--
-- The outbox keeps the audit action behind a change, so a webhook can name a
-- finer event than create/update (`meeting.held`, `visit.batch_synced`). Rows
-- written before this migration have none.
ALTER TABLE outbox ADD COLUMN action TEXT;

CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    -- Comma-separated event types (no arrays: the same schema on SQLite).
    event_types TEXT NOT NULL,
    -- `whsec_` + base64: the signing key must be readable to sign, so it is
    -- stored as is (like the JWT secret); only admins can reach this table.
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    -- Deliveries that ran out of attempts in a row; reset by a success.
    consecutive_failures INTEGER NOT NULL,
    disabled_reason TEXT,
    created_by TEXT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
    -- The `webhook-id` header: the same on every attempt, for receivers to deduplicate.
    id TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    outbox_seq BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    -- The JSON body, fixed at fan-out so that every attempt sends the same bytes.
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP,
    -- A dispatcher working on the delivery holds it until then; another one
    -- takes it over only after (a crash mid-send).
    claimed_until TIMESTAMP,
    last_attempt_at TIMESTAMP,
    last_response_code INTEGER,
    last_error TEXT,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One delivery per change and subscription, whatever happens to the fan-out.
CREATE UNIQUE INDEX webhook_deliveries_change ON webhook_deliveries (subscription_id, outbox_seq);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, id);

-- The last outbox seq fanned out into deliveries. Starts at the feed's end: a
-- first subscription gets the changes made after it, not the history.
CREATE TABLE webhook_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fanned_out_through BIGINT NOT NULL
);
INSERT INTO webhook_state (id, fanned_out_through) SELECT 1, last_seq FROM outbox_state WHERE id = 1;
