//! The test call explains itself (CONTRACT §4): `POST /api/v1/integrations/test` and a refused
//! save carry `test_call` with the steps dns, connect, tls, (auth,) request — ending with the
//! first that failed — against real HTTPS receivers on loopback.

use serde_json::{json, Value};

use super::{hook, service, setup};
use crate::receiver::{refused_port, Answers, HangServer, Receiver, TestCa};
use crate::rest_assets::Api;

/// The steps as (name, ok) and the details, in order.
fn steps(test_call: &Value) -> (Vec<(String, bool)>, Vec<String>) {
    let list = test_call["steps"].as_array().expect("steps is a list");
    let names = list
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_owned(),
                s["ok"].as_bool().unwrap(),
            )
        })
        .collect();
    let details = list
        .iter()
        .map(|s| s["detail"].as_str().unwrap().to_owned())
        .collect();
    (names, details)
}

fn named(list: &[(&str, bool)]) -> Vec<(String, bool)> {
    list.iter().map(|(n, ok)| ((*n).to_owned(), *ok)).collect()
}

async fn run(api: &Api, url: &str, authorization_id: Option<&str>) -> Value {
    let res = api
        .post(
            "/api/v1/integrations/test",
            json!({"url": url, "authorization_id": authorization_id}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.body["test_call"].clone()
}

#[tokio::test]
async fn a_test_call_that_gets_200_shows_every_step_and_saves_nothing() {
    let (api, receiver) = setup().await;
    let call = run(&api, &receiver.url("/ok"), None).await;
    assert_eq!(call["ok"], true, "{call}");
    assert!(call["duration_ms"].is_u64());
    let (names, details) = steps(&call);
    assert_eq!(
        names,
        named(&[
            ("dns", true),
            ("connect", true),
            ("tls", true),
            ("request", true)
        ])
    );
    assert!(
        details[0].starts_with("localhost resolved to "),
        "{}",
        details[0]
    );
    assert!(details[1].starts_with("Connected to "), "{}", details[1]);
    assert!(
        details[2].starts_with("TLS 1.")
            && details[2].contains("issued by")
            && details[2].contains("valid until"),
        "{}",
        details[2]
    );
    assert!(
        details[3].starts_with("The URL answered 200 OK in "),
        "{}",
        details[3]
    );
    assert_eq!(api.get("/api/v1/integrations").await.body, json!([]));
    assert_eq!(receiver.seen().len(), 1, "one HEAD, from the request step");
}

#[tokio::test]
async fn a_name_that_does_not_resolve_stops_at_dns() {
    let (api, _receiver) = setup().await;
    // `.invalid` never resolves (RFC 6761); within the 500 ms request timeout either way.
    let call = run(&api, "https://no-such-host.invalid/hook", None).await;
    assert_eq!(call["ok"], false);
    let (names, details) = steps(&call);
    assert_eq!(names, named(&[("dns", false)]), "{call}");
    assert!(
        details[0].contains("no-such-host.invalid") || details[0].contains("No answer within"),
        "{}",
        details[0]
    );
}

#[tokio::test]
async fn a_closed_port_stops_at_connect_after_a_literal_address() {
    let (api, _receiver) = setup().await;
    let port = refused_port().await;
    let call = run(&api, &format!("https://127.0.0.1:{port}/ok"), None).await;
    let (names, details) = steps(&call);
    assert_eq!(names, named(&[("dns", true), ("connect", false)]), "{call}");
    assert_eq!(details[0], "Literal address 127.0.0.1; no lookup needed.");
    assert_eq!(
        details[1],
        format!("Could not connect to 127.0.0.1:{port}: connection refused.")
    );
}

#[tokio::test]
async fn an_untrusted_certificate_stops_at_tls_and_a_silent_server_times_out_there() {
    let (api, _receiver) = setup().await;
    let stranger = Receiver::standard(&TestCa::new()).await;
    let call = run(&api, &stranger.url("/ok"), None).await;
    let (names, details) = steps(&call);
    assert_eq!(
        names,
        named(&[("dns", true), ("connect", true), ("tls", false)]),
        "{call}"
    );
    assert_eq!(
        details[2],
        "TLS error: the server's certificate is not trusted (UnknownIssuer)."
    );
    assert!(stranger.seen().is_empty());

    let hang = HangServer::start().await;
    let call = run(&api, &hang.url("/ok"), None).await;
    let (names, details) = steps(&call);
    assert_eq!(names.last(), Some(&("tls".to_owned(), false)), "{call}");
    assert_eq!(details[2], "No answer within 500ms (the TLS handshake).");
}

#[tokio::test]
async fn a_refused_save_carries_the_steps_beside_error_field_and_detail() {
    let (api, receiver) = setup().await;
    let entity = service(&api, "Billing").await;
    let res = api
        .post(
            "/api/v1/integrations",
            hook("Hook", entity, &receiver.url("/missing")),
        )
        .await;
    res.refused(422, Some("url"));
    let detail = "The URL answered 404 Not Found; saving needs 200 OK.";
    assert_eq!(res.body["detail"], detail);
    let (names, details) = steps(&res.body["test_call"]);
    assert_eq!(
        names,
        named(&[
            ("dns", true),
            ("connect", true),
            ("tls", true),
            ("request", false)
        ])
    );
    assert_eq!(details[3], detail);
    assert_eq!(res.body["test_call"]["ok"], false);
}

#[tokio::test]
async fn an_authorization_adds_an_auth_step_that_fails_when_the_url_still_answers_401() {
    let ca = TestCa::new();
    let receiver = Receiver::start(
        &ca,
        Answers::default().status("/ok", 200).status("/locked", 401),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca.write_pem(dir.path()).display().to_string();
    let api = Api::spawn_in(
        dir,
        &[
            "--extra-ca-file",
            &ca_file,
            "--request-timeout",
            "500ms",
            "--allow-private-destinations",
        ],
    )
    .await;
    let basic = api
        .create(
            "/api/v1/authorizations",
            json!({"name": "Partner", "type": "Basic Auth", "username": "alice", "password": "pa55word"}),
        )
        .await;

    let call = run(&api, &receiver.url("/ok"), Some(&basic)).await;
    let (names, details) = steps(&call);
    assert_eq!(
        names,
        named(&[
            ("dns", true),
            ("connect", true),
            ("tls", true),
            ("auth", true),
            ("request", true)
        ]),
        "{call}"
    );
    assert_eq!(details[3], "Basic Auth as alice: applied.");
    let seen = receiver.seen();
    assert!(
        seen[0]
            .headers
            .iter()
            .any(|(k, v)| k == "authorization" && v.starts_with("Basic ")),
        "the credentials were sent"
    );
    assert!(!call.to_string().contains("pa55word"));

    let call = run(&api, &receiver.url("/locked"), Some(&basic)).await;
    let (names, details) = steps(&call);
    assert_eq!(names.last(), Some(&("auth".to_owned(), false)), "{call}");
    assert!(
        details[3].starts_with("Basic Auth as alice: the URL answered 401 Unauthorized in "),
        "{}",
        details[3]
    );
}

#[tokio::test]
async fn a_url_a_webhook_may_not_have_or_an_unknown_authorization_is_a_422() {
    let (api, receiver) = setup().await;
    let res = api
        .post(
            "/api/v1/integrations/test",
            json!({"url": "http://example.com/"}),
        )
        .await;
    res.refused(422, Some("url"));
    let res = api
        .post(
            "/api/v1/integrations/test",
            json!({"url": receiver.url("/ok"), "authorization_id": "999"}),
        )
        .await;
    res.refused(422, Some("authorization_id"));
    let res = api
        .post("/api/v1/integrations/test", json!({"uri": 1}))
        .await;
    assert_eq!(res.status, 400, "{}", res.text);
    assert_eq!(receiver.connections(), 0);
}
