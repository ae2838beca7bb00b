//! The log's planner against a brute-force reading of the same rows: every filter combination,
//! paged to the end, gives exactly the rows that match, newest first; a filter checked row by row
//! never looks at more than the scan bound per page, and the pages it stops short still lead to
//! every match.

use super::*;
use crate::store::{
    sqlite::test_store,
    testing::{RawPool, TestDb},
    Store,
};

/// One seeded delivery: (webhook, status, channel, last status code, created_at).
type Seed = (i64, &'static str, &'static str, Option<i64>, i64);

/// Inserts events and deliveries with ids 1..=n as given (oldest first): the same statements
/// on either backend (a macro: sqlx's query builder is typed by its database).
macro_rules! seed_with {
    ($db:ty, $pool:expr, $rows:expr) => {
            for (start, chunk) in $rows.chunks(300).enumerate().map(|(i, c)| (i * 300, c)) {
                let mut qb = QueryBuilder::<$db>::new(
                    "INSERT INTO events (id, event_id, channel, event, entity_kind, entity_id, created_at) ",
                );
                qb.push_values(
                    chunk.iter().enumerate(),
                    |mut b, (i, (_, _, channel, _, at))| {
                        let id = (start + i + 1) as i64;
                        b.push_bind(id)
                            .push_bind(format!("evt-{id}"))
                            .push_bind(*channel)
                            .push_bind("Delivered")
                            .push_bind("service")
                            .push_bind(1_i64)
                            .push_bind(*at);
                    },
                );
                qb.build().execute($pool).await.unwrap();
                let mut qb = QueryBuilder::<$db>::new(
                    "INSERT INTO deliveries (id, event_row, webhook_id, webhook_name, channel, event, status,
                        next_attempt_at, last_status_code, created_at, updated_at) ",
                );
                qb.push_values(
                    chunk.iter().enumerate(),
                    |mut b, (i, (webhook, status, channel, code, at))| {
                        let id = (start + i + 1) as i64;
                        b.push_bind(id)
                            .push_bind(id)
                            .push_bind(*webhook)
                            .push_bind(format!("hook {webhook}"))
                            .push_bind(*channel)
                            .push_bind("Delivered")
                            .push_bind(*status)
                            .push_bind(*at)
                            .push_bind(*code)
                            .push_bind(*at)
                            .push_bind(*at);
                    },
                );
                qb.build().execute($pool).await.unwrap();
            }

    };
}

async fn seed(db: &TestDb, rows: &[Seed]) {
    match &db.raw {
        RawPool::Sqlite(pool) => seed_with!(sqlx::Sqlite, pool, rows),
        RawPool::Postgres(pool) => seed_with!(sqlx::Postgres, pool, rows),
    }
}

fn matches(f: &DeliveryFilter, (webhook, status, channel, code, at): &Seed) -> bool {
    f.webhook_id.is_none_or(|w| w == *webhook)
        && f.status.is_none_or(|s| s.as_str() == *status)
        && f.channel.as_deref().is_none_or(|c| c == *channel)
        && match &f.code {
            Some(LastCode::Status(n)) => *code == Some(i64::from(*n)),
            Some(LastCode::Error(_)) => false,
            None => true,
        }
        && f.from.is_none_or(|from| *at >= from)
        && f.to.is_none_or(|to| *at <= to)
}

/// Every page of `f` (limit 3), following the cursors: the ids, and how many pages it took.
async fn page_through(store: &dyn Store, f: &DeliveryFilter) -> (Vec<i64>, usize) {
    let mut ids = Vec::new();
    let mut before = None;
    let mut pages = 0;
    loop {
        pages += 1;
        let page = store
            .list_deliveries(&DeliveryFilter {
                before,
                ..f.clone()
            })
            .await
            .unwrap();
        ids.extend(page.rows.iter().map(|r| r.id));
        before = if page.rows.len() as i64 == f.limit {
            page.rows.last().map(|r| r.id)
        } else {
            page.resume_before
        };
        if before.is_none() {
            return (ids, pages);
        }
    }
}

#[tokio::test]
async fn every_filter_combination_pages_through_exactly_its_matches() {
    let (s, db) = test_store().await;
    let statuses = ["pending", "delivered", "failed"];
    let channels = ["SMS", "Voice", "WhatsApp"];
    let rows: Vec<Seed> = (0..90)
        .map(|i| {
            let code = match i % 4 {
                0 => Some(200),
                1 => Some(404),
                2 => Some(503),
                _ => None,
            };
            (
                1 + i % 3,
                statuses[(i / 2) as usize % 3],
                channels[(i / 5) as usize % 3],
                code,
                1_000 + i * 10,
            )
        })
        .collect();
    seed(&db, &rows).await;
    let mut combos = 0;
    for webhook_id in [None, Some(2)] {
        for status in [
            None,
            Some(DeliveryStatus::Failed),
            Some(DeliveryStatus::Pending),
        ] {
            for channel in [None, Some("Voice".to_owned())] {
                for code in [None, Some(LastCode::Status(404))] {
                    for (from, to) in [(None, None), (Some(1_200), Some(1_700))] {
                        let f = DeliveryFilter {
                            webhook_id,
                            status,
                            channel: channel.clone(),
                            code: code.clone(),
                            from,
                            to,
                            before: None,
                            limit: 3,
                        };
                        let want: Vec<i64> = rows
                            .iter()
                            .enumerate()
                            .rev()
                            .filter(|(_, r)| matches(&f, r))
                            .map(|(i, _)| i as i64 + 1)
                            .collect();
                        let (got, _) = page_through(&*s, &f).await;
                        assert_eq!(got, want, "{f:?}");
                        let (all, pending) = s.count_deliveries(&f).await.unwrap();
                        assert_eq!(all as usize, want.len(), "count of {f:?}");
                        let want_pending = rows
                            .iter()
                            .filter(|r| matches(&f, r) && r.1 == "pending")
                            .count();
                        assert_eq!(pending as usize, want_pending, "pending of {f:?}");
                        combos += 1;
                    }
                }
            }
        }
    }
    assert_eq!(combos, 48);
}

#[tokio::test]
async fn a_sparse_residual_filter_stops_each_page_at_the_bound_and_still_finds_every_match() {
    let (s, db) = test_store().await;
    let n = (2 * SCAN_BOUND + 100) as usize;
    // Only the two oldest deliveries answered 410; everything newer answered 200.
    let rows: Vec<Seed> = (0..n)
        .map(|i| {
            (
                1,
                "delivered",
                "SMS",
                Some(if i < 2 { 410 } else { 200 }),
                i as i64,
            )
        })
        .collect();
    seed(&db, &rows).await;
    let f = DeliveryFilter {
        code: Some(LastCode::Status(410)),
        limit: 50,
        ..DeliveryFilter::default()
    };
    let first = s.list_deliveries(&f).await.unwrap();
    assert!(
        first.rows.is_empty(),
        "the newest {SCAN_BOUND} hold no match"
    );
    assert_eq!(first.resume_before, Some(n as i64 - SCAN_BOUND + 1));
    let (ids, pages) = page_through(&*s, &f).await;
    assert_eq!(ids, vec![2, 1]);
    assert_eq!(pages, 3, "each page looked at no more than the bound");
}

#[tokio::test]
async fn an_index_served_filter_takes_exactly_a_page_and_says_nothing_more_is_left() {
    let (s, db) = test_store().await;
    let rows: Vec<Seed> = (0..10)
        .map(|i| (1 + i % 2, "failed", "SMS", Some(500), i))
        .collect();
    seed(&db, &rows).await;
    let f = DeliveryFilter {
        webhook_id: Some(2),
        status: Some(DeliveryStatus::Failed),
        limit: 10,
        ..DeliveryFilter::default()
    };
    let page = s.list_deliveries(&f).await.unwrap();
    assert_eq!(
        page.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![10, 8, 6, 4, 2]
    );
    assert_eq!(page.resume_before, None);
    assert_eq!(
        page.rows[0].webhook_url, None,
        "no such webhook row: deleted"
    );
}
