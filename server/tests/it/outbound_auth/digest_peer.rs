//! Digest POST deliveries (MD5-sess, SHA-256-sess, auth-int) at `peers/digest_receiver.py`, an
//! independent Python/hashlib verifier; and that verifier cross-checked with `curl --digest`.

use std::process::Command;
use std::sync::Arc;

use app::domain::authorization::{DigestAlgorithm, DigestQop};
use reqwest::{Method, Url};
use webhooks_console::outbound::auth::{authorizer, AuthProfile, DigestConfig, OutboundRequest};
use webhooks_console::secrets::Secret;

use super::child::{peer_script, python, Peer};
use super::{bounded, client, pki::Pki, RecordingSink};

fn receiver(pki: &Pki, algorithm: &str, qop: &str) -> Peer {
    receiver_with(pki, algorithm, qop, &[])
}

fn receiver_with(pki: &Pki, algorithm: &str, qop: &str, extra: &[&str]) -> Peer {
    let mut command = Command::new(python());
    command.arg(peer_script("digest_receiver.py"));
    command.args(["--user", "Mufasa", "--password", "Circle of Life"]);
    command.args(["--algorithm", algorithm, "--qop", qop]);
    command.arg("--cert").arg(&pki.cert_file);
    command.arg("--key").arg(&pki.key_file);
    command.args(extra);
    Peer::start(command, "Digest receiver")
}

fn config(algorithm: DigestAlgorithm, qop: DigestQop) -> DigestConfig {
    DigestConfig {
        username: "Mufasa".into(),
        password: Secret::new("Circle of Life"),
        realm: None,
        nonce: None,
        opaque: None,
        algorithm,
        qop,
        nonce_count: None,
        client_nonce: None,
    }
}

fn post(port: u16, body: &str) -> OutboundRequest {
    let url = Url::parse(&format!("https://localhost:{port}/hooks/in?source=console")).unwrap();
    let mut request = OutboundRequest::new(Method::POST, url);
    request
        .headers
        .insert("content-type", "application/json".parse().unwrap());
    request.body = bytes::Bytes::from(body.to_owned());
    request
}

fn verdicts(peer: &Peer, expected: usize) -> Vec<String> {
    peer.wait_events(expected, |_| true)
        .iter()
        .map(|e| e["event"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn post_deliveries_pass_an_independent_verifier_for_sess_and_auth_int() {
    let pki = Pki::new();
    let client = client(&pki);
    let cases = [
        (DigestAlgorithm::Md5Sess, DigestQop::Auth),
        (DigestAlgorithm::Sha256Sess, DigestQop::Auth),
        (DigestAlgorithm::Md5, DigestQop::AuthInt),
        (DigestAlgorithm::Sha256Sess, DigestQop::AuthInt),
    ];
    for (algorithm, qop) in cases {
        let peer = receiver(&pki, algorithm.label(), qop.label());
        let auth = authorizer(
            AuthProfile::Digest(config(algorithm, qop)),
            Arc::new(RecordingSink::default()),
        );
        for body in [r#"{"event":"créé","n":1}"#, r#"{"event":"créé","n":2}"#] {
            let response = bounded(auth.send(&client, post(peer.port, body)))
                .await
                .expect("sent");
            assert_eq!(response.status(), 200, "{algorithm} {qop}: {body}");
        }
        // One challenge for the first delivery; the second goes up front with nc=2.
        assert_eq!(
            verdicts(&peer, 3),
            ["challenged", "verified", "verified"],
            "{algorithm} {qop}"
        );
    }
}

#[tokio::test]
async fn a_configured_nonce_the_server_does_not_know_is_answered_from_its_challenge() {
    let pki = Pki::new();
    let peer = receiver(&pki, "SHA-256", "auth");
    let mut cfg = config(DigestAlgorithm::Sha256, DigestQop::Auth);
    cfg.realm = Some("receiver@test".into());
    cfg.nonce = Some("stale-nonce-from-the-form".into());
    cfg.nonce_count = Some(7);
    cfg.client_nonce = Some("fixed-cnonce".into());
    let auth = authorizer(AuthProfile::Digest(cfg), Arc::new(RecordingSink::default()));
    let response = bounded(auth.send(&client(&pki), post(peer.port, "{}")))
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let events = peer.wait_events(2, |_| true);
    assert_eq!(events[0]["event"], "challenged");
    assert_eq!(
        events[0]["reason"], "unknown nonce",
        "sent up front with the configured nonce"
    );
    assert_eq!(events[1]["event"], "verified");
}

#[tokio::test]
async fn a_stale_nonce_is_replaced_by_the_new_one_and_nc_restarts_at_one() {
    let pki = Pki::new();
    let peer = receiver_with(&pki, "SHA-256-sess", "auth-int", &["--stale-after", "2"]);
    let cfg = config(DigestAlgorithm::Sha256Sess, DigestQop::AuthInt);
    let auth = authorizer(AuthProfile::Digest(cfg), Arc::new(RecordingSink::default()));
    let client = client(&pki);
    for n in 0..4 {
        let body = format!(r#"{{"n":{n}}}"#);
        let response = bounded(auth.send(&client, post(peer.port, &body)))
            .await
            .expect("sent");
        assert_eq!(response.status(), 200, "delivery {n}");
    }
    let events = peer.wait_events(6, |_| true);
    let summary: Vec<String> = events
        .iter()
        .map(|e| match e["event"].as_str() {
            Some("verified") => format!("verified nc={}", e["nc"].as_str().unwrap()),
            _ => format!("challenged: {}", e["reason"].as_str().unwrap()),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "challenged: no Digest credentials",
            "verified nc=00000001",
            "verified nc=00000002",
            "challenged: stale",
            "verified nc=00000001",
            "verified nc=00000002",
        ]
    );
    assert_ne!(
        events[1]["nonce"], events[4]["nonce"],
        "the new nonce is used after stale=true"
    );
}

fn curl(pki: &Pki, port: u16, password: &str) -> String {
    let output = Command::new("curl")
        .args(["--silent", "--show-error", "--digest", "--user"])
        .arg(format!("Mufasa:{password}"))
        .arg("--cacert")
        .arg(pki.ca_file())
        .args([
            "--data-binary",
            r#"{"a":1}"#,
            "--output",
            "/dev/null",
            "--write-out",
            "%{http_code}",
        ])
        .arg(format!("https://localhost:{port}/hooks/in?x=1"))
        .output()
        .expect("curl is installed (it is an independent Digest client for this test)");
    let code = String::from_utf8_lossy(&output.stdout).into_owned();
    if code == "000" {
        panic!("curl failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    code
}

#[test]
fn curl_digest_is_accepted_by_the_receiver_so_the_verifier_is_sound() {
    let pki = Pki::new();
    for algorithm in ["MD5", "MD5-sess", "SHA-256", "SHA-256-sess"] {
        let peer = receiver(&pki, algorithm, "auth");
        assert_eq!(
            curl(&pki, peer.port, "Circle of Life"),
            "200",
            "curl with {algorithm}"
        );
        assert_eq!(
            curl(&pki, peer.port, "wrong"),
            "401",
            "curl, wrong password, {algorithm}"
        );
        let events = peer.wait_events(4, |_| true);
        assert_eq!(
            events[3]["reason"], "wrong response",
            "{algorithm}: {events:?}"
        );
    }
}

/// A SHA-256 profile facing a server (or a man in the middle) that offers only MD5: an
/// authorization error naming both, and the challenge is never answered in MD5.
#[tokio::test]
async fn a_challenge_in_another_algorithm_is_an_error_never_a_downgrade() {
    let pki = Pki::new();
    let peer = receiver(&pki, "MD5", "auth");
    let cfg = config(DigestAlgorithm::Sha256, DigestQop::Auth);
    let auth = authorizer(AuthProfile::Digest(cfg), Arc::new(RecordingSink::default()));
    let error = bounded(auth.send(&client(&pki), post(peer.port, "{}")))
        .await
        .expect_err("not answered");
    let message = error.message();
    assert!(
        message.contains("MD5") && message.contains("SHA-256"),
        "{message}"
    );
    // The one request seen was the unauthorized first one.
    assert_eq!(verdicts(&peer, 1), ["challenged"]);
}
