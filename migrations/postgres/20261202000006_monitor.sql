-- Monitor (SPEC §7). The PostgreSQL twin of migrations/sqlite/20261202000006_monitor.sql: same
-- columns, tables and indexes (see the SQLite file for the reasons behind them).

ALTER TABLE deliveries ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN event   TEXT NOT NULL DEFAULT '';
UPDATE deliveries d SET channel = e.channel, event = e.event FROM events e WHERE e.id = d.event_row;
ALTER TABLE deliveries ADD COLUMN resend_from TEXT CHECK (resend_from IN ('delivered', 'failed'));

CREATE INDEX deliveries_channel ON deliveries (channel, id);
CREATE INDEX deliveries_failed_webhook ON deliveries (webhook_id, id) WHERE status = 'failed';
CREATE INDEX deliveries_failed_channel ON deliveries (channel, id) WHERE status = 'failed';
CREATE INDEX deliveries_created ON deliveries (created_at);
CREATE INDEX events_created ON events (created_at);

ALTER TABLE delivery_attempts ADD COLUMN request_headers TEXT NOT NULL DEFAULT '{}';

CREATE TABLE delivery_stats_minute (
    minute  BIGINT NOT NULL,
    outcome TEXT    NOT NULL CHECK (outcome IN ('delivered', 'failed', 'attempt')),
    code    TEXT    NOT NULL,
    count   BIGINT NOT NULL,
    PRIMARY KEY (minute, outcome, code)
);
CREATE TABLE delivery_stats_hour (
    hour    BIGINT NOT NULL,
    outcome TEXT    NOT NULL CHECK (outcome IN ('delivered', 'failed', 'attempt')),
    code    TEXT    NOT NULL,
    count   BIGINT NOT NULL,
    PRIMARY KEY (hour, outcome, code)
);
CREATE TABLE failure_stats_minute (
    minute     BIGINT NOT NULL,
    webhook_id BIGINT NOT NULL,
    code       TEXT    NOT NULL,
    count      BIGINT NOT NULL,
    PRIMARY KEY (minute, webhook_id, code)
);
CREATE TABLE failure_stats_hour (
    hour       BIGINT NOT NULL,
    webhook_id BIGINT NOT NULL,
    code       TEXT    NOT NULL,
    count      BIGINT NOT NULL,
    PRIMARY KEY (hour, webhook_id, code)
);

CREATE TABLE bulk_resends (
    id         BIGSERIAL PRIMARY KEY,
    filters    TEXT    NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN ('running', 'done', 'cancelled')),
    total      BIGINT  NOT NULL,
    done       BIGINT  NOT NULL DEFAULT 0,
    skipped    BIGINT  NOT NULL DEFAULT 0,
    cursor     BIGINT,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE INDEX bulk_resends_running ON bulk_resends (id) WHERE state = 'running';
