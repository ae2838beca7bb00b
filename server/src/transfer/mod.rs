//! `webhooks-console export` / `import` (CONTRACT §1): the whole configuration — assets,
//! authorization profiles, webhooks — as one JSON document, a backup and the way to move an
//! instance from one database to another (SQLite to PostgreSQL).
//!
//! What travels, and what does not:
//! - Secrets stay sealed under the key file: each `*_sealed` value is exactly what the source
//!   database holds, bound (see `secrets`) to its column and to the row id the document gives.
//!   Import needs the same `--secret-key-file`; it opens every secret before it writes anything.
//! - Import writes into an empty database through the same store as the console, so rows get
//!   the ids the target gives them (in a fresh database the ids of a source without gaps come
//!   out the same, but nothing relies on that): references are carried over by id mapping, and
//!   every secret is sealed again for its new row. Ids are therefore *not* kept.
//! - Users, API keys, sessions, pending OAuth flows and the delivery log are not configuration
//!   and are not exported; OAuth 2.0 tokens are (they belong to the profile).
//! - A legacy webhook signed with SHA1 is exported and imported as it is.

mod export;
pub mod import;

pub use export::export;
pub use import::{import, ImportSummary};

use serde::{Deserialize, Serialize};

/// The `format` field: what the document is.
pub const FORMAT: &str = "webhooks-console configuration";
/// The `version` field: the layout below. A later layout gets 2; import refuses what it does
/// not know rather than guessing.
pub const VERSION: u32 = 1;

/// The document. Ids are strings, as in the API; times are RFC 3339. Every list is oldest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Configuration {
    pub format: String,
    pub version: u32,
    pub exported_at: String,
    pub services: Vec<Service>,
    pub numbers: Vec<Number>,
    pub apps: Vec<App>,
    pub esme_binds: Vec<EsmeBind>,
    pub authorizations: Vec<Authorization>,
    pub webhooks: Vec<Webhook>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Number {
    pub id: String,
    pub number: String,
    pub sms: bool,
    pub mms: bool,
    pub voice: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct App {
    pub id: String,
    pub name: String,
    /// The channel label, e.g. `WhatsApp`.
    pub app_type: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EsmeBind {
    pub id: String,
    pub system_id: String,
    pub description: String,
    /// Sealed, bound to `esme_binds.password` of row `id`.
    pub password_sealed: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authorization {
    pub id: String,
    pub name: String,
    /// The Type label, e.g. `Basic Auth`.
    #[serde(rename = "type")]
    pub auth_type: String,
    /// The non-secret settings (CONTRACT field names).
    pub settings: serde_json::Value,
    /// Sealed JSON object of the write-only fields, bound to row `id`.
    pub secrets_sealed: Option<String>,
    pub access_token_sealed: Option<String>,
    pub refresh_token_sealed: Option<String>,
    pub token_expires_at: Option<String>,
    /// `Authorized` or `Authorization Pending`.
    pub status: String,
    pub status_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub id: String,
    pub name: String,
    pub entity: Entity,
    pub url: String,
    pub hub_signature: Option<HubSignature>,
    pub authorization_id: Option<String>,
    /// The ESME bind of Forward to SMPP.
    pub esme_bind_id: Option<String>,
    pub enabled: bool,
    pub max_in_flight: Option<u32>,
    pub rate_per_second: Option<f64>,
    pub notifications: Vec<Notification>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// `service`, `number` or `app`.
    pub kind: String,
    pub id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubSignature {
    /// `sha1` (legacy webhooks only), `sha256` or `sha512`.
    pub algorithm: String,
    /// Sealed, bound to `webhooks.hub_secret` of row `id`.
    pub secret_sealed: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    pub channel: String,
    pub event: String,
}

/// Why an export or an import did not happen. Messages name the place in the document
/// (`webhooks/2/entity`) and never contain a secret.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// The document cannot be used; nothing was written.
    #[error("{0}")]
    Invalid(String),
    /// The target database already holds configuration; nothing was written.
    #[error(
        "the database is not empty (it holds {0}); import only into an empty database, \
         e.g. a new SQLite file or a new PostgreSQL database"
    )]
    NotEmpty(&'static str),
    /// The database failed while reading (export) or before anything was written (import).
    #[error("database error: {0}")]
    Store(#[from] crate::store::StoreError),
    /// The database failed part way through the writes.
    #[error(
        "the import stopped after {written} of {total} rows at {at}: {source}; the database \
         now holds part of the configuration: import again into a new, empty database"
    )]
    Partial {
        written: usize,
        total: usize,
        at: String,
        source: crate::store::StoreError,
    },
}

impl TransferError {
    /// Whether this is the input's fault (exit code 2) rather than the database's (1).
    pub fn is_usage(&self) -> bool {
        matches!(self, TransferError::Invalid(_) | TransferError::NotEmpty(_))
    }
}
