//! The one-time setup link: with no user and no `--admin-email`, the server logs
//! `/setup?token=…`; that page creates the first administrator, then stops working.
//! The token lives only in this process's memory: a restart logs a new one.

use std::sync::Mutex;

pub struct SetupToken(Mutex<Option<String>>);

impl SetupToken {
    pub fn new(token: Option<String>) -> Self {
        SetupToken(Mutex::new(token))
    }

    /// True when `presented` is the live token.
    pub fn matches(&self, presented: &str) -> bool {
        let guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .as_deref()
            .is_some_and(|t| super::token::constant_time_eq(t.as_bytes(), presented.as_bytes()))
    }

    /// Ends the link for good (after the first user exists).
    pub fn consume(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}
