//! The queue's guarantees at the store level: routing in the ingest transaction, leases that
//! expire into crash recovery, and results fenced on the lease that claimed them.

use super::*;
use crate::store::{
    sqlite::{claim_all_due, test_store},
    testing::TestDb,
    EntityId, IngestOptions, Lease, NewEvent, NextState, Transport, WebhookWrite,
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

/// A number whose webhook forwards SMS Incoming Message to an ESME bind, and one such message
/// ingested: (store, its database, the ESME bind's id, the SMPP delivery's id).
async fn forwarding_one_message() -> (std::sync::Arc<dyn crate::store::Store>, TestDb, i64, i64) {
    use crate::store::{EsmeBindWrite, NumberWrite, SealedValue};
    let (s, dir) = test_store().await;
    let number = s
        .insert_number(&NumberWrite {
            number: "60777".into(),
            sms: true,
            mms: false,
            voice: false,
        })
        .await
        .unwrap();
    let esme = s
        .insert_esme_bind(&EsmeBindWrite {
            system_id: "acme".into(),
            password_enc: Some(SealedValue::Kept("v2:a".into())),
            description: "".into(),
        })
        .await
        .unwrap();
    s.insert_webhook(&WebhookWrite {
        name: "Inbound".into(),
        entity: EntityId::Number(number.id),
        url: "https://example.com/hook".into(),
        hub_algorithm: None,
        hub_secret_enc: None,
        authorization_id: None,
        esme_bind_id: Some(esme.id),
        max_in_flight: None,
        rate_per_second: None,
        enabled: true,
        notifications: vec![("SMS".into(), "Incoming Message".into())],
    })
    .await
    .unwrap();
    let message = NewEvent {
        event_id: "sms-1".into(),
        channel: "SMS".into(),
        event: "Incoming Message".into(),
        entity: EntityId::Number(number.id),
        payload: Bytes::from_static(b"{\"oa\":\"4477\",\"da\":\"60777\",\"message\":\"hi\"}"),
    };
    let out = s
        .ingest(&[message], IngestOptions::default())
        .await
        .unwrap();
    assert_eq!(out.delivery_ids.len(), 2, "an HTTP and an SMPP delivery");
    let smpp = *out.delivery_ids.iter().max().unwrap();
    (s, dir, esme.id, smpp)
}

/// Claims everything due as the instance `route` describes; returns the transports claimed.
async fn claimed_transports(
    s: &dyn crate::store::Store,
    route: crate::store::SmppRoute,
    token: i64,
) -> Vec<Transport> {
    let now = now_millis();
    let scan = DueScan {
        now,
        slots: 16,
        free: 16,
        smpp: route,
        ..DueScan::default()
    };
    let lease = Lease {
        token,
        until: now + 60_000,
    };
    let mut all = |c: &[crate::store::Candidate]| c.iter().map(|c| c.id).collect();
    let (batch, _) = s.claim_due(&scan, lease, &mut all).await.unwrap();
    let mut transports: Vec<Transport> = batch.deliveries.iter().map(|d| d.transport).collect();
    transports.sort_by_key(|t| *t == Transport::Smpp);
    transports
}

fn instance(name: &str, bound_here: &[i64]) -> crate::store::SmppRoute {
    crate::store::SmppRoute {
        instance: name.into(),
        bound_here: bound_here.to_vec(),
    }
}

#[tokio::test]
async fn an_smpp_delivery_is_left_to_the_instance_where_its_esme_is_bound() {
    let (s, _d, esme, _) = forwarding_one_message().await;
    let until = now_millis() + 60_000;
    s.publish_smpp_bound("a", &[esme], until).await.unwrap();
    // Instance b has no session of that ESME: it takes the HTTP delivery only.
    let at_b = claimed_transports(s.as_ref(), instance("b", &[]), 1).await;
    assert_eq!(at_b, vec![Transport::Http]);
    // Instance a, where it is bound, takes the SMPP one.
    let at_a = claimed_transports(s.as_ref(), instance("a", &[esme]), 2).await;
    assert_eq!(at_a, vec![Transport::Smpp]);
}

#[tokio::test]
async fn an_smpp_delivery_goes_to_any_instance_once_its_esme_is_bound_nowhere() {
    let (s, _d, esme, _) = forwarding_one_message().await;
    // Bound at a, then a published that it no longer is.
    s.publish_smpp_bound("a", &[esme], now_millis() + 60_000)
        .await
        .unwrap();
    s.publish_smpp_bound("a", &[], now_millis() + 60_000)
        .await
        .unwrap();
    let at_b = claimed_transports(s.as_ref(), instance("b", &[]), 1).await;
    assert_eq!(at_b, vec![Transport::Http, Transport::Smpp]);
}

#[tokio::test]
async fn the_binding_of_an_instance_that_stopped_renewing_it_runs_out() {
    let (s, _d, esme, _) = forwarding_one_message().await;
    // Published by an instance that died: its lease ended a moment ago.
    s.publish_smpp_bound("dead", &[esme], now_millis() - 1)
        .await
        .unwrap();
    let at_b = claimed_transports(s.as_ref(), instance("b", &[]), 1).await;
    assert_eq!(at_b, vec![Transport::Http, Transport::Smpp]);
}

#[tokio::test]
async fn an_esme_bound_both_here_and_elsewhere_is_sent_from_here() {
    let (s, _d, esme, _) = forwarding_one_message().await;
    let until = now_millis() + 60_000;
    s.publish_smpp_bound("a", &[esme], until).await.unwrap();
    s.publish_smpp_bound("b", &[esme], until).await.unwrap();
    let at_b = claimed_transports(s.as_ref(), instance("b", &[esme]), 1).await;
    assert_eq!(at_b, vec![Transport::Http, Transport::Smpp]);
}

/// Claims, at `now`, as many due deliveries as the stored rate bucket allows (what the
/// dispatcher's choice does with [`crate::store::Candidate::rate_level`]); returns how many.
async fn claim_within_rate(s: &dyn crate::store::Store, now: i64, token: i64) -> usize {
    use crate::store::RateLevel;
    let scan = DueScan {
        now,
        slots: 64,
        free: 64,
        ..DueScan::default()
    };
    let lease = Lease {
        token,
        until: now + 60_000,
    };
    let mut within_rate = |c: &[crate::store::Candidate]| {
        let Some(first) = c.first() else {
            return Vec::new();
        };
        let rate = first.rate_per_second.expect("a rate-limited webhook");
        let level = first
            .rate_level
            .unwrap_or_else(|| RateLevel::full(rate, now));
        let tokens = level.refilled(rate, now).tokens.floor().max(0.0) as usize;
        c.iter().take(tokens).map(|c| c.id).collect()
    };
    let (batch, _) = s.claim_due(&scan, lease, &mut within_rate).await.unwrap();
    batch.deliveries.len()
}

#[tokio::test]
async fn a_webhooks_rate_bucket_is_kept_in_the_store_and_spent_by_every_claim() {
    let (s, _d) = test_store().await;
    let svc = s.insert_service("Billing").await.unwrap();
    s.insert_webhook(&WebhookWrite {
        name: "Limited".into(),
        entity: EntityId::Service(svc.id),
        url: "https://example.com/hook".into(),
        hub_algorithm: None,
        hub_secret_enc: None,
        authorization_id: None,
        esme_bind_id: None,
        max_in_flight: None,
        rate_per_second: Some(3.0),
        enabled: true,
        notifications: vec![("SMS".into(), "Delivered".into())],
    })
    .await
    .unwrap();
    let events: Vec<NewEvent> = (0..10)
        .map(|i| event(&format!("r{i}"), svc.id, "Delivered"))
        .collect();
    s.ingest(&events, IngestOptions::default()).await.unwrap();
    let now = now_millis();
    // A full bucket: one second's worth.
    assert_eq!(claim_within_rate(s.as_ref(), now, 1).await, 3);
    // Another claim at the same moment (another instance, its own memory) finds it spent.
    assert_eq!(claim_within_rate(s.as_ref(), now, 2).await, 0);
    // Half a second later, half a second's worth: one whole token and a half.
    assert_eq!(claim_within_rate(s.as_ref(), now + 500, 3).await, 1);
    // And a second after that the bucket is full again, never more than a second's worth.
    assert_eq!(claim_within_rate(s.as_ref(), now + 1_500, 4).await, 3);
}
