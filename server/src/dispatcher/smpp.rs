//! An SMPP delivery's attempt (Forward to SMPP): the `deliver_sm` built from the event's payload,
//! sent through a bound session of the webhook's ESME bind, and its answer judged.
//!
//! Guarantees: every attempt is logged like a POST — time, duration, what was sent (command,
//! session, sequence number, data coding, which field carries the text) as the request headers,
//! the ESME's command_status in `smpp_status` and in words in the response body — and ends with
//! a verdict of `outcome`: delivered on ESME_ROK; retried when no session is bound, the session
//! ends or no answer comes within the request timeout; an error status as `outcome` lists it; a
//! payload that cannot make a `deliver_sm` fails at once.

use std::time::Instant;

use super::{
    outcome::{self, smpp_code, Verdict},
    Inner,
};
use crate::smpp::{message, Answer, DeliverError};
use crate::store::{now_millis, AttemptLog, ClaimedDelivery, Trigger};

/// One attempt: the verdict, the delivery's last error code, and the attempt's log row.
pub(super) async fn attempt(
    inner: &Inner,
    d: &ClaimedDelivery,
    esme_bind_id: Option<i64>,
    trigger: Trigger,
) -> (Verdict, Option<String>, AttemptLog) {
    let at = now_millis();
    let started = Instant::now();
    let mut log = AttemptLog {
        at,
        duration_ms: 0,
        status_code: None,
        error_code: None,
        error_message: None,
        request_headers: "{}".into(),
        response_headers: "{}".into(),
        response_body: String::new(),
        trigger,
        smpp_status: None,
    };
    let fail = |mut log: AttemptLog, code: &str, message: String, verdict: Verdict| {
        log.error_code = Some(code.to_owned());
        log.error_message = Some(message);
        (verdict, Some(code.to_owned()), log)
    };
    let Some(esme_bind_id) = esme_bind_id else {
        let why = "the webhook no longer forwards to SMPP".to_owned();
        return fail(log, smpp_code::FORWARD_OFF, why, Verdict::Failed);
    };
    let forwarded = match message::deliver_sm(&d.body) {
        Ok(f) => f,
        Err(e) => return fail(log, smpp_code::PAYLOAD, e.to_string(), Verdict::Failed),
    };
    let mut sent = serde_json::json!({
        "command": "deliver_sm",
        "esme_bind_id": esme_bind_id.to_string(),
        "data_coding": forwarded.data_coding.to_string(),
        "text_field": forwarded.field,
        "text_octets": forwarded.octets.to_string(),
    });
    let timeout = inner.config.request_timeout;
    let answered = inner
        .sessions
        .deliver(esme_bind_id, forwarded.pdu, timeout)
        .await;
    log.duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let answer = match answered {
        Ok(answer) => answer,
        Err(e) => {
            log.request_headers = sent.to_string();
            let code = match e {
                DeliverError::NotBound => smpp_code::NOT_BOUND,
                DeliverError::Closed => smpp_code::CLOSED,
                DeliverError::Timeout(_) => smpp_code::TIMEOUT,
            };
            return fail(log, code, e.to_string(), Verdict::Retry);
        }
    };
    if let Some(object) = sent.as_object_mut() {
        object.insert("session".into(), answer.session.id.to_string().into());
        object.insert("peer".into(), answer.session.peer.to_string().into());
        let sequence = answer.sequence_number.to_string();
        object.insert("sequence_number".into(), sequence.into());
    }
    log.request_headers = sent.to_string();
    log.smpp_status = Some(answer.command_status);
    log.response_body = described(&answer);
    match outcome::for_smpp_status(answer.command_status) {
        Verdict::Delivered => (Verdict::Delivered, None, log),
        verdict => {
            let why = format!(
                "the ESME answered command_status {:#010x} ({})",
                answer.command_status,
                status_name(answer.command_status)
            );
            fail(log, smpp_code::STATUS, why, verdict)
        }
    }
}

/// The answer in words, as the attempt's response body.
fn described(answer: &Answer) -> String {
    format!(
        "deliver_sm_resp command_status={:#010x} ({}) message_id={:?}",
        answer.command_status,
        status_name(answer.command_status),
        answer.message_id
    )
}

/// The SMPP name of a command_status, e.g. `EsmeRxTAppn`, or `Other(…)` for one SMPP 3.4 and 5
/// do not name.
fn status_name(status: u32) -> String {
    format!("{:?}", rusmpp::CommandStatus::from(status))
}
