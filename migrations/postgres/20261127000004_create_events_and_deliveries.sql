-- Ingested events, their payloads, the deliveries they fanned out to, and every attempt.
-- The PostgreSQL twin of migrations/sqlite/20261127000004_create_events_and_deliveries.sql:
-- same tables, columns and indexes (see the SQLite file for the reasons behind them).

CREATE TABLE events (
    id          BIGSERIAL PRIMARY KEY,
    event_id    TEXT      NOT NULL,
    channel     TEXT      NOT NULL,
    event       TEXT      NOT NULL,
    entity_kind TEXT      NOT NULL CHECK (entity_kind IN ('service', 'number', 'app')),
    entity_id   BIGINT    NOT NULL,
    created_at  BIGINT    NOT NULL
);
CREATE UNIQUE INDEX events_event_id ON events (event_id);

CREATE TABLE event_payloads (
    event_row BIGINT PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    body     BYTEA  NOT NULL
);

CREATE TABLE deliveries (
    id                 BIGSERIAL PRIMARY KEY,
    event_row          BIGINT  NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    webhook_id         BIGINT  NOT NULL,
    webhook_name       TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempt_count      BIGINT NOT NULL DEFAULT 0,
    scheduled_count    BIGINT NOT NULL DEFAULT 0,
    next_attempt_at    BIGINT  NOT NULL,
    lease_token        BIGINT,
    lease_until        BIGINT,
    last_status_code   BIGINT,
    last_error_code    TEXT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_lease ON deliveries (lease_token) WHERE lease_token IS NOT NULL;
CREATE INDEX deliveries_event ON deliveries (event_row);
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id);
CREATE INDEX deliveries_status ON deliveries (status, id);

CREATE TABLE delivery_attempts (
    id               BIGSERIAL PRIMARY KEY,
    delivery_id      BIGINT  NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    at               BIGINT  NOT NULL,
    duration_ms      BIGINT  NOT NULL,
    status_code      BIGINT,
    error_code       TEXT,
    error_message    TEXT,
    response_headers TEXT    NOT NULL DEFAULT '{}',
    response_body    TEXT    NOT NULL DEFAULT '',
    trigger          TEXT    NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
    CHECK (status_code IS NOT NULL OR error_code IS NOT NULL)
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
