//! An outbound webhook as the form and the API send it ([`WebhookInput`]) and as the store
//! accepts it ([`NewWebhook`]), with the rules of SPEC §2–3 between them.
//!
//! Guarantees of a [`NewWebhook`]: a trimmed 1–100 character name; an absolute `https://` URL
//! without user info; at least one notification, each one the entity may have, each once, and a
//! deprecated one only where the stored webhook already had it; a hub signature with a secret (new,
//! or kept from the stored webhook) and SHA256 or SHA512 (SHA1 only where already stored);
//! Forward to SMPP only on a number with SMS Incoming Message and without hub signature. Secrets
//! never appear in `Debug`. Whether ids (entity, authorization, ESME bind) exist is the server's
//! question: it answers the entity's through [`ParseContext`].

pub mod delivery;
pub mod form;
mod rules;
pub mod test_call;
#[cfg(test)]
mod tests;
mod url;

use serde::{Deserialize, Serialize};

use super::channels::{EntityFacts, EntityKind, Notification};
use super::validation::{field, Name, SecretChange, ValidationError, ValidationErrors};

pub use delivery::{DeliverySettings, DeliverySettingsInput};
pub use test_call::{Step, TestCall, TestCallStep, TestCallSteps};
pub use url::HttpsUrl;

/// The webhook form or the JSON body of `POST/PUT /api/v1/integrations`, before any check.
/// Missing fields read as empty, so that they are reported as validation errors, not as bad JSON.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookInput {
    pub name: String,
    pub entity: Option<EntityInput>,
    pub url: String,
    pub notifications: Vec<NotificationInput>,
    /// `None`: hub signature off.
    pub hub_signature: Option<HubSignatureInput>,
    pub authorization_id: Option<String>,
    pub forward_to_smpp: Option<ForwardToSmppInput>,
    /// `None` means enabled.
    pub enabled: Option<bool>,
    /// `None`: the dispatcher's fair share only.
    pub delivery: Option<DeliverySettingsInput>,
}

impl WebhookInput {
    /// The entity to look up for [`ParseContext::entity`]: a known kind and a non-empty id.
    pub fn entity_ref(&self) -> Option<EntityRef> {
        let entity = self.entity.as_ref()?;
        let kind = EntityKind::parse(entity.kind.trim())?;
        let id = entity.id.trim();
        (!id.is_empty()).then(|| EntityRef {
            kind,
            id: id.to_owned(),
        })
    }

    /// The ticked (channel, event) pairs, as typed.
    pub fn ticked(&self) -> Vec<(&str, &str)> {
        self.notifications
            .iter()
            .map(|n| (n.channel.trim(), n.event.trim()))
            .collect()
    }
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EntityInput {
    /// `service`, `number` or `app`.
    pub kind: String,
    pub id: String,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotificationInput {
    pub channel: String,
    pub event: String,
}

impl NotificationInput {
    pub fn new(channel: impl Into<String>, event: impl Into<String>) -> Self {
        NotificationInput {
            channel: channel.into(),
            event: event.into(),
        }
    }
}

/// Hub signature on. `secret` is write-only: absent or empty on an update keeps the stored one.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HubSignatureInput {
    pub secret: Option<String>,
    /// `sha256` (the default when absent) or `sha512`; `sha1` only on legacy rows.
    pub algorithm: Option<String>,
}

impl std::fmt::Debug for HubSignatureInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubSignatureInput")
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("algorithm", &self.algorithm)
            .finish()
    }
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ForwardToSmppInput {
    pub esme_bind_id: String,
}

/// What only the server knows, looked up before parsing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseContext {
    /// The entity the input names; `None` when it does not exist.
    pub entity: Option<EntityFacts>,
    /// The stored webhook, on an update.
    pub existing: Option<Existing>,
}

impl ParseContext {
    pub fn create(entity: Option<EntityFacts>) -> Self {
        ParseContext {
            entity,
            existing: None,
        }
    }

    pub fn update(entity: Option<EntityFacts>, existing: Existing) -> Self {
        ParseContext {
            entity,
            existing: Some(existing),
        }
    }
}

/// What an update may keep from the stored webhook.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Existing {
    /// The stored (channel, event) labels.
    pub notifications: Vec<(String, String)>,
    /// The stored algorithm, when hub signature is on.
    pub hub_algorithm: Option<HubAlgorithm>,
    /// A hub secret is stored and may be kept.
    pub hub_secret_set: bool,
    /// The stored URL: the stored hub secret may be kept only while the URL keeps its host
    /// (CONTRACT §2). Empty or unreadable counts as another host.
    pub url: String,
}

/// Whether `new` points at another host than `stored` (host names compare without ASCII case;
/// anything else, or a `stored` that does not parse, counts as another host).
pub fn destination_moved(stored: &str, new: &HttpsUrl) -> bool {
    HttpsUrl::parse(stored).map_or(true, |old| !old.host().eq_ignore_ascii_case(new.host()))
}

impl Existing {
    /// Whether `url` sends to another host than the stored URL: then a stored secret must be
    /// entered again, so that whoever can edit cannot redirect it to a host of their own.
    pub fn destination_moved(&self, url: &HttpsUrl) -> bool {
        destination_moved(&self.url, url)
    }

    pub fn has(&self, channel: &str, event: &str) -> bool {
        self.notifications
            .iter()
            .any(|(c, e)| c == channel && e == event)
    }
}

/// The HMAC of `x-hub-signature`. Its JSON spelling is the header's prefix: `sha256`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HubAlgorithm {
    /// Never offered; kept only by webhooks imported with it.
    Sha1,
    Sha256,
    Sha512,
}

impl HubAlgorithm {
    /// What the form's Algorithm select offers, default first.
    pub const OFFERED: [HubAlgorithm; 2] = [HubAlgorithm::Sha256, HubAlgorithm::Sha512];
    pub const DEFAULT: HubAlgorithm = HubAlgorithm::Sha256;

    /// The stored and JSON spelling, also the header prefix (`sha256=…`).
    pub fn as_str(self) -> &'static str {
        match self {
            HubAlgorithm::Sha1 => "sha1",
            HubAlgorithm::Sha256 => "sha256",
            HubAlgorithm::Sha512 => "sha512",
        }
    }

    /// The option label: `SHA1`, `SHA256`, `SHA512`.
    pub fn label(self) -> &'static str {
        match self {
            HubAlgorithm::Sha1 => "SHA1",
            HubAlgorithm::Sha256 => "SHA256",
            HubAlgorithm::Sha512 => "SHA512",
        }
    }

    /// Either spelling, in any case.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Sha1, Self::Sha256, Self::Sha512]
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// The key of the hub signature: 1–256 characters, used as its exact UTF-8 bytes. Never in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct HubSecret(String);

impl HubSecret {
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: &str) -> Result<HubSecret, ValidationError> {
        if raw.is_empty() {
            return Err(ValidationError::new(
                field::HUB_SECRET,
                "Enter a hub secret.",
            ));
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::new(
                field::HUB_SECRET,
                "Keep the hub secret to 256 characters or fewer.",
            ));
        }
        Ok(HubSecret(raw.to_owned()))
    }

    /// The secret itself, for encrypting it at rest.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for HubSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HubSecret(<redacted>)")
    }
}

/// Hub signature on, with this algorithm and a new or kept secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubSignatureChange {
    pub algorithm: HubAlgorithm,
    pub secret: SecretChange<HubSecret>,
}

/// The entity a webhook hangs on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EntityRef {
    pub kind: EntityKind,
    pub id: String,
}

/// A webhook that passed every rule the domain can check.
#[derive(Debug, Clone, PartialEq)]
pub struct NewWebhook {
    pub name: Name,
    pub entity: EntityRef,
    pub url: HttpsUrl,
    /// In the order given, each pair once.
    pub notifications: Vec<Notification>,
    /// `None`: hub signature off.
    pub hub: Option<HubSignatureChange>,
    pub authorization_id: Option<String>,
    pub forward_to_smpp_esme_bind_id: Option<String>,
    pub enabled: bool,
    pub delivery: DeliverySettings,
}

impl NewWebhook {
    /// Checks every field and reports every refusal, in form order.
    pub fn parse(input: &WebhookInput, ctx: &ParseContext) -> Result<NewWebhook, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.check(Name::parse(field::NAME, &input.name));
        let entity = errors.check(rules::entity(input, ctx));
        let url = errors.check(HttpsUrl::parse(&input.url));
        let facts = entity.as_ref().and(ctx.entity.as_ref());
        let notifications = errors.check_all(rules::notifications(
            &input.notifications,
            facts,
            ctx.existing.as_ref(),
        ));
        let moved = match (&url, &ctx.existing) {
            (Some(url), Some(existing)) => existing.destination_moved(url),
            _ => false,
        };
        let hub = errors.check_all(rules::hub(
            input.hub_signature.as_ref(),
            ctx.existing.as_ref(),
            moved,
        ));
        let kind = entity.as_ref().map(|e| e.kind);
        let forward = errors.check_all(rules::forward_to_smpp(input, kind));
        let delivery = errors.check_all(DeliverySettings::parse(input.delivery.as_ref()));
        let authorization_id = input
            .authorization_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        errors.finish(|| NewWebhook {
            name: name.expect("checked"),
            entity: entity.expect("checked"),
            url: url.expect("checked"),
            notifications: notifications.expect("checked"),
            hub: hub.expect("checked"),
            authorization_id,
            forward_to_smpp_esme_bind_id: forward.expect("checked"),
            enabled: input.enabled.unwrap_or(true),
            delivery: delivery.expect("checked"),
        })
    }
}

/// The (channel, event) that Forward to SMPP forwards: SMPP carries SMS only.
pub const SMPP_FORWARDED: (&str, &str) = ("SMS", "Incoming Message");

/// Whether the form shows Forward to SMPP: a number, SMS Incoming Message ticked, hub signature
/// off. The server refuses Forward to SMPP exactly when this is false.
pub fn smpp_visible<C: AsRef<str>, E: AsRef<str>>(
    kind: EntityKind,
    ticked: &[(C, E)],
    hub_enabled: bool,
) -> bool {
    rules::smpp_problem(Some(kind), ticked, hub_enabled).is_none()
}
