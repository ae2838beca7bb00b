-- Monitor (SPEC §7): what the delivery log filters on, what an attempt sent, the per-minute
-- aggregates the dashboard reads, and bulk resend jobs.

-- The log filters by channel without touching `events`: the channel and event are kept on the
-- delivery (a few bytes a row) so an index can serve the filter.
ALTER TABLE deliveries ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN event   TEXT NOT NULL DEFAULT '';
UPDATE deliveries SET
    channel = (SELECT e.channel FROM events e WHERE e.id = deliveries.event_row),
    event   = (SELECT e.event   FROM events e WHERE e.id = deliveries.event_row);
-- A bulk resend queues a manual attempt: the status the delivery had before it was queued, so
-- the attempt is judged as a resend of that state (a failed resend leaves it as it was).
ALTER TABLE deliveries ADD COLUMN resend_from TEXT CHECK (resend_from IN ('delivered', 'failed'));

-- Every filter of the log is served by an index (a residual filter is checked on a bounded scan):
-- by channel; the failed ones by webhook and by channel (the filters the dashboard links to); and
-- the creation time, which bounds the id range of a time filter (ids grow with time).
CREATE INDEX deliveries_channel ON deliveries (channel, id);
CREATE INDEX deliveries_failed_webhook ON deliveries (webhook_id, id) WHERE status = 'failed';
CREATE INDEX deliveries_failed_channel ON deliveries (channel, id) WHERE status = 'failed';
CREATE INDEX deliveries_created ON deliveries (created_at);
-- Retention takes the oldest events first.
CREATE INDEX events_created ON events (created_at);

-- The request headers an attempt sent, credentials masked (a JSON object).
ALTER TABLE delivery_attempts ADD COLUMN request_headers TEXT NOT NULL DEFAULT '{}';

-- Aggregates, updated in the transaction that ends a delivery or records an attempt: the
-- dashboard reads these and never the deliveries table, so it costs the same at a thousand and a
-- hundred million deliveries. `outcome` is `delivered` or `failed` (a delivery reached that end;
-- `code` is its last status or error code) or `attempt` (a request was made; `code` is its status
-- or error code). Per minute for the short periods (kept two days), per hour for the long ones
-- (kept 400 days), and the failures per webhook at both grains for the breakdowns.
CREATE TABLE delivery_stats_minute (
    minute  INTEGER NOT NULL,                -- Unix time / 60
    outcome TEXT    NOT NULL CHECK (outcome IN ('delivered', 'failed', 'attempt')),
    code    TEXT    NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (minute, outcome, code)
) WITHOUT ROWID;
CREATE TABLE delivery_stats_hour (
    hour    INTEGER NOT NULL,                -- Unix time / 3600
    outcome TEXT    NOT NULL CHECK (outcome IN ('delivered', 'failed', 'attempt')),
    code    TEXT    NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (hour, outcome, code)
) WITHOUT ROWID;
CREATE TABLE failure_stats_minute (
    minute     INTEGER NOT NULL,
    webhook_id INTEGER NOT NULL,
    code       TEXT    NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (minute, webhook_id, code)
) WITHOUT ROWID;
CREATE TABLE failure_stats_hour (
    hour       INTEGER NOT NULL,
    webhook_id INTEGER NOT NULL,
    code       TEXT    NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (hour, webhook_id, code)
) WITHOUT ROWID;

-- Bulk resend: a stored filter worked through newest first in small transactions, each moving
-- the cursor with the deliveries it queued, so a restart resumes where it stopped and nothing
-- is queued twice.
CREATE TABLE bulk_resends (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    filters    TEXT    NOT NULL,                -- the log query's parameters, JSON
    state      TEXT    NOT NULL CHECK (state IN ('running', 'done', 'cancelled')),
    total      INTEGER NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0,
    skipped    INTEGER NOT NULL DEFAULT 0,
    cursor     INTEGER,                         -- the smallest delivery id gone through
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX bulk_resends_running ON bulk_resends (id) WHERE state = 'running';
