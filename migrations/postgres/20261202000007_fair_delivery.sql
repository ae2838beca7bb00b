-- Fair delivery (SPEC §8). The PostgreSQL twin of migrations/sqlite/20261202000007_fair_delivery.sql
-- (see it for the reasons).

ALTER TABLE webhooks ADD COLUMN max_in_flight   BIGINT          CHECK (max_in_flight > 0);
ALTER TABLE webhooks ADD COLUMN rate_per_second DOUBLE PRECISION CHECK (rate_per_second > 0);
ALTER TABLE webhooks ADD COLUMN consecutive_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE webhooks ADD COLUMN last_success_at      BIGINT;

DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (next_attempt_at, webhook_id) WHERE status = 'pending';
CREATE INDEX deliveries_leased ON deliveries (webhook_id, lease_until) WHERE lease_token IS NOT NULL;

CREATE TABLE latency_stats_hour (
    hour       BIGINT NOT NULL,
    webhook_id BIGINT NOT NULL,
    bucket     BIGINT NOT NULL,
    count      BIGINT NOT NULL,
    PRIMARY KEY (webhook_id, hour, bucket)
);
