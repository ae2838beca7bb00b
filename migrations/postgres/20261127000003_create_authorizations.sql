-- (PostgreSQL twin of the SQLite file.) Authorization profiles (SPEC §5) and the pending OAuth 2.0
-- authorization-code flows. Non-secret settings are one JSON object (the fields differ per type);
-- every secret and token is sealed (AEAD, `v1:` text) with associated data naming its column and
-- row, never stored in clear.

CREATE TABLE authorizations (
    id                BIGSERIAL PRIMARY KEY,
    name              TEXT    NOT NULL,
    auth_type         TEXT    NOT NULL,
    settings          TEXT    NOT NULL,
    secrets_enc       TEXT,
    access_token_enc  TEXT,
    refresh_token_enc TEXT,
    token_expires_at  BIGINT,
    status            TEXT    NOT NULL CHECK (status IN ('Authorized', 'Authorization Pending')),
    status_reason     TEXT,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL
);
CREATE UNIQUE INDEX authorizations_name ON authorizations (name);
CREATE INDEX webhooks_authorization ON webhooks (authorization_id) WHERE authorization_id IS NOT NULL;

CREATE TABLE oauth_pending_flows (
    state             TEXT    PRIMARY KEY,
    authorization_id  BIGINT  NOT NULL REFERENCES authorizations (id) ON DELETE CASCADE,
    pkce_verifier_enc TEXT    NOT NULL,
    expires_at        BIGINT  NOT NULL
);
