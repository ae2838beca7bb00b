//! Updating (PUT replaces the whole webhook; secrets absent are kept) and deleting webhooks.

use serde_json::{json, Value};

use super::{heads, hook, refused_url, service, setup};
use crate::helpers::make_legacy_sha1;

#[tokio::test]
async fn a_stored_webhook_keeps_its_deprecated_channel_and_legacy_sha1_but_gets_no_new_ones() {
    let (api, receiver) = setup().await;
    let entity = service(&api, "Billing").await;
    let mut body = hook("Legacy", entity, &receiver.url("/ok"));
    body["hub_signature"] = json!({"secret": "s3cr3t"});
    let id = api.create("/api/v1/integrations", body.clone()).await;
    // Make it what imported legacy data looks like: SHA1 and a deprecated channel.
    let pairs = [("SMS", "Delivered"), ("Instagram", "Read")];
    make_legacy_sha1(api.app.store.as_ref(), &id, |w| {
        w.notifications = pairs
            .iter()
            .map(|(c, e)| (c.to_string(), e.to_string()))
            .collect();
    })
    .await;
    let path = format!("/api/v1/integrations/{id}");
    assert_eq!(
        api.get(&path).await.body["hub_signature"],
        json!({"algorithm": "sha1", "secret_set": true})
    );

    let kept = json!([{"channel": "SMS", "event": "Delivered"}, {"channel": "Instagram", "event": "Read"}]);
    body["notifications"] = kept.clone();
    body["hub_signature"] = json!({"algorithm": "sha1"});
    let res = api.put(&path, body.clone()).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.body["notifications"], kept);
    assert_eq!(
        res.body["hub_signature"],
        json!({"algorithm": "sha1", "secret_set": true})
    );

    let mut more = kept.as_array().unwrap().clone();
    more.push(json!({"channel": "Instagram", "event": "Failed"}));
    body["notifications"] = json!(more);
    api.put(&path, body.clone())
        .await
        .refused(422, Some("notifications/2"));

    body["notifications"] = json!([{"channel": "SMS", "event": "Delivered"}]);
    body["hub_signature"] = json!({"algorithm": "sha256"});
    let res = api.put(&path, body.clone()).await;
    assert_eq!(
        res.body["hub_signature"],
        json!({"algorithm": "sha256", "secret_set": true}),
        "{}",
        res.text
    );
    body["hub_signature"] = json!({"algorithm": "sha1"});
    api.put(&path, body.clone())
        .await
        .refused(422, Some("hub_signature/algorithm"));
    body["notifications"] = kept;
    body["hub_signature"] = json!({"algorithm": "sha256"});
    api.put(&path, body)
        .await
        .refused(422, Some("notifications/1"));
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
    let sealed = || async {
        api.app
            .store
            .get_webhook(id.parse().unwrap())
            .await
            .unwrap()
            .unwrap()
            .hub_secret_enc
    };
    let before = sealed().await;
    assert_eq!(receiver.seen().len(), 1);

    body["name"] = json!("Renamed");
    body["enabled"] = json!(false);
    body["hub_signature"] = json!({"algorithm": "sha512"});
    body["notifications"] =
        json!([{"channel": "SMS", "event": "Failed"}, {"channel": "Voice", "event": "Answered"}]);
    let res = api.put(&path, body.clone()).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(
        res.body["hub_signature"],
        json!({"algorithm": "sha512", "secret_set": true})
    );
    assert_eq!(
        (&res.body["name"], &res.body["status"]),
        (&json!("Renamed"), &json!("Disabled"))
    );
    assert_eq!(res.body["notifications"], body["notifications"]);
    assert_eq!(sealed().await, before, "the stored secret is kept");
    assert_eq!(receiver.seen().len(), 1, "same URL: no new test call");

    body["url"] = json!(receiver.url("/other"));
    let res = api.put(&path, body.clone()).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(heads(&receiver), ["HEAD /ok", "HEAD /other"]);

    body["url"] = json!(receiver.url("/missing"));
    assert!(refused_url(&api.put(&path, body.clone()).await).contains("404"));
    assert_eq!(
        api.get(&path).await.body["url"],
        receiver.url("/other"),
        "a refused PUT changes nothing"
    );

    body["url"] = json!(receiver.url("/other"));
    body["hub_signature"] = Value::Null;
    let res = api.put(&path, body.clone()).await;
    assert_eq!(res.body["hub_signature"], Value::Null, "{}", res.text);
    assert_eq!(sealed().await, None);
    body["hub_signature"] = json!({"algorithm": "sha256"});
    api.put(&path, body)
        .await
        .refused(422, Some("hub_signature/secret"));
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
        api.get(&format!("/api/v1/integrations/{bad}"))
            .await
            .refused(404, None);
    }
    api.send("POST", "/api/v1/integrations", Some("{\"name\":"))
        .await
        .refused(400, None);
    let wrong_type = r#"{"name": "Hook", "notifications": "SMS"}"#;
    api.send("POST", "/api/v1/integrations", Some(wrong_type))
        .await
        .refused(400, None);
}
