//! The Monitor's tables in PostgreSQL: the dashboard's read (see `stats`), bulk resend jobs and
//! retention.

use async_trait::async_trait;
use sqlx::{postgres::PgRow, Row as _};

use super::{db, PgStore};
use crate::store::{
    now_millis, BulkJobRecord, DashboardStats, DeliveryFilter, Millis, MonitorStore, StatsWindow,
    StoreError,
};

const JOB_COLUMNS: &str =
    "id, filters, state, total, done, skipped, cursor, created_at, updated_at";

fn job(r: &PgRow) -> BulkJobRecord {
    let count = |name: &str| r.get::<i64, _>(name).max(0) as u64;
    BulkJobRecord {
        id: r.get("id"),
        filters: r.get("filters"),
        state: r.get("state"),
        total: count("total"),
        done: count("done"),
        skipped: count("skipped"),
        cursor: r.get("cursor"),
        created_at: r.get("created_at"),
        updated_at: r.get("updated_at"),
    }
}

#[async_trait]
impl MonitorStore for PgStore {
    async fn dashboard_stats(&self, window: StatsWindow) -> Result<DashboardStats, StoreError> {
        super::stats::read(&self.pool, window).await
    }

    async fn insert_bulk_job(
        &self,
        filters: &str,
        total: u64,
    ) -> Result<BulkJobRecord, StoreError> {
        let row = sqlx::query(&format!(
            "INSERT INTO bulk_resends (filters, state, total, created_at, updated_at)
             VALUES ($1, 'running', $2, $3, $3) RETURNING {JOB_COLUMNS}"
        ))
        .bind(filters)
        .bind(i64::try_from(total).unwrap_or(i64::MAX))
        .bind(now_millis())
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(job(&row))
    }

    async fn get_bulk_job(&self, id: i64) -> Result<Option<BulkJobRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM bulk_resends WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        Ok(row.as_ref().map(job))
    }

    async fn list_bulk_jobs(&self, limit: i64) -> Result<Vec<BulkJobRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM bulk_resends ORDER BY id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows.iter().map(job).collect())
    }

    async fn running_bulk_jobs(&self) -> Result<Vec<BulkJobRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM bulk_resends
             WHERE state = 'running' ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows.iter().map(job).collect())
    }

    async fn cancel_bulk_job(&self, id: i64) -> Result<Option<BulkJobRecord>, StoreError> {
        sqlx::query(
            "UPDATE bulk_resends SET state = 'cancelled', updated_at = $2
             WHERE id = $1 AND state = 'running'",
        )
        .bind(id)
        .bind(now_millis())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        self.get_bulk_job(id).await
    }

    async fn bulk_step(
        &self,
        id: i64,
        filter: &DeliveryFilter,
        now: Millis,
    ) -> Result<Option<BulkJobRecord>, StoreError> {
        let Some(current) = self.get_bulk_job(id).await? else {
            return Ok(None);
        };
        if current.state != "running" {
            return Ok(Some(current));
        }
        // Chosen before the transaction (a read); the queueing below re-checks each row's status,
        // so a delivery that became pending meanwhile is skipped, never queued twice.
        let page = super::delivery_log::list(
            &self.pool,
            &DeliveryFilter {
                before: current.cursor,
                ..filter.clone()
            },
        )
        .await?;
        let ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
        let cursor = match (ids.len() as i64 >= filter.limit, page.resume_before) {
            (true, _) => ids.last().copied(),
            (false, Some(resume)) => Some(resume),
            (false, None) => None,
        };
        let mut tx = self.pool.begin().await.map_err(db)?;
        // The job's row is written first: it takes the write lock, so a cancel that committed
        // before is seen here, and one that comes after waits for this step.
        let still_running = sqlx::query(
            "UPDATE bulk_resends SET updated_at = $2 WHERE id = $1 AND state = 'running'",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if still_running == 0 {
            return self.get_bulk_job(id).await;
        }
        let mut queued = 0u64;
        for chunk in ids.chunks(400) {
            let mut qb = sqlx::QueryBuilder::new(
                "UPDATE deliveries SET resend_from = status, status = 'pending', next_attempt_at = ",
            );
            qb.push_bind(now)
                .push(", updated_at = ")
                .push_bind(now)
                .push(" WHERE status != 'pending' AND id IN (");
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            qb.push(")");
            queued += qb
                .build()
                .execute(&mut *tx)
                .await
                .map_err(db)?
                .rows_affected();
        }
        let went = ids.len() as i64;
        let skipped = went - queued as i64;
        sqlx::query(
            "UPDATE bulk_resends SET done = done + $2, skipped = skipped + $3, cursor = $4,
                state = CASE WHEN $5 THEN 'done' ELSE state END
             WHERE id = $1",
        )
        .bind(id)
        .bind(went)
        .bind(skipped)
        .bind(cursor.or(current.cursor))
        .bind(cursor.is_none())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        self.get_bulk_job(id).await
    }

    async fn prune_deliveries(&self, before: Millis, batch: i64) -> Result<u64, StoreError> {
        // Deleting an event cascades to its payload, its deliveries and their attempts. An event
        // with a delivery still pending (retrying) waits for it.
        let done = sqlx::query(
            "DELETE FROM events WHERE id IN (
                 SELECT e.id FROM events e
                 WHERE e.created_at < $1
                   AND NOT EXISTS (SELECT 1 FROM deliveries d
                                   WHERE d.event_row = e.id AND d.status = 'pending')
                 ORDER BY e.created_at LIMIT $2)",
        )
        .bind(before)
        .bind(batch)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected())
    }

    async fn prune_stats(
        &self,
        minutes_before: Millis,
        hours_before: Millis,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let mut gone = 0;
        for (table, unit, before, ms) in [
            ("delivery_stats_minute", "minute", minutes_before, 60_000),
            ("failure_stats_minute", "minute", minutes_before, 60_000),
            ("delivery_stats_hour", "hour", hours_before, 3_600_000),
            ("failure_stats_hour", "hour", hours_before, 3_600_000),
            // The latency histograms serve the last day's health: kept as long as the minutes.
            ("latency_stats_hour", "hour", minutes_before, 3_600_000),
        ] {
            gone += sqlx::query(&format!("DELETE FROM {table} WHERE {unit} < $1"))
                .bind(before.div_euclid(ms))
                .execute(&mut *tx)
                .await
                .map_err(db)?
                .rows_affected();
        }
        tx.commit().await.map_err(db)?;
        Ok(gone)
    }
}
