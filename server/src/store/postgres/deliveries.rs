//! The delivery queue in PostgreSQL: ingest, claim and record, each a short transaction built
//! from multi-row statements (never one statement per row where one per batch works: every
//! statement is a round trip to the server, and that is the queue's real cost). Several
//! instances write here at once: nothing assumes that ids handed out meanwhile are this
//! transaction's own.

use std::collections::HashMap;

use async_trait::async_trait;
use bytes::Bytes;
use sqlx::{Postgres, Row as _, Transaction};

use app::domain::webhook::SMPP_FORWARDED;

use super::{db, PgStore};
use crate::store::{
    now_millis, AttemptResult, Chooser, ClaimWhat, ClaimedBatch, DeliveryDetail, DeliveryFilter,
    DeliveryLogStore, DeliveryPage, DeliveryStatus, DeliveryStore, DueScan, IngestOptions,
    IngestOutcome, Lease, NewEvent, NextState, ResendClaim, StoreError,
};

/// Rows per multi-row statement: well under PostgreSQL's 65,535 bound parameters.
const CHUNK: usize = 400;

/// Inserts the events not seen before; returns (row id, event id) of those inserted.
async fn insert_events(
    tx: &mut Transaction<'_, Postgres>,
    events: &[NewEvent],
    now: i64,
) -> Result<Vec<(i64, String)>, StoreError> {
    let mut inserted = Vec::with_capacity(events.len());
    for chunk in events.chunks(CHUNK) {
        let mut qb = sqlx::QueryBuilder::<Postgres>::new(
            "INSERT INTO events (event_id, channel, event, entity_kind, entity_id, created_at) ",
        );
        qb.push_values(chunk, |mut b, e| {
            b.push_bind(&e.event_id)
                .push_bind(&e.channel)
                .push_bind(&e.event)
                .push_bind(e.entity.kind())
                .push_bind(e.entity.id())
                .push_bind(now);
        });
        // Why DO NOTHING: a known event_id is the idempotent repeat of CONTRACT §2, skipped.
        qb.push(" ON CONFLICT (event_id) DO NOTHING RETURNING id, event_id");
        for row in qb.build().fetch_all(&mut **tx).await.map_err(db)? {
            inserted.push((row.get::<i64, _>(0), row.get::<String, _>(1)));
        }
    }
    Ok(inserted)
}

async fn insert_payloads(
    tx: &mut Transaction<'_, Postgres>,
    rows: &[(i64, &Bytes)],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(CHUNK) {
        let mut qb =
            sqlx::QueryBuilder::<Postgres>::new("INSERT INTO event_payloads (event_row, body) ");
        qb.push_values(chunk, |mut b, (row, body)| {
            b.push_bind(*row).push_bind(body.as_ref());
        });
        qb.build().execute(&mut **tx).await.map_err(db)?;
    }
    Ok(())
}

/// Routes the events with these row ids (inserted by this transaction; ids of other
/// transactions may interleave, so the ids are listed, not a range) to every enabled webhook
/// whose entity and ticked notification match.
async fn route(
    tx: &mut Transaction<'_, Postgres>,
    event_rows: &[i64],
    options: IngestOptions,
    now: i64,
) -> Result<Vec<i64>, StoreError> {
    let (due, token, until) = match options.lease {
        Some(l) => (l.until, Some(l.token), Some(l.until)),
        None => (now, None, None),
    };
    let rows = sqlx::query(
        "INSERT INTO deliveries (event_row, webhook_id, webhook_name, channel, event, status,
                next_attempt_at, lease_token, lease_until, created_at, updated_at, transport)
         SELECT e.id, w.id, w.name, e.channel, e.event, 'pending', $2, $3, $4, $5, $5, t.transport
         FROM events e
         JOIN webhook_notifications n ON n.channel = e.channel AND n.event = e.event
         JOIN webhooks w ON w.id = n.webhook_id
         JOIN (VALUES ('http'), ('smpp')) AS t (transport)
           ON t.transport = 'http'
           OR (w.esme_bind_id IS NOT NULL AND e.channel = $7 AND e.event = $8)
         WHERE e.id = ANY($1)
           AND w.enabled
           AND w.entity_kind = e.entity_kind
           AND COALESCE(w.service_id, w.number_id, w.app_id) = e.entity_id
           AND ($6::BIGINT IS NULL OR w.id = $6)
         ORDER BY e.id, w.id, t.transport
         RETURNING id",
    )
    .bind(event_rows)
    .bind(due)
    .bind(token)
    .bind(until)
    .bind(now)
    .bind(options.only_webhook)
    .bind(SMPP_FORWARDED.0)
    .bind(SMPP_FORWARDED.1)
    .fetch_all(&mut **tx)
    .await
    .map_err(db)?;
    // RETURNING gives the rows in the order they were inserted; sorted to be sure: the ids were
    // handed out in the ORDER BY's order.
    let mut ids: Vec<i64> = rows.iter().map(|r| r.get::<i64, _>(0)).collect();
    ids.sort_unstable();
    Ok(ids)
}

fn next_columns(next: NextState, now: i64) -> (&'static str, i64) {
    match next {
        NextState::Delivered => (DeliveryStatus::Delivered.as_str(), now),
        NextState::Failed => (DeliveryStatus::Failed.as_str(), now),
        NextState::Retry(at) => (DeliveryStatus::Pending.as_str(), at),
    }
}

/// Applies one chunk of results, fenced on their lease tokens; returns the (id, webhook id) of
/// those applied.
async fn apply_results(
    tx: &mut Transaction<'_, Postgres>,
    chunk: &[AttemptResult],
    now: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let mut qb = sqlx::QueryBuilder::<Postgres>::new(
        "UPDATE deliveries SET status = v.column3, \
        attempt_count = attempt_count + v.column4, scheduled_count = scheduled_count + v.column5, \
        next_attempt_at = v.column6, lease_token = NULL, lease_until = NULL, resend_from = NULL, \
        last_status_code = v.column7, last_error_code = v.column8, updated_at = ",
    );
    qb.push_bind(now);
    qb.push(" FROM (");
    // Why VALUES and not one UPDATE per result: one statement per batch (see the module doc).
    qb.push_values(chunk, |mut b, r| {
        let (status, next_at) = next_columns(r.next, now);
        b.push_bind(r.delivery_id)
            .push_bind(r.lease_token)
            .push_bind(status)
            .push_bind(i64::from(r.attempt.is_some()))
            .push_bind(i64::from(r.scheduled && r.attempt.is_some()))
            .push_bind(next_at)
            .push_bind(r.last_status_code.map(i64::from))
            .push_bind(r.last_error_code.as_deref());
    });
    qb.push(
        ") AS v WHERE deliveries.id = v.column1 AND deliveries.lease_token = v.column2 \
         RETURNING deliveries.id, deliveries.webhook_id",
    );
    let rows = qb.build().fetch_all(&mut **tx).await.map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| (r.get::<i64, _>(0), r.get::<i64, _>(1)))
        .collect())
}

async fn insert_attempts(
    tx: &mut Transaction<'_, Postgres>,
    applied: &[&AttemptResult],
) -> Result<(), StoreError> {
    let logged: Vec<_> = applied
        .iter()
        .filter_map(|r| r.attempt.as_ref().map(|a| (r.delivery_id, a)))
        .collect();
    for chunk in logged.chunks(CHUNK) {
        let mut qb = sqlx::QueryBuilder::<Postgres>::new(
            "INSERT INTO delivery_attempts (delivery_id, at, duration_ms, status_code, error_code,
                error_message, request_headers, response_headers, response_body, trigger,
                smpp_status) ",
        );
        qb.push_values(chunk, |mut b, (id, a)| {
            b.push_bind(*id)
                .push_bind(a.at)
                .push_bind(a.duration_ms)
                .push_bind(a.status_code.map(i64::from))
                .push_bind(a.error_code.as_deref())
                .push_bind(a.error_message.as_deref())
                .push_bind(&a.request_headers)
                .push_bind(&a.response_headers)
                .push_bind(&a.response_body)
                .push_bind(a.trigger.as_str())
                .push_bind(a.smpp_status.map(i64::from));
        });
        qb.build().execute(&mut **tx).await.map_err(db)?;
    }
    Ok(())
}

#[async_trait]
impl DeliveryStore for PgStore {
    async fn ingest(
        &self,
        events: &[NewEvent],
        options: IngestOptions,
    ) -> Result<IngestOutcome, StoreError> {
        let now = now_millis();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let inserted = insert_events(&mut tx, events, now).await?;
        let mut outcome = IngestOutcome {
            accepted: inserted.len(),
            duplicates: events.len() - inserted.len(),
            delivery_ids: Vec::new(),
        };
        if !inserted.is_empty() {
            let bodies: HashMap<&str, &Bytes> = events
                .iter()
                .rev() // the first occurrence of an id is the one inserted
                .map(|e| (e.event_id.as_str(), &e.payload))
                .collect();
            let rows: Vec<(i64, &Bytes)> = inserted
                .iter()
                .map(|(row, id)| (*row, bodies[id.as_str()]))
                .collect();
            insert_payloads(&mut tx, &rows).await?;
            let event_rows: Vec<i64> = inserted.iter().map(|(row, _)| *row).collect();
            outcome.delivery_ids = route(&mut tx, &event_rows, options, now).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(outcome)
    }

    async fn claim_due(
        &self,
        scan: &DueScan,
        lease: Lease,
        choose: &mut Chooser<'_>,
    ) -> Result<(ClaimedBatch, usize), StoreError> {
        super::claim::due(&self.pool, scan, lease, choose).await
    }

    async fn claim(&self, what: ClaimWhat, lease: Lease) -> Result<ResendClaim, StoreError> {
        super::claim::one(&self.pool, what, lease).await
    }

    async fn renew_leases(&self, tokens: &[i64], until: i64) -> Result<u64, StoreError> {
        super::claim::renew(&self.pool, tokens, until).await
    }

    async fn record(&self, results: &[AttemptResult]) -> Result<usize, StoreError> {
        if results.is_empty() {
            return Ok(0);
        }
        let now = now_millis();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut count = 0;
        let mut tally = super::stats::Tally::default();
        for chunk in results.chunks(CHUNK / 2) {
            let applied: HashMap<i64, i64> = apply_results(&mut tx, chunk, now)
                .await?
                .into_iter()
                .collect();
            count += applied.len();
            let kept: Vec<&AttemptResult> = chunk
                .iter()
                .filter(|r| applied.contains_key(&r.delivery_id))
                .collect();
            insert_attempts(&mut tx, &kept).await?;
            for r in kept {
                tally.add_result(r, applied[&r.delivery_id], now);
            }
        }
        tally.write(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(count)
    }

    async fn queue_depth(&self, now: i64) -> Result<(u64, Option<i64>), StoreError> {
        // A claimed delivery's next_attempt_at is its lease's end, so it counts as due only once
        // its lease has expired unrecorded.
        let row = sqlx::query(
            "SELECT COUNT(*), MIN(next_attempt_at)
             FROM deliveries WHERE status = 'pending'",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let oldest: Option<i64> = row.get(1);
        Ok((
            row.get::<i64, _>(0).max(0) as u64,
            oldest.filter(|at| *at <= now),
        ))
    }

    async fn due_for_esme(&self, esme_bind_id: i64, now: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE deliveries SET next_attempt_at = $2
             WHERE status = 'pending' AND transport = 'smpp' AND lease_token IS NULL
               AND next_attempt_at > $2
               AND webhook_id IN (SELECT id FROM webhooks WHERE esme_bind_id = $1)",
        )
        .bind(esme_bind_id)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected())
    }

    async fn publish_smpp_bound(
        &self,
        instance: &str,
        esme_binds: &[i64],
        until: i64,
    ) -> Result<(), StoreError> {
        super::claim::publish_bound(&self.pool, instance, esme_binds, until).await
    }

    async fn next_due(&self) -> Result<Option<i64>, StoreError> {
        // The first entry of the partial index `deliveries_due`, not a scan of every pending row.
        sqlx::query_scalar(
            "SELECT MIN(next_attempt_at) FROM deliveries
             WHERE status = 'pending'",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db)
    }
}

#[async_trait]
impl DeliveryLogStore for PgStore {
    async fn list_deliveries(&self, filter: &DeliveryFilter) -> Result<DeliveryPage, StoreError> {
        super::delivery_log::list(&self.pool, filter).await
    }

    async fn get_delivery(&self, id: i64) -> Result<Option<DeliveryDetail>, StoreError> {
        super::delivery_log::get(&self.pool, id).await
    }

    async fn count_deliveries(&self, filter: &DeliveryFilter) -> Result<(u64, u64), StoreError> {
        super::delivery_log::count(&self.pool, filter).await
    }
}
