//! What a webhook can subscribe to (SPEC §2): the entity kinds, number capabilities and app types,
//! and the questions the form, the validation, the sample payloads and the dispatcher ask of the
//! channel/event matrix in [`CHANNELS`].
//!
//! Guarantees: labels are the exact checkbox and API labels, without decorations (no asterisk, no
//! "(deprecated)"); [`sections_for`] and [`allows`] agree, because `allows` is answered from the
//! sections; a [`Notification`] always names a (channel, event) pair that exists in the matrix.

mod matrix;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use matrix::CHANNELS;

/// Shown under the Email receipts, whose asterisked events only the SES route reports.
pub const EMAIL_ASTERISK_NOTE: &str = "For Email Channel, the events marked with Asterisk are applicable only if 'Email via AWS SES' is the selected route.";

/// The kind of asset a webhook hangs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Service,
    Number,
    App,
}

impl EntityKind {
    pub const ALL: [EntityKind; 3] = [EntityKind::Service, EntityKind::Number, EntityKind::App];

    /// The API and stored spelling: `service`, `number`, `app`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Service => "service",
            EntityKind::Number => "number",
            EntityKind::App => "app",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What a number can carry. Labels (and the JSON spelling) are `SMS`, `MMS`, `Voice`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Capability {
    #[serde(rename = "SMS")]
    Sms,
    #[serde(rename = "MMS")]
    Mms,
    #[serde(rename = "Voice")]
    Voice,
}

impl Capability {
    pub const ALL: [Capability; 3] = [Capability::Sms, Capability::Mms, Capability::Voice];

    pub fn label(self) -> &'static str {
        match self {
            Capability::Sms => "SMS",
            Capability::Mms => "MMS",
            Capability::Voice => "Voice",
        }
    }

    /// Parses the exact label.
    pub fn parse(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.label() == label)
    }

    /// The channel whose incoming events this capability brings.
    pub fn channel(self) -> &'static ChannelDef {
        CHANNELS
            .iter()
            .find(|c| c.number_capability == Some(self))
            .expect("every capability has its channel in the matrix")
    }
}

/// The channel of an app asset. Labels (and the JSON spelling) are the channel labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AppType {
    #[serde(rename = "In-App Messaging / Live Chat")]
    InApp,
    #[serde(rename = "WhatsApp")]
    WhatsApp,
    #[serde(rename = "Messenger")]
    Messenger,
    #[serde(rename = "RCS")]
    Rcs,
    #[serde(rename = "Apple Messages for Business")]
    AppleMessagesForBusiness,
    #[serde(rename = "Email")]
    Email,
    #[serde(rename = "Push")]
    Push,
}

impl AppType {
    /// In the order of CONTRACT §2, which the app form's select follows.
    pub const ALL: [AppType; 7] = [
        AppType::InApp,
        AppType::WhatsApp,
        AppType::Messenger,
        AppType::Rcs,
        AppType::AppleMessagesForBusiness,
        AppType::Email,
        AppType::Push,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AppType::InApp => "In-App Messaging / Live Chat",
            AppType::WhatsApp => "WhatsApp",
            AppType::Messenger => "Messenger",
            AppType::Rcs => "RCS",
            AppType::AppleMessagesForBusiness => "Apple Messages for Business",
            AppType::Email => "Email",
            AppType::Push => "Push",
        }
    }

    /// Parses the exact label.
    pub fn parse(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.label() == label)
    }

    /// The channel an app of this type talks on.
    pub fn channel(self) -> &'static ChannelDef {
        CHANNELS
            .iter()
            .find(|c| c.app_type == Some(self))
            .expect("every app type has its channel in the matrix")
    }
}

/// One checkbox: its label, what a payload's `deliveryStatus` says for it, and whether it is
/// shown with the Email asterisk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDef {
    pub label: &'static str,
    pub payload_value: &'static str,
    pub asterisk: bool,
}

/// One channel of the matrix, with the events each entity kind can subscribe to on it.
#[derive(Debug, PartialEq, Eq)]
pub struct ChannelDef {
    pub label: &'static str,
    /// Shown, marked deprecated, and refused on new subscriptions.
    pub deprecated: bool,
    /// The `deliveryChannel` value of receipt payloads, where the platform has one.
    pub delivery_channel: Option<&'static str>,
    /// Delivery receipts a service subscribes to, in form order.
    pub receipts: &'static [EventDef],
    /// The capability a number needs for [`ChannelDef::number_events`].
    pub number_capability: Option<Capability>,
    pub number_events: &'static [EventDef],
    /// The app type whose apps get [`ChannelDef::app_events`].
    pub app_type: Option<AppType>,
    pub app_events: &'static [EventDef],
}

impl ChannelDef {
    /// The events an entity of `kind` may have on this channel (before capability or app type).
    pub fn events_for(&self, kind: EntityKind) -> &'static [EventDef] {
        match kind {
            EntityKind::Service => self.receipts,
            EntityKind::Number => self.number_events,
            EntityKind::App => self.app_events,
        }
    }

    /// Any event of this channel, whichever entity kind has it.
    pub fn event(&self, label: &str) -> Option<&'static EventDef> {
        EntityKind::ALL
            .into_iter()
            .flat_map(|k| self.events_for(k))
            .find(|e| e.label == label)
    }
}

/// The channel with this exact label.
pub fn channel(label: &str) -> Option<&'static ChannelDef> {
    CHANNELS.iter().find(|c| c.label == label)
}

/// What the server knows about a webhook's entity, enough to decide what it can subscribe to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityFacts {
    pub kind: EntityKind,
    /// A number's capabilities; empty for other kinds.
    pub capabilities: Vec<Capability>,
    /// An app's type; `None` for other kinds.
    pub app_type: Option<AppType>,
}

impl EntityFacts {
    pub fn service() -> Self {
        EntityFacts {
            kind: EntityKind::Service,
            capabilities: Vec::new(),
            app_type: None,
        }
    }

    pub fn number(capabilities: impl Into<Vec<Capability>>) -> Self {
        EntityFacts {
            kind: EntityKind::Number,
            capabilities: capabilities.into(),
            app_type: None,
        }
    }

    pub fn app(app_type: AppType) -> Self {
        EntityFacts {
            kind: EntityKind::App,
            capabilities: Vec::new(),
            app_type: Some(app_type),
        }
    }
}

/// One fieldset of the form: a channel (its label is the legend) and the checkboxes under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub channel: &'static ChannelDef,
    pub events: &'static [EventDef],
}

impl Section {
    pub fn label(&self) -> &'static str {
        self.channel.label
    }

    pub fn deprecated(&self) -> bool {
        self.channel.deprecated
    }

    /// Whether [`EMAIL_ASTERISK_NOTE`] belongs under this fieldset.
    pub fn has_asterisks(&self) -> bool {
        self.events.iter().any(|e| e.asterisk)
    }
}

/// The fieldsets the webhook form shows for an entity: every channel's receipts for a service;
/// SMS, MMS and Voice incoming events for a number, each only with its capability; the app's
/// channel with its app events for an app.
pub fn sections_for(entity: &EntityFacts) -> Vec<Section> {
    match entity.kind {
        EntityKind::Service => CHANNELS
            .iter()
            .map(|channel| Section {
                channel,
                events: channel.receipts,
            })
            .collect(),
        EntityKind::Number => Capability::ALL
            .into_iter()
            .filter(|c| entity.capabilities.contains(c))
            .map(|c| Section {
                channel: c.channel(),
                events: c.channel().number_events,
            })
            .collect(),
        EntityKind::App => entity
            .app_type
            .map(|t| Section {
                channel: t.channel(),
                events: t.channel().app_events,
            })
            .into_iter()
            .collect(),
    }
}

/// Whether an entity may subscribe to a (channel, event) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    Yes,
    /// Shown for the entity, but its channel is deprecated: only a webhook that already has it
    /// keeps it.
    Deprecated,
    No,
}

/// Answers from [`sections_for`], so the form never offers what the server would refuse.
pub fn allows(entity: &EntityFacts, channel: &str, event: &str) -> Allowed {
    let offered = sections_for(entity)
        .into_iter()
        .find(|s| s.label() == channel)
        .filter(|s| s.events.iter().any(|e| e.label == event));
    match offered {
        Some(s) if s.deprecated() => Allowed::Deprecated,
        Some(_) => Allowed::Yes,
        None => Allowed::No,
    }
}

/// A (channel, event) pair that exists in the matrix. Whether a given entity may have it is
/// [`allows`]'s question. Serialises as `{"channel", "event"}` with the labels.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Notification {
    channel: &'static ChannelDef,
    event: &'static EventDef,
}

impl Notification {
    /// The pair with these exact labels, if the matrix has it.
    pub fn lookup(channel: &str, event: &str) -> Option<Notification> {
        let channel = self::channel(channel)?;
        let event = channel.event(event)?;
        Some(Notification { channel, event })
    }

    pub fn channel(&self) -> &'static ChannelDef {
        self.channel
    }

    pub fn event(&self) -> &'static EventDef {
        self.event
    }

    pub fn channel_label(&self) -> &'static str {
        self.channel.label
    }

    pub fn event_label(&self) -> &'static str {
        self.event.label
    }

    /// The labels, as stored and as the API spells them.
    pub fn labels(&self) -> (&'static str, &'static str) {
        (self.channel.label, self.event.label)
    }
}

impl std::fmt::Debug for Notification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Notification({:?}, {:?})",
            self.channel.label, self.event.label
        )
    }
}

impl std::fmt::Display for Notification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.channel.label, self.event.label)
    }
}

impl Serialize for Notification {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Notification", 2)?;
        s.serialize_field("channel", self.channel.label)?;
        s.serialize_field("event", self.event.label)?;
        s.end()
    }
}
