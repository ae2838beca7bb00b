-- Fair delivery (SPEC §8): a webhook's own limits, its health, and what the fair claim reads.

-- Optional per-webhook limits (CONTRACT §4 "Per-webhook delivery settings"); NULL = the fair share.
ALTER TABLE webhooks ADD COLUMN max_in_flight   INTEGER CHECK (max_in_flight > 0);
ALTER TABLE webhooks ADD COLUMN rate_per_second REAL    CHECK (rate_per_second > 0);
-- Health, kept as attempts are recorded: failed attempts in a row, and the last delivered one.
ALTER TABLE webhooks ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhooks ADD COLUMN last_success_at      INTEGER;

-- The fair claim walks the due deliveries oldest first and passes over the webhooks that hold
-- their share: with the webhook in the index, that pass reads no table row.
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (next_attempt_at, webhook_id) WHERE status = 'pending';
-- A webhook's live leases, counted against its max_in_flight across every instance.
CREATE INDEX deliveries_leased ON deliveries (webhook_id, lease_until) WHERE lease_token IS NOT NULL;

-- Attempt latency per webhook per hour, as a histogram (bucket = floor(log1.25(ms))): the p50 and
-- p99 over the last 24 hours without reading the attempts.
CREATE TABLE latency_stats_hour (
    hour       INTEGER NOT NULL,
    webhook_id INTEGER NOT NULL,
    bucket     INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (webhook_id, hour, bucket)
) WITHOUT ROWID;
