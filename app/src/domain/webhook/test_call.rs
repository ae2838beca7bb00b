//! What a test call saw, step by step (CONTRACT §4, "The test call explains itself"): the shape
//! of `test_call` in a 422 and in `POST /api/v1/integrations/test`, and of the form's checklist.
//!
//! Guarantees: the steps come in the order of [`Step`]; the list ends with the first step that
//! failed (included, `ok: false`); `ok` is true exactly when every step passed and the URL
//! answered 200.

use serde::{Deserialize, Serialize};

/// One test call: its verdict, how long it took, and what each step saw.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestCall {
    pub ok: bool,
    pub duration_ms: u64,
    pub steps: Vec<TestCallStep>,
}

/// What one step saw, in words the form shows as is.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestCallStep {
    pub step: Step,
    pub ok: bool,
    pub detail: String,
}

/// The steps, in the order they run. `Auth` is there only when an authorization is applied.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    Dns,
    Connect,
    Tls,
    Auth,
    Request,
}

impl Step {
    /// The name on the wire (`dns`, `connect`, …).
    pub fn name(self) -> &'static str {
        match self {
            Step::Dns => "dns",
            Step::Connect => "connect",
            Step::Tls => "tls",
            Step::Auth => "auth",
            Step::Request => "request",
        }
    }

    /// The checklist's label.
    pub fn label(self) -> &'static str {
        match self {
            Step::Dns => "DNS",
            Step::Connect => "Connection",
            Step::Tls => "TLS",
            Step::Auth => "Authorization",
            Step::Request => "Request",
        }
    }
}

impl TestCall {
    /// The step that failed, if one did.
    pub fn failure(&self) -> Option<&TestCallStep> {
        self.steps.iter().find(|s| !s.ok)
    }
}

/// Builds a [`TestCall`] step by step, keeping its guarantees: a step after a failure is a bug.
#[derive(Debug, Default)]
pub struct TestCallSteps {
    steps: Vec<TestCallStep>,
}

impl TestCallSteps {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a passed step.
    pub fn passed(&mut self, step: Step, detail: impl Into<String>) {
        self.push(step, true, detail.into());
    }

    /// Records the failed step; nothing may follow it.
    pub fn failed(&mut self, step: Step, detail: impl Into<String>) {
        self.push(step, false, detail.into());
    }

    fn push(&mut self, step: Step, ok: bool, detail: String) {
        debug_assert!(
            self.steps.iter().all(|s| s.ok && s.step < step),
            "{step:?} after {:?}",
            self.steps.last()
        );
        self.steps.push(TestCallStep { step, ok, detail });
    }

    /// The finished call: ok when no step failed and the request step passed.
    pub fn finish(self, duration_ms: u64) -> TestCall {
        let ok = self.steps.iter().all(|s| s.ok)
            && self.steps.last().map(|s| s.step) == Some(Step::Request);
        TestCall {
            ok,
            duration_ms,
            steps: self.steps,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_ok_only_when_it_reached_the_request_and_nothing_failed() {
        let mut steps = TestCallSteps::new();
        steps.passed(Step::Dns, "literal address");
        steps.passed(Step::Connect, "connected");
        assert!(!steps.finish(3).ok, "stopped before the request");

        let mut steps = TestCallSteps::new();
        steps.passed(Step::Dns, "literal address");
        steps.failed(Step::Connect, "connection refused");
        let call = steps.finish(3);
        assert!(!call.ok);
        assert_eq!(call.failure().map(|s| s.step), Some(Step::Connect));

        let mut steps = TestCallSteps::new();
        for step in [Step::Dns, Step::Connect, Step::Tls, Step::Request] {
            steps.passed(step, "fine");
        }
        let call = steps.finish(7);
        assert!(call.ok);
        assert_eq!(call.failure(), None);
    }

    #[test]
    fn steps_travel_as_lowercase_names() {
        let step = TestCallStep {
            step: Step::Tls,
            ok: false,
            detail: "expired".into(),
        };
        assert_eq!(
            serde_json::to_value(&step).unwrap(),
            serde_json::json!({"step": "tls", "ok": false, "detail": "expired"})
        );
    }
}
