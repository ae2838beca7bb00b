-- Ingested events, their payloads, the deliveries they fanned out to, and every attempt.
--
-- Why payloads live apart: the hot queue rows (`deliveries`) stay small, so claiming and recording
-- touch few pages; the body is read once per claim and written once per event.
-- Why no foreign key from deliveries to webhooks: deleting a webhook keeps its delivery log
-- (SPEC §4); `webhook_name` keeps what the log shows.

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    event_id    TEXT    NOT NULL,          -- given or generated; sent as x-wx-gtrid
    channel     TEXT    NOT NULL,
    event       TEXT    NOT NULL,
    entity_kind TEXT    NOT NULL CHECK (entity_kind IN ('service', 'number', 'app')),
    entity_id   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX events_event_id ON events (event_id);

CREATE TABLE event_payloads (
    event_row INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    body     BLOB    NOT NULL               -- the exact bytes stored, signed and sent
);

CREATE TABLE deliveries (
    id                 INTEGER PRIMARY KEY,
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
-- The claim: due pending deliveries, oldest due first.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
-- A claimed batch is read back by its lease token.
CREATE INDEX deliveries_lease ON deliveries (lease_token) WHERE lease_token IS NOT NULL;
CREATE INDEX deliveries_event ON deliveries (event_row);
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id);
CREATE INDEX deliveries_status ON deliveries (status, id);

-- Append-only: one row per attempt, never updated.
CREATE TABLE delivery_attempts (
    id               INTEGER PRIMARY KEY,
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
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
