DROP TRIGGER outbox_assign_seq;
DROP TABLE outbox;
DROP TABLE outbox_state;
