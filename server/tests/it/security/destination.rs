//! A stored secret does not follow its destination to another host (review item 7, CONTRACT
//! §2): a PUT that moves a webhook's URL, or an OAuth 2.0 token URL, to another host must send
//! the secret again, else 422 on the secret's field; a move on the same host keeps it.

use serde_json::{json, Value};

use crate::receiver::{Receiver, TestCa};
use crate::rest_assets::Api;

async fn api_and_receiver() -> (Api, Receiver) {
    let ca = TestCa::new();
    let receiver = Receiver::standard(&ca).await;
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca.write_pem(dir.path()).display().to_string();
    let flags = ["--extra-ca-file", &ca_file, "--allow-private-destinations"];
    (Api::spawn_in(dir, &flags).await, receiver)
}

fn hook(service: &str, url: &str, hub: Value) -> Value {
    json!({"name": "Partner", "entity": {"kind": "service", "id": service}, "url": url,
           "notifications": [{"channel": "SMS", "event": "Delivered"}], "hub_signature": hub})
}

#[tokio::test]
async fn a_webhook_moved_to_another_host_needs_its_hub_secret_again() {
    let (api, receiver) = api_and_receiver().await;
    let service = api
        .create("/api/v1/services", json!({"name": "Billing"}))
        .await;
    // The receiver answers as `localhost` and as `127.0.0.1`: two hosts, one peer.
    let at_localhost = receiver.url("/ok");
    let elsewhere = format!("https://127.0.0.1:{}/ok", receiver.port());
    let id = api
        .create(
            "/api/v1/integrations",
            hook(&service, &at_localhost, json!({"secret": "s3cr3t"})),
        )
        .await;
    let path = format!("/api/v1/integrations/{id}");
    let sealed = || async {
        let n = id.parse().unwrap();
        let w = api.app.store.get_webhook(n).await.unwrap().unwrap();
        (w.url, w.hub_secret_enc)
    };
    let before = sealed().await;

    let moved = api
        .put(
            &path,
            hook(&service, &elsewhere, json!({"algorithm": "sha256"})),
        )
        .await;
    let error = moved.refused(422, Some("hub_signature/secret"));
    assert_eq!(
        error,
        "The URL now points to another host: enter the hub secret again."
    );
    assert_eq!(sealed().await, before, "nothing was saved");

    // Another path on the same host keeps the stored secret.
    let same_host = api
        .put(
            &path,
            hook(
                &service,
                &receiver.url("/other"),
                json!({"algorithm": "sha256"}),
            ),
        )
        .await;
    assert_eq!(same_host.status, 200, "{}", same_host.text);
    assert_eq!(same_host.body["hub_signature"]["secret_set"], true);
    assert_eq!(sealed().await.1, before.1, "the secret was kept");

    // With the secret sent again, the move is saved.
    let again = api
        .put(
            &path,
            hook(&service, &elsewhere, json!({"secret": "s3cr3t-2"})),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["url"], elsewhere);
    assert_ne!(sealed().await.1, before.1);
}

fn oauth(access: &str, refresh: Option<&str>, secret: Option<&str>) -> Value {
    let mut body = json!({"name": "Partner IdP", "type": "OAuth 2.0", "grant_type": "Client Credentials",
                          "client_id": "console", "access_token_url": access});
    if let Some(r) = refresh {
        body["refresh_token_url"] = json!(r);
    }
    if let Some(s) = secret {
        body["client_secret"] = json!(s);
    }
    body
}

#[tokio::test]
async fn an_oauth_profile_whose_token_url_moves_to_another_host_needs_its_client_secret_again() {
    let api = Api::spawn().await;
    let token_url = "https://idp.example/oauth/token";
    let id = api
        .create(
            "/api/v1/authorizations",
            oauth(token_url, None, Some("client-s3cret")),
        )
        .await;
    let path = format!("/api/v1/authorizations/{id}");
    let message = "The token URL now points to another host: enter the client secret again.";
    for (access, refresh) in [
        ("https://evil.example/oauth/token", None),
        (token_url, Some("https://evil.example/refresh")),
    ] {
        let res = api.put(&path, oauth(access, refresh, None)).await;
        let error = res.refused(422, Some("client_secret"));
        assert_eq!(error, message, "{access} {refresh:?}");
    }
    let stored = api.get(&path).await;
    assert_eq!(
        stored.body["access_token_url"], token_url,
        "nothing was saved"
    );

    let same_host = api
        .put(
            &path,
            oauth(
                "https://idp.example/v2/token",
                Some("https://idp.example/v2/refresh"),
                None,
            ),
        )
        .await;
    assert_eq!(same_host.status, 200, "{}", same_host.text);

    let again = api
        .put(
            &path,
            oauth("https://evil.example/oauth/token", None, Some("new-s3cret")),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(
        again.body["access_token_url"],
        "https://evil.example/oauth/token"
    );
}
