-- A webhook's rate_per_second holds across every instance sharing the database (SPEC §9): its
-- token bucket lives here, read and spent by each claim in the claim's own transaction, instead
-- of one bucket per instance (which let k instances send k times the rate). `tokens` is the
-- level at `at` (ms); the level refills at the webhook's rate up to one second's worth.
CREATE TABLE rate_buckets (
    webhook_id INTEGER PRIMARY KEY REFERENCES webhooks (id) ON DELETE CASCADE,
    tokens     REAL    NOT NULL,
    at         INTEGER NOT NULL
);
