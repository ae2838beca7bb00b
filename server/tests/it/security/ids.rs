//! Ids are never handed out twice (CONTRACT §4 "Bad input"): a deleted row's id never names a
//! new one, so a delivery log or a resend can never reach the wrong partner.

use serde_json::{json, Value};

use crate::receiver::{Receiver, TestCa};
use crate::rest_assets::Api;

async fn api_and_receiver() -> (Api, Receiver) {
    let ca = TestCa::new();
    let receiver = Receiver::standard(&ca).await;
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca.write_pem(dir.path()).display().to_string();
    let flags = [
        "--extra-ca-file",
        &ca_file,
        "--request-timeout",
        "500ms",
        "--allow-private-destinations",
    ];
    (Api::spawn_in(dir, &flags).await, receiver)
}

fn hook(name: &str, service_id: &str, url: &str) -> Value {
    json!({"name": name, "entity": {"kind": "service", "id": service_id}, "url": url,
           "notifications": [{"channel": "SMS", "event": "Delivered"}]})
}

#[tokio::test]
async fn a_new_webhook_never_gets_the_id_of_a_deleted_one() {
    let (api, receiver) = api_and_receiver().await;
    let service = api
        .create("/api/v1/services", json!({"name": "Billing"}))
        .await;
    let url = receiver.url("/ok");
    let first = api
        .create("/api/v1/integrations", hook("Partner A", &service, &url))
        .await;
    let res = api.delete(&format!("/api/v1/integrations/{first}")).await;
    assert_eq!(res.status, 204, "{}", res.text);
    let second = api
        .create("/api/v1/integrations", hook("Partner C", &service, &url))
        .await;
    assert_ne!(second, first, "the deleted webhook's id was given again");
    let gone = api.get(&format!("/api/v1/integrations/{first}")).await;
    assert_eq!(gone.status, 404, "{}", gone.text);
}

#[tokio::test]
async fn a_new_asset_never_gets_the_id_of_a_deleted_one() {
    let api = Api::spawn().await;
    for (collection, body) in [
        ("/api/v1/services", json!({"name": "Billing"})),
        (
            "/api/v1/numbers",
            json!({"number": "+14155550100", "capabilities": ["SMS"]}),
        ),
        (
            "/api/v1/apps",
            json!({"name": "Shop chat", "app_type": "WhatsApp"}),
        ),
        (
            "/api/v1/esme-binds",
            json!({"system_id": "smppclient1", "password": "pw1", "description": ""}),
        ),
    ] {
        let first = api.create(collection, body.clone()).await;
        let res = api.delete(&format!("{collection}/{first}")).await;
        assert_eq!(res.status, 204, "{collection}: {}", res.text);
        let second = api.create(collection, body).await;
        assert_ne!(second, first, "{collection} gave a deleted id again");
    }
}

#[tokio::test]
async fn a_new_authorization_never_gets_the_id_of_a_deleted_one() {
    let api = Api::spawn().await;
    let body = json!({"name": "Partner", "type": "Basic Auth", "username": "u", "password": "p"});
    let first = api.create("/api/v1/authorizations", body.clone()).await;
    let res = api.delete(&format!("/api/v1/authorizations/{first}")).await;
    assert_eq!(res.status, 204, "{}", res.text);
    let second = api.create("/api/v1/authorizations", body).await;
    assert_ne!(second, first);
}
