//! Claiming deliveries in SQLite: the fair claim of due deliveries, one delivery for a resend,
//! and renewing live leases.
//!
//! Why next_attempt_at = lease_until: a leased delivery is due again exactly when its lease
//! expires, so a crashed worker's deliveries are taken back by the ordinary claim. Why INDEXED
//! BY: without statistics SQLite would pick another index and sort every pending row; the
//! partial due index hands out the due rows in order, with the webhook beside each, so the pass
//! over a webhook that holds its share reads no table row.

use sqlx::{QueryBuilder, Row as _, Sqlite, SqlitePool};

use super::{db, deliveries::read_claimed};
use crate::store::{
    Candidate, Chooser, ClaimWhat, ClaimedBatch, DueScan, Lease, Millis, ResendClaim, StoreError,
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
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT d.id, d.webhook_id, w.max_in_flight, w.rate_per_second,
                CASE WHEN w.max_in_flight IS NULL THEN 0 ELSE
                  (SELECT COUNT(*) FROM deliveries l INDEXED BY deliveries_leased
                   WHERE l.webhook_id = d.webhook_id AND l.lease_token IS NOT NULL
                     AND l.lease_until > ",
    );
    qb.push_bind(scan.now)
        .push(
            ") END
         FROM deliveries d INDEXED BY deliveries_due
         LEFT JOIN webhooks w ON w.id = d.webhook_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= ",
        )
        .push_bind(scan.now);
    if !scan.skip.is_empty() {
        qb.push(" AND d.webhook_id NOT IN (");
        let mut list = qb.separated(", ");
        for w in &scan.skip {
            list.push_bind(*w);
        }
        qb.push(")");
    }
    qb.push(" ORDER BY d.next_attempt_at LIMIT ")
        .push_bind(scan.scan as i64);
    let candidates: Vec<Candidate> = qb
        .build()
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?
        .iter()
        .map(|r| Candidate {
            id: r.get(0),
            webhook_id: r.get(1),
            max_in_flight: r
                .get::<Option<i64>, _>(2)
                .map(|n| n.clamp(1, u32::MAX as i64) as u32),
            rate_per_second: r.get(3),
            leased_anywhere: r.get::<i64, _>(4).max(0) as u32,
        })
        .collect();
    let seen = candidates.len();
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
    let batch = read_claimed(&mut tx, lease).await?;
    tx.commit().await.map_err(db)?;
    Ok((batch, seen))
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
