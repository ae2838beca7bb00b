//! The test call made when a webhook is saved (SPEC §3), explained step by step (CONTRACT §4):
//! `dns`, `connect`, `tls` on a connection of its own, then `auth` (where an authorization is
//! applied) and `request`: `HEAD <url>` through the shared client (request timeout, no
//! redirects, SSRF guard), with the authorization applied exactly as a delivery applies it.
//!
//! Guarantees: only an exact `200` makes the call ok; every other outcome, other 2xx codes and
//! redirects included, ends the list with the step that failed and a sentence the form shows as
//! is. The first three steps connect only to addresses the SSRF policy allows, and the whole call
//! ends within the request timeout per phase (the probe, then the request). Why a probe on its
//! own connection: reqwest does not say which address, TLS version or certificate a connection
//! got; a second handshake to the same host is cheap next to a person reading the answer.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use app::domain::webhook::{Step, TestCall, TestCallSteps};
use reqwest::{Method, StatusCode, Url};
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio::time::{timeout, timeout_at};
use url::Host;

use super::client::{resolve_vetted, target_of, Exchange};
use super::errors::{rustls_error_in, tls_message};
use super::{Authorizer, ErrorCode, OutboundClient, OutboundRequest};

/// Sends `HEAD url` with `auth` applied and says what each step saw.
pub async fn test_call(client: &OutboundClient, url: &str, auth: &dyn Authorizer) -> TestCall {
    let started = Instant::now();
    let mut steps = TestCallSteps::new();
    if let Some(url) = probe(client, url, &mut steps).await {
        request(client, url, auth, &mut steps).await;
    }
    steps.finish(started.elapsed().as_millis().try_into().unwrap_or(u64::MAX))
}

/// `dns`, `connect` and `tls`; the URL when all three passed.
async fn probe(client: &OutboundClient, url: &str, steps: &mut TestCallSteps) -> Option<Url> {
    let deadline = tokio::time::Instant::now() + client.request_timeout();
    let no_answer = || no_answer_within(client.request_timeout());
    let url = match Url::parse(url) {
        Ok(url) => url,
        Err(e) => {
            steps.failed(Step::Dns, format!("Not a valid URL: {e}."));
            return None;
        }
    };
    let port = url.port_or_known_default().unwrap_or(443);

    // dns: the addresses the name resolved to, and which of them the policy allows.
    let addrs = match url.host() {
        Some(Host::Ipv4(ip)) => literal(IpAddr::V4(ip), port, steps),
        Some(Host::Ipv6(ip)) => literal(IpAddr::V6(ip), port, steps),
        Some(Host::Domain(name)) => {
            let vetted =
                match timeout_at(deadline, resolve_vetted(name, client.allows_private())).await {
                    Err(_) => {
                        steps.failed(Step::Dns, format!("{} (the DNS lookup).", no_answer()));
                        return None;
                    }
                    Ok(Err(e)) => {
                        steps.failed(Step::Dns, sentence(&e.to_string()));
                        return None;
                    }
                    Ok(Ok(vetted)) => vetted,
                };
            let left_out: Vec<String> = vetted
                .refused
                .iter()
                .map(|(ip, reason)| format!("{ip} ({reason})"))
                .collect();
            if vetted.allowed.is_empty() {
                let (ip, reason) = &vetted.refused[0];
                steps.failed(
                    Step::Dns,
                    format!(
                        "{name} resolved to {} only. The address {ip} is {reason}; such \
                         destinations are not allowed.",
                        left_out.join(", ")
                    ),
                );
                return None;
            }
            let mut detail = format!("{name} resolved to {}", list(&vetted.allowed));
            if !left_out.is_empty() {
                detail.push_str(&format!(
                    "; left out, as not allowed: {}",
                    left_out.join(", ")
                ));
            }
            detail.push('.');
            steps.passed(Step::Dns, detail);
            vetted
                .allowed
                .into_iter()
                .map(|a| SocketAddr::new(a.ip(), port))
                .collect()
        }
        None => {
            steps.failed(Step::Dns, "The URL has no host.");
            return None;
        }
    };

    // connect: each allowed address in turn, as the client would.
    if let Err(e) = client.check_target(&url) {
        steps.failed(Step::Connect, sentence(e.message()));
        return None;
    }
    let mut tried = Vec::new();
    let mut connected = None;
    for addr in &addrs {
        let attempt = Instant::now();
        let limit = client
            .connect_timeout()
            .min(deadline.saturating_duration_since(tokio::time::Instant::now()));
        match timeout(limit, TcpStream::connect(addr)).await {
            Ok(Ok(tcp)) => {
                connected = Some((tcp, *addr, attempt.elapsed()));
                break;
            }
            Ok(Err(e)) => tried.push(format!("{addr}: {}", io_words(&e))),
            Err(_) => tried.push(format!(
                "{addr}: no answer within {}",
                humantime::format_duration(limit)
            )),
        }
    }
    let Some((tcp, addr, took)) = connected else {
        steps.failed(
            Step::Connect,
            sentence(&format!("Could not connect to {}", tried.join("; "))),
        );
        return None;
    };
    let mut detail = format!("Connected to {addr} in {}", millis(took));
    if !tried.is_empty() {
        detail.push_str(&format!(", after {}", tried.join("; ")));
    }
    detail.push('.');
    steps.passed(Step::Connect, detail);

    // tls: the version, the cipher suite and the certificate, or why it was refused.
    if url.scheme() != "https" {
        steps.passed(Step::Tls, "Not used: the URL is plain http.");
        return Some(url);
    }
    let config = match client.probe_tls() {
        Ok(config) => config,
        Err(e) => {
            steps.failed(
                Step::Tls,
                sentence(&format!("TLS could not be set up: {e}")),
            );
            return None;
        }
    };
    let server_name = match url.host() {
        Some(Host::Ipv4(ip)) => ServerName::IpAddress(IpAddr::V4(ip).into()),
        Some(Host::Ipv6(ip)) => ServerName::IpAddress(IpAddr::V6(ip).into()),
        Some(Host::Domain(name)) => match ServerName::try_from(name.to_owned()) {
            Ok(name) => name,
            Err(e) => {
                steps.failed(Step::Tls, sentence(&format!("Not a TLS server name: {e}")));
                return None;
            }
        },
        None => unreachable!("a URL without a host failed the dns step"),
    };
    let handshake = Instant::now();
    let connector = tokio_rustls::TlsConnector::from(config);
    match timeout_at(deadline, connector.connect(server_name, tcp)).await {
        Err(_) => {
            steps.failed(Step::Tls, format!("{} (the TLS handshake).", no_answer()));
            None
        }
        Ok(Err(e)) => {
            let words = match rustls_error_in(&e) {
                Some(tls) => tls_message(tls),
                None => format!("TLS error: {}", io_words(&e)),
            };
            steps.failed(Step::Tls, sentence(&words));
            None
        }
        Ok(Ok(stream)) => {
            let (_, session) = stream.get_ref();
            let version = match session.protocol_version() {
                Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_owned(),
                Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_owned(),
                Some(other) => format!("{other:?}"),
                None => "TLS".to_owned(),
            };
            let suite = session
                .negotiated_cipher_suite()
                .map(|s| format!(" ({:?})", s.suite()))
                .unwrap_or_default();
            let certificate = session
                .peer_certificates()
                .and_then(|chain| chain.first())
                .map(|leaf| certificate_words(leaf.as_ref()))
                .unwrap_or_else(|| "no certificate".to_owned());
            steps.passed(
                Step::Tls,
                format!(
                    "{version}{suite} in {}; {certificate}.",
                    millis(handshake.elapsed())
                ),
            );
            Some(url)
        }
    }
}

/// The dns step of an IP literal: nothing to look up.
fn literal(ip: IpAddr, port: u16, steps: &mut TestCallSteps) -> Vec<SocketAddr> {
    steps.passed(
        Step::Dns,
        format!("Literal address {ip}; no lookup needed."),
    );
    vec![SocketAddr::new(ip, port)]
}

/// `auth` (where an authorization is applied) and `request`, through the shared client.
async fn request(
    client: &OutboundClient,
    url: Url,
    auth: &dyn Authorizer,
    steps: &mut TestCallSteps,
) {
    let (traced, trace) = client.traced();
    let target = target_of(&url);
    let sent = auth
        .send(&traced, OutboundRequest::new(Method::HEAD, url))
        .await;
    let exchanges = trace.exchanges();
    let last_to_target = exchanges.iter().rev().find(|x| x.target == target);
    let took = last_to_target
        .map(|x| format!(" in {}", millis(x.elapsed)))
        .unwrap_or_default();

    if let Some(scheme) = auth.describe() {
        let notes = auth_notes(&exchanges, &target);
        let with_notes = |verdict: String| {
            if notes.is_empty() {
                format!("{scheme}: {verdict}")
            } else {
                format!("{scheme}: {}; {verdict}", notes.join("; "))
            }
        };
        let refused = match &sent {
            Err(e) if matches!(e.code(), ErrorCode::Auth | ErrorCode::TokenCooldown) => {
                Some(sentence(e.message()))
            }
            // The transport failed on a token request, before the URL itself was asked.
            Err(e) if exchanges.last().is_some_and(|x| x.target != target) => Some(sentence(
                &format!("the token request failed: {}", e.message()),
            )),
            Ok(response)
                if matches!(
                    response.status(),
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
                ) =>
            {
                Some(format!(
                    "the URL answered {}{took} with the credentials applied.",
                    status_words(response.status())
                ))
            }
            _ => None,
        };
        match refused {
            Some(why) => {
                steps.failed(Step::Auth, with_notes(why));
                return;
            }
            None => steps.passed(Step::Auth, with_notes("applied.".to_owned())),
        }
    }

    match sent {
        Ok(response) if response.status() == StatusCode::OK => steps.passed(
            Step::Request,
            format!(
                "The URL answered {}{took}.",
                status_words(response.status())
            ),
        ),
        Ok(response) => steps.failed(Step::Request, status_detail(response.status())),
        Err(e) => steps.failed(Step::Request, sentence(e.message())),
    }
}

/// What an authorizer did besides the final request: token requests and answered challenges.
fn auth_notes(exchanges: &[Exchange], target: &str) -> Vec<String> {
    let last_to_target = exchanges.iter().rposition(|x| x.target == target);
    exchanges
        .iter()
        .enumerate()
        .filter_map(|(i, x)| {
            let outcome = match x.outcome {
                Ok(code) => StatusCode::from_u16(code)
                    .map(status_words)
                    .unwrap_or_else(|_| code.to_string()),
                Err(code) => code.to_string(),
            };
            if x.target != target {
                Some(format!("token requested from {} ({outcome})", x.target))
            } else if Some(i) != last_to_target && x.outcome == Ok(401) {
                Some("answered 401 Unauthorized first (a challenge, or a token refused), then sent again".to_owned())
            } else {
                None
            }
        })
        .collect()
}

/// The certificate's subject, issuer and expiry, in words.
fn certificate_words(der: &[u8]) -> String {
    match x509_parser::parse_x509_certificate(der) {
        Ok((_, cert)) => {
            let not_after = cert.validity().not_after.timestamp();
            let until = chrono::DateTime::from_timestamp(not_after, 0)
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_else(|| not_after.to_string());
            let days = (not_after - chrono::Utc::now().timestamp()) / 86_400;
            format!(
                "certificate of {}, issued by {}, valid until {until} ({days} days left)",
                non_empty(cert.subject().to_string()),
                non_empty(cert.issuer().to_string()),
            )
        }
        Err(e) => format!("a certificate that could not be read ({e})"),
    }
}

fn non_empty(name: String) -> String {
    if name.is_empty() {
        "(no name)".to_owned()
    } else {
        name
    }
}

fn list(addrs: &[SocketAddr]) -> String {
    addrs
        .iter()
        .map(|a| a.ip().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn millis(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

fn no_answer_within(limit: Duration) -> String {
    format!("No answer within {}", humantime::format_duration(limit))
}

/// An I/O error in the words the delivery log uses.
fn io_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
        std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
            "connection reset by the server".to_owned()
        }
        std::io::ErrorKind::UnexpectedEof => "the server closed the connection".to_owned(),
        _ => e.to_string(),
    }
}

/// "404 Not Found", or just "599" for a code without a standard reason.
pub(crate) fn status_words(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

fn status_detail(status: StatusCode) -> String {
    let words = status_words(status);
    if status.is_redirection() {
        format!("The URL answered {words} (redirects are not followed); saving needs 200 OK.")
    } else if status.is_success() {
        format!("The URL answered {words}; saving needs exactly 200 OK.")
    } else {
        format!("The URL answered {words}; saving needs 200 OK.")
    }
}

/// Capitalised and closed with a full stop, so it reads as a sentence in the form.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "The test call failed".to_owned(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_details_say_what_came_back_and_what_is_needed() {
        assert_eq!(
            status_detail(StatusCode::NOT_FOUND),
            "The URL answered 404 Not Found; saving needs 200 OK."
        );
        assert_eq!(
            status_detail(StatusCode::MOVED_PERMANENTLY),
            "The URL answered 301 Moved Permanently (redirects are not followed); saving needs 200 OK."
        );
        assert_eq!(
            status_detail(StatusCode::NO_CONTENT),
            "The URL answered 204 No Content; saving needs exactly 200 OK."
        );
        assert_eq!(
            status_detail(StatusCode::from_u16(599).unwrap()),
            "The URL answered 599; saving needs 200 OK."
        );
    }

    #[test]
    fn error_messages_become_sentences() {
        assert_eq!(sentence("connection refused"), "Connection refused.");
        assert_eq!(sentence("no answer within 10s"), "No answer within 10s.");
        assert_eq!(sentence("Already done."), "Already done.");
    }

    fn exchange(target: &str, outcome: Result<u16, ErrorCode>) -> Exchange {
        Exchange {
            method: Method::HEAD,
            target: target.to_owned(),
            outcome,
            elapsed: Duration::from_millis(3),
        }
    }

    #[test]
    fn a_token_request_and_an_answered_challenge_are_named_but_the_final_request_is_not() {
        let target = "https://hooks.example/in";
        let notes = auth_notes(
            &[
                exchange("https://idp.example/token", Ok(200)),
                exchange(target, Ok(401)),
                exchange(target, Ok(200)),
            ],
            target,
        );
        assert_eq!(
            notes,
            [
                "token requested from https://idp.example/token (200 OK)",
                "answered 401 Unauthorized first (a challenge, or a token refused), then sent again"
            ]
        );
        assert_eq!(
            auth_notes(&[exchange(target, Ok(401))], target),
            Vec::<String>::new(),
            "a final 401 is the verdict, not a note"
        );
        assert_eq!(
            auth_notes(
                &[exchange(
                    "https://idp.example/token",
                    Err(ErrorCode::Connect)
                )],
                target
            ),
            ["token requested from https://idp.example/token (connect)"]
        );
    }

    #[test]
    fn a_certificate_is_described_by_subject_issuer_and_expiry() {
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "hooks.example");
        params.not_after = rcgen::date_time_ymd(2031, 5, 17);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let words = certificate_words(cert.der());
        assert!(words.starts_with("certificate of CN=hooks.example, issued by CN=hooks.example, valid until 2031-05-17 00:00 UTC ("), "{words}");
        assert!(words.ends_with(" days left)"), "{words}");
        assert!(certificate_words(b"not DER").starts_with("a certificate that could not be read"));
    }
}
