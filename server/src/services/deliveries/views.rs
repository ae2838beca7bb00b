//! Stored deliveries and attempts as the log shows them (`app::domain::monitor`).

use app::domain::{
    monitor::{AttemptTrigger, AttemptView, DeliveryDetailView, DeliveryView, Headers},
    time::rfc3339_millis,
};

use crate::services::rfc3339;
use crate::store::{AttemptRecord, DeliveryDetail, DeliveryRecord};

/// How much of a request body the delivery page shows (the whole body is up to 1 MiB).
const BODY_SHOWN: usize = 64 * 1024;

pub(super) fn delivery(d: DeliveryRecord) -> DeliveryView {
    DeliveryView {
        id: d.id.to_string(),
        event_id: d.event_id,
        integration_id: d.webhook_id.to_string(),
        integration_name: d.webhook_name,
        channel: d.channel,
        event: d.event,
        status: d.status,
        attempt_count: d.attempt_count,
        next_attempt_at: d.next_attempt_at.map(rfc3339_millis),
        last_status_code: d.last_status_code,
        last_error_code: d.last_error_code,
        created_at: rfc3339(d.created_at),
        updated_at: rfc3339(d.updated_at),
        transport: d.transport.as_str().to_owned(),
    }
}

/// A JSON object of header names to values, as stored; anything else reads as no headers.
fn headers(json: &str) -> Headers {
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(json).unwrap_or_default();
    Headers(
        map.into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect(),
    )
}

fn attempt(a: AttemptRecord) -> AttemptView {
    AttemptView {
        at: rfc3339_millis(a.at),
        duration_ms: a.duration_ms,
        trigger: if a.trigger == "manual" {
            AttemptTrigger::Manual
        } else {
            AttemptTrigger::Scheduled
        },
        request_headers: headers(&a.request_headers),
        status_code: a.status_code,
        error_code: a.error_code,
        error_message: a.error_message,
        smpp_status: a.smpp_status,
        response_headers: headers(&a.response_headers),
        response_body: a.response_body,
    }
}

pub(super) fn detail(d: DeliveryDetail) -> DeliveryDetailView {
    let text = String::from_utf8_lossy(&d.body);
    let truncated = text.len() > BODY_SHOWN;
    let shown = if truncated {
        let mut end = BODY_SHOWN;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text[..end].to_owned()
    } else {
        text.into_owned()
    };
    DeliveryDetailView {
        integration_url: d.record.webhook_url.clone(),
        delivery: delivery(d.record),
        request_body: shown,
        request_body_truncated: truncated,
        attempts: d.attempts.into_iter().map(attempt).collect(),
    }
}
