//! Deleting an asset a webhook uses is refused (409, naming the webhook).

use serde_json::{json, Value};

use super::Api;
use crate::receiver::{Receiver, TestCa};

#[tokio::test]
async fn an_asset_used_by_a_webhook_cannot_be_deleted_and_the_409_names_the_webhook() {
    let ca = TestCa::new();
    let receiver = Receiver::standard(&ca).await;
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca.write_pem(dir.path()).display().to_string();
    let api = Api::spawn_in(
        dir,
        &["--extra-ca-file", &ca_file, "--allow-private-destinations"],
    )
    .await;

    let service = api
        .create("/api/v1/services", json!({"name": "Billing"}))
        .await;
    let number = api
        .create(
            "/api/v1/numbers",
            json!({"number": "+14155550100", "capabilities": ["SMS"]}),
        )
        .await;
    let app = api
        .create(
            "/api/v1/apps",
            json!({"name": "Chat", "app_type": "WhatsApp"}),
        )
        .await;
    let bind = api
        .create(
            "/api/v1/esme-binds",
            json!({"system_id": "client", "password": "pw"}),
        )
        .await;
    let hooks = [
        (
            "Receipts hook",
            json!({"kind": "service", "id": service}),
            json!({"channel": "SMS", "event": "Delivered"}),
            Value::Null,
        ),
        (
            "Inbound hook",
            json!({"kind": "number", "id": number}),
            json!({"channel": "SMS", "event": "Incoming Message"}),
            json!({"esme_bind_id": bind}),
        ),
        (
            "Chat hook",
            json!({"kind": "app", "id": app}),
            json!({"channel": "WhatsApp", "event": "Incoming Message"}),
            Value::Null,
        ),
    ];
    let mut hook_ids = Vec::new();
    for (name, entity, notification, forward) in hooks {
        let body = json!({"name": name, "entity": entity, "url": receiver.url("/ok"),
                          "notifications": [notification], "forward_to_smpp": forward});
        hook_ids.push(api.create("/api/v1/integrations", body).await);
    }

    let in_use = [
        ("services", &service, "Receipts hook"),
        ("numbers", &number, "Inbound hook"),
        ("apps", &app, "Chat hook"),
        ("esme-binds", &bind, "Inbound hook"),
    ];
    for (kind, id, hook) in in_use {
        let error = api
            .delete(&format!("/api/v1/{kind}/{id}"))
            .await
            .refused(409, None);
        assert!(error.contains(hook), "{kind}: {error}");
        assert_eq!(
            api.get(&format!("/api/v1/{kind}/{id}")).await.status,
            200,
            "{kind} is still there"
        );
    }
    // The type of an app decides its webhook's events: it cannot change under the webhook.
    let retype = api
        .put(
            &format!("/api/v1/apps/{app}"),
            json!({"name": "Chat", "app_type": "Push"}),
        )
        .await;
    assert!(retype.refused(409, Some("app_type")).contains("Chat hook"));

    for hook in hook_ids {
        assert_eq!(
            api.delete(&format!("/api/v1/integrations/{hook}"))
                .await
                .status,
            204
        );
    }
    for (kind, id, _) in in_use {
        assert_eq!(
            api.delete(&format!("/api/v1/{kind}/{id}")).await.status,
            204,
            "{kind}"
        );
    }
}
