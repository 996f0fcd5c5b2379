-- PostgreSQL only (one foreign key per visit instead of two, room for
-- heap-only updates of stops). SQLite checks a foreign key with one index probe
-- and would have to rebuild the visits table to change its keys: unchanged.
SELECT 1;
