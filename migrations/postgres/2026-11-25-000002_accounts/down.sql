DROP TABLE audit_log;
DROP TABLE login_failures;
DROP TABLE api_tokens;
DROP TABLE refresh_tokens;
DROP TABLE accounts;
