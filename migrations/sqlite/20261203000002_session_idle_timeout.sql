-- Sessions end after 12 h without use (sliding) as well as 7 d after sign-in (absolute).
-- `last_seen_at` is the last use, written at most once a minute per session to keep writes
-- low; sessions open before this migration count as last used when they were created.
-- Sign out everywhere deletes a user's sessions by `user_id`.

ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
CREATE INDEX sessions_user ON sessions (user_id);
