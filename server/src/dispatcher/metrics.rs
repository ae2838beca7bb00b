//! What the dispatcher counts on `/metrics` (Prometheus): deliveries by how they ended, attempts
//! by status class, retries scheduled, and the attempts' latency. The queue's depth and the age
//! of its oldest due delivery are read from the store when `/metrics` is scraped (`web::ops`).
//!
//! Guarantees: labels come from fixed sets (never a URL, a webhook name or a raw status), so the
//! number of series stays bounded.

use crate::store::{AttemptResult, NextState};

/// The status class of an attempt: `2xx` … `5xx`, or `error` when no answer came.
pub fn status_class(status: Option<u16>) -> &'static str {
    match status {
        Some(200..=299) => "2xx",
        Some(300..=399) => "3xx",
        Some(400..=499) => "4xx",
        Some(500..=599) => "5xx",
        Some(_) => "other",
        None => "error",
    }
}

/// Counts recorded results.
pub(crate) fn count(results: &[AttemptResult]) {
    for r in results {
        if let Some(a) = &r.attempt {
            // An SMPP attempt's answer is a command_status, not an HTTP status.
            let class = match a.smpp_status {
                Some(0) => "smpp_ok",
                Some(_) => "smpp_error",
                None => status_class(a.status_code),
            };
            metrics::counter!("webhook_delivery_attempts_total", "class" => class).increment(1);
            metrics::histogram!("webhook_attempt_duration_seconds")
                .record(a.duration_ms.max(0) as f64 / 1000.0);
        }
        match r.next {
            NextState::Delivered => {
                metrics::counter!("webhook_deliveries_total", "outcome" => "delivered").increment(1)
            }
            NextState::Failed => {
                metrics::counter!("webhook_deliveries_total", "outcome" => "failed").increment(1)
            }
            NextState::Retry(_) => {
                metrics::counter!("webhook_retries_scheduled_total").increment(1)
            }
        }
    }
}

/// Describes the series once (their `# HELP` lines).
pub fn describe() {
    metrics::describe_counter!(
        "webhook_deliveries_total",
        "Deliveries that reached an end, by outcome (delivered, failed)"
    );
    metrics::describe_counter!(
        "webhook_delivery_attempts_total",
        "Requests made to webhook endpoints, by status class (2xx..5xx, error)"
    );
    metrics::describe_counter!(
        "webhook_retries_scheduled_total",
        "Attempts that failed and scheduled a retry"
    );
    metrics::describe_histogram!(
        "webhook_attempt_duration_seconds",
        "Time of one attempt, from the request to the answer's body"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_lands_in_one_bounded_class() {
        assert_eq!(status_class(Some(204)), "2xx");
        assert_eq!(status_class(Some(308)), "3xx");
        assert_eq!(status_class(Some(429)), "4xx");
        assert_eq!(status_class(Some(503)), "5xx");
        assert_eq!(status_class(Some(99)), "other");
        assert_eq!(status_class(None), "error");
    }
}
