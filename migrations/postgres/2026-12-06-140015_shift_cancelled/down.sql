ALTER TABLE shifts DROP COLUMN cancel_reason;
ALTER TABLE shifts DROP COLUMN cancelled_at;
