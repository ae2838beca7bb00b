//! What the REST API and the console ask of the dispatcher: ingest a request, read the log,
//! resend, and send a sample event to one webhook.
//!
//! Guarantees: an ingest stores nothing unless the whole request is valid, and wakes the workers
//! only after the transaction committed; a resend and a test event make their attempt before
//! answering, so the caller sees its outcome.

use bytes::Bytes;

use super::{ingest, samples, DispatchError, Dispatcher};
use crate::store::{
    now_millis, AttemptRecord, DeliveryRecord, IngestOptions, NewEvent, WebhookRecord,
};

/// What an ingest request stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestReceipt {
    pub accepted: usize,
    /// Every event of the request, in order (given or generated ids).
    pub event_ids: Vec<String>,
    pub deliveries: usize,
    pub duplicates: usize,
}

/// How a test event went.
#[derive(Debug, Clone)]
pub enum TestEventOutcome {
    /// The webhook is disabled or has no notification: nothing was sent.
    NotSent(&'static str),
    Sent(DeliveryRecord, Vec<AttemptRecord>),
}

impl Dispatcher {
    /// Parses, checks and stores an ingest request, then wakes the workers.
    pub async fn ingest(&self, body: &[u8]) -> Result<IngestReceipt, ingest::IngestError> {
        let parsed = ingest::parse_request(body)?;
        ingest::check_entities(self.store().as_ref(), &parsed).await?;
        let events = ingest::to_new_events(parsed);
        let outcome = self
            .store()
            .ingest(&events, IngestOptions::default())
            .await?;
        if !outcome.delivery_ids.is_empty() {
            self.wake();
        }
        metrics::counter!("webhook_events_ingested_total").increment(outcome.accepted as u64);
        Ok(IngestReceipt {
            accepted: outcome.accepted,
            event_ids: events.into_iter().map(|e| e.event_id).collect(),
            deliveries: outcome.delivery_ids.len(),
            duplicates: outcome.duplicates,
        })
    }

    /// Ingests a sample event of `webhook`'s first notification, routed to that webhook only,
    /// and makes its first attempt at once.
    pub async fn send_test_event(
        &self,
        webhook: &WebhookRecord,
    ) -> Result<TestEventOutcome, DispatchError> {
        if !webhook.enabled {
            return Ok(TestEventOutcome::NotSent("The webhook is disabled."));
        }
        let Some((channel, event)) = webhook.notifications.first() else {
            return Ok(TestEventOutcome::NotSent(
                "The webhook has no notification.",
            ));
        };
        let Some(payload) = samples::sample(channel, event) else {
            return Ok(TestEventOutcome::NotSent(
                "No sample exists for this notification.",
            ));
        };
        let new = NewEvent {
            event_id: uuid::Uuid::new_v4().to_string(),
            channel: channel.clone(),
            event: event.clone(),
            entity: webhook.entity,
            payload: Bytes::from(payload.to_string()),
        };
        let lease = self.lease_from(now_millis());
        let options = IngestOptions {
            only_webhook: Some(webhook.id),
            lease: Some(lease),
        };
        let stored = self.store().ingest(&[new], options).await?;
        let Some(&id) = stored.delivery_ids.first() else {
            return Ok(TestEventOutcome::NotSent(
                "The webhook does not take this event.",
            ));
        };
        self.attempt_leased(lease).await?;
        match self.store().get_delivery(id).await? {
            Some((delivery, attempts)) => Ok(TestEventOutcome::Sent(delivery, attempts)),
            None => Ok(TestEventOutcome::NotSent(
                "The delivery was removed meanwhile.",
            )),
        }
    }
}
