-- Sealed secrets are bound to their row as well as their column (secrets.rs, format `v2:`).
-- Values sealed before (`v1:`, bound to their column only) are re-sealed in place by the server
-- at its next start, bound to the row they are in. This row asks for that upgrade; the server
-- removes it once every `v1:` value has been carried forward, and from then on never opens one.
CREATE TABLE pending_upgrades (
    name TEXT PRIMARY KEY
);
INSERT INTO pending_upgrades (name) VALUES ('secrets_bound_to_rows');

-- A pending OAuth 2.0 flow is bound to the browser session that started it (the hash of its
-- token, as `sessions` keeps it): only that session may complete it at the Call Back URL.
-- Flows pending at the upgrade (ten minutes at most) get no session and end unused.
ALTER TABLE oauth_pending_flows ADD COLUMN session_hash TEXT NOT NULL DEFAULT '';
