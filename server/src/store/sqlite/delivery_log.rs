//! Reading the delivery log in SQLite: the filtered list and one delivery with its attempts.

use sqlx::{sqlite::SqliteRow, Row as _, Sqlite, SqlitePool};

use super::db;
use crate::store::{AttemptRecord, DeliveryFilter, DeliveryRecord, DeliveryStatus, StoreError};

const SELECT: &str = "SELECT d.id, e.event_id, e.channel, e.event, d.webhook_id, d.webhook_name,
        d.status, d.attempt_count, d.next_attempt_at, d.last_status_code, d.last_error_code,
        d.created_at, d.updated_at
    FROM deliveries d JOIN events e ON e.id = d.event_row";

fn record(r: &SqliteRow) -> Result<DeliveryRecord, StoreError> {
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
    })
}

pub(super) async fn list(
    pool: &SqlitePool,
    f: &DeliveryFilter,
) -> Result<Vec<DeliveryRecord>, StoreError> {
    let mut qb = sqlx::QueryBuilder::<Sqlite>::new(SELECT);
    qb.push(" WHERE 1 = 1");
    if let Some(id) = f.webhook_id {
        qb.push(" AND d.webhook_id = ").push_bind(id);
    }
    if let Some(status) = f.status {
        qb.push(" AND d.status = ").push_bind(status.as_str());
    }
    if let Some(channel) = &f.channel {
        qb.push(" AND e.channel = ").push_bind(channel.clone());
    }
    if let Some(from) = f.from {
        qb.push(" AND d.created_at >= ").push_bind(from);
    }
    if let Some(to) = f.to {
        qb.push(" AND d.created_at <= ").push_bind(to);
    }
    if let Some(before) = f.before {
        qb.push(" AND d.id < ").push_bind(before);
    }
    qb.push(" ORDER BY d.id DESC LIMIT ").push_bind(f.limit);
    let rows = qb.build().fetch_all(pool).await.map_err(db)?;
    rows.iter().map(record).collect()
}

pub(super) async fn get(
    pool: &SqlitePool,
    id: i64,
) -> Result<Option<(DeliveryRecord, Vec<AttemptRecord>)>, StoreError> {
    let sql = format!("{SELECT} WHERE d.id = ?1");
    let Some(row) = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(db)?
    else {
        return Ok(None);
    };
    let attempts = sqlx::query(
        "SELECT at, duration_ms, status_code, error_code, error_message, response_headers,
                response_body, trigger
         FROM delivery_attempts WHERE delivery_id = ?1 ORDER BY id",
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
        response_headers: r.get(5),
        response_body: r.get(6),
        trigger: r.get(7),
    })
    .collect();
    Ok(Some((record(&row)?, attempts)))
}
