DROP INDEX throttle_events_at_idx;
DROP INDEX idempotency_keys_created_idx;
