//! `POST /api/v1/events` (CONTRACT §2): the whole request parsed and checked before anything is
//! stored.
//!
//! Guarantees: one bad event refuses the whole request with a sentence and the path of the bad
//! field (`/3/channel` in a batch, `channel` for a single object); routing keys are checked
//! against the one channel/event matrix (`app::domain::channels`) and the stored assets; each
//! payload is compacted once, keeping its bytes, key order and escapes, and those bytes are what
//! is stored, signed and sent.

use std::collections::HashMap;

use app::domain::channels::{self, allows, Allowed, AppType, Capability, EntityFacts, EntityKind};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{value::RawValue, Value};

use crate::store::{EntityId, NewEvent, Store, StoreError};

/// The longest `event_id` a caller may give.
pub const MAX_EVENT_ID_CHARS: usize = 200;

/// Why a request was refused (400), or could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{message}")]
    Invalid {
        message: String,
        /// Path of the bad field; `None` when the body as a whole is wrong.
        field: Option<String>,
    },
    #[error("the assets could not be read")]
    Store(#[from] StoreError),
}

fn invalid(field: Option<String>, message: impl Into<String>) -> IngestError {
    IngestError::Invalid {
        message: message.into(),
        field,
    }
}

/// One event, parsed; its entity not yet checked against the store.
#[derive(Debug, Clone)]
pub struct ParsedEvent {
    pub event_id: Option<String>,
    pub channel: &'static channels::ChannelDef,
    pub event: &'static str,
    pub kind: EntityKind,
    pub entity_id: i64,
    pub payload: Bytes,
    /// Where this event sits in the request, for error paths.
    path: Path,
}

#[derive(Debug, Clone)]
struct Path(Option<usize>);

impl Path {
    fn at(&self, name: &str) -> Option<String> {
        Some(match self.0 {
            Some(i) => format!("/{i}/{name}"),
            None => name.to_owned(),
        })
    }
}

#[derive(Deserialize)]
struct RawEvent<'a> {
    #[serde(default)]
    channel: Option<Value>,
    #[serde(default)]
    event: Option<Value>,
    #[serde(default)]
    service_id: Option<Value>,
    #[serde(default)]
    number_id: Option<Value>,
    #[serde(default)]
    app_id: Option<Value>,
    #[serde(default)]
    event_id: Option<Value>,
    #[serde(default, borrow)]
    payload: Option<&'a RawValue>,
}

/// Parses a request body: one event object or an array of them.
pub fn parse_request(body: &[u8]) -> Result<Vec<ParsedEvent>, IngestError> {
    let raw: &RawValue = serde_json::from_slice(body)
        .map_err(|e| invalid(None, format!("The body is not valid JSON: {e}")))?;
    let text = raw.get().trim_start();
    if text.starts_with('[') {
        let items: Vec<&RawValue> =
            serde_json::from_str(text).map_err(|e| invalid(None, e.to_string()))?;
        if items.is_empty() {
            return Err(invalid(None, "The request holds no event."));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, item)| parse_event(item, Path(Some(i))))
            .collect()
    } else if text.starts_with('{') {
        Ok(vec![parse_event(raw, Path(None))?])
    } else {
        Err(invalid(
            None,
            "The body must be an event object or an array of events.",
        ))
    }
}

/// 1 to [`MAX_EVENT_ID_CHARS`] visible ASCII characters (`!` to `~`).
fn is_event_id(id: &str) -> bool {
    (1..=MAX_EVENT_ID_CHARS).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic())
}

fn parse_event(raw: &RawValue, path: Path) -> Result<ParsedEvent, IngestError> {
    let item: RawEvent = serde_json::from_str(raw.get()).map_err(|_| {
        let field = path.0.map(|i| format!("/{i}"));
        invalid(field, "An event must be a JSON object.")
    })?;
    let text = |v: &Option<Value>, name: &str| -> Result<Option<String>, IngestError> {
        match v {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(
                path.at(name),
                format!("`{name}` must be a string."),
            )),
        }
    };
    let channel_label = text(&item.channel, "channel")?
        .ok_or_else(|| invalid(path.at("channel"), "Give the event's `channel`."))?;
    let channel = channels::channel(&channel_label).ok_or_else(|| {
        invalid(
            path.at("channel"),
            format!("Unknown channel \"{channel_label}\"."),
        )
    })?;
    let event_label = text(&item.event, "event")?
        .ok_or_else(|| invalid(path.at("event"), "Give the event's `event`."))?;
    let event = channel.event(&event_label).ok_or_else(|| {
        invalid(
            path.at("event"),
            format!(
                "The channel {} has no event \"{event_label}\".",
                channel.label
            ),
        )
    })?;
    let (kind, entity_id) = routing_key(&item, &path, channel, event.label)?;
    // Why visible ASCII only (CONTRACT §4): the id travels as the `x-wx-gtrid` header, and an id
    // that cannot be a header value would be accepted now and fail every attempt later.
    let event_id = match text(&item.event_id, "event_id")? {
        Some(id) if !is_event_id(&id) => {
            return Err(invalid(
                path.at("event_id"),
                format!(
                    "`event_id` must have 1 to {MAX_EVENT_ID_CHARS} visible ASCII characters \
                     (no spaces or control characters)."
                ),
            ))
        }
        other => other,
    };
    let payload = item
        .payload
        .filter(|p| p.get().trim_start().starts_with('{'))
        .ok_or_else(|| invalid(path.at("payload"), "`payload` must be a JSON object."))?;
    Ok(ParsedEvent {
        event_id,
        channel,
        event: event.label,
        kind,
        entity_id,
        payload: Bytes::from(compact(payload.get())),
        path,
    })
}

const KEYS: [(EntityKind, &str); 3] = [
    (EntityKind::Service, "service_id"),
    (EntityKind::Number, "number_id"),
    (EntityKind::App, "app_id"),
];

/// Exactly one of `service_id` / `number_id` / `app_id`, of a kind that can have this event.
fn routing_key(
    item: &RawEvent,
    path: &Path,
    channel: &channels::ChannelDef,
    event: &str,
) -> Result<(EntityKind, i64), IngestError> {
    let given: Vec<(EntityKind, &str, &Value)> = [&item.service_id, &item.number_id, &item.app_id]
        .into_iter()
        .zip(KEYS)
        .filter_map(|(v, (kind, name))| v.as_ref().map(|v| (kind, name, v)))
        .collect();
    let can_have = |kind: EntityKind| channel.events_for(kind).iter().any(|e| e.label == event);
    let expected = KEYS
        .iter()
        .find(|(kind, _)| can_have(*kind))
        .map_or("service_id", |(_, name)| *name);
    let (kind, name, value) = match given.as_slice() {
        [] => {
            return Err(invalid(
                path.at(expected),
                format!(
                    "Give one routing key: {} {event} events need `{expected}`.",
                    channel.label
                ),
            ))
        }
        [one] => *one,
        [_, second, ..] => {
            return Err(invalid(
                path.at(second.1),
                "Give exactly one of `service_id`, `number_id` and `app_id`.",
            ))
        }
    };
    let id = match value {
        Value::String(s) => s.trim().parse::<i64>().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
    .filter(|n| *n > 0)
    .ok_or_else(|| invalid(path.at(name), format!("`{name}` must be an id.")))?;
    if !can_have(kind) {
        return Err(invalid(
            path.at("event"),
            format!(
                "{} {event} cannot come from a {}: use `{expected}`.",
                channel.label,
                kind.as_str()
            ),
        ));
    }
    Ok((kind, id))
}

/// Drops the whitespace between JSON tokens, keeping everything else byte for byte (key order,
/// number spelling, string escapes). `json` must be valid JSON (it comes from a `RawValue`).
pub fn compact(json: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for &b in json.as_bytes() {
        if in_string {
            out.push(b);
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            in_string = b == b'"';
            out.push(b);
        }
    }
    out
}

/// Checks every event's entity against the store (it exists; a number has the channel's
/// capability; an app's type is the channel), reading only the assets named, one statement per
/// kind.
pub async fn check_entities(store: &dyn Store, events: &[ParsedEvent]) -> Result<(), IngestError> {
    let ids = |k| {
        let mut ids: Vec<i64> = events
            .iter()
            .filter(|e| e.kind == k)
            .map(|e| e.entity_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let mut facts: HashMap<(EntityKind, i64), (String, EntityFacts)> = HashMap::new();
    let services = ids(EntityKind::Service);
    if !services.is_empty() {
        for s in store.services_in(&services).await? {
            facts.insert(
                (EntityKind::Service, s.id),
                (s.name, EntityFacts::service()),
            );
        }
    }
    let numbers = ids(EntityKind::Number);
    if !numbers.is_empty() {
        for n in store.numbers_in(&numbers).await? {
            let caps: Vec<Capability> = [
                (n.sms, Capability::Sms),
                (n.mms, Capability::Mms),
                (n.voice, Capability::Voice),
            ]
            .into_iter()
            .filter_map(|(has, c)| has.then_some(c))
            .collect();
            facts.insert(
                (EntityKind::Number, n.id),
                (n.number, EntityFacts::number(caps)),
            );
        }
    }
    let apps = ids(EntityKind::App);
    if !apps.is_empty() {
        for a in store.apps_in(&apps).await? {
            if let Some(t) = AppType::parse(&a.app_type) {
                facts.insert((EntityKind::App, a.id), (a.name, EntityFacts::app(t)));
            }
        }
    }
    for e in events {
        let key = KEYS
            .iter()
            .find(|(k, _)| *k == e.kind)
            .map_or("service_id", |(_, n)| *n);
        let Some((name, f)) = facts.get(&(e.kind, e.entity_id)) else {
            return Err(invalid(
                e.path.at(key),
                format!("No {} has the id \"{}\".", e.kind.as_str(), e.entity_id),
            ));
        };
        if allows(f, e.channel.label, e.event) == Allowed::No {
            let why = match f.app_type {
                Some(t) => format!(
                    "The app \"{name}\" is a {} app: its events come on that channel.",
                    t.label()
                ),
                None => format!(
                    "The number \"{name}\" has no {} capability.",
                    e.channel.label
                ),
            };
            return Err(invalid(e.path.at("channel"), why));
        }
    }
    Ok(())
}

/// The events to store: given ids kept, missing ones generated.
pub fn to_new_events(events: Vec<ParsedEvent>) -> Vec<NewEvent> {
    events
        .into_iter()
        .map(|e| NewEvent {
            event_id: e
                .event_id
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            channel: e.channel.label.to_owned(),
            event: e.event.to_owned(),
            entity: match e.kind {
                EntityKind::Service => EntityId::Service(e.entity_id),
                EntityKind::Number => EntityId::Number(e.entity_id),
                EntityKind::App => EntityId::App(e.entity_id),
            },
            payload: e.payload,
        })
        .collect()
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
