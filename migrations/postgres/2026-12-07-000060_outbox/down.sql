DROP TRIGGER outbox_seq_at_commit ON outbox;
DROP FUNCTION outbox_assign_seq();
DROP TABLE outbox;
DROP TABLE outbox_state;
