//! `/api/v1/authorizations` over HTTP (CONTRACT §2, SPEC §5): each type saved and read back with
//! its secrets write-only, validation errors by field path, PUT keeping absent secrets, delete
//! refused while a webhook uses the profile, and a webhook's test call carrying the profile.

mod oauth_peer;
mod tokens;

use serde_json::{json, Value};

use crate::receiver::{Receiver, TestCa};
use crate::rest_assets::Api;

/// The app trusting the receiver's CA, SSRF guard off (loopback), and a standard receiver.
async fn setup() -> (Api, Receiver) {
    let ca = TestCa::new();
    let receiver = Receiver::standard(&ca).await;
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca.write_pem(dir.path()).display().to_string();
    let flags = [
        "--extra-ca-file",
        &ca_file,
        "--request-timeout",
        "2s",
        "--allow-private-destinations",
        "--public-url",
        "https://console.example.com/",
    ];
    (Api::spawn_in(dir, &flags).await, receiver)
}

/// One valid body per type, each with a secret that must never come back.
fn bodies() -> Vec<Value> {
    vec![
        json!({"name": "none", "type": "No Auth"}),
        json!({"name": "basic", "type": "Basic Auth", "username": "ana", "password": "SECRET-basic"}),
        json!({"name": "digest", "type": "Digest Auth", "username": "ana", "password": "SECRET-digest",
               "algorithm": "SHA-256-sess", "qop": "auth-int", "realm": "api", "nonce_count": 3}),
        json!({"name": "aws", "type": "AWS Signature", "access_key": "AKID", "secret_key": "SECRET-aws",
               "region": "eu-west-1", "service_name": "execute-api"}),
        json!({"name": "apikey", "type": "API Key", "key": "X-Api-Key", "key_value": "SECRET-apikey",
               "add_to": "Query Params"}),
        json!({"name": "cc", "type": "OAuth 2.0", "grant_type": "Client Credentials",
               "client_id": "cid", "client_secret": "SECRET-cc",
               "access_token_url": "https://idp.example/token", "scope": "a b",
               "limited_validity": true, "validity": 600,
               "access_token_url_headers": {"X-Tenant": "t1"},
               "client_authentication": "Send as Basic Auth header"}),
        json!({"name": "code", "type": "OAuth 2.0", "grant_type": "Authorization Code",
               "consumer_id": "cons", "consumer_secret": "SECRET-code",
               "authorization_url": "https://idp.example/authorize",
               "access_token_url": "https://idp.example/token"}),
    ]
}

#[tokio::test]
async fn every_type_is_saved_and_read_back_without_its_secrets() {
    let (api, _receiver) = setup().await;
    let mut ids = Vec::new();
    for body in bodies() {
        let res = api.post("/api/v1/authorizations", body.clone()).await;
        assert_eq!(res.status, 201, "{body}: {}", res.text);
        assert_eq!(res.body["type"], body["type"]);
        assert!(res.body["id"].is_string() && res.body["updated_at"].is_string());
        assert!(
            !res.text.contains("SECRET-"),
            "a secret leaked: {}",
            res.text
        );
        ids.push(res.body["id"].as_str().unwrap().to_owned());
    }
    let list = api.get("/api/v1/authorizations").await;
    assert!(!list.text.contains("SECRET-"), "{}", list.text);
    let names: Vec<&str> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["code", "cc", "apikey", "aws", "digest", "basic", "none"],
        "newest first"
    );

    let basic = api.get(&format!("/api/v1/authorizations/{}", ids[1])).await;
    assert_eq!(basic.body["username"], "ana");
    assert_eq!(basic.body["secrets_set"], json!(["password"]));
    assert_eq!(basic.body["status"], "Authorized");
    let digest = api.get(&format!("/api/v1/authorizations/{}", ids[2])).await;
    assert_eq!(digest.body["algorithm"], "SHA-256-sess");
    assert_eq!(digest.body["nonce_count"], 3);
    let cc = api.get(&format!("/api/v1/authorizations/{}", ids[5])).await;
    assert_eq!(cc.body["status"], "Authorization Pending");
    assert_eq!(
        cc.body["access_token_url_headers"],
        json!({"X-Tenant": "t1"})
    );
    assert_eq!(cc.body["validity"], 600);
    assert_eq!(cc.body["call_back_url"], Value::Null);
    let code = api.get(&format!("/api/v1/authorizations/{}", ids[6])).await;
    assert_eq!(
        code.body["call_back_url"],
        "https://console.example.com/oauth/callback"
    );
    assert_eq!(code.body["access_token_set"], false);

    let stored = api
        .app
        .store
        .list_authorizations(&Default::default())
        .await
        .unwrap();
    for r in stored {
        let raw = format!("{} {:?}", r.settings, r.secrets_enc);
        assert!(!raw.contains("SECRET-"), "stored in clear: {raw}");
    }
}

#[tokio::test]
async fn validation_errors_name_the_field_path() {
    let (api, _receiver) = setup().await;
    let cases = [
        (json!({"name": "", "type": "No Auth"}), "name"),
        (json!({"name": "x", "type": "Bearer"}), "type"),
        (
            json!({"name": "x", "type": "Basic Auth", "username": "ana"}),
            "password",
        ),
        (
            json!({"name": "x", "type": "Digest Auth", "username": "a", "password": "p", "qop": "auth-conf"}),
            "qop",
        ),
        (
            json!({"name": "x", "type": "OAuth 2.0", "client_id": "c", "client_secret": "s",
                "access_token_url": "http://idp.example/token"}),
            "access_token_url",
        ),
        (
            json!({"name": "x", "type": "OAuth 2.0", "client_id": "c", "client_secret": "s",
                "access_token_url": "https://idp.example/token", "limited_validity": true}),
            "validity",
        ),
        (
            json!({"name": "x", "type": "OAuth 2.0", "client_id": "c", "client_secret": "s",
                "access_token_url": "https://idp.example/token",
                "access_token_url_headers": [{"key": "A", "value": "1"}, {"key": "B", "value": "2"}, {"key": "no good", "value": "3"}]}),
            "access_token_url_headers/2/key",
        ),
    ];
    for (body, field) in cases {
        let res = api.post("/api/v1/authorizations", body.clone()).await;
        res.refused(422, Some(field));
    }
    let bad_json = api.send("POST", "/api/v1/authorizations", Some("{")).await;
    assert_eq!(bad_json.status, 400);
}

#[tokio::test]
async fn put_keeps_an_absent_secret_and_a_name_is_unique() {
    let (api, _receiver) = setup().await;
    let body =
        json!({"name": "basic", "type": "Basic Auth", "username": "ana", "password": "SECRET-1"});
    let id = api.create("/api/v1/authorizations", body).await;
    let res = api
        .put(
            &format!("/api/v1/authorizations/{id}"),
            json!({"name": "renamed", "type": "Basic Auth", "username": "bob"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.body["secrets_set"], json!(["password"]));
    // Switching type needs the new type's own secret.
    let res = api
        .put(
            &format!("/api/v1/authorizations/{id}"),
            json!({"name": "renamed", "type": "API Key", "key": "K"}),
        )
        .await;
    res.refused(422, Some("key_value"));
    let dup = api
        .post(
            "/api/v1/authorizations",
            json!({"name": "renamed", "type": "No Auth"}),
        )
        .await;
    dup.refused(409, Some("name"));
    let missing = api.get("/api/v1/authorizations/999").await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn a_basic_profile_goes_on_the_test_call_and_cannot_be_deleted_while_used() {
    let (api, receiver) = setup().await;
    let auth = api
        .create(
            "/api/v1/authorizations",
            json!({"name": "partner", "type": "Basic Auth", "username": "ana", "password": "pässword"}),
        )
        .await;
    let service = api
        .create("/api/v1/services", json!({"name": "Billing"}))
        .await;
    let hook = json!({"name": "Receipts", "entity": {"kind": "service", "id": service},
                      "url": receiver.url("/ok"), "authorization_id": auth,
                      "notifications": [{"channel": "SMS", "event": "Delivered"}]});
    let res = api.post("/api/v1/integrations", hook).await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.body["authorization_id"], json!(auth));
    let sent = receiver.seen()[0]
        .headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .map(|(_, v)| v.clone());
    // RFC 7617 with UTF-8: base64("ana:pässword").
    assert_eq!(sent.as_deref(), Some("Basic YW5hOnDDpHNzd29yZA=="));

    let refused = api.delete(&format!("/api/v1/authorizations/{auth}")).await;
    let message = refused.refused(409, None);
    assert!(message.contains("Receipts"), "{message}");
    let webhook = res.body["id"].as_str().unwrap();
    assert_eq!(
        api.delete(&format!("/api/v1/integrations/{webhook}"))
            .await
            .status,
        204
    );
    assert_eq!(
        api.delete(&format!("/api/v1/authorizations/{auth}"))
            .await
            .status,
        204
    );
    assert_eq!(
        api.get(&format!("/api/v1/authorizations/{auth}"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_webhook_refuses_an_unknown_authorization_and_a_code_grant_without_a_token() {
    let (api, receiver) = setup().await;
    let service = api
        .create("/api/v1/services", json!({"name": "Billing"}))
        .await;
    let hook = |auth: &str| {
        json!({"name": "Receipts", "entity": {"kind": "service", "id": service},
               "url": receiver.url("/ok"), "authorization_id": auth,
               "notifications": [{"channel": "SMS", "event": "Delivered"}]})
    };
    let res = api.post("/api/v1/integrations", hook("999")).await;
    res.refused(422, Some("authorization_id"));
    let code = bodies().pop().unwrap();
    let auth = api.create("/api/v1/authorizations", code).await;
    let res = api.post("/api/v1/integrations", hook(&auth)).await;
    let message = res.refused(422, Some("authorization_id"));
    assert!(message.contains("get an access token first"), "{message}");
    assert!(receiver.seen().is_empty(), "no test call without a token");
}
