//! `/api/v1/services`, `/numbers`, `/apps`, `/esme-binds` over HTTP with an API key
//! (CONTRACT §2): status codes, the error shape, write-only passwords, deletion in use.
//! [`client::Api`] is the small JSON client the REST tests share.

pub mod client;
mod in_use;

use serde_json::{json, Value};

pub use client::{Answer, Api};

const KINDS: [&str; 4] = ["services", "numbers", "apps", "esme-binds"];

/// Two bodies to create and one to replace the first with, per kind, and the field that differs.
fn bodies(kind: &str) -> (Value, Value, Value, &'static str) {
    match kind {
        "services" => (
            json!({"name": "Billing"}),
            json!({"name": "Alerts"}),
            json!({"name": "Billing EU"}),
            "name",
        ),
        "numbers" => (
            json!({"number": "+14155550100", "capabilities": ["SMS"]}),
            json!({"number": "12345", "capabilities": ["Voice"]}),
            json!({"number": "+14155550199", "capabilities": ["Voice", "SMS", "MMS"]}),
            "number",
        ),
        "apps" => (
            json!({"name": "Shop chat", "app_type": "WhatsApp"}),
            json!({"name": "Support", "app_type": "In-App Messaging / Live Chat"}),
            json!({"name": "Shop chat 2", "app_type": "RCS"}),
            "name",
        ),
        "esme-binds" => (
            json!({"system_id": "smppclient1", "password": "pw1", "description": "Main"}),
            json!({"system_id": "smppclient2", "password": "pw2", "description": ""}),
            json!({"system_id": "smppclient9", "password": "pw9", "description": "Moved"}),
            "system_id",
        ),
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn every_asset_kind_is_created_listed_newest_first_read_replaced_and_deleted() {
    let api = Api::spawn().await;
    for kind in KINDS {
        let base = format!("/api/v1/{kind}");
        let (first, second, replacement, field) = bodies(kind);

        let created = api.post(&base, first.clone()).await;
        assert_eq!(created.status, 201, "{kind}: {}", created.text);
        let id = created.body["id"]
            .as_str()
            .expect("id is a string")
            .to_owned();
        assert_eq!(created.body[field], first[field], "{kind}");
        assert!(created.body["updated_at"].is_string(), "{kind}");
        let other = api.create(&base, second).await;

        let list = api.get(&base).await;
        assert_eq!(list.status, 200, "{kind}");
        let ids: Vec<&str> = list
            .body
            .as_array()
            .expect("array")
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [other.as_str(), id.as_str()], "{kind}: newest first");

        let read = api.get(&format!("{base}/{id}")).await;
        assert_eq!((read.status, &read.body), (200, &created.body), "{kind}");

        let replaced = api.put(&format!("{base}/{id}"), replacement.clone()).await;
        assert_eq!(replaced.status, 200, "{kind}: {}", replaced.text);
        assert_eq!(replaced.body["id"], id.as_str(), "{kind}");
        assert_eq!(replaced.body[field], replacement[field], "{kind}");
        assert_eq!(
            api.get(&format!("{base}/{id}")).await.body,
            replaced.body,
            "{kind}"
        );

        let deleted = api.delete(&format!("{base}/{id}")).await;
        assert_eq!((deleted.status, deleted.text.as_str()), (204, ""), "{kind}");
        api.get(&format!("{base}/{id}")).await.refused(404, None);
        api.delete(&format!("{base}/{id}")).await.refused(404, None);
        let ids: Vec<Value> = api
            .get(&base)
            .await
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].clone())
            .collect();
        assert_eq!(ids, [json!(other)], "{kind}");
    }
}

#[tokio::test]
async fn number_capabilities_come_back_in_the_order_sms_mms_voice_and_spaces_are_removed() {
    let api = Api::spawn().await;
    let res = api
        .post(
            "/api/v1/numbers",
            json!({"number": "+1 415-555-0100", "capabilities": ["Voice", "SMS"]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    assert_eq!(res.body["number"], "+14155550100");
    assert_eq!(res.body["capabilities"], json!(["SMS", "Voice"]));
}

#[tokio::test]
async fn an_unknown_id_answers_404_with_an_error_on_every_verb_and_kind() {
    let api = Api::spawn().await;
    for kind in KINDS {
        let (body, ..) = bodies(kind);
        for id in ["999999", "abc", "0", "-1"] {
            let path = format!("/api/v1/{kind}/{id}");
            api.get(&path).await.refused(404, None);
            api.put(&path, body.clone()).await.refused(404, None);
            api.delete(&path).await.refused(404, None);
        }
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_answers_400_with_an_error() {
    let api = Api::spawn().await;
    for kind in KINDS {
        let id = api.create(&format!("/api/v1/{kind}"), bodies(kind).0).await;
        // Unknown fields are ignored (and reported as missing ones); wrong types are not JSON
        // this request takes.
        let wrong_type = match kind {
            "services" => r#"{"name": 5}"#,
            "numbers" => r#"{"number": "+14155550100", "capabilities": "SMS"}"#,
            "apps" => r#"{"name": "x", "app_type": 3}"#,
            _ => r#"{"system_id": "x", "password": 12}"#,
        };
        for bad in ["{\"name\": ", "not json", "[1, 2]", wrong_type] {
            let res = api
                .send("POST", &format!("/api/v1/{kind}"), Some(bad))
                .await;
            res.refused(400, None);
            let res = api
                .send("PUT", &format!("/api/v1/{kind}/{id}"), Some(bad))
                .await;
            res.refused(400, None);
        }
    }
}

#[tokio::test]
async fn invalid_values_answer_422_naming_the_field() {
    let api = Api::spawn().await;
    let cases = [
        ("services", json!({"name": ""}), "name"),
        ("services", json!({}), "name"),
        ("services", json!({"name": "x".repeat(101)}), "name"),
        (
            "numbers",
            json!({"number": "12ab", "capabilities": ["SMS"]}),
            "number",
        ),
        (
            "numbers",
            json!({"number": "", "capabilities": ["SMS"]}),
            "number",
        ),
        (
            "numbers",
            json!({"number": "+0123456789", "capabilities": ["SMS"]}),
            "number",
        ),
        (
            "numbers",
            json!({"number": "+14155550100", "capabilities": ["Fax"]}),
            "capabilities",
        ),
        (
            "numbers",
            json!({"number": "+14155550100", "capabilities": []}),
            "capabilities",
        ),
        (
            "numbers",
            json!({"number": "+14155550100", "capabilities": ["SMS", "SMS"]}),
            "capabilities",
        ),
        (
            "apps",
            json!({"name": "Chat", "app_type": "Telegram"}),
            "app_type",
        ),
        ("apps", json!({"name": "Chat", "app_type": ""}), "app_type"),
        ("apps", json!({"name": " ", "app_type": "Push"}), "name"),
        (
            "esme-binds",
            json!({"system_id": "", "password": "pw"}),
            "system_id",
        ),
        (
            "esme-binds",
            json!({"system_id": "a-very-long-system-id", "password": "pw"}),
            "system_id",
        ),
        ("esme-binds", json!({"system_id": "client"}), "password"),
        (
            "esme-binds",
            json!({"system_id": "client", "password": "123456789"}),
            "password",
        ),
        (
            "esme-binds",
            json!({"system_id": "client", "password": "pw", "description": "d".repeat(201)}),
            "description",
        ),
    ];
    for (kind, body, field) in cases {
        let res = api.post(&format!("/api/v1/{kind}"), body.clone()).await;
        assert_eq!(res.status, 422, "{kind} {body}: {}", res.text);
        res.refused(422, Some(field));
    }
    assert_eq!(
        api.get("/api/v1/services").await.body,
        json!([]),
        "nothing was stored"
    );
}

#[tokio::test]
async fn a_name_number_or_system_id_already_used_answers_409_naming_the_field() {
    let api = Api::spawn().await;
    let cases = [
        (
            "services",
            json!({"name": "Billing"}),
            json!({"name": "Billing"}),
            "name",
        ),
        (
            "numbers",
            json!({"number": "+14155550100", "capabilities": ["SMS"]}),
            json!({"number": "+1 415 555 0100", "capabilities": ["Voice"]}),
            "number",
        ),
        (
            "apps",
            json!({"name": "Chat", "app_type": "WhatsApp"}),
            json!({"name": "Chat", "app_type": "Push"}),
            "name",
        ),
        (
            "esme-binds",
            json!({"system_id": "client", "password": "pw"}),
            json!({"system_id": "client", "password": "other"}),
            "system_id",
        ),
    ];
    for (kind, first, again, field) in cases {
        let base = format!("/api/v1/{kind}");
        api.create(&base, first).await;
        api.post(&base, again.clone())
            .await
            .refused(409, Some(field));
        // Renaming another one onto the taken value is refused the same way.
        let other = api.create(&base, bodies(kind).1).await;
        api.put(&format!("{base}/{other}"), again)
            .await
            .refused(409, Some(field));
    }
}

#[tokio::test]
async fn an_esme_bind_password_is_write_only_and_kept_when_a_put_leaves_it_out() {
    let api = Api::spawn().await;
    let body = json!({"system_id": "client", "password": "Pw7x!q2z", "description": "Main"});
    let created = api.post("/api/v1/esme-binds", body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["password_set"], true);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/esme-binds/{id}");
    let stored = || async {
        let n: i64 = id.parse().unwrap();
        api.app
            .store
            .get_esme_bind(n)
            .await
            .unwrap()
            .unwrap()
            .password_enc
    };
    let sealed = stored().await;
    assert!(
        !sealed.contains("Pw7x!q2z"),
        "the password is stored sealed"
    );

    let kept = api
        .put(
            &path,
            json!({"system_id": "client2", "description": "Renamed"}),
        )
        .await;
    assert_eq!(kept.status, 200, "{}", kept.text);
    assert_eq!(kept.body["password_set"], true);
    assert_eq!(kept.body["system_id"], "client2");
    let empty = api
        .put(
            &path,
            json!({"system_id": "client2", "password": "", "description": ""}),
        )
        .await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert_eq!(
        stored().await,
        sealed,
        "an absent or empty password keeps the stored one"
    );

    let replaced = api
        .put(
            &path,
            json!({"system_id": "client2", "password": "N3wpass"}),
        )
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.text);
    assert_ne!(stored().await, sealed, "a new password replaces it");

    let answers = [
        created,
        kept,
        empty,
        replaced,
        api.get(&path).await,
        api.get("/api/v1/esme-binds").await,
    ];
    for res in answers {
        for secret in ["Pw7x!q2z", "N3wpass", "\"password\""] {
            assert!(!res.text.contains(secret), "{secret} leaked: {}", res.text);
        }
    }
}
