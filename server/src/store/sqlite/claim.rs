//! Claiming deliveries in SQLite: the fair claim of due deliveries, one delivery for a resend,
//! and renewing live leases.
//!
//! Why next_attempt_at = lease_until: a leased delivery is due again exactly when its lease
//! expires, so a crashed worker's deliveries are taken back by the ordinary claim. Why INDEXED
//! BY: without statistics SQLite would pick another index and sort every pending row; the
//! partial per-webhook pending index finds the webhooks with due work by a skip-scan and hands
//! out each one's due rows in order, reading no table row (see `DueScan` for why per webhook).

use sqlx::{QueryBuilder, Row as _, Sqlite, SqlitePool};

use std::collections::HashMap;

use bytes::Bytes;
use sqlx::Transaction;

use super::db;
use crate::store::{
    levels_after, rate_limited, Candidate, Chooser, ClaimWhat, ClaimedBatch, ClaimedDelivery,
    DeliveryStatus, DueScan, Lease, Millis, RateLevel, ResendClaim, StoreError, Transport,
    WebhookTarget,
};

/// Why `BEGIN IMMEDIATE`: these transactions read, then write. A deferred one would take its
/// snapshot at the read and fail at once with SQLITE_BUSY (no busy timeout applies) if another
/// connection committed before its write; taking the write lock first makes it wait its turn.
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// Reads the candidates, leases the chosen ones and reads them back, in one transaction.
pub(super) async fn due(
    pool: &SqlitePool,
    scan: &DueScan,
    lease: Lease,
    choose: &mut Chooser<'_>,
) -> Result<(ClaimedBatch, usize), StoreError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await.map_err(db)?;
    let due = webhooks_with_due_work(&mut tx, scan.now).await?;
    let per_webhook = scan.per_webhook(&due);
    let wanted: Vec<i64> = due.into_iter().filter(|w| !scan.skip.contains(w)).collect();
    let elsewhere = if wanted.is_empty() {
        Vec::new()
    } else {
        routed_elsewhere(&mut tx, scan).await?
    };
    let mut candidates = Vec::new();
    // Why chunks of 400: SQLite allows at most 500 terms in a compound SELECT.
    for chunk in wanted.chunks(400) {
        let found = oldest_due_of(&mut tx, chunk, &elsewhere, scan.now, per_webhook).await?;
        candidates.extend(found);
    }
    candidates.sort_by_key(|(due_at, c)| (*due_at, c.id));
    let mut candidates: Vec<Candidate> = candidates.into_iter().map(|(_, c)| c).collect();
    let limited = rate_limited(&candidates);
    let levels = read_rate_levels(&mut tx, &limited).await?;
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
        return Ok((ClaimedBatch::default(), seen));
    }
    for chunk in chosen.chunks(400) {
        let mut qb = QueryBuilder::<Sqlite>::new("UPDATE deliveries SET lease_token = ");
        qb.push_bind(lease.token)
            .push(", lease_until = ")
            .push_bind(lease.until)
            .push(", next_attempt_at = ")
            .push_bind(lease.until)
            .push(" WHERE status = 'pending' AND id IN (");
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        qb.push(")");
        qb.build().execute(&mut *tx).await.map_err(db)?;
    }
    let spent = levels_after(&limited, &levels, &candidates, &chosen, scan.now);
    write_rate_levels(&mut tx, &spent).await?;
    let batch = read_claimed(&mut tx, lease).await?;
    tx.commit().await.map_err(db)?;
    Ok((batch, seen))
}

/// The stored token buckets of the rate-limited webhooks `limited` (a webhook without a row
/// has a full bucket). One process serves a SQLite database, and the claim holds the write
/// lock: nobody spends them meanwhile.
async fn read_rate_levels(
    tx: &mut Transaction<'_, Sqlite>,
    limited: &[(i64, f64)],
) -> Result<HashMap<i64, RateLevel>, StoreError> {
    let mut levels = HashMap::new();
    for chunk in limited.chunks(400) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "SELECT webhook_id, tokens, at FROM rate_buckets WHERE webhook_id IN (",
        );
        let mut list = qb.separated(", ");
        for (w, _) in chunk {
            list.push_bind(*w);
        }
        qb.push(")");
        for r in qb.build().fetch_all(&mut **tx).await.map_err(db)? {
            let level = RateLevel {
                tokens: r.get(1),
                at: r.get(2),
            };
            levels.insert(r.get::<i64, _>(0), level);
        }
    }
    Ok(levels)
}

/// Stores the buckets as the claim left them.
async fn write_rate_levels(
    tx: &mut Transaction<'_, Sqlite>,
    levels: &[(i64, RateLevel)],
) -> Result<(), StoreError> {
    for (w, level) in levels {
        sqlx::query(
            "INSERT INTO rate_buckets (webhook_id, tokens, at) VALUES (?1, ?2, ?3)
             ON CONFLICT (webhook_id) DO UPDATE SET tokens = excluded.tokens, at = excluded.at",
        )
        .bind(w)
        .bind(level.tokens)
        .bind(level.at)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    }
    Ok(())
}

/// The webhooks with deliveries due at `now`, by a skip-scan of the per-webhook pending index:
/// one index seek per webhook with pending deliveries, whatever their backlogs.
async fn webhooks_with_due_work(
    tx: &mut Transaction<'_, Sqlite>,
    now: Millis,
) -> Result<Vec<i64>, StoreError> {
    let rows = sqlx::query(
        "WITH RECURSIVE hooks(id) AS (
           SELECT (SELECT webhook_id FROM deliveries INDEXED BY deliveries_pending_webhook
                   WHERE status = 'pending' ORDER BY webhook_id LIMIT 1)
           UNION ALL
           SELECT (SELECT webhook_id FROM deliveries INDEXED BY deliveries_pending_webhook
                   WHERE status = 'pending' AND webhook_id > hooks.id
                   ORDER BY webhook_id LIMIT 1)
           FROM hooks WHERE hooks.id IS NOT NULL
         )
         SELECT h.id FROM hooks h
         WHERE h.id IS NOT NULL AND EXISTS (
           SELECT 1 FROM deliveries x INDEXED BY deliveries_pending_webhook
           WHERE x.status = 'pending' AND x.webhook_id = h.id AND x.next_attempt_at <= ?1)",
    )
    .bind(now)
    .fetch_all(&mut **tx)
    .await
    .map_err(db)?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The webhooks whose SMPP deliveries this claim passes over: their ESME is bound at another
/// instance and not here (see `SmppRoute`). Why CROSS JOIN: SQLite keeps that order, so the
/// (nearly always empty) `smpp_bound` is read first and `webhooks` only for its rows.
async fn routed_elsewhere(
    tx: &mut Transaction<'_, Sqlite>,
    scan: &DueScan,
) -> Result<Vec<i64>, StoreError> {
    let rows = sqlx::query(
        "SELECT w.id, b.esme_bind_id FROM smpp_bound b
         CROSS JOIN webhooks w ON w.esme_bind_id = b.esme_bind_id
         WHERE b.until > ?1 AND b.instance <> ?2",
    )
    .bind(scan.now)
    .bind(&scan.smpp.instance)
    .fetch_all(&mut **tx)
    .await
    .map_err(db)?;
    let pairs: Vec<(i64, i64)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    Ok(scan.smpp.routed_elsewhere(&pairs))
}

/// Publishes this instance's bound ESME binds (see `DeliveryStore::publish_smpp_bound`).
pub(super) async fn publish_bound(
    pool: &SqlitePool,
    instance: &str,
    esme_binds: &[i64],
    until: Millis,
) -> Result<(), StoreError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await.map_err(db)?;
    sqlx::query("DELETE FROM smpp_bound WHERE instance = ?1")
        .bind(instance)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    for esme in esme_binds {
        sqlx::query("INSERT INTO smpp_bound (instance, esme_bind_id, until) VALUES (?1, ?2, ?3)")
            .bind(instance)
            .bind(esme)
            .bind(until)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    tx.commit().await.map_err(db)
}

/// The oldest `limit` due deliveries of each of `webhooks`, with the webhooks' own limits, as
/// (due at, candidate); of the webhooks in `http_only`, the HTTP deliveries only.
async fn oldest_due_of(
    tx: &mut Transaction<'_, Sqlite>,
    webhooks: &[i64],
    http_only: &[i64],
    now: Millis,
    limit: usize,
) -> Result<Vec<(Millis, Candidate)>, StoreError> {
    if webhooks.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT c.id, c.webhook_id, w.max_in_flight, w.rate_per_second,
                CASE WHEN w.max_in_flight IS NULL THEN 0 ELSE
                  (SELECT COUNT(*) FROM deliveries l INDEXED BY deliveries_leased
                   WHERE l.webhook_id = c.webhook_id AND l.lease_token IS NOT NULL
                     AND l.lease_until > ",
    );
    qb.push_bind(now).push(") END, c.next_attempt_at FROM (");
    for (i, w) in webhooks.iter().enumerate() {
        if i > 0 {
            qb.push(" UNION ALL ");
        }
        // Each arm wrapped in a sub-select: a compound SELECT takes no ORDER BY/LIMIT per arm.
        qb.push(
            "SELECT * FROM (SELECT id, webhook_id, next_attempt_at
             FROM deliveries INDEXED BY deliveries_pending_webhook
             WHERE status = 'pending' AND webhook_id = ",
        )
        .push_bind(*w)
        .push(" AND next_attempt_at <= ")
        .push_bind(now);
        if http_only.contains(w) {
            qb.push(" AND transport = 'http'");
        }
        qb.push(" ORDER BY next_attempt_at LIMIT ")
            .push_bind(limit as i64)
            .push(")");
    }
    qb.push(") c LEFT JOIN webhooks w ON w.id = c.webhook_id");
    let rows = qb.build().fetch_all(&mut **tx).await.map_err(db)?;
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
    pool: &SqlitePool,
    what: ClaimWhat,
    lease: Lease,
) -> Result<ResendClaim, StoreError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await.map_err(db)?;
    if let ClaimWhat::Delivery { id, now } = what {
        let row = sqlx::query("SELECT lease_token, lease_until FROM deliveries WHERE id = ?1")
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
            "UPDATE deliveries SET lease_token = ?1, lease_until = ?2, next_attempt_at = ?2
             WHERE id = ?3",
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
pub(super) async fn renew(
    pool: &SqlitePool,
    tokens: &[i64],
    until: Millis,
) -> Result<u64, StoreError> {
    let mut renewed = 0;
    for chunk in tokens.chunks(400) {
        let mut qb = QueryBuilder::<Sqlite>::new("UPDATE deliveries SET lease_until = ");
        qb.push_bind(until)
            .push(", next_attempt_at = ")
            .push_bind(until)
            .push(" WHERE status = 'pending' AND lease_token IN (");
        let mut list = qb.separated(", ");
        for t in chunk {
            list.push_bind(*t);
        }
        qb.push(")");
        renewed += qb.build().execute(pool).await.map_err(db)?.rows_affected();
    }
    Ok(renewed)
}

/// Reads the deliveries holding `token`, with their event id, body and webhooks.
async fn read_claimed(
    tx: &mut Transaction<'_, Sqlite>,
    lease: Lease,
) -> Result<ClaimedBatch, StoreError> {
    let rows = sqlx::query(
        "SELECT d.id, d.webhook_id, d.status, d.scheduled_count, e.event_id, p.body, d.resend_from,
                d.transport
         FROM deliveries d
         JOIN events e ON e.id = d.event_row
         JOIN event_payloads p ON p.event_row = d.event_row
         WHERE d.lease_token = ?1
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
         WHERE id IN (SELECT DISTINCT webhook_id FROM deliveries WHERE lease_token = ?1)",
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
