//! Reading the delivery log in PostgreSQL: the filtered page, one delivery with its attempts,
//! and the exact count a bulk action previews.
//!
//! A page is planned as in SQLite ([`Plan`]): the id range comes from `before` and from the time
//! filters (ids grow with the creation time, which `deliveries_created` maps to ids); the
//! driver's equality is the condition one index serves (the webhook's, the channel's, their
//! failed-only twins, the status'), and whatever it cannot check is left to a residual filter
//! over at most [`SCAN_BOUND`] candidates. PostgreSQL's planner has statistics and picks the
//! index itself (there is no `INDEXED BY`); the bound keeps each page's cost the same.

use sqlx::{postgres::PgRow, PgPool, Postgres, QueryBuilder, Row as _};

use super::db;
use crate::store::{
    AttemptRecord, DeliveryDetail, DeliveryFilter, DeliveryPage, DeliveryRecord, DeliveryStatus,
    LastCode, StoreError, Transport, SCAN_BOUND,
};

const COLUMNS: &str = "d.id, e.event_id, d.channel, d.event, d.webhook_id, d.webhook_name,
        d.status, d.attempt_count, d.next_attempt_at, d.last_status_code, d.last_error_code,
        d.created_at, d.updated_at, w.url, d.transport";
const JOINS: &str =
    "JOIN events e ON e.id = d.event_row LEFT JOIN webhooks w ON w.id = d.webhook_id";

fn record(r: &PgRow) -> Result<DeliveryRecord, StoreError> {
    let status = DeliveryStatus::parse(r.get("status")).ok_or_else(|| {
        StoreError::Database(sqlx::Error::Decode("unknown delivery status".into()))
    })?;
    Ok(DeliveryRecord {
        id: r.get("id"),
        event_id: r.get("event_id"),
        channel: r.get("channel"),
        event: r.get("event"),
        webhook_id: r.get("webhook_id"),
        webhook_name: r.get("webhook_name"),
        status,
        attempt_count: r.get("attempt_count"),
        next_attempt_at: (status == DeliveryStatus::Pending).then(|| r.get("next_attempt_at")),
        last_status_code: r.get("last_status_code"),
        last_error_code: r.get("last_error_code"),
        created_at: r.get("created_at"),
        updated_at: r.get("updated_at"),
        webhook_url: r.get("url"),
        transport: Transport::parse(r.get::<&str, _>("transport")),
    })
}

/// The index that drives a scan, and the equality it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Driver {
    FailedOfWebhook,
    Webhook,
    FailedOfChannel,
    Channel,
    Status,
    Everything,
}

/// How one filter is read.
#[derive(Debug)]
struct Plan<'f> {
    f: &'f DeliveryFilter,
    driver: Driver,
    /// Whether some filter is left to check row by row (the scan is then bounded).
    residual: bool,
}

impl<'f> Plan<'f> {
    fn new(f: &'f DeliveryFilter) -> Self {
        let failed = f.status == Some(DeliveryStatus::Failed);
        let driver = match (f.webhook_id, &f.channel, f.status) {
            (Some(_), _, _) if failed => Driver::FailedOfWebhook,
            (Some(_), _, _) => Driver::Webhook,
            (None, Some(_), _) if failed => Driver::FailedOfChannel,
            (None, Some(_), _) => Driver::Channel,
            (None, None, Some(_)) => Driver::Status,
            (None, None, None) => Driver::Everything,
        };
        let status_left = f.status.is_some()
            && !matches!(
                driver,
                Driver::FailedOfWebhook | Driver::FailedOfChannel | Driver::Status
            );
        let channel_left =
            f.channel.is_some() && matches!(driver, Driver::FailedOfWebhook | Driver::Webhook);
        let residual =
            status_left || channel_left || f.code.is_some() || f.from.is_some() || f.to.is_some();
        Plan {
            f,
            driver,
            residual,
        }
    }

    /// `FROM deliveries d WHERE <the driver's equality> AND <the id range>`: the
    /// candidates, newest first.
    fn push_candidates(&self, qb: &mut QueryBuilder<'_, Postgres>) {
        qb.push(" FROM deliveries d ");
        qb.push("WHERE 1 = 1");
        match self.driver {
            Driver::FailedOfWebhook | Driver::Webhook => {
                qb.push(" AND d.webhook_id = ").push_bind(self.f.webhook_id);
            }
            Driver::FailedOfChannel | Driver::Channel => {
                qb.push(" AND d.channel = ")
                    .push_bind(self.f.channel.clone());
            }
            Driver::Status => {
                let status = self.f.status.map(DeliveryStatus::as_str);
                qb.push(" AND d.status = ").push_bind(status);
            }
            Driver::Everything => {}
        }
        if matches!(
            self.driver,
            Driver::FailedOfWebhook | Driver::FailedOfChannel
        ) {
            qb.push(" AND d.status = 'failed'");
        }
        if let Some(before) = self.f.before {
            qb.push(" AND d.id < ").push_bind(before);
        }
        // The time filters as an id range: the first id created at or after `from`, the last
        // created at or before `to` (ids grow with time; the residual filter re-checks the times).
        if let Some(from) = self.f.from {
            qb.push(
                " AND d.id >= COALESCE((SELECT id FROM deliveries \
                 WHERE created_at >= ",
            )
            .push_bind(from)
            .push(" ORDER BY created_at LIMIT 1), 9223372036854775807)");
        }
        if let Some(to) = self.f.to {
            qb.push(
                " AND d.id <= COALESCE((SELECT id FROM deliveries \
                 WHERE created_at <= ",
            )
            .push_bind(to)
            .push(" ORDER BY created_at DESC LIMIT 1), 0)");
        }
    }

    /// The conditions the driving index does not check, on `d`.
    fn push_residual(&self, qb: &mut QueryBuilder<'_, Postgres>) {
        let f = self.f;
        if let Some(status) = f.status {
            qb.push(" AND d.status = ").push_bind(status.as_str());
        }
        if let Some(channel) = &f.channel {
            qb.push(" AND d.channel = ").push_bind(channel.clone());
        }
        match &f.code {
            Some(LastCode::Status(n)) => {
                qb.push(" AND d.last_status_code = ")
                    .push_bind(i64::from(*n));
            }
            Some(LastCode::Error(code)) => {
                qb.push(" AND d.last_error_code = ").push_bind(code.clone());
            }
            None => {}
        }
        if let Some(from) = f.from {
            qb.push(" AND d.created_at >= ").push_bind(from);
        }
        if let Some(to) = f.to {
            qb.push(" AND d.created_at <= ").push_bind(to);
        }
    }
}

/// `WITH cand AS (…)`: up to `n` candidate ids, newest first.
fn push_cand(qb: &mut QueryBuilder<'_, Postgres>, plan: &Plan<'_>, n: i64) {
    qb.push("WITH cand AS (SELECT d.id");
    plan.push_candidates(qb);
    qb.push(" ORDER BY d.id DESC LIMIT ").push_bind(n);
    qb.push(") ");
}

pub(super) async fn list(pool: &PgPool, f: &DeliveryFilter) -> Result<DeliveryPage, StoreError> {
    let plan = Plan::new(f);
    // Without a residual filter every candidate is a row of the page: take exactly the page.
    let n = if plan.residual { SCAN_BOUND } else { f.limit };
    let mut qb = QueryBuilder::<Postgres>::new("");
    push_cand(&mut qb, &plan, n);
    qb.push(format_args!(
        "SELECT {COLUMNS} FROM cand JOIN deliveries d ON d.id = cand.id {JOINS} WHERE 1 = 1"
    ));
    if plan.residual {
        plan.push_residual(&mut qb);
    }
    qb.push(" ORDER BY d.id DESC LIMIT ").push_bind(f.limit);
    let rows = qb.build().fetch_all(pool).await.map_err(db)?;
    let rows = rows.iter().map(record).collect::<Result<Vec<_>, _>>()?;
    let resume_before = if plan.residual && (rows.len() as i64) < f.limit {
        scan_floor(pool, &plan).await?
    } else {
        None
    };
    Ok(DeliveryPage {
        rows,
        resume_before,
    })
}

/// When a bounded scan used its whole bound: the smallest id it looked at (where the next page
/// goes on). `None` when the scan reached the end of the range.
async fn scan_floor(pool: &PgPool, plan: &Plan<'_>) -> Result<Option<i64>, StoreError> {
    let mut qb = QueryBuilder::<Postgres>::new("");
    push_cand(&mut qb, plan, SCAN_BOUND);
    qb.push("SELECT COUNT(*), MIN(id) FROM cand");
    let row = qb.build().fetch_one(pool).await.map_err(db)?;
    let scanned: i64 = row.get(0);
    Ok((scanned >= SCAN_BOUND).then(|| row.get(1)))
}

/// Every delivery the filter selects (no bound: a preview's exact count), and the pending ones.
pub(super) async fn count(pool: &PgPool, f: &DeliveryFilter) -> Result<(u64, u64), StoreError> {
    let unpaged = DeliveryFilter {
        before: None,
        ..f.clone()
    };
    let plan = Plan::new(&unpaged);
    let mut qb = QueryBuilder::<Postgres>::new(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE d.status = 'pending')",
    );
    plan.push_candidates(&mut qb);
    plan.push_residual(&mut qb);
    let row = qb.build().fetch_one(pool).await.map_err(db)?;
    let (all, pending): (i64, i64) = (row.get(0), row.get(1));
    Ok((all.max(0) as u64, pending.max(0) as u64))
}

pub(super) async fn get(pool: &PgPool, id: i64) -> Result<Option<DeliveryDetail>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS}, p.body FROM deliveries d {JOINS}
         JOIN event_payloads p ON p.event_row = d.event_row
         WHERE d.id = $1"
    );
    let Some(row) = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(db)?
    else {
        return Ok(None);
    };
    let attempts = sqlx::query(
        "SELECT at, duration_ms, status_code, error_code, error_message, request_headers,
                response_headers, response_body, trigger, smpp_status
         FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .map_err(db)?
    .iter()
    .map(|r| AttemptRecord {
        at: r.get(0),
        duration_ms: r.get(1),
        status_code: r.get(2),
        error_code: r.get(3),
        error_message: r.get(4),
        request_headers: r.get(5),
        response_headers: r.get(6),
        response_body: r.get(7),
        trigger: r.get(8),
        smpp_status: r.get::<Option<i64>, _>(9),
    })
    .collect();
    Ok(Some(DeliveryDetail {
        record: record(&row)?,
        attempts,
        body: bytes::Bytes::from(row.get::<Vec<u8>, _>("body")),
    }))
}
