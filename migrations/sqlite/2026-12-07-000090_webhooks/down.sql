DROP TABLE webhook_state;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
ALTER TABLE outbox DROP COLUMN action;
