//! The outbound client and the test call against real HTTPS peers on loopback (see `peer.rs`).
//! Every wait is bounded by a timeout; nothing sleeps. No traffic leaves 127.0.0.1.

mod peer;
mod url_props;

use std::future::Future;
use std::time::Duration;

use app::domain::webhook::{Step, TestCall};
use reqwest::{Method, Url};

use super::*;
use peer::{Behaviour, Pki};

/// No test may hang: every network step is cut off well after its own timeout would fire.
async fn bounded<T>(fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), fut)
        .await
        .expect("the test step did not finish within 20s")
}

fn make_client(pki: Option<&Pki>, allow_private: bool, timeout: Duration) -> OutboundClient {
    OutboundClient::new(OutboundConfig {
        request_timeout: timeout,
        extra_ca_pem: pki.map(|p| p.ca_pem.clone().into_bytes()),
        allow_private_destinations: allow_private,
        ..OutboundConfig::default()
    })
    .expect("client builds")
}

/// Trusts the peer's CA; the guard is off because the peer is on loopback.
fn trusting_client(pki: &Pki) -> OutboundClient {
    make_client(Some(pki), true, Duration::from_secs(10))
}

/// The step that failed and what it saw; the steps before it all passed.
fn refused(call: TestCall) -> (Step, String) {
    assert!(!call.ok, "expected the test call to be refused: {call:?}");
    let failed = call.steps.last().expect("a step").clone();
    assert!(!failed.ok, "the list ends with the failed step: {call:?}");
    assert!(call.steps[..call.steps.len() - 1].iter().all(|s| s.ok));
    (failed.step, failed.detail)
}

fn step_names(call: &TestCall) -> Vec<Step> {
    call.steps.iter().map(|s| s.step).collect()
}

#[tokio::test]
async fn a_head_answered_200_passes_the_test_call_and_names_the_product() {
    let pki = peer::pki();
    let peer = peer::spawn(&pki, Behaviour::Routes).await;
    let url = format!("https://localhost:{}/ok", peer.port());
    let result = bounded(test_call(&trusting_client(&pki), &url, &NoAuth)).await;
    assert!(result.ok, "{result:?}");
    assert_eq!(
        step_names(&result),
        [Step::Dns, Step::Connect, Step::Tls, Step::Request],
        "no auth step without an authorization"
    );
    let detail = |step: usize| result.steps[step].detail.clone();
    assert!(
        detail(0).starts_with("localhost resolved to "),
        "{}",
        detail(0)
    );
    assert!(detail(1).starts_with("Connected to "), "{}", detail(1));
    assert!(detail(2).starts_with("TLS 1."), "{}", detail(2));
    assert!(
        detail(2).contains("issued by CN=webhooks-console test CA")
            && detail(2).contains("valid until"),
        "{}",
        detail(2)
    );
    assert!(
        detail(3).starts_with("The URL answered 200 OK in "),
        "{}",
        detail(3)
    );
    let seen = peer.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "HEAD");
    let agent = seen[0].user_agent.clone().unwrap_or_default();
    assert!(
        agent.starts_with("webhooks-console/"),
        "user agent {agent:?}"
    );
}

#[tokio::test]
async fn an_ip_literal_url_with_a_matching_certificate_passes_when_private_is_allowed() {
    let pki = peer::pki();
    let peer = peer::spawn(&pki, Behaviour::Routes).await;
    let url = format!("https://127.0.0.1:{}/ok", peer.port());
    let result = bounded(test_call(&trusting_client(&pki), &url, &NoAuth)).await;
    assert!(result.ok, "{result:?}");
    assert_eq!(
        result.steps[0].detail,
        "Literal address 127.0.0.1; no lookup needed."
    );
}

#[tokio::test]
async fn a_404_is_refused_with_its_status_and_a_plain_detail() {
    let pki = peer::pki();
    let peer = peer::spawn(&pki, Behaviour::Routes).await;
    let url = format!("https://localhost:{}/missing", peer.port());
    let result = bounded(test_call(&trusting_client(&pki), &url, &NoAuth)).await;
    let (step, detail) = refused(result);
    assert_eq!(step, Step::Request);
    assert_eq!(
        detail,
        "The URL answered 404 Not Found; saving needs 200 OK."
    );
}

#[tokio::test]
async fn a_204_is_refused_because_only_an_exact_200_saves() {
    let pki = peer::pki();
    let peer = peer::spawn(&pki, Behaviour::Routes).await;
    let url = format!("https://localhost:{}/no-content", peer.port());
    let (step, detail) = refused(bounded(test_call(&trusting_client(&pki), &url, &NoAuth)).await);
    assert_eq!(step, Step::Request);
    assert!(detail.contains("204 No Content"), "{detail}");
}

#[tokio::test]
async fn a_redirect_is_reported_and_not_followed() {
    let pki = peer::pki();
    let peer = peer::spawn(&pki, Behaviour::Routes).await;
    let url = format!("https://localhost:{}/moved", peer.port());
    let result = bounded(test_call(&trusting_client(&pki), &url, &NoAuth)).await;
    let (step, detail) = refused(result);
    assert_eq!(step, Step::Request);
    assert_eq!(
        detail,
        "The URL answered 301 Moved Permanently (redirects are not followed); saving needs 200 OK."
    );
    let paths: Vec<_> = peer.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths, ["/moved"], "the Location must not be requested");
}

#[tokio::test]
async fn a_server_whose_certificate_is_not_trusted_gives_a_tls_error() {
    let pki = peer::pki();
    let peer = peer::spawn(&pki, Behaviour::Routes).await;
    let url = format!("https://localhost:{}/ok", peer.port());
    let no_extra_ca = make_client(None, true, Duration::from_secs(10));
    let (step, detail) = refused(bounded(test_call(&no_extra_ca, &url, &NoAuth)).await);
    assert_eq!(step, Step::Tls, "{detail}");
    assert_eq!(
        detail,
        "TLS error: the server's certificate is not trusted (UnknownIssuer)."
    );
    assert!(peer.seen().is_empty());
}

#[tokio::test]
async fn a_refused_connection_is_classified_as_connect() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.local_addr().expect("local addr").port()
    }; // dropped: nothing listens there any more
    let pki = peer::pki();
    let url = format!("https://127.0.0.1:{port}/ok");
    let result = bounded(test_call(&trusting_client(&pki), &url, &NoAuth)).await;
    let (step, detail) = refused(result);
    assert_eq!(step, Step::Connect);
    assert_eq!(
        detail,
        format!("Could not connect to 127.0.0.1:{port}: connection refused.")
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_after_the_request_timeout() {
    let pki = peer::pki();
    let peer = peer::spawn(&pki, Behaviour::Silent).await;
    let url = format!("https://localhost:{}/ok", peer.port());
    let quick = make_client(Some(&pki), true, Duration::from_millis(300));
    let started = std::time::Instant::now();
    let (step, detail) = refused(bounded(test_call(&quick, &url, &NoAuth)).await);
    // The handshake completes (the probe's `tls` step passes); the request is what never ends.
    assert_eq!(step, Step::Request, "{detail}");
    assert!(detail.starts_with("No answer within 300ms"), "{detail}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        peer.connections(),
        2,
        "the probe's connection, then the request's"
    );
}

#[tokio::test]
async fn with_the_guard_on_loopback_targets_are_blocked_before_any_connection() {
    let pki = peer::pki();
    let peer = peer::spawn(&pki, Behaviour::Routes).await;
    let guarded = make_client(Some(&pki), false, Duration::from_secs(10));
    let port = peer.port();
    // A name is refused where it is resolved (dns), a literal where it would be connected to.
    for (url, blocked_at, words) in [
        (
            format!("https://127.0.0.1:{port}/ok"),
            Step::Connect,
            "The address 127.0.0.1 is loopback",
        ),
        (
            format!("https://localhost:{port}/ok"),
            Step::Dns,
            "The address 127.0.0.1 is loopback",
        ),
        (
            format!("https://[::1]:{port}/ok"),
            Step::Connect,
            "The address ::1 is loopback",
        ),
        (
            format!("https://[::ffff:127.0.0.1]:{port}/ok"),
            Step::Connect,
            "IPv4-mapped form of 127.0.0.1",
        ),
        (
            format!("https://0.0.0.0:{port}/ok"),
            Step::Connect,
            "The address 0.0.0.0 is unspecified",
        ),
    ] {
        let (step, detail) = refused(bounded(test_call(&guarded, &url, &NoAuth)).await);
        assert_eq!(step, blocked_at, "{url}: {detail}");
        assert!(detail.contains(words), "{url}: {detail}");
        assert!(
            detail.contains("such destinations are not allowed"),
            "{detail}"
        );
    }
    assert_eq!(
        peer.connections(),
        0,
        "the guard must refuse before connecting"
    );
}

#[tokio::test]
async fn a_body_is_read_up_to_the_cap_only() {
    let pki = peer::pki();
    let peer = peer::spawn(&pki, Behaviour::Routes).await;
    let client = trusting_client(&pki);
    for (path, expected_len, truncated) in [("/big", LOG_BODY_LIMIT, true), ("/x", 8, false)] {
        let url = format!("https://localhost:{}{path}", peer.port());
        let request = client.request(Method::GET, &url).expect("request");
        let response = bounded(client.send(request)).await.expect("response");
        let body = bounded(client.read_body_capped(response, LOG_BODY_LIMIT))
            .await
            .expect("body");
        assert_eq!(
            (body.bytes.len(), body.truncated),
            (expected_len, truncated)
        );
    }
}

#[test]
fn literal_private_addresses_are_refused_by_check_target_without_sending() {
    let guarded = make_client(None, false, Duration::from_secs(10));
    let check = |url: &str| guarded.check_target(&Url::parse(url).expect("url"));
    let err = check("https://10.0.0.1/hook").unwrap_err();
    assert_eq!(err.code(), ErrorCode::BlockedTarget);
    assert_eq!(
        err.message(),
        "The address 10.0.0.1 is private; such destinations are not allowed"
    );
    for url in [
        "https://169.254.169.254/latest/meta-data",
        "http://0x7f000001/",
        "https://[fd00::1]/",
        "https://[64:ff9b::a00:1]/",
    ] {
        assert_eq!(
            check(url).unwrap_err().code(),
            ErrorCode::BlockedTarget,
            "{url}"
        );
    }
    assert!(
        check("https://example.com/hook").is_ok(),
        "names are judged by the resolver"
    );
    assert!(check("https://8.8.8.8/hook").is_ok());
    let open = make_client(None, true, Duration::from_secs(10));
    assert!(open
        .check_target(&Url::parse("https://10.0.0.1/").unwrap())
        .is_ok());
}

#[tokio::test]
async fn the_resolver_drops_forbidden_addresses_unless_private_is_allowed() {
    let err = client::resolve_allowed("localhost", false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("127.0.0.1 is loopback"), "{err}");
    let addrs = client::resolve_allowed("localhost", true)
        .await
        .expect("resolves");
    assert!(addrs.iter().all(|a| a.ip().is_loopback()));
}

#[test]
fn a_bad_extra_ca_file_is_a_clear_error() {
    let build = |pem: &str| {
        OutboundClient::new(OutboundConfig {
            extra_ca_pem: Some(pem.as_bytes().to_vec()),
            ..OutboundConfig::default()
        })
        .unwrap_err()
    };
    assert!(matches!(
        build("not a certificate"),
        ClientBuildError::NoCertificates
    ));
    assert!(matches!(
        build("-----BEGIN CERTIFICATE-----\nMIIB\n"),
        ClientBuildError::BadPem(_)
    ));
    let garbage = "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";
    let err = build(garbage);
    assert!(
        matches!(err, ClientBuildError::BadCertificate { index: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("certificate #1"), "{err}");
}

#[test]
fn a_valid_extra_ca_file_builds_the_client() {
    let pki = peer::pki();
    assert!(OutboundClient::new(OutboundConfig {
        extra_ca_pem: Some(pki.ca_pem.into_bytes()),
        ..OutboundConfig::default()
    })
    .is_ok());
}
