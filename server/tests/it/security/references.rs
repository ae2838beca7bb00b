//! References a webhook holds (`authorization_id`, `forward_to_smpp/esme_bind_id`) never dangle
//! (review item 8): a profile or ESME bind deleted while the save's test call runs makes the
//! save a 422 on that field, with nothing stored — never a 500, never a webhook naming a row
//! that is gone. (Deleting one a saved webhook uses is a 409: `rest_assets::in_use`,
//! `rest_authorizations`.)

use std::time::Duration;

use serde_json::{json, Value};

use crate::receiver::{Answers, Receiver, TestCa};
use crate::rest_assets::{Answer, Api};

/// The test call's HEAD to `/slow` is answered after this long: the window the delete uses.
const SLOW: Duration = Duration::from_millis(1500);

async fn api_and_slow_receiver() -> (Api, Receiver) {
    let ca = TestCa::new();
    let answers = Answers::default()
        .status("/ok", 200)
        .status_after("/slow", 200, SLOW);
    let receiver = Receiver::start(&ca, answers).await;
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca.write_pem(dir.path()).display().to_string();
    let flags = ["--extra-ca-file", &ca_file, "--allow-private-destinations"];
    (Api::spawn_in(dir, &flags).await, receiver)
}

/// Deletes `path` once the receiver has seen the test call's HEAD to `/slow` (bounded wait).
async fn delete_during_the_test_call(api: &Api, receiver: &Receiver, path: &str) -> Answer {
    for _ in 0..200 {
        if receiver
            .seen()
            .iter()
            .any(|s| s.method == "HEAD" && s.path == "/slow")
        {
            return api.delete(path).await;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the test call never reached the receiver");
}

async fn integrations(api: &Api) -> Vec<Value> {
    api.get("/api/v1/integrations")
        .await
        .body
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_profile_deleted_during_the_test_call_refuses_the_save_on_authorization_id() {
    let (api, receiver) = api_and_slow_receiver().await;
    let service = api
        .create("/api/v1/services", json!({"name": "Billing"}))
        .await;
    let profile = api
        .create(
            "/api/v1/authorizations",
            json!({"name": "Partner", "type": "Basic Auth", "username": "ana", "password": "pw"}),
        )
        .await;
    let body = json!({"name": "Receipts", "entity": {"kind": "service", "id": service},
                      "url": receiver.url("/slow"), "authorization_id": profile,
                      "notifications": [{"channel": "SMS", "event": "Delivered"}]});
    let profile_path = format!("/api/v1/authorizations/{profile}");
    let (saved, deleted) = tokio::join!(
        api.post("/api/v1/integrations", body),
        delete_during_the_test_call(&api, &receiver, &profile_path),
    );
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let error = saved.refused(422, Some("authorization_id"));
    assert!(error.contains(&profile), "{error}");
    assert!(integrations(&api).await.is_empty(), "nothing was stored");
}

#[tokio::test]
async fn a_profile_deleted_during_an_update_s_test_call_leaves_the_webhook_as_it_was() {
    let (api, receiver) = api_and_slow_receiver().await;
    let service = api
        .create("/api/v1/services", json!({"name": "Billing"}))
        .await;
    let profile = api
        .create(
            "/api/v1/authorizations",
            json!({"name": "Partner", "type": "Basic Auth", "username": "ana", "password": "pw"}),
        )
        .await;
    let mut body = json!({"name": "Receipts", "entity": {"kind": "service", "id": service},
                          "url": receiver.url("/ok"),
                          "notifications": [{"channel": "SMS", "event": "Delivered"}]});
    let id = api.create("/api/v1/integrations", body.clone()).await;
    let before = api.get(&format!("/api/v1/integrations/{id}")).await.body;
    body["url"] = json!(receiver.url("/slow"));
    body["authorization_id"] = json!(profile);
    let (hook_path, profile_path) = (
        format!("/api/v1/integrations/{id}"),
        format!("/api/v1/authorizations/{profile}"),
    );
    let (saved, deleted) = tokio::join!(
        api.put(&hook_path, body),
        delete_during_the_test_call(&api, &receiver, &profile_path),
    );
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    saved.refused(422, Some("authorization_id"));
    let after = api.get(&format!("/api/v1/integrations/{id}")).await.body;
    assert_eq!(after, before, "the webhook is unchanged");
}

#[tokio::test]
async fn an_esme_bind_deleted_during_the_test_call_refuses_the_save_on_its_field() {
    let (api, receiver) = api_and_slow_receiver().await;
    let number = api
        .create(
            "/api/v1/numbers",
            json!({"number": "+14155550100", "capabilities": ["SMS"]}),
        )
        .await;
    let bind = api
        .create(
            "/api/v1/esme-binds",
            json!({"system_id": "client", "password": "pw"}),
        )
        .await;
    let body = json!({"name": "Inbound", "entity": {"kind": "number", "id": number},
                      "url": receiver.url("/slow"), "forward_to_smpp": {"esme_bind_id": bind},
                      "notifications": [{"channel": "SMS", "event": "Incoming Message"}]});
    let bind_path = format!("/api/v1/esme-binds/{bind}");
    let (saved, deleted) = tokio::join!(
        api.post("/api/v1/integrations", body),
        delete_during_the_test_call(&api, &receiver, &bind_path),
    );
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    saved.refused(422, Some("forward_to_smpp/esme_bind_id"));
    assert!(integrations(&api).await.is_empty(), "nothing was stored");
}
