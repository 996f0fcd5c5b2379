-- The talking-points library: explanatory items HQ writes in Kazakh and Russian
-- (English optional). Each item keeps its current draft and, once published,
-- a copy of the published draft (what the field sees); both are JSON documents
-- {kind, article, question, answer, topics} written by the service. The topics
-- are also stored delimited (`,economy,other,`) for filtering.

CREATE TABLE talking_points (
  id TEXT PRIMARY KEY NOT NULL,
  draft TEXT NOT NULL,
  topics TEXT NOT NULL DEFAULT '',
  -- The record version whose draft was published; absent until published.
  published_version INTEGER,
  published_at TIMESTAMP,
  published TEXT,
  published_topics TEXT NOT NULL DEFAULT '',
  retired_at TIMESTAMP,
  created_by TEXT NOT NULL REFERENCES accounts (id),
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX talking_points_updated_idx ON talking_points (updated_at, id);
CREATE INDEX talking_points_created_by_idx ON talking_points (created_by);
