//! Deliveries carry their webhook's authorization profile, through the same live authorizer as
//! the test call: a Basic profile on both requests, and an OAuth 2.0 client-credentials token
//! fetched once (by the test call) and reused by the delivery, from oauth2-mock-server.

use std::{path::PathBuf, process::Command};

use base64::Engine as _;
use serde_json::json;

use super::{receipt, Harness};
use crate::outbound_auth::{child::Peer, pki::Pki};
use crate::receiver::{Answers, Receiver, TestCa};
use crate::rest_assets::Api;

fn header<'a>(seen: &'a crate::receiver::Seen, name: &str) -> Option<&'a str> {
    seen.headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn a_delivery_carries_the_basic_authorization_its_test_call_carried() {
    let h = Harness::start(Answers::default().posts("/hook", &[200], "ok"), &[]).await;
    let service = h.service("Billing").await;
    let auth = h
        .api
        .create(
            "/api/v1/authorizations",
            json!({"name": "Partner", "type": "Basic Auth", "username": "ops", "password": "p\u{e4}ss:word"}),
        )
        .await;
    h.webhook(
        "Authorized",
        &service,
        "/hook",
        json!({"authorization_id": auth}),
    )
    .await;
    let res = h.ingest(receipt(&service, json!({"n": 1}))).await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(h.run_once().await, 1);

    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("ops:p\u{e4}ss:word".as_bytes())
    );
    let seen = h.receiver.seen();
    let head = seen
        .iter()
        .find(|s| s.method == "HEAD")
        .expect("the test call");
    assert_eq!(header(head, "authorization"), Some(expected.as_str()));
    let posts = h.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(header(&posts[0], "authorization"), Some(expected.as_str()));
    let log = h.deliveries("").await;
    assert_eq!(log[0]["status"], "delivered", "{log:?}");
}

#[tokio::test]
async fn an_oauth_token_fetched_for_the_test_call_is_reused_by_the_delivery() {
    // Two TLS peers with their own CAs: the webhook receiver and the OAuth server.
    let ca = TestCa::new();
    let receiver = Receiver::start(&ca, Answers::default().posts("/hook", &[200], "ok")).await;
    let pki = Pki::new();
    let modules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../end2end/node_modules");
    let mut command = Command::new("node");
    command
        .arg(crate::outbound_auth::child::peer_script("oauth2_mock.mjs"))
        .arg(modules)
        .arg(&pki.cert_file)
        .arg(&pki.key_file);
    let peer = Peer::start(command, "oauth2-mock-server");
    let dir = tempfile::tempdir().unwrap();
    let cas = dir.path().join("cas.pem");
    std::fs::write(&cas, format!("{}\n{}", ca.ca_pem, pki.ca_pem)).unwrap();
    let cas = cas.display().to_string();
    let api = Api::spawn_manual_in(
        dir,
        &["--extra-ca-file", &cas, "--allow-private-destinations"],
    )
    .await;

    let service = api
        .create("/api/v1/services", json!({"name": "Billing"}))
        .await;
    let auth = api
        .create(
            "/api/v1/authorizations",
            json!({"name": "cc", "type": "OAuth 2.0", "client_id": "console", "client_secret": "s3cret",
                   "access_token_url": format!("https://localhost:{}/token", peer.port)}),
        )
        .await;
    api.create(
        "/api/v1/integrations",
        json!({"name": "Bearer", "entity": {"kind": "service", "id": service},
               "url": receiver.url("/hook"), "authorization_id": auth,
               "notifications": [{"channel": "SMS", "event": "Delivered"}]}),
    )
    .await;
    let res = api
        .post("/api/v1/events", receipt(&service, json!({"n": 1})))
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(api.app.dispatcher.run_once().await.expect("run_once"), 1);

    let seen = receiver.seen();
    let head = seen
        .iter()
        .find(|s| s.method == "HEAD")
        .expect("the test call");
    let post = seen
        .iter()
        .find(|s| s.method == "POST")
        .expect("the delivery");
    let bearer = header(head, "authorization").expect("the test call was authorized");
    assert!(bearer.starts_with("Bearer ey"), "{bearer}");
    assert_eq!(header(post, "authorization"), Some(bearer));
    let tokens = peer.wait_events(1, |e| e["event"] == "token");
    assert_eq!(tokens.len(), 1, "one token request for both: {tokens:?}");
    let profile = api.get(&format!("/api/v1/authorizations/{auth}")).await;
    assert_eq!(profile.body["status"], "Authorized", "{}", profile.text);
}
