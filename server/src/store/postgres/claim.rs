//! Claiming deliveries in PostgreSQL: the fair claim of due deliveries, one delivery for a
//! resend, and renewing live leases. Several instances claim from one database at once.
//!
//! Why `FOR UPDATE SKIP LOCKED`: the candidates a claim reads are locked until it commits, and
//! another instance's claim passes over them instead of waiting, so two instances never lease
//! the same delivery and never queue behind each other. Why next_attempt_at = lease_until, as in
//! SQLite: a leased delivery is due again exactly when its lease expires, so the deliveries of an
//! instance killed mid-send are taken back by the ordinary claim of any other one. The candidates
//! are read per webhook (see `DueScan` for why), by the partial per-webhook pending index.

use sqlx::{PgPool, Postgres, Row as _};

use std::collections::HashMap;

use bytes::Bytes;
use sqlx::Transaction;

use super::db;
use crate::store::{
    levels_after, rate_limited, Candidate, Chooser, ClaimWhat, ClaimedBatch, ClaimedDelivery,
    DeliveryStatus, DueScan, Lease, Millis, RateLevel, ResendClaim, StoreError, Transport,
    WebhookTarget,
};

/// Reads the candidates, leases the chosen ones and reads them back, in one transaction.
pub(super) async fn due(
    pool: &PgPool,
    scan: &DueScan,
    lease: Lease,
    choose: &mut Chooser<'_>,
) -> Result<(ClaimedBatch, usize), StoreError> {
    let mut tx = pool.begin().await.map_err(db)?;
    let due = webhooks_with_due_work(&mut tx, scan.now).await?;
    let per_webhook = scan.per_webhook(&due);
    let wanted: Vec<i64> = due.into_iter().filter(|w| !scan.skip.contains(w)).collect();
    let elsewhere = if wanted.is_empty() {
        Vec::new()
    } else {
        routed_elsewhere(&mut tx, scan).await?
    };
    let mut candidates = oldest_due_of(&mut tx, &wanted, &elsewhere, scan.now, per_webhook).await?;
    candidates.sort_by_key(|(due_at, c)| (*due_at, c.id));
    let mut candidates: Vec<Candidate> = candidates.into_iter().map(|(_, c)| c).collect();
    let limited = rate_limited(&candidates);
    let levels = lock_rate_levels(&mut tx, &limited, scan.now).await?;
    for c in candidates
        .iter_mut()
        .filter(|c| c.rate_per_second.is_some())
    {
        c.rate_level = levels.get(&c.webhook_id).copied();
    }
    // Webhooks whose due SMPP work waits for another instance count as seen: the dispatcher
    // then waits for a slot or a moment instead of claiming again at once.
    let passed_over = wanted.iter().filter(|w| elsewhere.contains(w)).count();
    let seen = candidates.len() + passed_over;
    let chosen = choose(&candidates);
    if chosen.is_empty() {
        // Ends the transaction, which releases the candidates' locks.
        tx.rollback().await.map_err(db)?;
        return Ok((ClaimedBatch::default(), seen));
    }
    // The chosen rows are locked by this transaction since they were read: still pending.
    sqlx::query(
        "UPDATE deliveries SET lease_token = $1, lease_until = $2, next_attempt_at = $2
         WHERE status = 'pending' AND id = ANY($3)",
    )
    .bind(lease.token)
    .bind(lease.until)
    .bind(&chosen)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    let spent = levels_after(&limited, &levels, &candidates, &chosen, scan.now);
    write_rate_levels(&mut tx, &spent).await?;
    let batch = read_claimed(&mut tx, lease).await?;
    tx.commit().await.map_err(db)?;
    Ok((batch, seen))
}

/// The token buckets of the rate-limited webhooks `limited`, locked until this claim ends, so
/// another instance's claim of the same webhook waits and then sees what this one spent. A
/// missing row is made first (a full bucket) so that it too can be locked; rows are taken in
/// ascending order, so two claims never wait on each other in a cycle.
async fn lock_rate_levels(
    tx: &mut Transaction<'_, Postgres>,
    limited: &[(i64, f64)],
    now: Millis,
) -> Result<HashMap<i64, RateLevel>, StoreError> {
    if limited.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i64> = limited.iter().map(|(w, _)| *w).collect();
    let full: Vec<f64> = limited
        .iter()
        .map(|(_, rate)| RateLevel::full(*rate, now).tokens)
        .collect();
    sqlx::query(
        "INSERT INTO rate_buckets (webhook_id, tokens, at)
         SELECT w, t, $3 FROM UNNEST($1::BIGINT[], $2::DOUBLE PRECISION[]) AS b(w, t)
         ORDER BY w
         ON CONFLICT (webhook_id) DO NOTHING",
    )
    .bind(&ids)
    .bind(&full)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    let rows = sqlx::query(
        "SELECT webhook_id, tokens, at FROM rate_buckets WHERE webhook_id = ANY($1)
         ORDER BY webhook_id FOR UPDATE",
    )
    .bind(&ids)
    .fetch_all(&mut **tx)
    .await
    .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| {
            let level = RateLevel {
                tokens: r.get(1),
                at: r.get(2),
            };
            (r.get::<i64, _>(0), level)
        })
        .collect())
}

/// Stores the buckets as the claim left them (their rows are locked by it).
async fn write_rate_levels(
    tx: &mut Transaction<'_, Postgres>,
    levels: &[(i64, RateLevel)],
) -> Result<(), StoreError> {
    if levels.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = levels.iter().map(|(w, _)| *w).collect();
    let tokens: Vec<f64> = levels.iter().map(|(_, l)| l.tokens).collect();
    let at: Vec<i64> = levels.iter().map(|(_, l)| l.at).collect();
    sqlx::query(
        "UPDATE rate_buckets r SET tokens = b.t, at = b.a
         FROM UNNEST($1::BIGINT[], $2::DOUBLE PRECISION[], $3::BIGINT[]) AS b(w, t, a)
         WHERE r.webhook_id = b.w",
    )
    .bind(&ids)
    .bind(&tokens)
    .bind(&at)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// The webhooks with deliveries due at `now`, by a loose index scan of the per-webhook pending
/// index (a recursive query: one index seek per webhook with pending deliveries, whatever their
/// backlogs). Rows locked by another claim still count: the webhook has work.
async fn webhooks_with_due_work(
    tx: &mut Transaction<'_, Postgres>,
    now: Millis,
) -> Result<Vec<i64>, StoreError> {
    let rows = sqlx::query(
        "WITH RECURSIVE hooks(id) AS (
           SELECT (SELECT webhook_id FROM deliveries
                   WHERE status = 'pending' ORDER BY webhook_id LIMIT 1)
           UNION ALL
           SELECT (SELECT webhook_id FROM deliveries
                   WHERE status = 'pending' AND webhook_id > hooks.id
                   ORDER BY webhook_id LIMIT 1)
           FROM hooks WHERE hooks.id IS NOT NULL
         )
         SELECT h.id FROM hooks h
         WHERE h.id IS NOT NULL AND EXISTS (
           SELECT 1 FROM deliveries x
           WHERE x.status = 'pending' AND x.webhook_id = h.id AND x.next_attempt_at <= $1)",
    )
    .bind(now)
    .fetch_all(&mut **tx)
    .await
    .map_err(db)?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The webhooks whose SMPP deliveries this claim passes over: their ESME is bound at another
/// instance and not here (see `SmppRoute`).
async fn routed_elsewhere(
    tx: &mut Transaction<'_, Postgres>,
    scan: &DueScan,
) -> Result<Vec<i64>, StoreError> {
    let rows = sqlx::query(
        "SELECT w.id, b.esme_bind_id FROM smpp_bound b
         JOIN webhooks w ON w.esme_bind_id = b.esme_bind_id
         WHERE b.until > $1 AND b.instance <> $2",
    )
    .bind(scan.now)
    .bind(&scan.smpp.instance)
    .fetch_all(&mut **tx)
    .await
    .map_err(db)?;
    let pairs: Vec<(i64, i64)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    Ok(scan.smpp.routed_elsewhere(&pairs))
}

/// Publishes this instance's bound ESME binds (see `DeliveryStore::publish_smpp_bound`), in one
/// transaction: another instance's claim sees the old set or the new one, never none.
pub(super) async fn publish_bound(
    pool: &PgPool,
    instance: &str,
    esme_binds: &[i64],
    until: Millis,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await.map_err(db)?;
    sqlx::query("DELETE FROM smpp_bound WHERE instance = $1")
        .bind(instance)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    sqlx::query(
        "INSERT INTO smpp_bound (instance, esme_bind_id, until)
         SELECT $1, esme, $3 FROM UNNEST($2::BIGINT[]) AS e(esme)",
    )
    .bind(instance)
    .bind(esme_binds)
    .bind(until)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)
}

/// The oldest `limit` due deliveries of each of `webhooks` not locked by another claim, locked
/// for this one, with the webhooks' own limits, as (due at, candidate); of the webhooks in
/// `http_only`, the HTTP deliveries only.
async fn oldest_due_of(
    tx: &mut Transaction<'_, Postgres>,
    webhooks: &[i64],
    http_only: &[i64],
    now: Millis,
    limit: usize,
) -> Result<Vec<(Millis, Candidate)>, StoreError> {
    if webhooks.is_empty() {
        return Ok(Vec::new());
    }
    // One statement for every webhook: a LATERAL sub-select per webhook id of the array.
    let rows = sqlx::query(
        "SELECT c.id, c.webhook_id, w.max_in_flight, w.rate_per_second,
                CASE WHEN w.max_in_flight IS NULL THEN 0 ELSE
                  (SELECT COUNT(*) FROM deliveries l
                   WHERE l.webhook_id = c.webhook_id AND l.lease_token IS NOT NULL
                     AND l.lease_until > $2) END,
                c.next_attempt_at
         FROM UNNEST($1::BIGINT[]) AS h(id)
         CROSS JOIN LATERAL (
           SELECT id, webhook_id, next_attempt_at FROM deliveries
           WHERE status = 'pending' AND webhook_id = h.id AND next_attempt_at <= $2
             AND (transport = 'http' OR h.id <> ALL($4::BIGINT[]))
           ORDER BY next_attempt_at LIMIT $3
           FOR UPDATE SKIP LOCKED
         ) c
         LEFT JOIN webhooks w ON w.id = c.webhook_id",
    )
    .bind(webhooks)
    .bind(now)
    .bind(limit as i64)
    .bind(http_only)
    .fetch_all(&mut **tx)
    .await
    .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| {
            let candidate = Candidate {
                id: r.get(0),
                webhook_id: r.get(1),
                max_in_flight: r
                    .get::<Option<i64>, _>(2)
                    .map(|n| n.clamp(1, u32::MAX as i64) as u32),
                rate_per_second: r.get(3),
                leased_anywhere: r.get::<i64, _>(4).max(0) as u32,
                rate_level: None,
            };
            (r.get::<Millis, _>(5), candidate)
        })
        .collect())
}

/// A resend's delivery (unless a live lease holds it), or the deliveries created leased.
pub(super) async fn one(
    pool: &PgPool,
    what: ClaimWhat,
    lease: Lease,
) -> Result<ResendClaim, StoreError> {
    let mut tx = pool.begin().await.map_err(db)?;
    if let ClaimWhat::Delivery { id, now } = what {
        // FOR UPDATE: a claim of another instance that holds the row finishes first, and its
        // lease is then seen here.
        let row =
            sqlx::query("SELECT lease_token, lease_until FROM deliveries WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
        let Some(row) = row else {
            return Ok(ResendClaim::Missing);
        };
        let (token, until): (Option<i64>, Option<Millis>) = (row.get(0), row.get(1));
        if let (Some(_), Some(until)) = (token, until) {
            if until > now {
                return Ok(ResendClaim::Busy { until });
            }
        }
        sqlx::query(
            "UPDATE deliveries SET lease_token = $1, lease_until = $2, next_attempt_at = $2
             WHERE id = $3",
        )
        .bind(lease.token)
        .bind(lease.until)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    let batch = read_claimed(&mut tx, lease).await?;
    tx.commit().await.map_err(db)?;
    Ok(if batch.deliveries.is_empty() {
        ResendClaim::Missing
    } else {
        ResendClaim::Claimed(batch)
    })
}

/// Extends the leases still held (a result recorded meanwhile cleared its token: untouched).
pub(super) async fn renew(pool: &PgPool, tokens: &[i64], until: Millis) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE deliveries SET lease_until = $1, next_attempt_at = $1
         WHERE status = 'pending' AND lease_token = ANY($2)",
    )
    .bind(until)
    .bind(tokens)
    .execute(pool)
    .await
    .map_err(db)?;
    Ok(done.rows_affected())
}

/// Reads the deliveries holding `token`, with their event id, body and webhooks.
async fn read_claimed(
    tx: &mut Transaction<'_, Postgres>,
    lease: Lease,
) -> Result<ClaimedBatch, StoreError> {
    let rows = sqlx::query(
        "SELECT d.id, d.webhook_id, d.status, d.scheduled_count, e.event_id, p.body, d.resend_from,
                d.transport
         FROM deliveries d
         JOIN events e ON e.id = d.event_row
         JOIN event_payloads p ON p.event_row = d.event_row
         WHERE d.lease_token = $1
         ORDER BY d.id",
    )
    .bind(lease.token)
    .fetch_all(&mut **tx)
    .await
    .map_err(db)?;
    let mut deliveries = Vec::with_capacity(rows.len());
    for r in rows {
        let status: &str = r.get(2);
        deliveries.push(ClaimedDelivery {
            id: r.get(0),
            webhook_id: r.get(1),
            status: DeliveryStatus::parse(status).ok_or_else(|| {
                StoreError::Database(sqlx::Error::Decode("delivery status".into()))
            })?,
            scheduled_count: r.get(3),
            event_id: r.get(4),
            body: Bytes::from(r.get::<Vec<u8>, _>(5)),
            resend_from: r.get::<Option<&str>, _>(6).and_then(DeliveryStatus::parse),
            transport: Transport::parse(r.get::<&str, _>(7)),
        });
    }
    if deliveries.is_empty() {
        return Ok(ClaimedBatch::default());
    }
    let hooks = sqlx::query(
        "SELECT id, url, hub_algorithm, hub_secret_enc, authorization_id, enabled, esme_bind_id
         FROM webhooks
         WHERE id IN (SELECT DISTINCT webhook_id FROM deliveries WHERE lease_token = $1)",
    )
    .bind(lease.token)
    .fetch_all(&mut **tx)
    .await
    .map_err(db)?;
    let webhooks: HashMap<i64, WebhookTarget> = hooks
        .into_iter()
        .map(|r| {
            let t = WebhookTarget {
                id: r.get(0),
                url: r.get(1),
                hub_algorithm: r.get(2),
                hub_secret_enc: r.get(3),
                authorization_id: r.get(4),
                enabled: r.get(5),
                esme_bind_id: r.get(6),
            };
            (t.id, t)
        })
        .collect();
    Ok(ClaimedBatch {
        lease: Some(lease),
        deliveries,
        webhooks,
    })
}
