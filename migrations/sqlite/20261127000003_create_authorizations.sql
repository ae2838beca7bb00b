-- Authorization profiles (SPEC §5) and the pending OAuth 2.0 authorization-code flows.
-- Non-secret settings are one JSON object (the fields differ per type); every secret and token is
-- sealed (AEAD, `v1:` text) with associated data naming its column and row, never stored in clear.

CREATE TABLE authorizations (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL,
    auth_type         TEXT    NOT NULL,     -- the Type label, e.g. 'Basic Auth'
    settings          TEXT    NOT NULL,     -- JSON, CONTRACT field names
    secrets_enc       TEXT,                 -- sealed JSON object {field: value}
    access_token_enc  TEXT,
    refresh_token_enc TEXT,
    token_expires_at  INTEGER,              -- unix millis
    status            TEXT    NOT NULL CHECK (status IN ('Authorized', 'Authorization Pending')),
    status_reason     TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX authorizations_name ON authorizations (name);
CREATE INDEX webhooks_authorization ON webhooks (authorization_id) WHERE authorization_id IS NOT NULL;

-- One row per Get Access Token click on an authorization-code profile, until the browser comes
-- back to the Call Back URL with its state (or the row expires).
CREATE TABLE oauth_pending_flows (
    state            TEXT    PRIMARY KEY,
    authorization_id INTEGER NOT NULL REFERENCES authorizations (id) ON DELETE CASCADE,
    pkce_verifier_enc TEXT   NOT NULL,
    expires_at       INTEGER NOT NULL
);
