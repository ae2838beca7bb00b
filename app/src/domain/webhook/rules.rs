//! The webhook rules that look at more than one field or at the stored webhook: which entity,
//! which notifications it may have, the hub signature, Forward to SMPP. Each returns every
//! refusal it finds, on the field path the form shows it next to.

#[cfg(test)]
mod tests;

use super::{
    EntityRef, Existing, HubAlgorithm, HubSecret, HubSignatureChange, HubSignatureInput,
    NotificationInput, ParseContext, WebhookInput, SMPP_FORWARDED,
};
use crate::domain::channels::{allows, Allowed, EntityFacts, EntityKind, Notification};
use crate::domain::validation::{
    field, non_empty, SecretChange, ValidationError, ValidationErrors,
};

/// The entity the input names, if the server found it with the same kind.
pub(super) fn entity(
    input: &WebhookInput,
    ctx: &ParseContext,
) -> Result<EntityRef, ValidationError> {
    let refuse = |message: &str| Err(ValidationError::new(field::ENTITY, message));
    let Some(entity) = input.entity_ref() else {
        return refuse("Choose an entity.");
    };
    match &ctx.entity {
        Some(facts) if facts.kind == entity.kind => Ok(entity),
        _ => refuse("This entity does not exist: choose another one."),
    }
}

/// Each notification checked against the entity (when it exists) and the stored webhook;
/// repeats are dropped.
pub(super) fn notifications(
    raw: &[NotificationInput],
    entity: Option<&EntityFacts>,
    existing: Option<&Existing>,
) -> Result<Vec<Notification>, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if raw.is_empty() {
        errors.push(field::NOTIFICATIONS, "Choose at least one notification.");
    }
    let mut chosen: Vec<Notification> = Vec::new();
    for (index, n) in raw.iter().enumerate() {
        match notification(n.channel.trim(), n.event.trim(), entity, existing) {
            Ok(n) if chosen.contains(&n) => {}
            Ok(n) => chosen.push(n),
            Err(message) => errors.push(field::notification(index), message),
        }
    }
    errors.finish(|| chosen)
}

fn notification(
    channel: &str,
    event: &str,
    entity: Option<&EntityFacts>,
    existing: Option<&Existing>,
) -> Result<Notification, String> {
    if crate::domain::channels::channel(channel).is_none() {
        return Err(format!("\"{channel}\" is not a channel."));
    }
    let Some(n) = Notification::lookup(channel, event) else {
        return Err(format!("{channel} has no event \"{event}\"."));
    };
    if let Some(facts) = entity {
        if allows(facts, channel, event) == Allowed::No {
            return Err(not_available(facts, n));
        }
    }
    // A deprecated channel stays on the webhooks that have it, and is added to none.
    if n.channel().deprecated && !existing.is_some_and(|e| e.has(channel, event)) {
        return Err(format!(
            "{channel} is deprecated: {event} can no longer be chosen."
        ));
    }
    Ok(n)
}

/// Why an entity cannot have a pair of the matrix, naming the pair.
fn not_available(facts: &EntityFacts, n: Notification) -> String {
    let channel = n.channel();
    match (facts.kind, channel.number_capability, facts.app_type) {
        (EntityKind::Number, Some(c), _) if channel.number_events.contains(n.event()) => {
            format!(
                "This number has no {} capability, so it cannot have {n}.",
                c.label()
            )
        }
        (EntityKind::Number, _, _) => {
            format!("A number cannot have {n}: choose its incoming events.")
        }
        (EntityKind::App, _, Some(own)) if channel.app_events.contains(n.event()) => {
            format!("This app is a {} app, so it cannot have {n}.", own.label())
        }
        (EntityKind::App, _, _) => format!("An app cannot have {n}: choose its app events."),
        (EntityKind::Service, _, _) => {
            format!("A service cannot have {n}: choose its delivery receipts.")
        }
    }
}

/// Why a stored hub secret is not kept (CONTRACT §2).
pub const HUB_SECRET_AGAIN: &str =
    "The URL now points to another host: enter the hub secret again.";

/// Hub signature off (`None`), or on with an allowed algorithm and a secret to set or keep —
/// kept only while the URL keeps its host (`moved` false).
pub(super) fn hub(
    raw: Option<&HubSignatureInput>,
    existing: Option<&Existing>,
    moved: bool,
) -> Result<Option<HubSignatureChange>, ValidationErrors> {
    let Some(raw) = raw else { return Ok(None) };
    let mut errors = ValidationErrors::new();
    let stored_algorithm = existing.and_then(|e| e.hub_algorithm);
    let algorithm = match non_empty(&raw.algorithm).map(|a| (a, HubAlgorithm::parse(a))) {
        None => Some(HubAlgorithm::DEFAULT),
        // Legacy rows keep SHA1; nothing new gets it.
        Some((_, Some(HubAlgorithm::Sha1))) if stored_algorithm != Some(HubAlgorithm::Sha1) => {
            errors.push(
                field::HUB_ALGORITHM,
                "SHA1 is no longer offered: choose SHA256 or SHA512.",
            );
            None
        }
        Some((_, Some(algorithm))) => Some(algorithm),
        Some((typed, None)) => {
            errors.push(
                field::HUB_ALGORITHM,
                format!("\"{typed}\" is not an algorithm: choose SHA256 or SHA512."),
            );
            None
        }
    };
    let secret = match non_empty(&raw.secret) {
        Some(secret) => errors.check(HubSecret::parse(secret).map(SecretChange::Set)),
        None if moved && existing.is_some_and(|e| e.hub_secret_set) => {
            errors.push(field::HUB_SECRET, HUB_SECRET_AGAIN);
            None
        }
        None if existing.is_some_and(|e| e.hub_secret_set) => Some(SecretChange::Keep),
        None => {
            errors.push(field::HUB_SECRET, "Enter a hub secret.");
            None
        }
    };
    errors.finish(|| {
        Some(HubSignatureChange {
            algorithm: algorithm.expect("checked"),
            secret: secret.expect("checked"),
        })
    })
}

/// The ESME bind to forward SMS Incoming Message to, when Forward to SMPP is on and allowed.
pub(super) fn forward_to_smpp(
    input: &WebhookInput,
    kind: Option<EntityKind>,
) -> Result<Option<String>, ValidationErrors> {
    let Some(forward) = &input.forward_to_smpp else {
        return Ok(None);
    };
    let mut errors = ValidationErrors::new();
    let ticked = input.ticked();
    if let Some(problem) = smpp_problem(kind, &ticked, input.hub_signature.is_some()) {
        errors.push(field::FORWARD_TO_SMPP, problem);
    }
    let bind_id = forward.esme_bind_id.trim();
    if bind_id.is_empty() {
        errors.push(field::ESME_BIND_ID, "Select an ESME Bind ID.");
    }
    errors.finish(|| Some(bind_id.to_owned()))
}

/// Why Forward to SMPP cannot be on; an unknown kind (already refused on `entity`) is not
/// reported again.
pub(super) fn smpp_problem<C: AsRef<str>, E: AsRef<str>>(
    kind: Option<EntityKind>,
    ticked: &[(C, E)],
    hub_enabled: bool,
) -> Option<&'static str> {
    let (sms, incoming) = SMPP_FORWARDED;
    if kind.is_some_and(|k| k != EntityKind::Number) {
        Some("Forward to SMPP is only available for numbers.")
    } else if !ticked
        .iter()
        .any(|(c, e)| c.as_ref() == sms && e.as_ref() == incoming)
    {
        Some("Tick SMS Incoming Message to forward it to SMPP.")
    } else if hub_enabled {
        Some("Forward to SMPP cannot be used with Hub Signature: turn one of them off.")
    } else {
        None
    }
}
