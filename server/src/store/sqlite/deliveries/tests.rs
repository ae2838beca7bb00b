//! The queue's guarantees at the store level: routing in the ingest transaction, leases that
//! expire into crash recovery, and results fenced on the lease that claimed them.

use super::*;
use crate::store::{
    sqlite::{claim_all_due, test_store},
    testing::TestDb,
    EntityId, IngestOptions, Lease, NewEvent, NextState, WebhookWrite,
};

async fn setup() -> (std::sync::Arc<dyn crate::store::Store>, TestDb, i64) {
    let (s, dir) = test_store().await;
    let svc = s.insert_service("Billing").await.unwrap();
    let write = WebhookWrite {
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
    };
    s.insert_webhook(&write).await.unwrap();
    (s, dir, svc.id)
}

fn event(id: &str, service: i64, event: &str) -> NewEvent {
    NewEvent {
        event_id: id.into(),
        channel: "SMS".into(),
        event: event.into(),
        entity: EntityId::Service(service),
        payload: Bytes::from_static(b"{\"k\":1}"),
    }
}

fn delivered(id: i64, token: i64) -> AttemptResult {
    AttemptResult {
        delivery_id: id,
        webhook_id: 1,
        lease_token: token,
        next: NextState::Delivered,
        scheduled: true,
        last_status_code: Some(200),
        last_error_code: None,
        attempt: None,
    }
}

#[tokio::test]
async fn ingest_routes_only_matching_events_and_skips_known_ids() {
    let (s, _d, svc) = setup().await;
    let events = [event("a", svc, "Delivered"), event("b", svc, "Failed")];
    let out = s.ingest(&events, IngestOptions::default()).await.unwrap();
    assert_eq!(
        (out.accepted, out.duplicates, out.delivery_ids.len()),
        (2, 0, 1)
    );
    let again = s
        .ingest(&events[..1], IngestOptions::default())
        .await
        .unwrap();
    assert_eq!(
        (again.accepted, again.duplicates, again.delivery_ids.len()),
        (0, 1, 0)
    );
}

#[tokio::test]
async fn a_stale_lease_cannot_record_and_an_expired_lease_is_claimed_again() {
    let (s, _d, svc) = setup().await;
    s.ingest(&[event("a", svc, "Delivered")], IngestOptions::default())
        .await
        .unwrap();
    let now = now_millis();
    let first = Lease {
        token: 1,
        until: now + 1_000,
    };
    let batch = claim_all_due(&*s, now, 10, first).await;
    assert_eq!(batch.deliveries.len(), 1);
    assert_eq!(&batch.deliveries[0].body[..], b"{\"k\":1}");
    let id = batch.deliveries[0].id;
    // While leased it is not due…
    let early = claim_all_due(
        &*s,
        now,
        10,
        Lease {
            token: 2,
            until: now + 5,
        },
    )
    .await;
    assert!(early.deliveries.is_empty());
    // …and once the lease expired (the worker died), another claim takes it back.
    let later = now + 1_001;
    let second = Lease {
        token: 3,
        until: later + 1_000,
    };
    let retaken = claim_all_due(&*s, later, 10, second).await;
    assert_eq!(retaken.deliveries.len(), 1);
    // The first worker's late result is dropped; the holder's is kept.
    assert_eq!(s.record(&[delivered(id, 1)]).await.unwrap(), 0);
    assert_eq!(s.record(&[delivered(id, 3)]).await.unwrap(), 1);
    assert_eq!(
        s.record(&[delivered(id, 3)]).await.unwrap(),
        0,
        "a lease records once"
    );
    let detail = s.get_delivery(id).await.unwrap().unwrap();
    assert_eq!(detail.record.status, DeliveryStatus::Delivered);
    assert!(detail.attempts.is_empty());
}
