DROP TRIGGER audit_log_chain;
DROP TABLE audit_chain;
DROP INDEX audit_log_chain_seq;
ALTER TABLE audit_log DROP COLUMN hash;
ALTER TABLE audit_log DROP COLUMN prev_hash;
ALTER TABLE audit_log DROP COLUMN chain_seq;
