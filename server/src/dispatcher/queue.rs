//! The phases of a delivery around the store: claim a batch with a lease, prepare each webhook
//! of the batch once (URL, opened hub secret, authorizer), work on each delivery (send with no
//! transaction open), and turn what happened into a fenced [`AttemptResult`].
//!
//! Guarantees: no database transaction is open while a request is in flight; webhook settings
//! are read once per batch, and each authorization profile is resolved once per batch; a
//! deleted or disabled webhook ends its delivery as failed with a stable code and no request.

use std::{collections::HashMap, sync::Arc};

use reqwest::Url;

use super::{
    outcome::{self, Before, Verdict},
    send::{self, Sent},
    signing::HubAlgorithm,
    Inner,
};
use crate::outbound::{Authorizer, ErrorCode, NoAuth, OutboundError};
use crate::secrets::{aad, Secret};
use crate::store::{
    AttemptLog, AttemptResult, ClaimedBatch, ClaimedDelivery, Millis, NextState, Transport,
    Trigger, WebhookTarget,
};

/// How a batch's webhook will be sent to.
pub(super) enum Target {
    Ready {
        url: Url,
        signer: Option<(HubAlgorithm, Secret)>,
        authorizer: Arc<dyn Authorizer>,
    },
    /// No request: the delivery ends as failed with this code.
    End(&'static str),
    /// No request can be made now (e.g. the authorization cannot be applied): an attempt that
    /// failed with this code and message.
    Broken(ErrorCode, String),
}

/// Where one delivery goes: its webhook's prepared HTTP target and, for an SMPP delivery, the
/// ESME bind the webhook forwards to (as read with the claim).
pub(super) struct Route<'a> {
    pub target: &'a Target,
    pub esme_bind_id: Option<i64>,
}

/// The authorizer of each profile a batch uses, or why it cannot be had, looked up once a batch.
type Authorizers = HashMap<i64, Result<Arc<dyn Authorizer>, (ErrorCode, String)>>;

/// Prepares every webhook of `batch` once.
pub(super) async fn prepare(inner: &Inner, batch: &ClaimedBatch) -> HashMap<i64, Arc<Target>> {
    let mut auths: Authorizers = HashMap::new();
    let mut targets = HashMap::new();
    for d in &batch.deliveries {
        if targets.contains_key(&d.webhook_id) {
            continue;
        }
        let target = match batch.webhooks.get(&d.webhook_id) {
            None => Target::End(outcome::WEBHOOK_DELETED),
            Some(w) if !w.enabled => Target::End(outcome::WEBHOOK_DISABLED),
            Some(w) => ready(inner, w, &mut auths).await,
        };
        targets.insert(d.webhook_id, Arc::new(target));
    }
    targets
}

async fn ready(inner: &Inner, w: &WebhookTarget, auths: &mut Authorizers) -> Target {
    let url = match Url::parse(&w.url) {
        Ok(url) => url,
        Err(e) => return Target::Broken(ErrorCode::Other, format!("the URL is not valid: {e}")),
    };
    let signer = match (&w.hub_algorithm, &w.hub_secret_enc) {
        (Some(alg), Some(sealed)) => {
            let Some(alg) = HubAlgorithm::parse(alg) else {
                return Target::Broken(ErrorCode::Other, format!("unknown hub algorithm {alg}"));
            };
            match inner.secrets.open(sealed, aad::HUB_SECRET, w.id) {
                Ok(secret) => Some((alg, secret)),
                // Why not logged with the cause: it is about key material.
                Err(_) => {
                    return Target::Broken(
                        ErrorCode::Other,
                        "the hub secret cannot be read with the current secret key".into(),
                    )
                }
            }
        }
        _ => None,
    };
    let authorizer = match w.authorization_id {
        None => Arc::new(NoAuth) as Arc<dyn Authorizer>,
        Some(id) => {
            if let std::collections::hash_map::Entry::Vacant(slot) = auths.entry(id) {
                let found = inner
                    .authorizers
                    .authorizer(id)
                    .await
                    .map_err(|e| (e.code(), e.message().to_owned()));
                slot.insert(found);
            }
            match &auths[&id] {
                Ok(a) => a.clone(),
                Err((code, message)) => return Target::Broken(*code, message.clone()),
            }
        }
    };
    Target::Ready {
        url,
        signer,
        authorizer,
    }
}

/// Waits, when it must, until the target's authorization can be applied (an OAuth 2.0 token
/// fetched, once for every delivery waiting on it). The error of a failed preparation is the
/// attempt's: no request is made.
pub(super) async fn await_authorization(inner: &Inner, target: &Target) -> Option<OutboundError> {
    let Target::Ready { authorizer, .. } = target else {
        return None;
    };
    if authorizer.ready() {
        return None;
    }
    authorizer.prepare(&inner.client).await.err()
}

/// Works on one claimed delivery: sends it (or not) and judges the result. `prepared` is what
/// [`await_authorization`] said; `now` is the time the schedule counts from (tests pass their own).
pub(super) async fn work(
    inner: &Inner,
    lease_token: i64,
    d: ClaimedDelivery,
    route: Route<'_>,
    prepared: Option<OutboundError>,
    trigger: Trigger,
    now: Millis,
) -> AttemptResult {
    let target = route.target;
    // A delivery a bulk resend queued is a manual attempt of the state it had then.
    let (trigger, status) = match d.resend_from {
        Some(from) => (Trigger::Manual, from),
        None => (trigger, d.status),
    };
    let before = Before {
        status,
        scheduled_count: d.scheduled_count,
    };
    let result = |next, status: Option<u16>, error: Option<String>, attempt| AttemptResult {
        delivery_id: d.id,
        webhook_id: d.webhook_id,
        lease_token,
        next,
        scheduled: trigger == Trigger::Scheduled,
        last_status_code: status,
        last_error_code: error,
        attempt,
    };
    if d.transport == Transport::Smpp {
        // A deleted or disabled webhook ends its SMPP delivery as it does its POST; the HTTP
        // target's other troubles (URL, hub secret, authorization) are no concern of SMPP.
        if let Target::End(code) = target {
            return result(NextState::Failed, None, Some((*code).into()), None);
        }
        let (verdict, error, log) =
            super::smpp::attempt(inner, &d, route.esme_bind_id, trigger).await;
        let next = outcome::next_state(verdict, trigger, before, &inner.config.schedule, now);
        return result(next, None, error, Some(log));
    }
    let sent = match (target, prepared) {
        (Target::End(code), _) => {
            return result(NextState::Failed, None, Some((*code).into()), None)
        }
        (Target::Broken(code, message), _) => unsent(OutboundError::new(*code, message.clone())),
        (Target::Ready { .. }, Some(error)) => unsent(error),
        (
            Target::Ready {
                url,
                signer,
                authorizer,
            },
            None,
        ) => match send::build_request(url, &d.event_id, d.body.clone(), signer.as_ref()) {
            Ok(request) => send::send(&inner.client, authorizer.as_ref(), request).await,
            Err(e) => unsent(e),
        },
    };
    let (verdict, status, error, log) = judge(sent, trigger);
    let next = outcome::next_state(verdict, trigger, before, &inner.config.schedule, now);
    result(next, status, error, Some(log))
}

/// An attempt that failed before any request was made.
fn unsent(error: OutboundError) -> Sent {
    Sent {
        at: crate::store::now_millis(),
        duration_ms: 0,
        request_headers: "{}".into(),
        result: Err(error),
    }
}

/// The verdict, the last status / error code, and the attempt's log row.
fn judge(sent: Sent, trigger: Trigger) -> (Verdict, Option<u16>, Option<String>, AttemptLog) {
    let mut log = AttemptLog {
        at: sent.at,
        duration_ms: sent.duration_ms,
        status_code: None,
        error_code: None,
        error_message: None,
        request_headers: sent.request_headers,
        response_headers: "{}".into(),
        response_body: String::new(),
        trigger,
        smpp_status: None,
    };
    match sent.result {
        Ok(answer) => {
            log.status_code = Some(answer.status);
            log.response_headers = answer.headers_json;
            log.response_body = answer.body;
            (
                outcome::for_status(answer.status),
                Some(answer.status),
                None,
                log,
            )
        }
        Err(e) => {
            let code = e.code().as_str().to_owned();
            log.error_code = Some(code.clone());
            log.error_message = Some(e.message().to_owned());
            (outcome::for_error(e.code()), None, Some(code), log)
        }
    }
}
