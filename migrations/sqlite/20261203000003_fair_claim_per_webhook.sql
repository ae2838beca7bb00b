-- The fair claim reads candidates per webhook (SPEC §8): first the webhooks with due work, then
-- the oldest few due deliveries of each. Reading the oldest N due rows overall starved a fast
-- webhook queued behind another's backlog: its rows were never among the N (BENCHMARKS.md,
-- isolation). This index serves both steps: the distinct webhooks by a skip-scan, and each
-- webhook's oldest due rows in order, without reading a table row.
CREATE INDEX deliveries_pending_webhook ON deliveries (webhook_id, next_attempt_at)
    WHERE status = 'pending';
