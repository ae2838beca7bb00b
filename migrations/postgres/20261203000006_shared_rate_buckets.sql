-- The PostgreSQL twin of migrations/sqlite/20261203000006_shared_rate_buckets.sql (see it for
-- the reasons): each rate-limited webhook's token bucket, shared by every instance.
CREATE TABLE rate_buckets (
    webhook_id BIGINT           PRIMARY KEY REFERENCES webhooks (id) ON DELETE CASCADE,
    tokens     DOUBLE PRECISION NOT NULL,
    at         BIGINT           NOT NULL
);
