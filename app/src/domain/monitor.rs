//! What the Monitor shows and the REST API returns of the delivery log (CONTRACT §2/§4, SPEC §7):
//! deliveries, their attempts, bulk resend jobs, the dashboard's figures and the export rows.
//! Never a secret: request headers that carry credentials arrive here already masked.

use serde::{Deserialize, Serialize};

use super::deliveries::DeliveryStatus;

/// HTTP headers in the order they were sent or received; a JSON object on the wire (CONTRACT §2:
/// `response_headers` is an object), repeated names joined with ", ".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<(String, String)>);

impl Serialize for Headers {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Headers;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of header names to values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Headers, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, String>()? {
                    out.push((k, v));
                }
                Ok(Headers(out))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// One delivery as the log lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: String,
    /// The event's global id (`x-wx-gtrid`).
    pub event_id: String,
    pub integration_id: String,
    /// The webhook's name when the delivery was made (kept after a delete).
    pub integration_name: String,
    pub channel: String,
    pub event: String,
    pub status: DeliveryStatus,
    pub attempt_count: i64,
    /// When the next attempt is due (pending only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<String>,
    pub last_status_code: Option<i64>,
    pub last_error_code: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// How it is sent: `http` (the webhook's POST) or `smpp` (a `deliver_sm` to the webhook's
    /// ESME bind, Forward to SMPP).
    #[serde(default = "http")]
    pub transport: String,
}

fn http() -> String {
    "http".into()
}

/// Why an attempt was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttemptTrigger {
    Scheduled,
    Manual,
}

/// One attempt of a delivery, as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    /// RFC 3339 to the millisecond.
    pub at: String,
    pub duration_ms: i64,
    pub trigger: AttemptTrigger,
    /// What was sent, credentials shown as `••••`.
    pub request_headers: Headers,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// An SMPP attempt's answer: the `deliver_sm_resp`'s command_status (0 = ESME_ROK).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smpp_status: Option<i64>,
    pub response_headers: Headers,
    /// The first 4 KiB of the answer, as text.
    pub response_body: String,
}

/// A delivery with everything its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryDetailView {
    #[serde(flatten)]
    pub delivery: DeliveryView,
    /// The webhook's URL now; `None` when the webhook was deleted.
    pub integration_url: Option<String>,
    /// The exact body sent (the event's payload), as text; cut for display when very long.
    pub request_body: String,
    pub request_body_truncated: bool,
    /// Oldest first.
    pub attempts: Vec<AttemptView>,
}

/// What an ingest request stored (CONTRACT §2: 202 body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestReceipt {
    pub accepted: usize,
    /// Every event of the request, in order (given or generated ids).
    pub event_ids: Vec<String>,
    pub deliveries: usize,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub duplicates: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What a bulk resend of a filter would do, before it is started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkResendPreview {
    /// Deliveries the filter selects.
    pub matching: u64,
    /// Of those, the ones that would be resent (pending ones are skipped: they will be sent).
    pub to_resend: u64,
}

/// Where a bulk resend job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BulkJobState {
    Running,
    Done,
    Cancelled,
}

impl BulkJobState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Running => "Running",
            Self::Done => "Done",
            Self::Cancelled => "Cancelled",
        }
    }
}

/// A bulk resend job: a stored filter worked through in the background, with its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkJobView {
    pub id: String,
    pub state: BulkJobState,
    /// The filter's parameters, as the log's query string takes them.
    pub filters: Vec<(String, String)>,
    /// Deliveries the filter selected when the job started.
    pub total: u64,
    /// Deliveries gone through so far (resent or skipped).
    pub done: u64,
    /// Of `done`, the ones skipped because they were pending already.
    pub skipped: u64,
    pub created_at: String,
    pub updated_at: String,
}

/// One bar of the dashboard's trend chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendBar {
    /// RFC 3339 start of the bar.
    pub start: String,
    pub executions: u64,
    pub failures: u64,
}

/// Failures of one webhook in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookFailures {
    pub integration_id: String,
    pub integration_name: String,
    pub failures: u64,
}

/// Failures that ended with one status or error code in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeFailures {
    /// `404` or `timeout`: the log's `code` filter.
    pub code: String,
    /// What it means, in plain words (the status line's reason, or the error code's meaning).
    pub meaning: String,
    pub failures: u64,
}

/// Monitor › Dashboard for one period ending now. "Executions" are deliveries that reached an
/// end (delivered or failed) in the period, "failures" those that failed; both come from the
/// per-minute aggregates, never from the deliveries table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardView {
    pub period: super::deliveries::Period,
    /// RFC 3339 bounds of the period.
    pub from: String,
    pub to: String,
    pub executions: u64,
    pub failures: u64,
    /// The same figures for the period just before, for the change.
    pub previous_executions: u64,
    pub previous_failures: u64,
    /// Requests made to endpoints in the period (retries and resends included).
    pub attempts: u64,
    pub trend: Vec<TrendBar>,
    /// Most failures first.
    pub by_webhook: Vec<WebhookFailures>,
    pub by_code: Vec<CodeFailures>,
}

/// One row of the export (CONTRACT §4), the columns in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRow {
    pub id: String,
    pub created_at: String,
    pub integration_id: String,
    pub integration_name: String,
    pub channel: String,
    pub event: String,
    pub status: DeliveryStatus,
    /// How many attempts were made.
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error_code: Option<String>,
    /// The webhook's URL (empty once the webhook is deleted).
    pub url: String,
}
