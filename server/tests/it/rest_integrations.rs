//! `/api/v1/integrations` over HTTP (CONTRACT §2, SPEC §2–3): the test call `HEAD <url>` against
//! in-process HTTPS receivers on loopback, the notification and hub signature rules, write-only
//! hub secrets, updates and deletes, and the SSRF guard.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use webhooks_console::store::WebhookWrite;

use crate::receiver::{refused_port, HangServer, Receiver, TestCa};
use crate::rest_assets::Api;

/// The app trusting the receiver's CA, with the SSRF guard off (the receiver is on loopback) and
/// a short request timeout; and a receiver with the standard answers.
async fn setup() -> (Api, Receiver) {
    setup_with(true).await
}

async fn setup_with(allow_private: bool) -> (Api, Receiver) {
    let ca = TestCa::new();
    let receiver = Receiver::standard(&ca).await;
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca.write_pem(dir.path()).display().to_string();
    let mut flags = vec!["--extra-ca-file", &ca_file, "--request-timeout", "500ms"];
    if allow_private {
        flags.push("--allow-private-destinations");
    }
    (Api::spawn_in(dir, &flags).await, receiver)
}

/// A webhook on `entity` for SMS Delivered, without hub signature.
fn hook(name: &str, entity: Value, url: &str) -> Value {
    json!({"name": name, "entity": entity, "url": url,
           "notifications": [{"channel": "SMS", "event": "Delivered"}]})
}

async fn service(api: &Api, name: &str) -> Value {
    let id = api.create("/api/v1/services", json!({"name": name})).await;
    json!({"kind": "service", "id": id})
}

/// Asserts a 422 on `url` and returns its detail.
#[track_caller]
fn refused_url(res: &crate::rest_assets::Answer) -> String {
    res.refused(422, Some("url"));
    res.body["detail"].as_str().unwrap_or_default().to_owned()
}

fn heads(receiver: &Receiver) -> Vec<String> {
    receiver.seen().iter().map(|s| format!("{} {}", s.method, s.path)).collect()
}

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
    assert_eq!(res.body["notifications"], json!([{"channel": "SMS", "event": "Delivered"}]));
    assert_eq!(res.body["hub_signature"], json!({"algorithm": "sha512", "secret_set": true}));
    assert_eq!(res.body["forward_to_smpp"], Value::Null);
    assert_eq!(res.body["authorization_id"], Value::Null);
    assert!(res.body["updated_at"].is_string());

    assert_eq!(heads(&receiver), ["HEAD /ok"]);
    let agent = receiver.seen()[0].headers.iter().find(|(k, _)| k == "user-agent").map(|(_, v)| v.clone());
    assert!(agent.unwrap_or_default().starts_with("webhooks-console/"));

    let read = api.get(&format!("/api/v1/integrations/{id}")).await;
    assert_eq!((read.status, &read.body), (200, &res.body));
    let list = api.get("/api/v1/integrations").await;
    assert_eq!(list.body, json!([res.body]));
    for text in [&res.text, &read.text, &list.text] {
        assert!(!text.contains("s3cr3t"), "the hub secret leaked: {text}");
    }
    let stored = api.app.store.get_webhook(id.parse().unwrap()).await.unwrap().unwrap();
    assert!(!stored.hub_secret_enc.unwrap().contains("s3cr3t"), "stored sealed");
}

#[tokio::test]
async fn integrations_are_listed_newest_first_and_hub_signature_defaults_to_sha256() {
    let (api, receiver) = setup().await;
    let entity = service(&api, "Billing").await;
    let first = api.create("/api/v1/integrations", hook("One", entity.clone(), &receiver.url("/ok"))).await;
    let mut body = hook("Two", entity, &receiver.url("/ok"));
    body["hub_signature"] = json!({"secret": "k"});
    let second = api.post("/api/v1/integrations", body).await;
    assert_eq!(second.body["hub_signature"], json!({"algorithm": "sha256", "secret_set": true}));
    let list = api.get("/api/v1/integrations").await;
    let ids: Vec<&str> = list.body.as_array().unwrap().iter().map(|w| w["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [second.body["id"].as_str().unwrap(), first.as_str()]);
}

#[tokio::test]
async fn a_url_that_answers_404_or_a_redirect_is_refused_and_the_redirect_is_not_followed() {
    let (api, receiver) = setup().await;
    let entity = service(&api, "Billing").await;

    let res = api.post("/api/v1/integrations", hook("Hook", entity.clone(), &receiver.url("/missing"))).await;
    let detail = refused_url(&res);
    assert!(detail.contains("404"), "{detail}");

    let res = api.post("/api/v1/integrations", hook("Hook", entity, &receiver.url("/moved"))).await;
    let detail = refused_url(&res);
    assert!(detail.contains("301"), "{detail}");

    assert_eq!(heads(&receiver), ["HEAD /missing", "HEAD /moved"], "no request to the Location");
    assert_eq!(api.get("/api/v1/integrations").await.body, json!([]), "nothing was saved");
}

#[tokio::test]
async fn a_url_that_never_answers_is_refused_once_the_request_timeout_passes() {
    let (api, _receiver) = setup().await;
    let hang = HangServer::start().await;
    let entity = service(&api, "Billing").await;
    let started = Instant::now();
    let res = api.post("/api/v1/integrations", hook("Hook", entity, &hang.url("/ok"))).await;
    let detail = refused_url(&res);
    assert!(detail.to_lowercase().contains("no answer within 500ms"), "{detail}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn a_closed_port_is_refused_with_connection_refused_in_the_detail() {
    let (api, _receiver) = setup().await;
    let entity = service(&api, "Billing").await;
    let url = format!("https://127.0.0.1:{}/ok", refused_port().await);
    let detail = refused_url(&api.post("/api/v1/integrations", hook("Hook", entity, &url)).await);
    assert!(detail.to_lowercase().contains("connection refused"), "{detail}");
}

#[tokio::test]
async fn a_certificate_from_an_unknown_ca_is_refused_with_a_tls_error() {
    let receiver = Receiver::standard(&TestCa::new()).await;
    let api = Api::spawn_with(&["--allow-private-destinations", "--request-timeout", "500ms"]).await;
    let entity = service(&api, "Billing").await;
    let res = api.post("/api/v1/integrations", hook("Hook", entity, &receiver.url("/ok"))).await;
    let detail = refused_url(&res);
    assert!(detail.contains("TLS") && detail.contains("not trusted"), "{detail}");
    assert!(receiver.connections() >= 1, "the handshake was tried");
    assert!(receiver.seen().is_empty(), "no request after a failed handshake");
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
        let res = api.post("/api/v1/integrations", hook("Hook", entity.clone(), &url)).await;
        res.refused(422, Some("url"));
    }
    assert_eq!(receiver.connections(), 0);
}

#[tokio::test]
async fn notifications_hub_signature_and_entity_rules_answer_422_on_their_field_without_a_test_call() {
    let (api, receiver) = setup().await;
    let entity = service(&api, "Billing").await;
    let url = receiver.url("/ok");
    let sms_delivered = json!({"channel": "SMS", "event": "Delivered"});
    let with = |key: &str, value: Value| {
        let mut body = hook("Hook", entity.clone(), &url);
        body[key] = value;
        body
    };
    let cases = [
        (with("notifications", json!([])), "notifications"),
        (with("notifications", json!([{"channel": "SMS", "event": "Incoming Message"}])), "notifications/0"),
        (with("notifications", json!([sms_delivered, {"channel": "Instagram", "event": "Read"}])), "notifications/1"),
        (with("notifications", json!([{"channel": "Google Business Messages", "event": "Submitted"}])), "notifications/0"),
        (with("notifications", json!([{"channel": "Telegram", "event": "Delivered"}])), "notifications/0"),
        (with("notifications", json!([{"channel": "SMS", "event": "Opened"}])), "notifications/0"),
        (with("hub_signature", json!({"secret": "s3cr3t", "algorithm": "sha1"})), "hub_signature/algorithm"),
        (with("hub_signature", json!({"secret": "s3cr3t", "algorithm": "md5"})), "hub_signature/algorithm"),
        (with("hub_signature", json!({"algorithm": "sha256"})), "hub_signature/secret"),
        (with("hub_signature", json!({"secret": "", "algorithm": "sha256"})), "hub_signature/secret"),
        (with("forward_to_smpp", json!({"esme_bind_id": "1"})), "forward_to_smpp"),
        (with("entity", json!({"kind": "service", "id": "999999"})), "entity"),
        (with("entity", json!({"kind": "service", "id": "abc"})), "entity"),
        (with("entity", json!({"kind": "number", "id": entity["id"]})), "entity"),
        (with("entity", json!({"kind": "robot", "id": entity["id"]})), "entity"),
        (with("entity", Value::Null), "entity"),
        (with("name", json!("")), "name"),
        (with("authorization_id", json!("42")), "authorization_id"),
    ];
    for (body, field) in cases {
        let res = api.post("/api/v1/integrations", body.clone()).await;
        assert_eq!(res.status, 422, "{body}: {}", res.text);
        res.refused(422, Some(field));
    }
    let deprecated = api
        .post("/api/v1/integrations", with("notifications", json!([{"channel": "Instagram", "event": "Read"}])))
        .await;
    assert!(deprecated.refused(422, Some("notifications/0")).contains("deprecated"));
    assert!(receiver.seen().is_empty(), "no test call for a refused webhook");
    assert_eq!(api.get("/api/v1/integrations").await.body, json!([]));
}

#[tokio::test]
async fn forward_to_smpp_is_saved_on_a_number_with_sms_incoming_message_and_no_hub_signature() {
    let (api, receiver) = setup().await;
    let number = api.create("/api/v1/numbers", json!({"number": "+14155550100", "capabilities": ["SMS"]})).await;
    let voice = api.create("/api/v1/numbers", json!({"number": "+14155550101", "capabilities": ["Voice"]})).await;
    let bind = api.create("/api/v1/esme-binds", json!({"system_id": "client", "password": "pw"})).await;
    let incoming = json!([{"channel": "SMS", "event": "Incoming Message"}]);
    let body = |name: &str, number: &str, forward: Value, hub: Value| {
        json!({"name": name, "entity": {"kind": "number", "id": number}, "url": receiver.url("/ok"),
               "notifications": incoming, "forward_to_smpp": forward, "hub_signature": hub})
    };

    let res = api.post("/api/v1/integrations", body("Inbound", &number, json!({"esme_bind_id": bind}), Value::Null)).await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.body["forward_to_smpp"], json!({"esme_bind_id": bind}));
    assert_eq!(res.body["hub_signature"], Value::Null);

    let hub = json!({"secret": "s3cr3t"});
    let both = body("Both", &number, json!({"esme_bind_id": bind}), hub.clone());
    api.post("/api/v1/integrations", both).await.refused(422, Some("forward_to_smpp"));
    let unknown = body("Unknown", &number, json!({"esme_bind_id": "999999"}), Value::Null);
    let res = api.post("/api/v1/integrations", unknown).await;
    res.refused(422, Some("forward_to_smpp/esme_bind_id"));
    let empty = body("Empty", &number, json!({"esme_bind_id": ""}), Value::Null);
    api.post("/api/v1/integrations", empty).await.refused(422, Some("forward_to_smpp/esme_bind_id"));
    let no_sms = body("Voice only", &voice, Value::Null, Value::Null);
    api.post("/api/v1/integrations", no_sms).await.refused(422, Some("notifications/0"));
    assert_eq!(heads(&receiver), ["HEAD /ok"], "only the saved webhook was tested");
}

#[tokio::test]
async fn a_name_is_unique_per_entity_only() {
    let (api, receiver) = setup().await;
    let billing = service(&api, "Billing").await;
    let alerts = service(&api, "Alerts").await;
    api.create("/api/v1/integrations", hook("Hook", billing.clone(), &receiver.url("/ok"))).await;
    let again = api.post("/api/v1/integrations", hook("Hook", billing, &receiver.url("/ok"))).await;
    again.refused(409, Some("name"));
    let other = api.create("/api/v1/integrations", hook("Other", alerts.clone(), &receiver.url("/ok"))).await;
    api.create("/api/v1/integrations", hook("Hook", alerts.clone(), &receiver.url("/ok"))).await;
    let rename = api.put(&format!("/api/v1/integrations/{other}"), hook("Hook", alerts, &receiver.url("/ok"))).await;
    rename.refused(409, Some("name"));
}

#[tokio::test]
async fn a_stored_webhook_keeps_its_deprecated_channel_and_legacy_sha1_but_gets_no_new_ones() {
    let (api, receiver) = setup().await;
    let entity = service(&api, "Billing").await;
    let mut body = hook("Legacy", entity, &receiver.url("/ok"));
    body["hub_signature"] = json!({"secret": "s3cr3t"});
    let id = api.create("/api/v1/integrations", body.clone()).await;
    // Make it what imported legacy data looks like: SHA1 and a deprecated channel.
    let n: i64 = id.parse().unwrap();
    let stored = api.app.store.get_webhook(n).await.unwrap().unwrap();
    let pairs = [("SMS", "Delivered"), ("Instagram", "Read")];
    let legacy = WebhookWrite {
        name: stored.name,
        entity: stored.entity,
        url: stored.url,
        hub_algorithm: Some("sha1".into()),
        hub_secret_enc: stored.hub_secret_enc,
        authorization_id: None,
        esme_bind_id: None,
        enabled: true,
        notifications: pairs.iter().map(|(c, e)| (c.to_string(), e.to_string())).collect(),
    };
    api.app.store.update_webhook(n, &legacy).await.unwrap().unwrap();
    let path = format!("/api/v1/integrations/{id}");
    assert_eq!(api.get(&path).await.body["hub_signature"], json!({"algorithm": "sha1", "secret_set": true}));

    let kept = json!([{"channel": "SMS", "event": "Delivered"}, {"channel": "Instagram", "event": "Read"}]);
    body["notifications"] = kept.clone();
    body["hub_signature"] = json!({"algorithm": "sha1"});
    let res = api.put(&path, body.clone()).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.body["notifications"], kept);
    assert_eq!(res.body["hub_signature"], json!({"algorithm": "sha1", "secret_set": true}));

    let mut more = kept.as_array().unwrap().clone();
    more.push(json!({"channel": "Instagram", "event": "Failed"}));
    body["notifications"] = json!(more);
    api.put(&path, body.clone()).await.refused(422, Some("notifications/2"));

    body["notifications"] = json!([{"channel": "SMS", "event": "Delivered"}]);
    body["hub_signature"] = json!({"algorithm": "sha256"});
    let res = api.put(&path, body.clone()).await;
    assert_eq!(res.body["hub_signature"], json!({"algorithm": "sha256", "secret_set": true}), "{}", res.text);
    body["hub_signature"] = json!({"algorithm": "sha1"});
    api.put(&path, body.clone()).await.refused(422, Some("hub_signature/algorithm"));
    body["notifications"] = kept;
    body["hub_signature"] = json!({"algorithm": "sha256"});
    api.put(&path, body).await.refused(422, Some("notifications/1"));
    assert_eq!(receiver.seen().len(), 1, "the URL never changed");
}

#[tokio::test]
async fn a_put_keeps_the_hub_secret_and_reruns_the_test_call_only_when_the_url_changes() {
    let (api, receiver) = setup().await;
    let entity = service(&api, "Billing").await;
    let mut body = hook("Hook", entity, &receiver.url("/ok"));
    body["hub_signature"] = json!({"secret": "s3cr3t", "algorithm": "sha512"});
    let id = api.create("/api/v1/integrations", body.clone()).await;
    let path = format!("/api/v1/integrations/{id}");
    let sealed = || async { api.app.store.get_webhook(id.parse().unwrap()).await.unwrap().unwrap().hub_secret_enc };
    let before = sealed().await;
    assert_eq!(receiver.seen().len(), 1);

    body["name"] = json!("Renamed");
    body["enabled"] = json!(false);
    body["hub_signature"] = json!({"algorithm": "sha512"});
    body["notifications"] = json!([{"channel": "SMS", "event": "Failed"}, {"channel": "Voice", "event": "Answered"}]);
    let res = api.put(&path, body.clone()).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.body["hub_signature"], json!({"algorithm": "sha512", "secret_set": true}));
    assert_eq!((&res.body["name"], &res.body["status"]), (&json!("Renamed"), &json!("Disabled")));
    assert_eq!(res.body["notifications"], body["notifications"]);
    assert_eq!(sealed().await, before, "the stored secret is kept");
    assert_eq!(receiver.seen().len(), 1, "same URL: no new test call");

    body["url"] = json!(receiver.url("/other"));
    let res = api.put(&path, body.clone()).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(heads(&receiver), ["HEAD /ok", "HEAD /other"]);

    body["url"] = json!(receiver.url("/missing"));
    assert!(refused_url(&api.put(&path, body.clone()).await).contains("404"));
    assert_eq!(api.get(&path).await.body["url"], receiver.url("/other"), "a refused PUT changes nothing");

    body["url"] = json!(receiver.url("/other"));
    body["hub_signature"] = Value::Null;
    let res = api.put(&path, body.clone()).await;
    assert_eq!(res.body["hub_signature"], Value::Null, "{}", res.text);
    assert_eq!(sealed().await, None);
    body["hub_signature"] = json!({"algorithm": "sha256"});
    api.put(&path, body).await.refused(422, Some("hub_signature/secret"));
    assert!(!api.get(&path).await.text.contains("s3cr3t"));
}

#[tokio::test]
async fn a_deleted_webhook_is_gone_and_unknown_ids_or_bad_json_are_refused() {
    let (api, receiver) = setup().await;
    let entity = service(&api, "Billing").await;
    let body = hook("Hook", entity, &receiver.url("/ok"));
    let id = api.create("/api/v1/integrations", body.clone()).await;
    let path = format!("/api/v1/integrations/{id}");
    let res = api.delete(&path).await;
    assert_eq!((res.status, res.text.as_str()), (204, ""));
    api.get(&path).await.refused(404, None);
    api.delete(&path).await.refused(404, None);
    api.put(&path, body.clone()).await.refused(404, None);
    for bad in ["999999", "abc"] {
        api.get(&format!("/api/v1/integrations/{bad}")).await.refused(404, None);
    }
    api.send("POST", "/api/v1/integrations", Some("{\"name\":")).await.refused(400, None);
    let wrong_type = r#"{"name": "Hook", "notifications": "SMS"}"#;
    api.send("POST", "/api/v1/integrations", Some(wrong_type)).await.refused(400, None);
}

#[tokio::test]
async fn with_the_ssrf_guard_on_a_loopback_url_is_refused_without_any_request() {
    let (api, receiver) = setup_with(false).await;
    let entity = service(&api, "Billing").await;
    let literal = format!("https://127.0.0.1:{}/ok", receiver.port());
    for url in [literal, receiver.url("/ok")] {
        let detail = refused_url(&api.post("/api/v1/integrations", hook("Hook", entity.clone(), &url)).await);
        assert!(detail.contains("not allowed") && detail.contains("loopback"), "{url}: {detail}");
    }
    assert_eq!(receiver.connections(), 0);
}
