-- (PostgreSQL twin of the SQLite file, which says why.) Failed sign-ins in a row, per client
-- address or account, shared by every instance on this database.

CREATE TABLE sign_in_failures (
    subject         TEXT   PRIMARY KEY,
    failures        BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL,
    blocked_until   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sign_in_failures_last_failure ON sign_in_failures (last_failure_at);
