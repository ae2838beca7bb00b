//! Outbound HTTP: the single client every outbound call uses (test calls now, token fetches and
//! webhook deliveries later), its SSRF guard, its error classification, and the test call.
//!
//! Guarantees: nothing in the product sends HTTP except through [`OutboundClient`], so the
//! timeouts, the no-redirect rule, the SSRF guard with pinned addresses, the capped body and the
//! fixed user agent (STYLE rule 6) hold for all of it.

pub mod auth;
mod client;
mod errors;
pub mod redact;
pub mod ssrf;
mod test_call;

#[cfg(test)]
mod tests;

pub use auth::{Authorizer, AuthorizerSource, NoAuth, OutboundRequest};
pub use client::{CappedBody, ClientBuildError, OutboundClient, OutboundConfig, LOG_BODY_LIMIT};
pub use errors::{classify, ErrorCode, OutboundError};
pub use test_call::test_call;
