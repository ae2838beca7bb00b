-- (PostgreSQL twin of the SQLite file.) Assets (services, numbers, apps, ESME binds) and the outbound webhooks that hang on them.
-- Secrets (ESME passwords, hub secrets) are stored sealed (AEAD, `v1:` text), never in clear.

CREATE TABLE services (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE UNIQUE INDEX services_name ON services (name);

CREATE TABLE numbers (
    id         BIGSERIAL PRIMARY KEY,
    number     TEXT    NOT NULL,
    sms        BOOLEAN  NOT NULL,
    mms        BOOLEAN  NOT NULL,
    voice      BOOLEAN  NOT NULL,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE UNIQUE INDEX numbers_number ON numbers (number);

CREATE TABLE apps (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT    NOT NULL,
    app_type   TEXT    NOT NULL,     -- the channel label, e.g. 'WhatsApp'
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE UNIQUE INDEX apps_name ON apps (name);

CREATE TABLE esme_binds (
    id           BIGSERIAL PRIMARY KEY,
    system_id    TEXT    NOT NULL,
    password_enc TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE UNIQUE INDEX esme_binds_system_id ON esme_binds (system_id);

-- One entity per webhook: exactly one of service_id / number_id / app_id is set, matching
-- entity_kind. The foreign keys refuse deleting an asset a webhook still uses.
CREATE TABLE webhooks (
    id               BIGSERIAL PRIMARY KEY,
    name             TEXT    NOT NULL,
    entity_kind      TEXT    NOT NULL CHECK (entity_kind IN ('service', 'number', 'app')),
    service_id       BIGINT  REFERENCES services (id),
    number_id        BIGINT  REFERENCES numbers (id),
    app_id           BIGINT  REFERENCES apps (id),
    url              TEXT    NOT NULL,
    hub_algorithm    TEXT    CHECK (hub_algorithm IN ('sha1', 'sha256', 'sha512')),
    hub_secret_enc   TEXT,
    authorization_id BIGINT,
    esme_bind_id     BIGINT  REFERENCES esme_binds (id),
    enabled          BOOLEAN  NOT NULL,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    CHECK ((entity_kind = 'service') = (service_id IS NOT NULL)),
    CHECK ((entity_kind = 'number') = (number_id IS NOT NULL)),
    CHECK ((entity_kind = 'app') = (app_id IS NOT NULL)),
    CHECK ((hub_algorithm IS NULL) = (hub_secret_enc IS NULL))
);
-- A name is unique per entity (SPEC §3).
CREATE UNIQUE INDEX webhooks_name_per_entity
    ON webhooks (entity_kind, COALESCE(service_id, number_id, app_id), name);
CREATE INDEX webhooks_service ON webhooks (service_id) WHERE service_id IS NOT NULL;
CREATE INDEX webhooks_number ON webhooks (number_id) WHERE number_id IS NOT NULL;
CREATE INDEX webhooks_app ON webhooks (app_id) WHERE app_id IS NOT NULL;
CREATE INDEX webhooks_esme_bind ON webhooks (esme_bind_id) WHERE esme_bind_id IS NOT NULL;

-- The ticked (channel, event) pairs, by their SPEC §2 labels.
CREATE TABLE webhook_notifications (
    webhook_id BIGINT  NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    channel    TEXT    NOT NULL,
    event      TEXT    NOT NULL,
    position   BIGINT  NOT NULL,
    PRIMARY KEY (webhook_id, channel, event)
);
CREATE INDEX webhook_notifications_route ON webhook_notifications (channel, event);
