-- Ids are never handed out twice, and the references that must hold are foreign keys.
--
-- Why: `INTEGER PRIMARY KEY` without AUTOINCREMENT gives the next row max(id) + 1, so deleting
-- the newest webhook and creating another one reused its id: the old partner's delivery log
-- then showed under the new webhook, and resending an old delivery posted the old partner's
-- payload to the new partner's URL, signed with the new secret. With AUTOINCREMENT SQLite keeps
-- the largest id ever used in `sqlite_sequence` and never goes below it.
--
-- What changes: every table with an integer id (users, api_keys, services, numbers, apps,
-- esme_binds, webhooks, authorizations, events, deliveries, delivery_attempts) is rebuilt with
-- `INTEGER PRIMARY KEY AUTOINCREMENT`, every row carried over with its id; and
-- `webhooks.authorization_id` gets the foreign key it lacked (a used profile cannot be deleted;
-- `esme_bind_id` and the entity columns keep theirs). `deliveries.webhook_id` deliberately
-- stays without one: the log keeps naming a deleted webhook (SPEC §4).
--
-- The sequences start above every id ever used that a row still names: besides each table's
-- own rows, the delivery log (`deliveries.webhook_id`) and the event log (`events.entity_id`,
-- by kind) name webhooks and assets that may have been deleted since. An id used by a row that
-- was deleted and that nothing names any more cannot be recovered; no row can be confused with
-- it either.
--
-- How: SQLite's 12-step procedure (https://www.sqlite.org/lang_altertable.html#otheralter):
-- create new_X, copy, drop X, rename new_X to X, recreate the indexes, check the foreign keys.
-- It needs `PRAGMA foreign_keys=OFF`: with foreign keys on, each DROP TABLE first deletes every
-- row, which fires ON DELETE CASCADE into the child tables (webhook notifications, payloads,
-- attempts and sessions would be lost). That pragma is a no-op inside a transaction, and sqlx
-- 0.8.6 runs every SQLite migration inside one (it ignores `-- no-transaction` for SQLite), so
-- `SqliteStore::migrate` turns foreign keys off on its migration connection before the
-- migrator starts and back on after. This file refuses to run otherwise (first guard below),
-- and, since the rebuild ran unchecked, verifies every foreign key before its transaction
-- commits (last guard): any failure rolls the whole migration back, nothing half-done stays.
-- `PRAGMA defer_foreign_keys` was not enough: it defers the checks, not the cascades.

CREATE TEMP TABLE migration_guard (
    ok INTEGER NOT NULL
        CONSTRAINT "run this migration with foreign_keys off (SqliteStore::migrate does)"
        CHECK (ok = 1)
);
INSERT INTO migration_guard (ok) SELECT foreign_keys = 0 FROM pragma_foreign_keys;

-- A webhook may name a profile deleted before this migration (nothing refused that delete).
-- Its deliveries already failed ("the authorization profile no longer exists"); keep it from
-- delivering without the authorization it was saved with: no profile, and disabled, so the
-- operator sees it and picks a profile again.
UPDATE webhooks SET enabled = 0, authorization_id = NULL
 WHERE authorization_id IS NOT NULL
   AND authorization_id NOT IN (SELECT id FROM authorizations);

-- Accounts ---------------------------------------------------------------------------------

CREATE TABLE new_users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,          -- argon2id PHC string
    role          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
INSERT INTO new_users (id, email, password_hash, role, created_at)
    SELECT id, email, password_hash, role, created_at FROM users;
DROP TABLE users;
ALTER TABLE new_users RENAME TO users;
CREATE UNIQUE INDEX users_email ON users (email);   -- stored lower-cased

CREATE TABLE new_api_keys (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    key_hash   TEXT    NOT NULL UNIQUE,
    prefix     TEXT    NOT NULL,                -- first characters, to recognise a key in a list
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
INSERT INTO new_api_keys (id, name, key_hash, prefix, created_at, revoked_at)
    SELECT id, name, key_hash, prefix, created_at, revoked_at FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE new_api_keys RENAME TO api_keys;

-- Assets -----------------------------------------------------------------------------------

CREATE TABLE new_services (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO new_services (id, name, created_at, updated_at)
    SELECT id, name, created_at, updated_at FROM services;
DROP TABLE services;
ALTER TABLE new_services RENAME TO services;
CREATE UNIQUE INDEX services_name ON services (name);

CREATE TABLE new_numbers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    number     TEXT    NOT NULL,
    sms        INTEGER NOT NULL CHECK (sms IN (0, 1)),
    mms        INTEGER NOT NULL CHECK (mms IN (0, 1)),
    voice      INTEGER NOT NULL CHECK (voice IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO new_numbers (id, number, sms, mms, voice, created_at, updated_at)
    SELECT id, number, sms, mms, voice, created_at, updated_at FROM numbers;
DROP TABLE numbers;
ALTER TABLE new_numbers RENAME TO numbers;
CREATE UNIQUE INDEX numbers_number ON numbers (number);

CREATE TABLE new_apps (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    app_type   TEXT    NOT NULL,     -- the channel label, e.g. 'WhatsApp'
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO new_apps (id, name, app_type, created_at, updated_at)
    SELECT id, name, app_type, created_at, updated_at FROM apps;
DROP TABLE apps;
ALTER TABLE new_apps RENAME TO apps;
CREATE UNIQUE INDEX apps_name ON apps (name);

CREATE TABLE new_esme_binds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    system_id    TEXT    NOT NULL,
    password_enc TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
INSERT INTO new_esme_binds (id, system_id, password_enc, description, created_at, updated_at)
    SELECT id, system_id, password_enc, description, created_at, updated_at FROM esme_binds;
DROP TABLE esme_binds;
ALTER TABLE new_esme_binds RENAME TO esme_binds;
CREATE UNIQUE INDEX esme_binds_system_id ON esme_binds (system_id);

-- Authorizations (before webhooks, which now reference them) -------------------------------

CREATE TABLE new_authorizations (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO new_authorizations (id, name, auth_type, settings, secrets_enc, access_token_enc,
        refresh_token_enc, token_expires_at, status, status_reason, created_at, updated_at)
    SELECT id, name, auth_type, settings, secrets_enc, access_token_enc, refresh_token_enc,
        token_expires_at, status, status_reason, created_at, updated_at FROM authorizations;
DROP TABLE authorizations;
ALTER TABLE new_authorizations RENAME TO authorizations;
CREATE UNIQUE INDEX authorizations_name ON authorizations (name);

-- Webhooks ---------------------------------------------------------------------------------

-- One entity per webhook: exactly one of service_id / number_id / app_id is set, matching
-- entity_kind. The foreign keys refuse deleting an asset, an ESME bind or an authorization
-- profile a webhook still uses.
CREATE TABLE new_webhooks (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT    NOT NULL,
    entity_kind      TEXT    NOT NULL CHECK (entity_kind IN ('service', 'number', 'app')),
    service_id       INTEGER REFERENCES services (id),
    number_id        INTEGER REFERENCES numbers (id),
    app_id           INTEGER REFERENCES apps (id),
    url              TEXT    NOT NULL,
    hub_algorithm    TEXT    CHECK (hub_algorithm IN ('sha1', 'sha256', 'sha512')),
    hub_secret_enc   TEXT,
    authorization_id INTEGER REFERENCES authorizations (id),
    esme_bind_id     INTEGER REFERENCES esme_binds (id),
    enabled          INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    CHECK ((entity_kind = 'service') = (service_id IS NOT NULL)),
    CHECK ((entity_kind = 'number') = (number_id IS NOT NULL)),
    CHECK ((entity_kind = 'app') = (app_id IS NOT NULL)),
    CHECK ((hub_algorithm IS NULL) = (hub_secret_enc IS NULL))
);
INSERT INTO new_webhooks (id, name, entity_kind, service_id, number_id, app_id, url,
        hub_algorithm, hub_secret_enc, authorization_id, esme_bind_id, enabled, created_at,
        updated_at)
    SELECT id, name, entity_kind, service_id, number_id, app_id, url, hub_algorithm,
        hub_secret_enc, authorization_id, esme_bind_id, enabled, created_at, updated_at
    FROM webhooks;
DROP TABLE webhooks;
ALTER TABLE new_webhooks RENAME TO webhooks;
-- A name is unique per entity (SPEC §3).
CREATE UNIQUE INDEX webhooks_name_per_entity
    ON webhooks (entity_kind, COALESCE(service_id, number_id, app_id), name);
CREATE INDEX webhooks_service ON webhooks (service_id) WHERE service_id IS NOT NULL;
CREATE INDEX webhooks_number ON webhooks (number_id) WHERE number_id IS NOT NULL;
CREATE INDEX webhooks_app ON webhooks (app_id) WHERE app_id IS NOT NULL;
CREATE INDEX webhooks_esme_bind ON webhooks (esme_bind_id) WHERE esme_bind_id IS NOT NULL;
CREATE INDEX webhooks_authorization ON webhooks (authorization_id) WHERE authorization_id IS NOT NULL;

-- Events, deliveries, attempts -------------------------------------------------------------

CREATE TABLE new_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT    NOT NULL,          -- given or generated; sent as x-wx-gtrid
    channel     TEXT    NOT NULL,
    event       TEXT    NOT NULL,
    entity_kind TEXT    NOT NULL CHECK (entity_kind IN ('service', 'number', 'app')),
    entity_id   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
INSERT INTO new_events (id, event_id, channel, event, entity_kind, entity_id, created_at)
    SELECT id, event_id, channel, event, entity_kind, entity_id, created_at FROM events;
DROP TABLE events;
ALTER TABLE new_events RENAME TO events;
CREATE UNIQUE INDEX events_event_id ON events (event_id);

-- No foreign key to webhooks: the log outlives a deleted webhook; `webhook_name` keeps what
-- the log shows.
CREATE TABLE new_deliveries (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    event_row          INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    webhook_id         INTEGER NOT NULL,
    webhook_name       TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempt_count      INTEGER NOT NULL DEFAULT 0,   -- every attempt, manual ones included
    scheduled_count    INTEGER NOT NULL DEFAULT 0,   -- attempts that used the retry schedule
    -- When pending: when it is due. While leased this equals lease_until, so a claimed row is due
    -- again (taken back) exactly when its lease expires.
    next_attempt_at    INTEGER NOT NULL,
    lease_token        INTEGER,
    lease_until        INTEGER,
    last_status_code   INTEGER,
    last_error_code    TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
INSERT INTO new_deliveries (id, event_row, webhook_id, webhook_name, status, attempt_count,
        scheduled_count, next_attempt_at, lease_token, lease_until, last_status_code,
        last_error_code, created_at, updated_at)
    SELECT id, event_row, webhook_id, webhook_name, status, attempt_count, scheduled_count,
        next_attempt_at, lease_token, lease_until, last_status_code, last_error_code,
        created_at, updated_at
    FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE new_deliveries RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_lease ON deliveries (lease_token) WHERE lease_token IS NOT NULL;
CREATE INDEX deliveries_event ON deliveries (event_row);
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id);
CREATE INDEX deliveries_status ON deliveries (status, id);

-- Append-only: one row per attempt, never updated.
CREATE TABLE new_delivery_attempts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id      INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    at               INTEGER NOT NULL,
    duration_ms      INTEGER NOT NULL,
    status_code      INTEGER,
    error_code       TEXT,
    error_message    TEXT,
    response_headers TEXT    NOT NULL DEFAULT '{}',   -- JSON object
    response_body    TEXT    NOT NULL DEFAULT '',     -- the first 4 KiB, as text
    trigger          TEXT    NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
    CHECK (status_code IS NOT NULL OR error_code IS NOT NULL)
);
INSERT INTO new_delivery_attempts (id, delivery_id, at, duration_ms, status_code, error_code,
        error_message, response_headers, response_body, trigger)
    SELECT id, delivery_id, at, duration_ms, status_code, error_code, error_message,
        response_headers, response_body, trigger
    FROM delivery_attempts;
DROP TABLE delivery_attempts;
ALTER TABLE new_delivery_attempts RENAME TO delivery_attempts;
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);

-- Sequences: above every id a log still names ----------------------------------------------
-- The copies above already set each table's sequence to its largest id. sqlite_sequence has
-- no unique constraint on `name`, so each seeded row is replaced, never added beside.

CREATE TEMP TABLE used_ids (name TEXT NOT NULL, id INTEGER NOT NULL);
INSERT INTO used_ids (name, id)
    SELECT 'webhooks', webhook_id FROM deliveries
    UNION ALL SELECT 'services', entity_id FROM events WHERE entity_kind = 'service'
    UNION ALL SELECT 'numbers', entity_id FROM events WHERE entity_kind = 'number'
    UNION ALL SELECT 'apps', entity_id FROM events WHERE entity_kind = 'app'
    UNION ALL SELECT name, seq FROM sqlite_sequence;
DELETE FROM sqlite_sequence WHERE name IN (SELECT name FROM used_ids);
INSERT INTO sqlite_sequence (name, seq) SELECT name, MAX(id) FROM used_ids GROUP BY name;
DROP TABLE used_ids;

-- Step 10: the rebuild ran with foreign keys off; prove every reference still holds.
CREATE TEMP TABLE foreign_key_guard (
    violations INTEGER NOT NULL
        CONSTRAINT "a foreign key does not hold after rebuilding the tables"
        CHECK (violations = 0)
);
INSERT INTO foreign_key_guard (violations) SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE foreign_key_guard;
DROP TABLE migration_guard;
