use serde_json::json;

use crate::dispatcher::{receipt, Harness};
use crate::receiver::Answers;

#[tokio::test]
async fn a_page_links_to_the_next_one_with_the_same_filters() {
    let h = Harness::start(Answers::default().posts("/ok", &[200], ""), &[]).await;
    let svc = h.service("Billing").await;
    h.webhook("Ok", &svc, "/ok", json!({})).await;
    let events: Vec<_> = (0..5).map(|i| receipt(&svc, json!({"i": i}))).collect();
    h.ingest(json!(events)).await;
    h.run_once().await;
    let res = h
        .api
        .app
        .client
        .get(h.api.app.url("/api/v1/deliveries?status=delivered&limit=2"))
        .bearer_auth(h.api.key())
        .send()
        .await
        .unwrap();
    let link = res.headers()["link"].to_str().unwrap().to_owned();
    let page: Vec<serde_json::Value> = res.json().await.unwrap();
    let last = page[1]["id"].as_str().unwrap();
    assert_eq!(
        link,
        format!("</api/v1/deliveries?status=delivered&limit=2&before={last}>; rel=\"next\"")
    );
    // The last page has no next link.
    let res = h
        .api
        .app
        .client
        .get(h.api.app.url("/api/v1/deliveries?limit=5"))
        .bearer_auth(h.api.key())
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("link").is_none());
}

#[tokio::test]
async fn a_delivery_shows_what_was_sent_with_its_credentials_masked() {
    let h = Harness::start(Answers::default().posts("/ok", &[200], "thanks"), &[]).await;
    let svc = h.service("Billing").await;
    let profile = h
        .api
        .create(
            "/api/v1/authorizations",
            json!({"name": "Partner login", "type": "Basic Auth", "username": "ana",
                   "password": "s3cret-pass"}),
        )
        .await;
    h.webhook(
        "Signed",
        &svc,
        "/ok",
        json!({"authorization_id": profile,
               "hub_signature": {"secret": "hub-secret-1", "algorithm": "sha256"}}),
    )
    .await;
    h.ingest(receipt(&svc, json!({"amount": 5}))).await;
    h.run_once().await;
    let d = &h.deliveries("").await[0];
    let full = h.delivery(d["id"].as_str().unwrap()).await;
    assert_eq!(full["request_body"], r#"{"amount":5}"#);
    assert!(full["integration_url"].as_str().unwrap().ends_with("/ok"));
    let sent = &full["attempts"][0]["request_headers"];
    assert_eq!(sent["authorization"], "Basic ••••");
    assert_eq!(sent["content-type"], "application/json");
    assert_eq!(sent["x-wx-gtrid"], d["event_id"]);
    assert!(sent["x-hub-signature"]
        .as_str()
        .unwrap()
        .starts_with("sha256="));
    assert!(sent["user-agent"]
        .as_str()
        .unwrap()
        .starts_with("webhooks-console/"));
    let text = full.to_string();
    for secret in ["s3cret-pass", "hub-secret-1", "YW5hOnMzY3JldC1wYXNz"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert_eq!(full["attempts"][0]["response_body"], "thanks");
}

#[tokio::test]
async fn a_delivery_of_a_deleted_webhook_cannot_be_resent() {
    let h = Harness::start(Answers::default().posts("/bad", &[404], ""), &[]).await;
    let svc = h.service("Billing").await;
    let hook = h.webhook("Old partner", &svc, "/bad", json!({})).await;
    h.ingest(receipt(&svc, json!({}))).await;
    h.run_once().await;
    let id = h.deliveries("").await[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        h.api
            .delete(&format!("/api/v1/integrations/{hook}"))
            .await
            .status,
        204
    );
    let res = h
        .api
        .post(&format!("/api/v1/deliveries/{id}/resend"), json!({}))
        .await;
    let error = res.refused(409, None);
    assert!(
        error.contains("Old partner") && error.contains("deleted"),
        "{error}"
    );
    assert_eq!(h.posts().len(), 1, "nothing was sent");
    let d = h.delivery(&id).await;
    assert_eq!(
        d["integration_name"], "Old partner",
        "the log keeps the name"
    );
    assert!(d["integration_url"].is_null());
}
