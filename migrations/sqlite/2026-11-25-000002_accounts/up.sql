-- Logins, sessions, integrator tokens, login throttling and the audit log.

CREATE TABLE accounts (
  id TEXT PRIMARY KEY NOT NULL,
  -- Stored trimmed and lower-cased: emails are unique case-insensitively.
  email TEXT NOT NULL,
  -- argon2id PHC string; NULL for accounts that only use API tokens.
  password_hash TEXT,
  role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'volunteer', 'observer')),
  branch_code TEXT REFERENCES branches (code),
  volunteer_id TEXT,
  active BOOLEAN NOT NULL DEFAULT 1,
  must_change_password BOOLEAN NOT NULL DEFAULT 0,
  -- Access tokens carry the epoch they were issued in; bumping it (logout, password
  -- change, disabling) invalidates every access token of the account at once.
  token_epoch INTEGER NOT NULL DEFAULT 0,
  created_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
  updated_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
  version INTEGER NOT NULL DEFAULT 1,
  -- Coordinators and volunteers belong to one branch; admins and observers to none.
  CHECK ((role IN ('coordinator', 'volunteer') AND branch_code IS NOT NULL)
      OR (role IN ('admin', 'observer') AND branch_code IS NULL))
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email);
CREATE INDEX accounts_branch_idx ON accounts (branch_code, id);
CREATE INDEX accounts_updated_idx ON accounts (updated_at);

-- Rotating refresh tokens. A family is one login; presenting a token that was
-- already rotated revokes the whole family (theft detection).
CREATE TABLE refresh_tokens (
  id TEXT PRIMARY KEY NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  family_id TEXT NOT NULL,
  -- When the login that started the family happened: rotation cannot extend a
  -- family beyond a fixed maximum.
  family_started_at TIMESTAMP NOT NULL,
  token_hash TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL,
  expires_at TIMESTAMP NOT NULL,
  rotated_at TIMESTAMP,
  revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_account_idx ON refresh_tokens (account_id);

-- Long-lived tokens for integrators (observer accounts), shown once, stored hashed.
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY NOT NULL,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  created_by TEXT NOT NULL REFERENCES accounts (id),
  created_at TIMESTAMP NOT NULL,
  expires_at TIMESTAMP,
  last_used_at TIMESTAMP,
  revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_account_idx ON api_tokens (account_id, id);

-- Events that count against a limit (failed logins per account and per address,
-- public applications per address), for throttling.
-- Kept in the database so that several API instances throttle together.
CREATE TABLE throttle_events (
  id TEXT PRIMARY KEY NOT NULL,
  throttle_key TEXT NOT NULL,
  at TIMESTAMP NOT NULL
);
CREATE INDEX throttle_events_key_idx ON throttle_events (throttle_key, at);

-- Append-only: who did what to which record, when.
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY NOT NULL,
  at TIMESTAMP NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id TEXT,
  request_id TEXT,
  details TEXT
);
CREATE INDEX audit_log_record_idx ON audit_log (record_type, record_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id);
