//! The channel/event matrix of SPEC §2 as data: every channel, its receipt checkboxes in form
//! order, the `deliveryStatus` each receipt's payload carries, the Email asterisks, deprecation,
//! and the incoming events of numbers and apps. Nothing else in the code base lists them.

use super::{AppType, Capability, ChannelDef, EventDef};

#[cfg(test)]
mod tests;

/// An event whose payload value is its label.
const fn ev(label: &'static str) -> EventDef {
    EventDef {
        label,
        payload_value: label,
        asterisk: false,
    }
}

/// An event whose payload spells it differently from its checkbox label.
const fn sent_as(label: &'static str, payload_value: &'static str) -> EventDef {
    EventDef {
        label,
        payload_value,
        asterisk: false,
    }
}

/// An Email event that only the 'Email via AWS SES' route reports.
const fn ses(event: EventDef) -> EventDef {
    EventDef {
        asterisk: true,
        ..event
    }
}

const INCOMING_MESSAGE: &[EventDef] = &[ev("Incoming Message")];
const NONE: &[EventDef] = &[];

/// Every channel, in the order the service form shows its receipt fieldsets.
pub static CHANNELS: &[ChannelDef] = &[
    ChannelDef {
        label: "SMS",
        deprecated: false,
        delivery_channel: Some("SMS"),
        receipts: &[
            ev("Submitted"),
            ev("Delivered"),
            sent_as("Undelivered", "Un-Delivered"),
            ev("Failed"),
            ev("Clicked"),
        ],
        number_capability: Some(Capability::Sms),
        number_events: INCOMING_MESSAGE,
        app_type: None,
        app_events: NONE,
    },
    ChannelDef {
        label: "Voice",
        deprecated: false,
        delivery_channel: Some("voice"),
        receipts: &[
            sent_as("Offered", "OFFERED"),
            sent_as("Accepted", "ACCEPTED"),
            sent_as("Answered", "ANSWERED"),
            sent_as("Dropped", "DROPPED"),
            sent_as("Rejected", "REJECTED"),
            ev("Released"),
            sent_as("Disconnected", "DISCONNECTED"),
            sent_as("Trombone Connect", "TROMBONE_CONNECTED"),
            sent_as("Trombone Release", "TROMBONE_RELEASED"),
            ev("Failed"),
        ],
        number_capability: Some(Capability::Voice),
        number_events: &[ev("Incoming Call Events")],
        app_type: None,
        app_events: NONE,
    },
    ChannelDef {
        label: "MMS",
        deprecated: false,
        delivery_channel: Some("mms"),
        receipts: &[ev("Submitted"), ev("Delivered"), ev("Failed")],
        number_capability: Some(Capability::Mms),
        number_events: INCOMING_MESSAGE,
        app_type: None,
        app_events: NONE,
    },
    ChannelDef {
        label: "Messenger",
        deprecated: false,
        delivery_channel: Some("fb"),
        // "Submited" (sic) is what the original platform sends.
        receipts: &[
            sent_as("Submitted", "Submited"),
            ev("Delivered"),
            ev("Failed"),
            ev("Read"),
        ],
        number_capability: None,
        number_events: NONE,
        app_type: Some(AppType::Messenger),
        app_events: INCOMING_MESSAGE,
    },
    ChannelDef {
        label: "In-App Messaging / Live Chat",
        deprecated: false,
        delivery_channel: Some("rt"),
        receipts: &[
            ev("Submitted"),
            ev("Delivered"),
            ev("Read"),
            ev("Failed"),
            ev("Clicked"),
        ],
        number_capability: None,
        number_events: NONE,
        app_type: Some(AppType::InApp),
        app_events: &[
            ev("Incoming Message"),
            ev("Postback"),
            ev("Thread Closed"),
            ev("Typing Indicator"),
            ev("Custom Events"),
        ],
    },
    ChannelDef {
        label: "WhatsApp",
        deprecated: false,
        delivery_channel: Some("whatsapp"),
        receipts: &[ev("Submitted"), ev("Delivered"), ev("Read"), ev("Failed")],
        number_capability: None,
        number_events: NONE,
        app_type: Some(AppType::WhatsApp),
        app_events: INCOMING_MESSAGE,
    },
    ChannelDef {
        label: "Push",
        deprecated: false,
        delivery_channel: Some("push"),
        receipts: &[ev("Submitted"), ev("Delivered"), ev("Read"), ev("Failed")],
        number_capability: None,
        number_events: NONE,
        app_type: Some(AppType::Push),
        app_events: INCOMING_MESSAGE,
    },
    ChannelDef {
        label: "Email",
        deprecated: false,
        delivery_channel: Some("email"),
        receipts: &[
            ev("Submitted"),
            ev("Failed"),
            ses(ev("Delivered")),
            ses(sent_as("Not verified", "Not Verified")),
            ses(ev("Invalid")),
            ses(sent_as("Bounced", "Bounce")),
            ses(ev("Complaint")),
            ses(ev("Read")),
            ses(ev("Clicked")),
        ],
        number_capability: None,
        number_events: NONE,
        app_type: Some(AppType::Email),
        app_events: INCOMING_MESSAGE,
    },
    ChannelDef {
        label: "Apple Messages for Business",
        deprecated: false,
        delivery_channel: Some("applebusinesschat"),
        receipts: &[ev("Submitted")],
        number_capability: None,
        number_events: NONE,
        app_type: Some(AppType::AppleMessagesForBusiness),
        app_events: &[ev("Incoming Message"), ev("Invitation Response")],
    },
    ChannelDef {
        label: "RCS",
        deprecated: false,
        delivery_channel: Some("rcs"),
        receipts: &[
            ev("Submitted"),
            ev("Delivered"),
            ev("Read"),
            ev("Failed"),
            sent_as("Subscribe", "SUBSCRIBE"),
            sent_as("Unsubscribe", "UNSUBSCRIBE"),
        ],
        number_capability: None,
        number_events: NONE,
        app_type: Some(AppType::Rcs),
        app_events: INCOMING_MESSAGE,
    },
    ChannelDef {
        label: "Google Business Messages",
        deprecated: true,
        delivery_channel: None,
        receipts: &[ev("Submitted")],
        number_capability: None,
        number_events: NONE,
        app_type: None,
        app_events: NONE,
    },
    ChannelDef {
        label: "Instagram",
        deprecated: true,
        delivery_channel: None,
        receipts: &[ev("Read"), ev("Submitted"), ev("Failed")],
        number_capability: None,
        number_events: NONE,
        app_type: None,
        app_events: NONE,
    },
];
