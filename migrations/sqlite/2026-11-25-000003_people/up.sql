-- Localities, coalition member organisations, volunteers, idempotency keys.

CREATE TABLE localities (
  id TEXT PRIMARY KEY NOT NULL,
  branch_code TEXT NOT NULL REFERENCES branches (code),
  parent_id TEXT REFERENCES localities (id),
  kind TEXT NOT NULL CHECK (kind IN ('district', 'city', 'town', 'rural_district', 'village')),
  name_kk TEXT NOT NULL,
  name_ru TEXT NOT NULL,
  population INTEGER CHECK (population IS NULL OR population >= 0),
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX localities_branch_idx ON localities (branch_code, id);
CREATE INDEX localities_parent_idx ON localities (parent_id);
CREATE INDEX localities_updated_idx ON localities (updated_at);

CREATE TABLE member_organisations (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('party', 'public_association', 'trade_union', 'industry_association', 'youth_organisation', 'other')),
  -- National members have no branch; branch-level members belong to one.
  branch_code TEXT REFERENCES branches (code),
  bin TEXT NOT NULL,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX member_organisations_bin_key ON member_organisations (bin);
CREATE INDEX member_organisations_updated_idx ON member_organisations (updated_at);

CREATE TABLE volunteers (
  id TEXT PRIMARY KEY NOT NULL,
  branch_code TEXT NOT NULL REFERENCES branches (code),
  locality_id TEXT REFERENCES localities (id),
  -- Personal data; all NULL once the volunteer is anonymised.
  full_name TEXT,
  phone TEXT,
  email TEXT,
  birth_date DATE,
  guardian_name TEXT,
  -- Lower-cased name and phone digits, for case-insensitive search in any script.
  search_text TEXT,
  -- Lists stored delimited (',kk,ru,') so a filter is one LIKE on both backends.
  languages TEXT NOT NULL DEFAULT '',
  skills TEXT NOT NULL DEFAULT '',
  member_organisation_id TEXT REFERENCES member_organisations (id),
  youth_wing BOOLEAN NOT NULL DEFAULT 0,
  availability TEXT,
  status TEXT NOT NULL CHECK (status IN ('applicant', 'active', 'paused', 'left')),
  consent_at TIMESTAMP NOT NULL,
  consent_version TEXT NOT NULL,
  guardian_consent_at TIMESTAMP,
  source TEXT NOT NULL CHECK (source IN ('staff', 'application', 'import')),
  anonymised_at TIMESTAMP,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
-- One person, one record: phones are unique (NULLs, after anonymisation, are not).
CREATE UNIQUE INDEX volunteers_phone_key ON volunteers (phone);
CREATE INDEX volunteers_branch_idx ON volunteers (branch_code, id);
CREATE INDEX volunteers_updated_idx ON volunteers (updated_at);

-- Replays of creating requests: the first response, returned again for the same key.
CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  -- 0 while the first request is still running.
  status_code INTEGER NOT NULL,
  response_body TEXT,
  created_at TIMESTAMP NOT NULL,
  PRIMARY KEY (scope, idempotency_key)
);
