//! "Send test event": a sample of the webhook's first notification, routed to that webhook only
//! and attempted at once, with the attempt's outcome in plain words.
//!
//! Guarantees: the sample delivery is created already leased by this call (in the ingest
//! transaction), so the background workers never send it too; a disabled webhook or one without
//! notifications sends nothing and says why.

use std::sync::Arc;

use app::domain::{views::TestEventView, AppError};
use bytes::Bytes;

use super::{internal, not_found, parse_id, samples, unexpected};
use crate::{
    dispatcher::Dispatcher,
    store::{now_millis, IngestOptions, NewEvent, Store},
};

fn not_sent(why: &str) -> TestEventView {
    TestEventView {
        delivery_id: None,
        status: "not sent".into(),
        status_code: None,
        error_code: None,
        message: why.into(),
    }
}

pub(super) async fn send(
    store: &Arc<dyn Store>,
    dispatcher: &Dispatcher,
    id: &str,
) -> Result<TestEventView, AppError> {
    let webhook = store
        .get_webhook(parse_id(id, "webhook")?)
        .await
        .map_err(unexpected)?
        .ok_or_else(|| not_found("webhook", id))?;
    if !webhook.enabled {
        return Ok(not_sent("The webhook is disabled."));
    }
    let Some((channel, event)) = webhook.notifications.first() else {
        return Ok(not_sent("The webhook has no notification."));
    };
    let Some(payload) = samples::sample(channel, event) else {
        return Ok(not_sent("No sample exists for this notification."));
    };
    let new = NewEvent {
        event_id: uuid::Uuid::new_v4().to_string(),
        channel: channel.clone(),
        event: event.clone(),
        entity: webhook.entity,
        payload: Bytes::from(payload.to_string()),
    };
    let lease = dispatcher.lease_from(now_millis());
    let options = IngestOptions {
        only_webhook: Some(webhook.id),
        lease: Some(lease),
    };
    let stored = store.ingest(&[new], options).await.map_err(unexpected)?;
    let Some(&delivery_id) = stored.delivery_ids.first() else {
        return Ok(not_sent("The webhook does not take this event."));
    };
    dispatcher.attempt_leased(lease).await.map_err(internal)?;
    let Some(detail) = store.get_delivery(delivery_id).await.map_err(unexpected)? else {
        return Ok(not_sent("The delivery was removed meanwhile."));
    };
    let last = detail.attempts.last();
    let status_code = last
        .and_then(|a| a.status_code)
        .and_then(|c| u16::try_from(c).ok());
    let message = match (status_code, last.and_then(|a| a.error_message.as_deref())) {
        (Some(code), _) => format!("the endpoint answered {code}."),
        (None, Some(error)) => format!("{error}."),
        (None, None) => "no request was made.".into(),
    };
    Ok(TestEventView {
        delivery_id: Some(delivery_id.to_string()),
        status: detail.record.status.as_str().into(),
        status_code,
        error_code: detail.record.last_error_code.clone(),
        message,
    })
}
