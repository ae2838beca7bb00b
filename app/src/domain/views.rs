//! What the browser and the REST API are shown of stored objects. Never a secret: secrets
//! appear only as "set" flags.

use serde::{Deserialize, Serialize};

/// A service (entity for delivery receipts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceView {
    pub id: String,
    pub name: String,
    pub updated_at: String,
}

/// A phone number and what it can receive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberView {
    pub id: String,
    pub number: String,
    /// Labels: "SMS", "MMS", "Voice".
    pub capabilities: Vec<String>,
    pub updated_at: String,
}

/// An app asset; its type is its channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppView {
    pub id: String,
    pub name: String,
    pub app_type: String,
    pub updated_at: String,
}

/// An SMPP account incoming SMS can be forwarded to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EsmeBindView {
    pub id: String,
    pub system_id: String,
    pub description: String,
    pub password_set: bool,
    pub updated_at: String,
    /// Its live SMPP sessions on this instance (CONTRACT §4 "SMPP"), oldest first.
    #[serde(default)]
    pub sessions: Vec<SmppSessionView>,
}

/// One bound SMPP session of an ESME bind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmppSessionView {
    /// RFC 3339.
    pub bound_at: String,
    /// The ESME's address, `ip:port`.
    pub peer: String,
    /// `receiver` or `transceiver`.
    pub bind_type: String,
}

/// The entity a webhook hangs on, with what the UI shows for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityRefView {
    /// "service", "number" or "app".
    pub kind: String,
    pub id: String,
    /// The asset's name (or number), for display.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub channel: String,
    pub event: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubSignatureView {
    /// "sha1" (legacy only), "sha256" or "sha512".
    pub algorithm: String,
    pub secret_set: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardToSmppView {
    pub esme_bind_id: String,
}

/// How a webhook's deliveries have gone (CONTRACT §4 "health"): failed attempts in a row, the
/// last delivered attempt, and the attempts' latency over the last 24 hours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookHealthView {
    pub consecutive_failures: u64,
    pub last_success_at: Option<String>,
    pub p50_ms: Option<u64>,
    pub p99_ms: Option<u64>,
}

/// How the console words a webhook's health at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthLevel {
    /// No attempt yet.
    Unknown,
    /// The last attempt was delivered.
    Ok,
    /// Failing now, but it has been delivered before.
    Failing,
    /// Failing and never delivered.
    Down,
}

impl WebhookHealthView {
    pub fn level(&self) -> HealthLevel {
        match (self.consecutive_failures, &self.last_success_at) {
            (0, Some(_)) => HealthLevel::Ok,
            (0, None) => HealthLevel::Unknown,
            (_, Some(_)) => HealthLevel::Failing,
            (_, None) => HealthLevel::Down,
        }
    }

    /// "OK", "3 failures in a row", "No deliveries yet".
    pub fn summary(&self) -> String {
        match self.consecutive_failures {
            0 if self.last_success_at.is_some() => "OK".into(),
            0 => "No deliveries yet".into(),
            1 => "1 failure in a row".into(),
            n => format!("{n} failures in a row"),
        }
    }

    /// The badge class of [`Self::level`].
    pub fn badge(&self) -> &'static str {
        match self.level() {
            HealthLevel::Unknown => "badge",
            HealthLevel::Ok => "badge badge-ok",
            HealthLevel::Failing => "badge badge-warn",
            HealthLevel::Down => "badge badge-danger",
        }
    }

    /// A latency figure as shown: "120 ms", "3.2 s", or "—" without attempts.
    pub fn latency_text(ms: Option<u64>) -> String {
        match ms {
            None => "—".into(),
            Some(ms) if ms < 1_000 => format!("{ms} ms"),
            Some(ms) => format!("{:.1} s", ms as f64 / 1_000.0),
        }
    }
}

/// An outbound webhook (CONTRACT §2 response shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookView {
    pub id: String,
    pub name: String,
    pub entity: EntityRefView,
    pub url: String,
    pub notifications: Vec<NotificationView>,
    pub hub_signature: Option<HubSignatureView>,
    pub authorization_id: Option<String>,
    pub forward_to_smpp: Option<ForwardToSmppView>,
    pub enabled: bool,
    /// "Active" or "Disabled".
    pub status: String,
    pub updated_at: String,
    /// Its own limits (`null`s: the fair share).
    pub delivery: crate::domain::webhook::DeliverySettings,
    pub health: WebhookHealthView,
}

/// Names of the webhooks that keep an asset (or authorization) from being deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InUse {
    pub webhooks: Vec<String>,
}

/// The kinds of asset, for the operations they share (delete).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssetKind {
    Service,
    Number,
    App,
    EsmeBind,
}

impl AssetKind {
    /// How a person calls one.
    pub fn noun(self) -> &'static str {
        match self {
            AssetKind::Service => "service",
            AssetKind::Number => "number",
            AssetKind::App => "app",
            AssetKind::EsmeBind => "ESME bind",
        }
    }
}

/// A choice in a select (authorizations, ESME binds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub label: String,
}

/// Everything the webhook form offers to choose from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookFormOptions {
    pub services: Vec<ServiceView>,
    pub numbers: Vec<NumberView>,
    pub apps: Vec<AppView>,
    pub esme_binds: Vec<Choice>,
    pub authorizations: Vec<Choice>,
}

/// An authorization profile (CONTRACT §2 response shape): its settings, which secrets are
/// stored (never their values), whether it holds tokens, and its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationView {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub auth_type: crate::domain::authorization::AuthType,
    #[serde(flatten)]
    pub settings: crate::domain::authorization::AuthorizationSettings,
    /// The names of the stored write-only fields, e.g. `password`, `client_secret`.
    pub secrets_set: Vec<String>,
    pub access_token_set: bool,
    pub refresh_token_set: bool,
    /// Unix millis when the access token expires, as RFC 3339; `None` when unknown or no token.
    pub token_expires_at: Option<String>,
    pub status: crate::domain::authorization::AuthorizationStatus,
    /// Why the status is Authorization Pending, in plain words.
    pub status_reason: Option<String>,
    /// The Call Back URL (authorization code grant).
    pub call_back_url: Option<String>,
    pub updated_at: String,
}

impl AuthorizationView {
    /// Whether the write-only field `name` (e.g. `password`) has a stored value.
    pub fn secret_set(&self, name: &str) -> bool {
        self.secrets_set.iter().any(|s| s == name)
    }
}

/// How a return to the Call Back URL ended: which profile (when the state was known), and a
/// message in plain words for its form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthCallbackOutcome {
    pub authorization_id: Option<String>,
    pub ok: bool,
    pub message: String,
}

/// How "Send test event" went: the delivery it made and what the endpoint answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestEventView {
    /// `None` when nothing was sent (see `message`).
    pub delivery_id: Option<String>,
    /// "pending", "delivered" or "failed".
    pub status: String,
    pub status_code: Option<u16>,
    pub error_code: Option<String>,
    /// One sentence for the person who clicked.
    pub message: String,
}

#[cfg(test)]
mod health_tests {
    use super::{HealthLevel, WebhookHealthView};

    fn health(failures: u64, success: Option<&str>) -> WebhookHealthView {
        WebhookHealthView {
            consecutive_failures: failures,
            last_success_at: success.map(str::to_owned),
            ..WebhookHealthView::default()
        }
    }

    #[test]
    fn health_reads_ok_after_a_success_and_counts_failures_in_a_row() {
        let at = Some("2026-12-02T10:00:00Z");
        let cases = [
            (health(0, None), HealthLevel::Unknown, "No deliveries yet"),
            (health(0, at), HealthLevel::Ok, "OK"),
            (health(1, at), HealthLevel::Failing, "1 failure in a row"),
            (health(3, None), HealthLevel::Down, "3 failures in a row"),
        ];
        for (h, level, text) in cases {
            assert_eq!((h.level(), h.summary().as_str()), (level, text), "{h:?}");
        }
    }

    #[test]
    fn latency_is_shown_in_ms_below_a_second_then_in_seconds() {
        assert_eq!(WebhookHealthView::latency_text(None), "—");
        assert_eq!(WebhookHealthView::latency_text(Some(87)), "87 ms");
        assert_eq!(WebhookHealthView::latency_text(Some(3_210)), "3.2 s");
    }
}
