//! `/api/v1/integrations` over HTTP (CONTRACT §2, SPEC §2–3): the notification, hub signature,
//! entity and Forward to SMPP rules here; the test call against in-process HTTPS receivers on
//! loopback (and the SSRF guard) in `test_call`; updates and deletes in `updates`.

mod explained;
mod test_call;
mod updates;

use serde_json::{json, Value};

use crate::receiver::{Receiver, TestCa};
use crate::rest_assets::{Answer, Api};

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
fn refused_url(res: &Answer) -> String {
    res.refused(422, Some("url"));
    res.body["detail"].as_str().unwrap_or_default().to_owned()
}

fn heads(receiver: &Receiver) -> Vec<String> {
    receiver
        .seen()
        .iter()
        .map(|s| format!("{} {}", s.method, s.path))
        .collect()
}

#[tokio::test]
async fn integrations_are_listed_newest_first_and_hub_signature_defaults_to_sha256() {
    let (api, receiver) = setup().await;
    let entity = service(&api, "Billing").await;
    let first = api
        .create(
            "/api/v1/integrations",
            hook("One", entity.clone(), &receiver.url("/ok")),
        )
        .await;
    let mut body = hook("Two", entity, &receiver.url("/ok"));
    body["hub_signature"] = json!({"secret": "k"});
    let second = api.post("/api/v1/integrations", body).await;
    assert_eq!(
        second.body["hub_signature"],
        json!({"algorithm": "sha256", "secret_set": true})
    );
    let list = api.get("/api/v1/integrations").await;
    let ids: Vec<&str> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [second.body["id"].as_str().unwrap(), first.as_str()]);
}

#[tokio::test]
async fn notifications_hub_signature_and_entity_rules_answer_422_on_their_field_without_a_test_call(
) {
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
        (
            with(
                "notifications",
                json!([{"channel": "SMS", "event": "Incoming Message"}]),
            ),
            "notifications/0",
        ),
        (
            with(
                "notifications",
                json!([sms_delivered, {"channel": "Instagram", "event": "Read"}]),
            ),
            "notifications/1",
        ),
        (
            with(
                "notifications",
                json!([{"channel": "Google Business Messages", "event": "Submitted"}]),
            ),
            "notifications/0",
        ),
        (
            with(
                "notifications",
                json!([{"channel": "Telegram", "event": "Delivered"}]),
            ),
            "notifications/0",
        ),
        (
            with(
                "notifications",
                json!([{"channel": "SMS", "event": "Opened"}]),
            ),
            "notifications/0",
        ),
        (
            with(
                "hub_signature",
                json!({"secret": "s3cr3t", "algorithm": "sha1"}),
            ),
            "hub_signature/algorithm",
        ),
        (
            with(
                "hub_signature",
                json!({"secret": "s3cr3t", "algorithm": "md5"}),
            ),
            "hub_signature/algorithm",
        ),
        (
            with("hub_signature", json!({"algorithm": "sha256"})),
            "hub_signature/secret",
        ),
        (
            with(
                "hub_signature",
                json!({"secret": "", "algorithm": "sha256"}),
            ),
            "hub_signature/secret",
        ),
        (
            with("forward_to_smpp", json!({"esme_bind_id": "1"})),
            "forward_to_smpp",
        ),
        (
            with("entity", json!({"kind": "service", "id": "999999"})),
            "entity",
        ),
        (
            with("entity", json!({"kind": "service", "id": "abc"})),
            "entity",
        ),
        (
            with("entity", json!({"kind": "number", "id": entity["id"]})),
            "entity",
        ),
        (
            with("entity", json!({"kind": "robot", "id": entity["id"]})),
            "entity",
        ),
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
        .post(
            "/api/v1/integrations",
            with(
                "notifications",
                json!([{"channel": "Instagram", "event": "Read"}]),
            ),
        )
        .await;
    assert!(deprecated
        .refused(422, Some("notifications/0"))
        .contains("deprecated"));
    assert!(
        receiver.seen().is_empty(),
        "no test call for a refused webhook"
    );
    assert_eq!(api.get("/api/v1/integrations").await.body, json!([]));
}

#[tokio::test]
async fn forward_to_smpp_is_saved_on_a_number_with_sms_incoming_message_and_no_hub_signature() {
    let (api, receiver) = setup().await;
    let number = api
        .create(
            "/api/v1/numbers",
            json!({"number": "+14155550100", "capabilities": ["SMS"]}),
        )
        .await;
    let voice = api
        .create(
            "/api/v1/numbers",
            json!({"number": "+14155550101", "capabilities": ["Voice"]}),
        )
        .await;
    let bind = api
        .create(
            "/api/v1/esme-binds",
            json!({"system_id": "client", "password": "pw"}),
        )
        .await;
    let incoming = json!([{"channel": "SMS", "event": "Incoming Message"}]);
    let body = |name: &str, number: &str, forward: Value, hub: Value| {
        json!({"name": name, "entity": {"kind": "number", "id": number}, "url": receiver.url("/ok"),
               "notifications": incoming, "forward_to_smpp": forward, "hub_signature": hub})
    };

    let res = api
        .post(
            "/api/v1/integrations",
            body(
                "Inbound",
                &number,
                json!({"esme_bind_id": bind}),
                Value::Null,
            ),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.body["forward_to_smpp"], json!({"esme_bind_id": bind}));
    assert_eq!(res.body["hub_signature"], Value::Null);

    let hub = json!({"secret": "s3cr3t"});
    let both = body("Both", &number, json!({"esme_bind_id": bind}), hub.clone());
    api.post("/api/v1/integrations", both)
        .await
        .refused(422, Some("forward_to_smpp"));
    let unknown = body(
        "Unknown",
        &number,
        json!({"esme_bind_id": "999999"}),
        Value::Null,
    );
    let res = api.post("/api/v1/integrations", unknown).await;
    res.refused(422, Some("forward_to_smpp/esme_bind_id"));
    let empty = body("Empty", &number, json!({"esme_bind_id": ""}), Value::Null);
    api.post("/api/v1/integrations", empty)
        .await
        .refused(422, Some("forward_to_smpp/esme_bind_id"));
    let no_sms = body("Voice only", &voice, Value::Null, Value::Null);
    api.post("/api/v1/integrations", no_sms)
        .await
        .refused(422, Some("notifications/0"));
    assert_eq!(
        heads(&receiver),
        ["HEAD /ok"],
        "only the saved webhook was tested"
    );
}

#[tokio::test]
async fn a_name_is_unique_per_entity_only() {
    let (api, receiver) = setup().await;
    let billing = service(&api, "Billing").await;
    let alerts = service(&api, "Alerts").await;
    api.create(
        "/api/v1/integrations",
        hook("Hook", billing.clone(), &receiver.url("/ok")),
    )
    .await;
    let again = api
        .post(
            "/api/v1/integrations",
            hook("Hook", billing, &receiver.url("/ok")),
        )
        .await;
    again.refused(409, Some("name"));
    let other = api
        .create(
            "/api/v1/integrations",
            hook("Other", alerts.clone(), &receiver.url("/ok")),
        )
        .await;
    api.create(
        "/api/v1/integrations",
        hook("Hook", alerts.clone(), &receiver.url("/ok")),
    )
    .await;
    let rename = api
        .put(
            &format!("/api/v1/integrations/{other}"),
            hook("Hook", alerts, &receiver.url("/ok")),
        )
        .await;
    rename.refused(409, Some("name"));
}
