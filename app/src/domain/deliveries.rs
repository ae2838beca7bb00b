//! The delivery log's words and filters (SPEC §7, CONTRACT §2/§4), shared by the REST API, the
//! console's Monitor pages and the export: a delivery's status, the log query and its parsing,
//! the dashboard's periods, the export formats, and what each stable error code means.
//!
//! Guarantees: [`DeliveryQuery::parse`] is the one parser of the log's parameters (REST query
//! string, console URL, export, bulk resend), refusing a bad value with [`AppError::Malformed`]
//! naming its parameter; a parsed query turns back into the same parameters
//! ([`DeliveryQuery::to_query`]), so a filtered page links to itself and to the export.

use serde::{Deserialize, Serialize};

use super::{
    channels,
    paging::{parse_id_param, parse_limit},
    time::{parse_time, rfc3339},
    AppError,
};

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 3] = [Self::Pending, Self::Delivered, Self::Failed];

    /// The stored and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    /// The word the console shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Delivered => "Delivered",
            Self::Failed => "Failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// The raw log parameters, as a query string carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryQueryInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The last status code (`404`) or error code (`timeout`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

/// What a delivery ended with: an HTTP status code or a stable error code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LastCode {
    Status(u16),
    Error(String),
}

impl LastCode {
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if let Ok(n) = raw.parse::<u16>() {
            return (100..=599).contains(&n).then_some(LastCode::Status(n));
        }
        let known = ERROR_CODES.iter().any(|(code, _)| *code == raw);
        known.then(|| LastCode::Error(raw.to_owned()))
    }

    pub fn as_param(&self) -> String {
        match self {
            LastCode::Status(n) => n.to_string(),
            LastCode::Error(code) => code.clone(),
        }
    }
}

/// The delivery log's filters and page. Times are Unix milliseconds, `from` and `to` inclusive,
/// on the delivery's creation time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryQuery {
    pub webhook_id: Option<i64>,
    pub status: Option<DeliveryStatus>,
    /// A channel label of the matrix (SPEC §2).
    pub channel: Option<String>,
    pub code: Option<LastCode>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub limit: u32,
    pub before: Option<i64>,
}

fn malformed(field: &str, message: impl Into<String>) -> AppError {
    AppError::Malformed {
        field: Some(field.to_owned()),
        message: message.into(),
    }
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl DeliveryQuery {
    pub fn parse(input: &DeliveryQueryInput) -> Result<Self, AppError> {
        let status = match present(&input.status) {
            None => None,
            Some(s) => Some(DeliveryStatus::parse(s).ok_or_else(|| {
                malformed("status", "`status` is one of pending, delivered, failed.")
            })?),
        };
        let channel = match present(&input.channel) {
            None => None,
            Some(c) => Some(
                channels::channel(c)
                    .ok_or_else(|| malformed("channel", format!("No channel is called \"{c}\".")))?
                    .label
                    .to_owned(),
            ),
        };
        let code = match present(&input.code) {
            None => None,
            Some(c) => Some(LastCode::parse(c).ok_or_else(|| {
                malformed(
                    "code",
                    "`code` is an HTTP status (100–599) or an error code such as `timeout`.",
                )
            })?),
        };
        let from = parse_time(present(&input.from), "from")?;
        let to = parse_time(present(&input.to), "to")?;
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(malformed("to", "`to` is before `from`."));
            }
        }
        Ok(DeliveryQuery {
            webhook_id: parse_id_param(present(&input.integration_id), "integration_id")?,
            status,
            channel,
            code,
            from,
            to,
            limit: parse_limit(present(&input.limit))?,
            before: parse_id_param(present(&input.before), "before")?,
        })
    }

    /// The same filters without paging (export, bulk resend, links between pages).
    pub fn filters_only(&self) -> Self {
        DeliveryQuery {
            limit: super::paging::DEFAULT_LIMIT,
            before: None,
            ..self.clone()
        }
    }

    /// Whether any filter is set (paging aside).
    pub fn is_filtered(&self) -> bool {
        self.webhook_id.is_some()
            || self.status.is_some()
            || self.channel.is_some()
            || self.code.is_some()
            || self.from.is_some()
            || self.to.is_some()
    }

    /// The parameters of this query, in a stable order; times as RFC 3339.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(id) = self.webhook_id {
            out.push(("integration_id", id.to_string()));
        }
        if let Some(s) = self.status {
            out.push(("status", s.as_str().to_owned()));
        }
        if let Some(c) = &self.channel {
            out.push(("channel", c.clone()));
        }
        if let Some(c) = &self.code {
            out.push(("code", c.as_param()));
        }
        if let Some(f) = self.from {
            out.push(("from", rfc3339(f)));
        }
        if let Some(t) = self.to {
            out.push(("to", rfc3339(t)));
        }
        if self.limit != super::paging::DEFAULT_LIMIT {
            out.push(("limit", self.limit.to_string()));
        }
        if let Some(b) = self.before {
            out.push(("before", b.to_string()));
        }
        out
    }
}

/// The dashboard's periods (SPEC §7).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    Hour,
    #[default]
    Day,
    Week,
    Month,
}

impl Period {
    pub const ALL: [Period; 4] = [Self::Hour, Self::Day, Self::Week, Self::Month];

    /// The URL spelling (`?period=24h`).
    pub fn as_param(self) -> &'static str {
        match self {
            Self::Hour => "1h",
            Self::Day => "24h",
            Self::Week => "7d",
            Self::Month => "30d",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Hour => "Last hour",
            Self::Day => "Last 24 hours",
            Self::Week => "Last 7 days",
            Self::Month => "Last 30 days",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_param() == s)
    }

    pub fn minutes(self) -> i64 {
        match self {
            Self::Hour => 60,
            Self::Day => 24 * 60,
            Self::Week => 7 * 24 * 60,
            Self::Month => 30 * 24 * 60,
        }
    }

    /// The width of one bar of the trend chart, in minutes (60, 24, 28 and 30 bars).
    pub fn bucket_minutes(self) -> i64 {
        match self {
            Self::Hour => 1,
            Self::Day => 60,
            Self::Week => 6 * 60,
            Self::Month => 24 * 60,
        }
    }
}

/// The export formats (CONTRACT §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFormat {
    Csv,
    Ndjson,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(Self::Csv),
            "ndjson" => Some(Self::Ndjson),
            _ => None,
        }
    }

    pub fn as_param(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Ndjson => "ndjson",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Ndjson => "application/x-ndjson",
        }
    }
}

/// Every stable error code an attempt or a delivery can end with, and what it means in plain
/// words. The server's codes (`outbound::ErrorCode`, the dispatcher's endings) are checked
/// against this table by a test, so none is left without a meaning.
pub const ERROR_CODES: &[(&str, &str)] = &[
    ("timeout", "The endpoint did not answer within the request timeout."),
    ("dns", "The endpoint's host name could not be resolved."),
    ("connect", "No connection could be made to the endpoint (refused, unreachable or reset)."),
    ("tls", "The TLS handshake failed: the certificate is not trusted, expired, or does not name the host."),
    ("blocked_target", "The address is private or otherwise not allowed by the SSRF guard."),
    ("http_status", "The endpoint answered with a status that is not a success."),
    ("auth", "The authorization could not be applied (for example, no access token could be obtained)."),
    ("body", "The answer's body could not be read."),
    ("other", "The request could not be made."),
    ("webhook_deleted", "The webhook was deleted before the delivery could be made."),
    ("webhook_disabled", "The webhook is disabled, so the delivery was not made."),
    ("smpp_not_bound", "No session of the webhook's ESME bind was bound to the SMPP listener, so the deliver_sm could not be sent."),
    ("smpp_closed", "The ESME's SMPP session ended before it answered the deliver_sm."),
    ("smpp_status", "The ESME answered the deliver_sm with an error command_status."),
    ("smpp_payload", "The incoming message's payload has no usable oa, da or message to build a deliver_sm from."),
    ("smpp_forward_off", "The webhook no longer forwards to SMPP, so the deliver_sm was not sent."),
];

/// What `code` means, for the attempt and delivery pages.
pub fn error_meaning(code: &str) -> Option<&'static str> {
    ERROR_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, meaning)| *meaning)
}

#[cfg(test)]
mod tests;
