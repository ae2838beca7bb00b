//! Webhooks in PostgreSQL: the row and its notification rows are always written together.

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::{postgres::PgRow, Postgres, Row as _, Transaction};

use super::{db, push_page, PgStore};
use crate::store::{
    now_millis, EntityId, ListQuery, StoreError, WebhookRecord, WebhookStore, WebhookWrite,
    SEALING_PLACEHOLDER,
};

/// The webhook columns plus its entity's display name.
const SELECT: &str = "SELECT w.id, w.name, w.entity_kind, w.service_id, w.number_id, w.app_id, w.url,
        w.hub_algorithm, w.hub_secret_enc, w.authorization_id, w.esme_bind_id, w.enabled, w.updated_at,
        w.max_in_flight, w.rate_per_second, w.consecutive_failures, w.last_success_at,
        COALESCE(s.name, n.number, a.name, '') AS entity_name
    FROM webhooks w
    LEFT JOIN services s ON s.id = w.service_id
    LEFT JOIN numbers n ON n.id = w.number_id
    LEFT JOIN apps a ON a.id = w.app_id";

fn record(r: &PgRow) -> WebhookRecord {
    let entity = match r.get::<&str, _>("entity_kind") {
        "service" => EntityId::Service(r.get("service_id")),
        "number" => EntityId::Number(r.get("number_id")),
        _ => EntityId::App(r.get("app_id")),
    };
    WebhookRecord {
        id: r.get("id"),
        name: r.get("name"),
        entity,
        entity_name: r.get("entity_name"),
        url: r.get("url"),
        hub_algorithm: r.get("hub_algorithm"),
        hub_secret_enc: r.get("hub_secret_enc"),
        authorization_id: r.get("authorization_id"),
        esme_bind_id: r.get("esme_bind_id"),
        enabled: r.get("enabled"),
        updated_at: r.get("updated_at"),
        max_in_flight: r
            .get::<Option<i64>, _>("max_in_flight")
            .map(|n| n.clamp(1, u32::MAX as i64) as u32),
        rate_per_second: r.get("rate_per_second"),
        consecutive_failures: r.get("consecutive_failures"),
        last_success_at: r.get("last_success_at"),
        notifications: Vec::new(),
    }
}

fn entity_columns(e: EntityId) -> (Option<i64>, Option<i64>, Option<i64>) {
    match e {
        EntityId::Service(id) => (Some(id), None, None),
        EntityId::Number(id) => (None, Some(id), None),
        EntityId::App(id) => (None, None, Some(id)),
    }
}

async fn write_notifications(
    tx: &mut Transaction<'_, Postgres>,
    id: i64,
    list: &[(String, String)],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM webhook_notifications WHERE webhook_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    if list.is_empty() {
        return Ok(());
    }
    // One statement for all rows (no query in a loop).
    let mut qb = sqlx::QueryBuilder::<Postgres>::new(
        "INSERT INTO webhook_notifications (webhook_id, channel, event, position) ",
    );
    qb.push_values(list.iter().enumerate(), |mut b, (i, (channel, event))| {
        b.push_bind(id)
            .push_bind(channel)
            .push_bind(event)
            .push_bind(i as i64);
    });
    qb.build().execute(&mut **tx).await.map_err(db)?;
    Ok(())
}

type Query<'q> = sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>;

/// Maps the failures of a webhook write: a name already used on the entity, or a reference
/// (entity, authorization, ESME bind) whose row was deleted meanwhile (its foreign key).
fn write_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Conflict("webhooks_name_per_entity")
        }
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::Conflict("webhooks_reference")
        }
        _ => StoreError::Database(e),
    }
}

/// Binds a [`WebhookWrite`] as parameters $1–$14 (name … enabled, the time of writing, then the
/// delivery settings), with `hub_secret` as the sealed hub secret:
/// the one column order the insert and the update share.
fn bind_write<'q>(q: Query<'q>, new: &'q WebhookWrite, hub_secret: Option<String>) -> Query<'q> {
    let (service_id, number_id, app_id) = entity_columns(new.entity);
    q.bind(&new.name)
        .bind(new.entity.kind())
        .bind(service_id)
        .bind(number_id)
        .bind(app_id)
        .bind(&new.url)
        .bind(&new.hub_algorithm)
        .bind(hub_secret)
        .bind(new.authorization_id)
        .bind(new.esme_bind_id)
        .bind(new.enabled)
        .bind(now_millis())
        .bind(new.max_in_flight.map(i64::from))
        .bind(new.rate_per_second)
}

impl PgStore {
    /// Adds their notifications to `records` (one query for the whole page).
    async fn with_notifications(
        &self,
        mut records: Vec<WebhookRecord>,
    ) -> Result<Vec<WebhookRecord>, StoreError> {
        if records.is_empty() {
            return Ok(records);
        }
        let mut qb = sqlx::QueryBuilder::<Postgres>::new(
            "SELECT webhook_id, channel, event FROM webhook_notifications WHERE webhook_id IN (",
        );
        let mut ids = qb.separated(", ");
        for r in &records {
            ids.push_bind(r.id);
        }
        qb.push(") ORDER BY webhook_id, position");
        let mut by_webhook: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for r in qb.build().fetch_all(&self.pool).await.map_err(db)? {
            by_webhook
                .entry(r.get("webhook_id"))
                .or_default()
                .push((r.get("channel"), r.get("event")));
        }
        for rec in &mut records {
            rec.notifications = by_webhook.remove(&rec.id).unwrap_or_default();
        }
        Ok(records)
    }
}

#[async_trait]
impl WebhookStore for PgStore {
    async fn list_webhooks(&self, page: &ListQuery) -> Result<Vec<WebhookRecord>, StoreError> {
        let mut qb = sqlx::QueryBuilder::<Postgres>::new(format!("{SELECT} WHERE 1 = 1"));
        push_page(&mut qb, "w.id", &["w.name", "w.url"], page);
        let rows = qb.build().fetch_all(&self.pool).await.map_err(db)?;
        self.with_notifications(rows.iter().map(record).collect())
            .await
    }

    async fn get_webhook(&self, id: i64) -> Result<Option<WebhookRecord>, StoreError> {
        let row = sqlx::query(&format!("{SELECT} WHERE w.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        Ok(self
            .with_notifications(row.iter().map(record).collect())
            .await?
            .pop())
    }

    async fn insert_webhook(&self, new: &WebhookWrite) -> Result<WebhookRecord, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let insert = sqlx::query(
            "INSERT INTO webhooks (name, entity_kind, service_id, number_id, app_id, url, hub_algorithm,
                hub_secret_enc, authorization_id, esme_bind_id, enabled, created_at, updated_at,
                max_in_flight, rate_per_second)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14) RETURNING id",
        );
        // The hub secret is sealed for the row's id, known once the row is in.
        let placeholder = new
            .hub_secret_enc
            .as_ref()
            .map(|_| SEALING_PLACEHOLDER.to_owned());
        let id: i64 = bind_write(insert, new, placeholder)
            .fetch_one(&mut *tx)
            .await
            .map_err(write_error)?
            .get("id");
        if let Some(secret) = &new.hub_secret_enc {
            sqlx::query("UPDATE webhooks SET hub_secret_enc = $2 WHERE id = $1")
                .bind(id)
                .bind(secret.for_row(id))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        write_notifications(&mut tx, id, &new.notifications).await?;
        tx.commit().await.map_err(db)?;
        self.get_webhook(id)
            .await?
            .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
    }

    async fn update_webhook(
        &self,
        id: i64,
        new: &WebhookWrite,
    ) -> Result<Option<WebhookRecord>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let update = sqlx::query(
            "UPDATE webhooks SET name = $1, entity_kind = $2, service_id = $3, number_id = $4, app_id = $5,
                url = $6, hub_algorithm = $7, hub_secret_enc = $8, authorization_id = $9,
                esme_bind_id = $10, enabled = $11, updated_at = $12, max_in_flight = $13,
                rate_per_second = $14
             WHERE id = $15",
        );
        let hub_secret = new.hub_secret_enc.as_ref().map(|s| s.for_row(id));
        let changed = bind_write(update, new, hub_secret)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(write_error)?;
        if changed.rows_affected() == 0 {
            return Ok(None);
        }
        write_notifications(&mut tx, id, &new.notifications).await?;
        tx.commit().await.map_err(db)?;
        self.get_webhook(id).await
    }

    async fn latency_of(
        &self,
        ids: &[i64],
        since: i64,
    ) -> Result<HashMap<i64, Vec<(i64, u64)>>, StoreError> {
        let mut out: HashMap<i64, Vec<(i64, u64)>> = HashMap::new();
        for chunk in ids.chunks(400) {
            let mut qb = sqlx::QueryBuilder::<Postgres>::new(
                "SELECT webhook_id, bucket, SUM(count)::BIGINT FROM latency_stats_hour WHERE hour >= ",
            );
            qb.push_bind(since.div_euclid(3_600_000))
                .push(" AND webhook_id IN (");
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            qb.push(") GROUP BY webhook_id, bucket");
            for r in qb.build().fetch_all(&self.pool).await.map_err(db)? {
                out.entry(r.get(0))
                    .or_default()
                    .push((r.get(1), r.get::<i64, _>(2).max(0) as u64));
            }
        }
        Ok(out)
    }

    /// Deletes the webhook and, in the same transaction, ends its pending deliveries as failed
    /// (`webhook_deleted`). Their lease is dropped too, so a worker still sending one cannot
    /// record it afterwards. The log itself stays (no foreign key from deliveries).
    async fn delete_webhook(&self, id: i64) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let done = sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let now = now_millis();
        let ended = sqlx::query(
            "UPDATE deliveries SET status = 'failed', last_error_code = 'webhook_deleted',
                lease_token = NULL, lease_until = NULL, resend_from = NULL, updated_at = $2
             WHERE webhook_id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        // Those deliveries ended: the dashboard counts them with the same transaction.
        let mut tally = super::stats::Tally::default();
        tally.add_endings(now, "webhook_deleted", id, ended as i64);
        tally.write(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(true)
    }
}
