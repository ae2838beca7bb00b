//! httpbin under gunicorn with TLS: the HEAD test call with Basic and Digest (MD5, SHA-256,
//! qop auth: the 401-challenge path).

use std::process::Command;
use std::sync::Arc;

use app::domain::authorization::{DigestAlgorithm, DigestQop};
use app::domain::webhook::{Step, TestCall};
use webhooks_console::outbound::auth::{authorizer, AuthProfile, BasicConfig, DigestConfig};
use webhooks_console::outbound::test_call;
use webhooks_console::secrets::Secret;

use super::child::{free_port, python, Peer};
use super::{bounded, client, pki::Pki, RecordingSink};

fn httpbin(pki: &Pki) -> Peer {
    let port = free_port();
    let mut command = Command::new(python());
    command.args([
        "-m",
        "gunicorn",
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--bind",
    ]);
    command.arg(format!("127.0.0.1:{port}"));
    command.arg("--certfile").arg(&pki.cert_file);
    command.arg("--keyfile").arg(&pki.key_file);
    command.arg("httpbin:app");
    Peer::start_polling(command, port, "httpbin (gunicorn)")
}

fn basic(user: &str, password: &str) -> AuthProfile {
    AuthProfile::Basic(BasicConfig {
        username: user.into(),
        password: Secret::new(password),
    })
}

fn digest(algorithm: DigestAlgorithm) -> AuthProfile {
    AuthProfile::Digest(DigestConfig {
        username: "u".into(),
        password: Secret::new("p"),
        realm: None,
        nonce: None,
        opaque: None,
        algorithm,
        qop: DigestQop::Auth,
        nonce_count: None,
        client_nonce: None,
    })
}

#[tokio::test]
async fn basic_auth_passes_httpbins_test_call_and_a_wrong_password_gets_401() {
    let pki = Pki::new();
    let peer = httpbin(&pki);
    let client = client(&pki);
    let url = format!("https://localhost:{}/basic-auth/u/p%C3%A9", peer.port);
    let sink = Arc::new(RecordingSink::default());
    let good = authorizer(basic("u", "p\u{e9}"), sink.clone());
    let passed = bounded(test_call(&client, &url, good.as_ref())).await;
    assert!(passed.ok, "{passed:?}");
    assert_eq!(failed_step(&passed), None);
    let wrong = authorizer(basic("u", "nope"), sink);
    let refused = bounded(test_call(&client, &url, wrong.as_ref())).await;
    let (step, detail) = failed_step(&refused).expect("a wrong password must be refused");
    assert_eq!(step, Step::Auth, "{detail}");
    assert!(detail.contains("401 Unauthorized"), "{detail}");
}

/// The step that failed and what it saw, if one did.
fn failed_step(call: &TestCall) -> Option<(Step, String)> {
    call.failure().map(|s| (s.step, s.detail.clone()))
}

#[tokio::test]
async fn digest_md5_and_sha256_answer_httpbins_challenge_within_the_test_call() {
    let pki = Pki::new();
    let peer = httpbin(&pki);
    let client = client(&pki);
    for (algorithm, name) in [
        (DigestAlgorithm::Md5, "MD5"),
        (DigestAlgorithm::Sha256, "SHA-256"),
    ] {
        let url = format!(
            "https://localhost:{}/digest-auth/auth/u/p/{name}",
            peer.port
        );
        let auth = authorizer(digest(algorithm), Arc::new(RecordingSink::default()));
        let first = bounded(test_call(&client, &url, auth.as_ref())).await;
        assert!(
            first.ok,
            "{name}: the challenge must be answered: {first:?}"
        );
        let auth_step = first.steps.iter().find(|s| s.step == Step::Auth);
        assert!(
            auth_step.is_some_and(|s| s.ok && s.detail.contains("401 Unauthorized first")),
            "{name}: the auth step tells of the challenge: {first:?}"
        );
        // The remembered nonce is now sent up front, with nc=2.
        let second = bounded(test_call(&client, &url, auth.as_ref())).await;
        assert!(second.ok, "{name}: second call: {second:?}");
        let wrong_url = format!(
            "https://localhost:{}/digest-auth/auth/u/other/{name}",
            peer.port
        );
        let refused = bounded(test_call(&client, &wrong_url, auth.as_ref())).await;
        assert!(
            failed_step(&refused)
                .is_some_and(|(step, detail)| step == Step::Auth && detail.contains("401")),
            "{name}: a wrong password must end in 401, got {refused:?}"
        );
    }
}
