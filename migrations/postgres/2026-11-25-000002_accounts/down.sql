DROP TABLE audit_log;
DROP TABLE throttle_events;
DROP TABLE api_tokens;
DROP TABLE refresh_tokens;
DROP TABLE accounts;
