//! What one attempt's result means for its delivery (SPEC §4), as data.
//!
//! Guarantees: [`NO_RETRY_STATUS`] is the one place the no-retry list lives; every status code
//! and every [`ErrorCode`] maps to exactly one [`Verdict`]; [`next_state`] is the one place a
//! verdict, the trigger and the retry schedule become the delivery's next state.

use crate::outbound::ErrorCode;
use crate::store::{DeliveryStatus, Millis, NextState, Trigger};

use super::retry::RetrySchedule;

/// Ended without a request because the webhook no longer exists.
pub const WEBHOOK_DELETED: &str = "webhook_deleted";
/// Ended without a request because the webhook is disabled.
pub const WEBHOOK_DISABLED: &str = "webhook_disabled";

/// Status codes that fail a delivery at once, inclusive ranges (SPEC §4). Redirects are here
/// because the client never follows them: retrying would only get the same redirect.
pub const NO_RETRY_STATUS: &[(u16, u16)] = &[
    (300, 308),
    (400, 400),
    (402, 402),
    (404, 411),
    (414, 416),
    (418, 418),
    (505, 505),
];

/// An SMPP attempt's stable error codes (Forward to SMPP).
pub mod smpp_code {
    /// No session of the ESME bind is bound to this process: retried per the schedule.
    pub const NOT_BOUND: &str = "smpp_not_bound";
    /// The session ended before the ESME answered: retried.
    pub const CLOSED: &str = "smpp_closed";
    /// No `deliver_sm_resp` within the request timeout: retried.
    pub const TIMEOUT: &str = "timeout";
    /// The ESME answered with an error command_status (see [`super::for_smpp_status`]).
    pub const STATUS: &str = "smpp_status";
    /// The payload cannot make a `deliver_sm` (no `oa`, `da` or `message`, a bad address): failed.
    pub const PAYLOAD: &str = "smpp_payload";
    /// The webhook no longer forwards to SMPP: failed.
    pub const FORWARD_OFF: &str = "smpp_forward_off";
}

/// `deliver_sm_resp` command_statuses that fail a delivery at once: the message itself is what
/// the ESME refuses (ESME_RINVMSGLEN, ESME_RINVCMDLEN, ESME_RINVCMDID, ESME_RINVSRCADR,
/// ESME_RINVDSTADR, ESME_RX_P_APPN, ESME_RX_R_APPN). Any other error (ESME_RX_T_APPN,
/// ESME_RSYSERR, ESME_RTHROTTLED, ESME_RMSGQFUL, a vendor's code, …) may pass later.
pub const NO_RETRY_SMPP_STATUS: &[u32] = &[0x01, 0x02, 0x03, 0x0A, 0x0B, 0x65, 0x66];

/// The verdict on a `deliver_sm_resp`'s command_status.
pub fn for_smpp_status(status: u32) -> Verdict {
    match status {
        0 => Verdict::Delivered,
        s if NO_RETRY_SMPP_STATUS.contains(&s) => Verdict::Failed,
        _ => Verdict::Retry,
    }
}

/// The meaning of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Delivered,
    /// Failed, and another attempt would not help.
    Failed,
    /// Failed for now; retried per the schedule.
    Retry,
}

/// The verdict on an HTTP answer.
pub fn for_status(status: u16) -> Verdict {
    if (200..300).contains(&status) {
        return Verdict::Delivered;
    }
    if NO_RETRY_STATUS
        .iter()
        .any(|(lo, hi)| (*lo..=*hi).contains(&status))
    {
        return Verdict::Failed;
    }
    Verdict::Retry
}

/// The verdict on an attempt that got no HTTP answer. Only a refused destination is final: the
/// SSRF policy will refuse it again; a timeout, DNS, connection, TLS or authorization failure
/// may pass later.
pub fn for_error(code: ErrorCode) -> Verdict {
    match code {
        ErrorCode::BlockedTarget => Verdict::Failed,
        ErrorCode::Timeout
        | ErrorCode::Dns
        | ErrorCode::Connect
        | ErrorCode::Tls
        | ErrorCode::HttpStatus
        | ErrorCode::Auth
        | ErrorCode::Body
        | ErrorCode::TokenCooldown
        | ErrorCode::Other => Verdict::Retry,
    }
}

/// Where a delivery stands before its attempt.
#[derive(Debug, Clone, Copy)]
pub struct Before {
    pub status: DeliveryStatus,
    /// Scheduled attempts already made.
    pub scheduled_count: i64,
}

/// The delivery's state after an attempt judged `verdict`, made at `now`.
///
/// Scheduled attempts follow the schedule: attempt n+1 (n made before) is retried after
/// `schedule[n]`, and after the last delay the delivery fails. A manual attempt (resend) delivers
/// on success; on failure a pending delivery keeps its remaining scheduled attempts, the next one
/// an interval after now, and a delivered or failed one keeps its status.
pub fn next_state(
    verdict: Verdict,
    trigger: Trigger,
    before: Before,
    schedule: &RetrySchedule,
    now: Millis,
) -> NextState {
    let n = usize::try_from(before.scheduled_count).unwrap_or(0);
    match (verdict, trigger) {
        (Verdict::Delivered, _) => NextState::Delivered,
        (_, Trigger::Manual) if before.status == DeliveryStatus::Delivered => NextState::Delivered,
        (_, Trigger::Manual) if before.status == DeliveryStatus::Failed => NextState::Failed,
        (Verdict::Failed, _) => NextState::Failed,
        (Verdict::Retry, Trigger::Scheduled) => match schedule.delay_after(n + 1) {
            Some(delay) => NextState::Retry(now + millis(delay)),
            None => NextState::Failed,
        },
        (Verdict::Retry, Trigger::Manual) => match n {
            0 => NextState::Retry(now),
            n => match schedule.delay_after(n) {
                Some(delay) => NextState::Retry(now + millis(delay)),
                None => NextState::Failed,
            },
        },
    }
}

fn millis(d: std::time::Duration) -> Millis {
    Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX / 4)
}

#[cfg(test)]
mod tests;
