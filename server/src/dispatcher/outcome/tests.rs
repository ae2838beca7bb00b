use super::*;

/// SPEC §4's table written out again by hand, code by code, so a slip in the data is caught.
#[allow(clippy::manual_range_patterns)] // code by code on purpose, as the SPEC lists them
fn expected(status: u16) -> Verdict {
    match status {
        200..=299 => Verdict::Delivered,
        300 | 301 | 302 | 303 | 304 | 305 | 306 | 307 | 308 => Verdict::Failed,
        400 | 402 | 404 | 405 | 406 | 407 | 408 | 409 | 410 | 411 => Verdict::Failed,
        414 | 415 | 416 | 418 | 505 => Verdict::Failed,
        _ => Verdict::Retry,
    }
}

#[test]
fn every_status_from_100_to_599_gets_the_verdict_of_the_spec_table() {
    for status in 100..=599 {
        assert_eq!(for_status(status), expected(status), "status {status}");
    }
}

#[test]
fn the_common_retried_statuses_are_retried() {
    for status in [
        100, 101, 309, 401, 403, 412, 413, 417, 421, 425, 429, 500, 502, 503, 504, 599,
    ] {
        assert_eq!(for_status(status), Verdict::Retry, "status {status}");
    }
}

#[test]
fn only_a_blocked_target_is_final_among_errors() {
    for code in ErrorCode::ALL {
        let want = if code == ErrorCode::BlockedTarget {
            Verdict::Failed
        } else {
            Verdict::Retry
        };
        assert_eq!(for_error(code), want, "{code}");
    }
}

fn pending(n: i64) -> Before {
    Before {
        status: DeliveryStatus::Pending,
        scheduled_count: n,
    }
}

#[test]
fn scheduled_retries_follow_the_schedule_then_fail() {
    let s: RetrySchedule = "1s,2s,3s".parse().unwrap();
    let at = |n| next_state(Verdict::Retry, Trigger::Scheduled, pending(n), &s, 10_000);
    assert_eq!(at(0), NextState::Retry(11_000));
    assert_eq!(at(1), NextState::Retry(12_000));
    assert_eq!(at(2), NextState::Retry(13_000));
    assert_eq!(at(3), NextState::Failed, "the fourth attempt is the last");
}

#[test]
fn no_schedule_means_the_first_retryable_failure_is_final() {
    let s: RetrySchedule = "".parse().unwrap();
    let got = next_state(Verdict::Retry, Trigger::Scheduled, pending(0), &s, 5);
    assert_eq!(got, NextState::Failed);
}

#[test]
fn success_delivers_and_a_final_failure_fails_whatever_the_trigger() {
    let s = RetrySchedule::default();
    for trigger in [Trigger::Scheduled, Trigger::Manual] {
        assert_eq!(
            next_state(Verdict::Delivered, trigger, pending(0), &s, 0),
            NextState::Delivered
        );
        assert_eq!(
            next_state(Verdict::Failed, trigger, pending(1), &s, 0),
            NextState::Failed
        );
    }
}

#[test]
fn a_manual_attempt_keeps_a_finished_delivery_finished_unless_it_succeeds() {
    let s = RetrySchedule::default();
    let failed = Before {
        status: DeliveryStatus::Failed,
        scheduled_count: 4,
    };
    let delivered = Before {
        status: DeliveryStatus::Delivered,
        scheduled_count: 1,
    };
    assert_eq!(
        next_state(Verdict::Retry, Trigger::Manual, failed, &s, 0),
        NextState::Failed
    );
    assert_eq!(
        next_state(Verdict::Delivered, Trigger::Manual, failed, &s, 0),
        NextState::Delivered
    );
    assert_eq!(
        next_state(Verdict::Failed, Trigger::Manual, delivered, &s, 0),
        NextState::Delivered
    );
}

#[test]
fn a_failed_manual_attempt_on_a_pending_delivery_keeps_its_scheduled_attempts() {
    let s: RetrySchedule = "1s,2s".parse().unwrap();
    let manual = |n| next_state(Verdict::Retry, Trigger::Manual, pending(n), &s, 100);
    assert_eq!(manual(0), NextState::Retry(100), "never tried: due now");
    assert_eq!(manual(1), NextState::Retry(1_100));
    assert_eq!(manual(2), NextState::Retry(2_100));
    assert_eq!(manual(3), NextState::Failed);
}

#[test]
fn smpp_statuses_deliver_fail_or_retry() {
    assert_eq!(for_smpp_status(0), Verdict::Delivered);
    // ESME_RX_P_APPN, ESME_RX_R_APPN, ESME_RINVDSTADR: the ESME refuses this message for good.
    for status in [0x65, 0x66, 0x0B] {
        assert_eq!(for_smpp_status(status), Verdict::Failed, "{status:#x}");
    }
    // ESME_RX_T_APPN, ESME_RSYSERR, ESME_RTHROTTLED, a vendor's code: may pass later.
    for status in [0x64, 0x08, 0x58, 0x0400] {
        assert_eq!(for_smpp_status(status), Verdict::Retry, "{status:#x}");
    }
}

#[test]
fn every_smpp_error_code_has_a_meaning_in_the_log() {
    for code in [
        smpp_code::NOT_BOUND,
        smpp_code::CLOSED,
        smpp_code::TIMEOUT,
        smpp_code::STATUS,
        smpp_code::PAYLOAD,
        smpp_code::FORWARD_OFF,
    ] {
        assert!(
            app::domain::deliveries::error_meaning(code).is_some(),
            "{code}"
        );
    }
}
