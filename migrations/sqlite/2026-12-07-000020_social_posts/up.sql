-- The campaign's social-media work: posts (one per URL while not removed) and
-- the reach snapshots taken of them over time (appended, never updated).

CREATE TABLE social_posts (
  id TEXT PRIMARY KEY NOT NULL,
  branch_code TEXT NOT NULL REFERENCES branches (code),
  -- The volunteer who wrote it; absent for a post of the branch's staff.
  author_volunteer_id TEXT REFERENCES volunteers (id),
  -- The account that logged it (the author itself for staff posts).
  recorded_by TEXT NOT NULL REFERENCES accounts (id),
  platform TEXT NOT NULL CHECK (platform IN ('instagram', 'facebook', 'telegram', 'tiktok', 'youtube', 'vk', 'x', 'threads', 'other')),
  -- Normalised: https, lower-case host, no fragment, no trailing slash.
  url TEXT NOT NULL,
  published_at TIMESTAMP NOT NULL,
  language TEXT NOT NULL CHECK (language IN ('kk', 'ru', 'en')),
  -- Question topics, stored delimited (`,economy,other,`).
  topics TEXT NOT NULL DEFAULT '',
  -- The latest reach snapshot (by taken_at), copied for lists and reports.
  reach_taken_at TIMESTAMP,
  views BIGINT,
  reactions BIGINT,
  shares BIGINT,
  comments BIGINT,
  removed_at TIMESTAMP,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX social_posts_url_key ON social_posts (url) WHERE removed_at IS NULL;
CREATE INDEX social_posts_branch_idx ON social_posts (branch_code, id);
CREATE INDEX social_posts_branch_published_idx ON social_posts (branch_code, published_at);
CREATE INDEX social_posts_published_idx ON social_posts (published_at);
CREATE INDEX social_posts_author_idx ON social_posts (author_volunteer_id, id);
CREATE INDEX social_posts_updated_idx ON social_posts (updated_at, id);
CREATE INDEX social_posts_recorded_by_idx ON social_posts (recorded_by);

CREATE TABLE social_reach_snapshots (
  id TEXT PRIMARY KEY NOT NULL,
  post_id TEXT NOT NULL REFERENCES social_posts (id),
  taken_at TIMESTAMP NOT NULL,
  views BIGINT NOT NULL CHECK (views >= 0),
  reactions BIGINT NOT NULL CHECK (reactions >= 0),
  shares BIGINT NOT NULL CHECK (shares >= 0),
  comments BIGINT NOT NULL CHECK (comments >= 0),
  recorded_by TEXT NOT NULL REFERENCES accounts (id),
  created_at TIMESTAMP NOT NULL
);
CREATE INDEX social_reach_snapshots_post_idx ON social_reach_snapshots (post_id, taken_at, id);
CREATE INDEX social_reach_snapshots_recorded_by_idx ON social_reach_snapshots (recorded_by);
