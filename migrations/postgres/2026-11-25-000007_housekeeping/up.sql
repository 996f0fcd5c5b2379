-- The hourly purge of expired idempotency keys and throttle events finds them by age.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
CREATE INDEX throttle_events_at_idx ON throttle_events (at);
