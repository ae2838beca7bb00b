-- Console accounts, their browser sessions, and API keys.
-- Times are Unix milliseconds (INTEGER): the same representation in SQLite and PostgreSQL.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,          -- argon2id PHC string
    role          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email);   -- stored lower-cased

-- Only a SHA-256 of the session token is stored: a leaked database holds no usable cookie.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Likewise only a SHA-256 of each key (keys are 256-bit random, so a fast hash suffices).
CREATE TABLE api_keys (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    key_hash   TEXT    NOT NULL UNIQUE,
    prefix     TEXT    NOT NULL,                -- first characters, to recognise a key in a list
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
