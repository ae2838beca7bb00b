//! The test call `HEAD <url>` made before a webhook is saved (SPEC §3), against receivers on
//! loopback: only an exact 200 saves; otherwise 422 on `url` with what happened in `detail`.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{heads, hook, refused_url, service, setup, setup_with};
use crate::receiver::{refused_port, HangServer, Receiver, TestCa};
use crate::rest_assets::Api;

#[tokio::test]
async fn a_webhook_is_saved_after_one_head_request_and_never_shows_its_hub_secret() {
    let (api, receiver) = setup().await;
    let entity = service(&api, "Billing").await;
    let mut body = hook("Receipts", entity.clone(), &receiver.url("/ok"));
    body["hub_signature"] = json!({"secret": "s3cr3t", "algorithm": "sha512"});

    let res = api.post("/api/v1/integrations", body).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = res.body["id"].as_str().expect("id is a string").to_owned();
    assert_eq!(res.body["status"], "Active");
    assert_eq!(res.body["enabled"], true);
    assert_eq!(res.body["name"], "Receipts");
    assert_eq!(res.body["url"], receiver.url("/ok"));
    assert_eq!(res.body["entity"]["kind"], "service");
    assert_eq!(res.body["entity"]["id"], entity["id"]);
    assert_eq!(
        res.body["notifications"],
        json!([{"channel": "SMS", "event": "Delivered"}])
    );
    assert_eq!(
        res.body["hub_signature"],
        json!({"algorithm": "sha512", "secret_set": true})
    );
    assert_eq!(res.body["forward_to_smpp"], Value::Null);
    assert_eq!(res.body["authorization_id"], Value::Null);
    assert!(res.body["updated_at"].is_string());

    assert_eq!(heads(&receiver), ["HEAD /ok"]);
    let agent = receiver.seen()[0]
        .headers
        .iter()
        .find(|(k, _)| k == "user-agent")
        .map(|(_, v)| v.clone());
    assert!(agent.unwrap_or_default().starts_with("webhooks-console/"));

    let read = api.get(&format!("/api/v1/integrations/{id}")).await;
    assert_eq!((read.status, &read.body), (200, &res.body));
    let list = api.get("/api/v1/integrations").await;
    assert_eq!(list.body, json!([res.body]));
    for text in [&res.text, &read.text, &list.text] {
        assert!(!text.contains("s3cr3t"), "the hub secret leaked: {text}");
    }
    let stored = api
        .app
        .store
        .get_webhook(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored.hub_secret_enc.unwrap().contains("s3cr3t"),
        "stored sealed"
    );
}

#[tokio::test]
async fn a_url_that_answers_404_or_a_redirect_is_refused_and_the_redirect_is_not_followed() {
    let (api, receiver) = setup().await;
    let entity = service(&api, "Billing").await;

    let res = api
        .post(
            "/api/v1/integrations",
            hook("Hook", entity.clone(), &receiver.url("/missing")),
        )
        .await;
    let detail = refused_url(&res);
    assert!(detail.contains("404"), "{detail}");

    let res = api
        .post(
            "/api/v1/integrations",
            hook("Hook", entity, &receiver.url("/moved")),
        )
        .await;
    let detail = refused_url(&res);
    assert!(detail.contains("301"), "{detail}");

    assert_eq!(
        heads(&receiver),
        ["HEAD /missing", "HEAD /moved"],
        "no request to the Location"
    );
    assert_eq!(
        api.get("/api/v1/integrations").await.body,
        json!([]),
        "nothing was saved"
    );
}

#[tokio::test]
async fn a_url_that_never_answers_is_refused_once_the_request_timeout_passes() {
    let (api, _receiver) = setup().await;
    let hang = HangServer::start().await;
    let entity = service(&api, "Billing").await;
    let started = Instant::now();
    let res = api
        .post(
            "/api/v1/integrations",
            hook("Hook", entity, &hang.url("/ok")),
        )
        .await;
    let detail = refused_url(&res);
    assert!(
        detail.to_lowercase().contains("no answer within 500ms"),
        "{detail}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_closed_port_is_refused_with_connection_refused_in_the_detail() {
    let (api, _receiver) = setup().await;
    let entity = service(&api, "Billing").await;
    let url = format!("https://127.0.0.1:{}/ok", refused_port().await);
    let detail = refused_url(
        &api.post("/api/v1/integrations", hook("Hook", entity, &url))
            .await,
    );
    assert!(
        detail.to_lowercase().contains("connection refused"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_certificate_from_an_unknown_ca_is_refused_with_a_tls_error() {
    let receiver = Receiver::standard(&TestCa::new()).await;
    let api =
        Api::spawn_with(&["--allow-private-destinations", "--request-timeout", "500ms"]).await;
    let entity = service(&api, "Billing").await;
    let res = api
        .post(
            "/api/v1/integrations",
            hook("Hook", entity, &receiver.url("/ok")),
        )
        .await;
    let detail = refused_url(&res);
    assert!(
        detail.contains("TLS") && detail.contains("not trusted"),
        "{detail}"
    );
    assert!(receiver.connections() >= 1, "the handshake was tried");
    assert!(
        receiver.seen().is_empty(),
        "no request after a failed handshake"
    );
}

#[tokio::test]
async fn a_url_that_is_not_https_is_refused_without_any_request() {
    let (api, receiver) = setup().await;
    let entity = service(&api, "Billing").await;
    for url in [
        format!("http://localhost:{}/ok", receiver.port()),
        format!("ftp://localhost:{}/ok", receiver.port()),
        format!("https://user:pw@localhost:{}/ok", receiver.port()),
        String::new(),
    ] {
        let res = api
            .post("/api/v1/integrations", hook("Hook", entity.clone(), &url))
            .await;
        res.refused(422, Some("url"));
    }
    assert_eq!(receiver.connections(), 0);
}

#[tokio::test]
async fn with_the_ssrf_guard_on_a_loopback_url_is_refused_without_any_request() {
    let (api, receiver) = setup_with(false).await;
    let entity = service(&api, "Billing").await;
    let literal = format!("https://127.0.0.1:{}/ok", receiver.port());
    for url in [literal, receiver.url("/ok")] {
        let detail = refused_url(
            &api.post("/api/v1/integrations", hook("Hook", entity.clone(), &url))
                .await,
        );
        assert!(
            detail.contains("not allowed") && detail.contains("loopback"),
            "{url}: {detail}"
        );
    }
    assert_eq!(receiver.connections(), 0);
}
