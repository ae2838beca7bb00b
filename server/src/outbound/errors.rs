//! Outbound failures: a stable [`ErrorCode`] (stored on attempts, shown in the UI, used to decide
//! retries) and a message in plain words.
//!
//! Guarantees: [`classify`] never returns library jargon alone: it walks the whole source chain
//! (including the error hidden inside `io::Error`, where rustls puts its handshake errors) and
//! names what happened (blocked, DNS, refused, TLS, timeout…). The codes' strings never change.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::net::IpAddr;

/// What kind of failure an outbound call had. `as_str()` values are stored: never rename them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    Timeout,
    Dns,
    Connect,
    Tls,
    BlockedTarget,
    HttpStatus,
    Auth,
    Body,
    /// The authorization's token endpoint failed moments ago; no new fetch until the cool-down
    /// ends (the delivery is retried per the schedule).
    TokenCooldown,
    Other,
}

impl ErrorCode {
    /// Every code, for round-trip tests and UI filters.
    pub const ALL: [ErrorCode; 10] = [
        Self::Timeout,
        Self::Dns,
        Self::Connect,
        Self::Tls,
        Self::BlockedTarget,
        Self::HttpStatus,
        Self::Auth,
        Self::Body,
        Self::TokenCooldown,
        Self::Other,
    ];

    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Dns => "dns",
            Self::Connect => "connect",
            Self::Tls => "tls",
            Self::BlockedTarget => "blocked_target",
            Self::HttpStatus => "http_status",
            Self::Auth => "auth",
            Self::Body => "body",
            Self::TokenCooldown => "token_cooldown",
            Self::Other => "other",
        }
    }

    /// Reads a stored code back.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An outbound call that did not produce a response: its code and a plain-words message.
#[derive(Debug)]
pub struct OutboundError {
    code: ErrorCode,
    message: String,
}

impl OutboundError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// For authorization implementations: the credentials could not be applied (e.g. no token).
    pub fn auth(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Auth, message)
    }

    /// The SSRF guard refused `ip` for `reason` (see [`super::ssrf::forbidden_reason`]).
    pub fn blocked(ip: IpAddr, reason: &str) -> Self {
        Self::new(ErrorCode::BlockedTarget, blocked_message(ip, reason))
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for OutboundError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for OutboundError {}

fn blocked_message(ip: IpAddr, reason: &str) -> String {
    format!("The address {ip} is {reason}; such destinations are not allowed")
}

/// What our resolver returns instead of addresses; found again by [`classify`] in the chain.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ResolveError {
    #[error("DNS lookup failed for {host}: {error}")]
    Lookup { host: String, error: io::Error },
    #[error("DNS lookup found no address for {host}")]
    NoAddress { host: String },
    #[error("{}", blocked_message(*ip, reason))]
    Blocked { ip: IpAddr, reason: String },
}

/// Classifies a reqwest error by walking its source chain. Timeouts read "no answer within the
/// time limit" here; `OutboundClient::error_from` names the configured duration instead.
pub fn classify(err: &reqwest::Error) -> (ErrorCode, String) {
    let chain = source_chain(err);
    for e in &chain {
        if let Some(r) = e.downcast_ref::<ResolveError>() {
            let code = match r {
                ResolveError::Blocked { .. } => ErrorCode::BlockedTarget,
                _ => ErrorCode::Dns,
            };
            return (code, r.to_string());
        }
    }
    if let Some(tls) = chain.iter().find_map(|e| e.downcast_ref::<rustls::Error>()) {
        return (ErrorCode::Tls, tls_message(tls));
    }
    if err.is_timeout() {
        return (ErrorCode::Timeout, "no answer within the time limit".into());
    }
    let io_kind = chain
        .iter()
        .find_map(|e| e.downcast_ref::<io::Error>())
        .map(io::Error::kind);
    match io_kind {
        Some(io::ErrorKind::ConnectionRefused) => {
            return (ErrorCode::Connect, "connection refused".into())
        }
        Some(io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted) => {
            return (ErrorCode::Connect, "connection reset by the server".into())
        }
        _ => {}
    }
    let root = chain.last().map(|e| e.to_string()).unwrap_or_default();
    if err.is_connect() {
        return (ErrorCode::Connect, format!("could not connect: {root}"));
    }
    if let Some(status) = err.status() {
        return (
            ErrorCode::HttpStatus,
            format!("the server answered {status}"),
        );
    }
    if err.is_body() || err.is_decode() {
        return (
            ErrorCode::Body,
            format!("could not read the response body: {root}"),
        );
    }
    if err.is_builder() {
        return (ErrorCode::Other, format!("invalid request: {root}"));
    }
    (ErrorCode::Other, root)
}

/// The error and its sources, descending into `io::Error`'s inner error: `io::Error::source()`
/// skips it, and that is exactly where tokio-rustls puts the `rustls::Error`.
fn source_chain<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut chain = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        chain.push(e);
        if chain.len() > 32 {
            break; // a cycle would be a bug elsewhere; never loop forever on it
        }
        current = match e.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => e.source(),
        };
    }
    chain
}

/// The rustls error inside an I/O error of a TLS stream (where tokio-rustls puts it), if any.
pub(crate) fn rustls_error_in(err: &io::Error) -> Option<&rustls::Error> {
    source_chain(err)
        .into_iter()
        .find_map(|e| e.downcast_ref::<rustls::Error>())
}

pub(crate) fn tls_message(err: &rustls::Error) -> String {
    use rustls::{CertificateError as C, Error as E};
    let words = match err {
        E::InvalidCertificate(C::UnknownIssuer) => "the server's certificate is not trusted",
        E::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            "the server's certificate does not match the host name"
        }
        E::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            "the server's certificate has expired"
        }
        E::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. }) => {
            "the server's certificate is not valid yet"
        }
        E::InvalidCertificate(C::Revoked) => "the server's certificate is revoked",
        E::InvalidCertificate(_) => "the server's certificate was refused",
        E::NoCertificatesPresented => "the server presented no certificate",
        E::AlertReceived(_) => "the server refused the handshake",
        E::InvalidMessage(_) => "the server did not speak TLS",
        _ => "the handshake failed",
    };
    let detail = match err {
        E::InvalidCertificate(c) => short_debug(c),
        E::AlertReceived(a) => format!("{a:?}"),
        other => other.to_string(),
    };
    format!("TLS error: {words} ({detail})")
}

/// `NotValidForNameContext { expected: … }` → `NotValidForNameContext`: the variant is enough.
fn short_debug(value: &impl fmt::Debug) -> String {
    let full = format!("{value:?}");
    let end = full
        .find(|c: char| !c.is_alphanumeric() && c != '_')
        .unwrap_or(full.len());
    full[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_round_trips_through_its_stable_string() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::BlockedTarget.as_str(), "blocked_target");
        assert_eq!(ErrorCode::HttpStatus.as_str(), "http_status");
        assert_eq!(ErrorCode::parse("nope"), None);
    }

    #[test]
    fn a_blocked_address_is_explained_in_plain_words() {
        let e = OutboundError::blocked("10.0.0.1".parse().unwrap(), "private");
        assert_eq!(e.code(), ErrorCode::BlockedTarget);
        assert_eq!(
            e.to_string(),
            "The address 10.0.0.1 is private; such destinations are not allowed"
        );
    }

    #[test]
    fn an_unknown_issuer_reads_as_an_untrusted_certificate() {
        let e = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        assert_eq!(
            tls_message(&e),
            "TLS error: the server's certificate is not trusted (UnknownIssuer)"
        );
    }

    #[test]
    fn the_chain_walk_finds_a_rustls_error_hidden_inside_an_io_error() {
        let inner = rustls::Error::InvalidCertificate(rustls::CertificateError::Expired);
        let io = io::Error::new(io::ErrorKind::InvalidData, inner);
        let chain = source_chain(&io);
        assert!(chain.iter().any(|e| e.is::<rustls::Error>()));
    }
}
