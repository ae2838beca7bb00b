//! The dashboard's aggregates in SQLite: counted in memory while a batch of results is recorded
//! ([`Tally`]), written in the same transaction as one upsert per table, and read back per
//! window ([`read`]) without touching the deliveries table.
//!
//! Tables (migration `…000006_monitor.sql`): `delivery_stats_{minute,hour}` keep every outcome and
//! attempt by code; `failure_stats_{minute,hour}` keep the failed deliveries by webhook and code.
//! A window is read at one grain: per minute for the short periods, per hour for the long ones.

use std::collections::HashMap;

use sqlx::{QueryBuilder, Row as _, Sqlite, SqlitePool, Transaction};

use super::db;
use crate::store::{
    latency, AttemptResult, DashboardStats, Grain, Millis, NextState, StatsTotals, StatsWindow,
    StoreError,
};

const MINUTE: Millis = 60_000;
const HOUR: Millis = 3_600_000;

/// Counts gathered while one transaction records results, keyed as the tables are.
#[derive(Debug, Default)]
pub(super) struct Tally {
    /// (unit, outcome, code) per minute and per hour.
    outcomes: [HashMap<(i64, &'static str, String), i64>; 2],
    /// (unit, webhook id, code) per minute and per hour.
    failures: [HashMap<(i64, i64, String), i64>; 2],
    /// (hour, webhook id, latency bucket).
    latency: HashMap<(i64, i64, i64), i64>,
    /// Per webhook, in the order of its attempts: failures since the last success here, and
    /// that success's time (then the stored count restarts from these failures).
    health: HashMap<i64, (i64, Option<Millis>)>,
}

/// What a result's code reads as in the aggregates: its status code, else its error code.
fn code(status: Option<u16>, error: Option<&str>) -> String {
    match (status, error) {
        (Some(s), _) => s.to_string(),
        (None, Some(e)) => e.to_owned(),
        (None, None) => "other".to_owned(),
    }
}

impl Tally {
    fn count(&mut self, at: Millis, outcome: &'static str, code: &str, webhook_id: i64, n: i64) {
        for (i, unit) in [MINUTE, HOUR].into_iter().enumerate() {
            let key = (at.div_euclid(unit), outcome, code.to_owned());
            *self.outcomes[i].entry(key).or_default() += n;
            if outcome == "failed" {
                let key = (at.div_euclid(unit), webhook_id, code.to_owned());
                *self.failures[i].entry(key).or_default() += n;
            }
        }
    }

    /// One applied result: its attempt (if a request was made) and its end (if it ended).
    pub(super) fn add_result(&mut self, r: &AttemptResult, webhook_id: i64, now: Millis) {
        if let Some(a) = &r.attempt {
            // An SMPP attempt the ESME accepted (ESME_ROK) has neither a status nor an error code.
            let smpp_ok = a.smpp_status == Some(0) && a.error_code.is_none();
            let c = if smpp_ok {
                "smpp_ok".to_owned()
            } else {
                code(a.status_code, a.error_code.as_deref())
            };
            self.count(a.at, "attempt", &c, webhook_id, 1);
            let key = (
                a.at.div_euclid(HOUR),
                webhook_id,
                latency::bucket_of(a.duration_ms),
            );
            *self.latency.entry(key).or_default() += 1;
            let health = self.health.entry(webhook_id).or_default();
            if smpp_ok || a.status_code.is_some_and(|s| (200..300).contains(&s)) {
                *health = (0, Some(a.at));
            } else {
                health.0 += 1;
            }
        }
        let end = match r.next {
            NextState::Delivered => "delivered",
            NextState::Failed => "failed",
            NextState::Retry(_) => return,
        };
        let at = r.attempt.as_ref().map_or(now, |a| a.at);
        let c = code(r.last_status_code, r.last_error_code.as_deref());
        self.count(at, end, &c, webhook_id, 1);
    }

    /// `n` deliveries of one webhook that failed without an attempt (it was deleted).
    pub(super) fn add_endings(&mut self, at: Millis, code: &str, webhook_id: i64, n: i64) {
        if n > 0 {
            self.count(at, "failed", code, webhook_id, n);
        }
    }

    /// Adds the counts to the tables (one upsert per table; nothing when empty).
    pub(super) async fn write(self, tx: &mut Transaction<'_, Sqlite>) -> Result<(), StoreError> {
        let [out_min, out_hour] = self.outcomes;
        let [fail_min, fail_hour] = self.failures;
        let latency: Vec<_> = self.latency.into_iter().collect();
        upsert(
            tx,
            "latency_stats_hour",
            "hour, webhook_id, bucket",
            &latency,
            |b, ((h, w, k), n)| {
                b.push_bind(*h).push_bind(*w).push_bind(*k).push_bind(*n);
            },
        )
        .await?;
        write_health(tx, &self.health).await?;
        for (table, unit, rows) in [
            ("delivery_stats_minute", "minute", out_min),
            ("delivery_stats_hour", "hour", out_hour),
        ] {
            let rows: Vec<_> = rows.into_iter().collect();
            upsert(
                tx,
                table,
                &format!("{unit}, outcome, code"),
                &rows,
                |b, ((u, o, c), n)| {
                    b.push_bind(*u)
                        .push_bind(*o)
                        .push_bind(c.clone())
                        .push_bind(*n);
                },
            )
            .await?;
        }
        for (table, unit, rows) in [
            ("failure_stats_minute", "minute", fail_min),
            ("failure_stats_hour", "hour", fail_hour),
        ] {
            let rows: Vec<_> = rows.into_iter().collect();
            upsert(
                tx,
                table,
                &format!("{unit}, webhook_id, code"),
                &rows,
                |b, ((u, w, c), n)| {
                    b.push_bind(*u)
                        .push_bind(*w)
                        .push_bind(c.clone())
                        .push_bind(*n);
                },
            )
            .await?;
        }
        Ok(())
    }
}

/// `INSERT INTO table (key…, count) VALUES … ON CONFLICT (key…) DO UPDATE` adding the counts.
async fn upsert<T>(
    tx: &mut Transaction<'_, Sqlite>,
    table: &str,
    key: &str,
    rows: &[T],
    bind: impl Fn(&mut sqlx::query_builder::Separated<'_, '_, Sqlite, &'static str>, &T) + Copy,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(200) {
        let mut qb = QueryBuilder::<Sqlite>::new(format!("INSERT INTO {table} ({key}, count) "));
        qb.push_values(chunk, |mut b, row| bind(&mut b, row));
        qb.push(format_args!(
            " ON CONFLICT ({key}) DO UPDATE SET count = count + excluded.count"
        ));
        qb.build().execute(&mut **tx).await.map_err(db)?;
    }
    Ok(())
}

/// Each webhook's failures in a row and last success, moved by the attempts just recorded.
async fn write_health(
    tx: &mut Transaction<'_, Sqlite>,
    health: &HashMap<i64, (i64, Option<Millis>)>,
) -> Result<(), StoreError> {
    let rows: Vec<_> = health.iter().collect();
    for chunk in rows.chunks(200) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "UPDATE webhooks SET consecutive_failures = CASE WHEN v.column3 IS NULL \
             THEN consecutive_failures + v.column2 ELSE v.column2 END, \
             last_success_at = COALESCE(v.column3, last_success_at) FROM (",
        );
        qb.push_values(chunk, |mut b, (w, (failures, success))| {
            b.push_bind(**w).push_bind(*failures).push_bind(*success);
        });
        qb.push(") AS v WHERE webhooks.id = v.column1");
        qb.build().execute(&mut **tx).await.map_err(db)?;
    }
    Ok(())
}

/// The tables and unit of one grain.
fn tables(grain: Grain) -> (&'static str, &'static str, &'static str, Millis) {
    match grain {
        Grain::Minute => (
            "delivery_stats_minute",
            "failure_stats_minute",
            "minute",
            MINUTE,
        ),
        Grain::Hour => ("delivery_stats_hour", "failure_stats_hour", "hour", HOUR),
    }
}

async fn totals(
    pool: &SqlitePool,
    grain: Grain,
    from: Millis,
    to: Millis,
) -> Result<StatsTotals, StoreError> {
    let (outcomes, _, unit, ms) = tables(grain);
    let rows = sqlx::query(&format!(
        "SELECT outcome, SUM(count) FROM {outcomes} WHERE {unit} >= ?1 AND {unit} < ?2 GROUP BY outcome"
    ))
    .bind(from.div_euclid(ms))
    .bind(to.div_euclid(ms))
    .fetch_all(pool)
    .await
    .map_err(db)?;
    let mut t = StatsTotals::default();
    for r in rows {
        let n = r.get::<i64, _>(1).max(0) as u64;
        match r.get::<&str, _>(0) {
            "delivered" => t.delivered = n,
            "failed" => t.failed = n,
            _ => t.attempts = n,
        }
    }
    Ok(t)
}

pub(super) async fn read(pool: &SqlitePool, w: StatsWindow) -> Result<DashboardStats, StoreError> {
    let (outcomes, failures, unit, ms) = tables(w.grain);
    let (lo, hi) = (w.from.div_euclid(ms), w.to.div_euclid(ms));
    let span = w.to - w.from;
    let mut stats = DashboardStats {
        totals: totals(pool, w.grain, w.from, w.to).await?,
        previous: totals(pool, w.grain, w.from - span, w.from).await?,
        ..DashboardStats::default()
    };
    let buckets = (span / w.bucket_ms.max(1)).max(1);
    let mut trend = vec![(0u64, 0u64); buckets as usize];
    let rows = sqlx::query(&format!(
        "SELECT ({unit} * ?3 - ?4) / ?5 AS bucket, outcome, SUM(count) FROM {outcomes}
         WHERE {unit} >= ?1 AND {unit} < ?2 AND outcome IN ('delivered', 'failed')
         GROUP BY bucket, outcome"
    ))
    .bind(lo)
    .bind(hi)
    .bind(ms)
    .bind(w.from)
    .bind(w.bucket_ms)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    for r in rows {
        let b = r.get::<i64, _>(0);
        let Some(bar) = usize::try_from(b).ok().and_then(|b| trend.get_mut(b)) else {
            continue;
        };
        let n = r.get::<i64, _>(2).max(0) as u64;
        if r.get::<&str, _>(1) == "delivered" {
            bar.0 += n;
        } else {
            bar.1 += n;
        }
    }
    stats.trend = trend
        .into_iter()
        .enumerate()
        .map(|(i, (d, f))| (w.from + i as i64 * w.bucket_ms, d, f))
        .collect();
    // The name a deleted webhook had is the one its newest delivery kept.
    let rows = sqlx::query(&format!(
        "SELECT f.webhook_id, SUM(f.count) AS n,
                COALESCE((SELECT name FROM webhooks WHERE id = f.webhook_id),
                         (SELECT webhook_name FROM deliveries INDEXED BY deliveries_webhook
                          WHERE webhook_id = f.webhook_id ORDER BY id DESC LIMIT 1), '') AS name
         FROM {failures} f WHERE f.{unit} >= ?1 AND f.{unit} < ?2
         GROUP BY f.webhook_id ORDER BY n DESC, f.webhook_id LIMIT ?3"
    ))
    .bind(lo)
    .bind(hi)
    .bind(w.top as i64)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    stats.by_webhook = rows
        .iter()
        .map(|r| (r.get(0), r.get(2), r.get::<i64, _>(1).max(0) as u64))
        .collect();
    let rows = sqlx::query(&format!(
        "SELECT code, SUM(count) AS n FROM {outcomes}
         WHERE {unit} >= ?1 AND {unit} < ?2 AND outcome = 'failed'
         GROUP BY code ORDER BY n DESC, code LIMIT ?3"
    ))
    .bind(lo)
    .bind(hi)
    .bind(w.top as i64)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    stats.by_code = rows
        .iter()
        .map(|r| (r.get(0), r.get::<i64, _>(1).max(0) as u64))
        .collect();
    Ok(stats)
}
