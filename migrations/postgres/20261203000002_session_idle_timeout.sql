-- (PostgreSQL twin of the SQLite file, which says why.) The last use of each session, for
-- the idle timeout; a user's sessions found by user for sign out everywhere.

ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
CREATE INDEX sessions_user ON sessions (user_id);
