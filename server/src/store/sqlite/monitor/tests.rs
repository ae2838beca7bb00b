//! The Monitor's tables at the store level: aggregates written with the results that cause them,
//! bulk resend steps that move a cursor and never queue a pending delivery, and pruning.

use bytes::Bytes;

use super::*;
use crate::store::{
    sqlite::{claim_all_due, test_store},
    testing::TestDb,
    AttemptLog, AttemptResult, DeliveryStatus, EntityId, Grain, IngestOptions, Lease, NewEvent,
    NextState, StatsTotals, Trigger, WebhookWrite,
};

async fn setup() -> (std::sync::Arc<dyn crate::store::Store>, TestDb, i64, i64) {
    let (s, dir) = test_store().await;
    let svc = s.insert_service("Billing").await.unwrap();
    let hook = s
        .insert_webhook(&WebhookWrite {
            name: "Hook".into(),
            entity: EntityId::Service(svc.id),
            url: "https://example.com/hook".into(),
            hub_algorithm: None,
            hub_secret_enc: None,
            authorization_id: None,
            esme_bind_id: None,
            max_in_flight: None,
            rate_per_second: None,
            enabled: true,
            notifications: vec![("SMS".into(), "Delivered".into())],
        })
        .await
        .unwrap();
    (s, dir, svc.id, hook.id)
}

async fn ingest(s: &dyn crate::store::Store, service: i64, n: usize) -> Vec<i64> {
    let events: Vec<NewEvent> = (0..n)
        .map(|i| NewEvent {
            event_id: format!("e-{i}-{}", now_millis()),
            channel: "SMS".into(),
            event: "Delivered".into(),
            entity: EntityId::Service(service),
            payload: Bytes::from_static(b"{}"),
        })
        .collect();
    s.ingest(&events, IngestOptions::default())
        .await
        .unwrap()
        .delivery_ids
}

fn attempt(status: Option<u16>, error: Option<&str>) -> AttemptLog {
    AttemptLog {
        at: now_millis(),
        duration_ms: 12,
        status_code: status,
        error_code: error.map(str::to_owned),
        error_message: error.map(str::to_owned),
        request_headers: "{}".into(),
        response_headers: "{}".into(),
        response_body: String::new(),
        trigger: Trigger::Scheduled,
        smpp_status: None,
    }
}

/// Claims everything due and records `outcome(i)` for the i-th claimed delivery.
async fn work(
    s: &dyn crate::store::Store,
    outcome: impl Fn(usize) -> (NextState, Option<u16>, Option<&'static str>),
) {
    let lease = Lease {
        token: 7,
        until: now_millis() + 60_000,
    };
    let batch = claim_all_due(s, now_millis(), 100, lease).await;
    let results: Vec<AttemptResult> = batch
        .deliveries
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (next, status, error) = outcome(i);
            AttemptResult {
                delivery_id: d.id,
                webhook_id: d.webhook_id,
                lease_token: 7,
                next,
                scheduled: true,
                last_status_code: status,
                last_error_code: error.map(str::to_owned),
                attempt: Some(attempt(status, error)),
            }
        })
        .collect();
    s.record(&results).await.unwrap();
}

fn hour_window() -> StatsWindow {
    let now = now_millis();
    let to = (now / 60_000 + 1) * 60_000;
    StatsWindow {
        from: to - 3_600_000,
        to,
        bucket_ms: 60_000,
        grain: Grain::Minute,
        top: 10,
    }
}

#[tokio::test]
async fn aggregates_count_attempts_and_endings_in_the_transaction_that_records_them() {
    let (s, _d, svc, hook) = setup().await;
    ingest(&*s, svc, 5).await;
    // Two delivered, one failed for good (404), two retried after a timeout.
    work(&*s, |i| match i {
        0 | 1 => (NextState::Delivered, Some(200), None),
        2 => (NextState::Failed, Some(404), None),
        _ => (
            NextState::Retry(now_millis() + 60_000),
            None,
            Some("timeout"),
        ),
    })
    .await;
    let stats = s.dashboard_stats(hour_window()).await.unwrap();
    assert_eq!(
        stats.totals,
        StatsTotals {
            delivered: 2,
            failed: 1,
            attempts: 5
        }
    );
    assert_eq!(stats.by_webhook, vec![(hook, "Hook".to_owned(), 1)]);
    assert_eq!(stats.by_code, vec![("404".to_owned(), 1)]);
    assert_eq!(stats.trend.len(), 60);
    assert_eq!(stats.trend.iter().map(|t| t.1 + t.2).sum::<u64>(), 3);
    // Deleting the webhook ends its two pending deliveries, counted with the same transaction.
    assert!(s.delete_webhook(hook).await.unwrap());
    let stats = s.dashboard_stats(hour_window()).await.unwrap();
    assert_eq!(stats.totals.failed, 3);
    assert_eq!(
        stats.by_webhook,
        vec![(hook, "Hook".to_owned(), 3)],
        "its name is kept"
    );
    assert!(stats.by_code.contains(&("webhook_deleted".to_owned(), 2)));
    let before = hour_window();
    let earlier = StatsWindow {
        from: before.from - 3_600_000,
        to: before.from,
        ..before
    };
    assert_eq!(
        s.dashboard_stats(earlier).await.unwrap().totals,
        StatsTotals::default()
    );
}

#[tokio::test]
async fn a_bulk_step_moves_the_cursor_queues_once_and_skips_what_is_pending() {
    let (s, _d, svc, _hook) = setup().await;
    let ids = ingest(&*s, svc, 5).await;
    work(&*s, |_| (NextState::Failed, Some(500), None)).await;
    let filter = DeliveryFilter {
        status: Some(DeliveryStatus::Failed),
        limit: 2,
        ..DeliveryFilter::default()
    };
    let job = s.insert_bulk_job("{}", 5).await.unwrap();
    let step = s
        .bulk_step(job.id, &filter, now_millis())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((step.done, step.skipped, step.cursor), (2, 0, Some(ids[3])));
    assert_eq!(step.state, "running");
    let queued = s.get_delivery(ids[4]).await.unwrap().unwrap();
    assert_eq!(queued.record.status, DeliveryStatus::Pending);
    // Another step goes on below the cursor: the two it queued no longer match "failed".
    let step = s
        .bulk_step(job.id, &filter, now_millis())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((step.done, step.cursor), (4, Some(ids[1])));
    let step = s
        .bulk_step(job.id, &filter, now_millis())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((step.done, step.state.as_str()), (5, "done"));
    let again = s
        .bulk_step(job.id, &filter, now_millis())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again, step, "a finished job does not move");
    // What was queued is due now, as a manual resend of the failed state.
    let lease = Lease {
        token: 9,
        until: now_millis() + 60_000,
    };
    let batch = claim_all_due(&*s, now_millis(), 10, lease).await;
    assert_eq!(batch.deliveries.len(), 5);
    assert!(batch
        .deliveries
        .iter()
        .all(|d| d.resend_from == Some(DeliveryStatus::Failed)));
}

#[tokio::test]
async fn a_pending_delivery_is_skipped_and_a_cancelled_job_does_nothing_more() {
    let (s, _d, svc, _hook) = setup().await;
    let ids = ingest(&*s, svc, 3).await;
    work(&*s, |i| match i {
        0 => (NextState::Retry(now_millis() + 60_000), Some(503), None),
        _ => (NextState::Failed, Some(500), None),
    })
    .await;
    let all = DeliveryFilter {
        limit: 10,
        ..DeliveryFilter::default()
    };
    let job = s.insert_bulk_job("{}", 3).await.unwrap();
    let step = s
        .bulk_step(job.id, &all, now_millis())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (step.done, step.skipped, step.state.as_str()),
        (3, 1, "done")
    );
    let pending = s.get_delivery(ids[0]).await.unwrap().unwrap();
    assert!(
        pending.record.next_attempt_at.unwrap() > now_millis() + 30_000,
        "its retry stands"
    );

    let cancelled = s.insert_bulk_job("{}", 3).await.unwrap();
    let cancelled = s.cancel_bulk_job(cancelled.id).await.unwrap().unwrap();
    assert_eq!(cancelled.state, "cancelled");
    let after = s
        .bulk_step(cancelled.id, &all, now_millis())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.done, 0);
    assert_eq!(s.running_bulk_jobs().await.unwrap(), vec![]);
    assert!(s.cancel_bulk_job(999).await.unwrap().is_none());
}

#[tokio::test]
async fn pruning_takes_old_ended_deliveries_in_batches_and_leaves_pending_ones() {
    let (s, _d, svc, _hook) = setup().await;
    ingest(&*s, svc, 5).await;
    work(&*s, |i| match i {
        0 => (NextState::Retry(now_millis() + 60_000), Some(503), None),
        _ => (NextState::Delivered, Some(200), None),
    })
    .await;
    let future = now_millis() + 1_000;
    assert_eq!(s.prune_deliveries(future, 3).await.unwrap(), 3);
    assert_eq!(s.prune_deliveries(future, 3).await.unwrap(), 1);
    assert_eq!(s.prune_deliveries(future, 3).await.unwrap(), 0);
    let left = s
        .list_deliveries(&DeliveryFilter {
            limit: 10,
            ..DeliveryFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(left.rows.len(), 1);
    assert_eq!(left.rows[0].status, DeliveryStatus::Pending);
    assert_eq!(
        s.prune_deliveries(now_millis() - 60_000, 10).await.unwrap(),
        0,
        "nothing older"
    );
    // Aggregates outlive the deliveries, until their own retention.
    assert_eq!(
        s.dashboard_stats(hour_window())
            .await
            .unwrap()
            .totals
            .delivered,
        4
    );
    assert!(s.prune_stats(now_millis() + 120_000, 0).await.unwrap() > 0);
    assert_eq!(
        s.dashboard_stats(hour_window())
            .await
            .unwrap()
            .totals
            .delivered,
        0
    );
}
