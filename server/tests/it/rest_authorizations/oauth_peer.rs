//! Get Access Token for real, against oauth2-mock-server over HTTPS (`peers/oauth2_mock.mjs`):
//! the client credentials grant through `POST /api/v1/authorizations/{id}/token`, and the
//! authorization code grant followed as a browser would, from the Get Access Token form target to
//! the provider's `/authorize` and back through our Call Back URL.

use std::{path::PathBuf, process::Command};

use serde_json::json;

use crate::helpers::{location, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::outbound_auth::{child::Peer, pki::Pki};
use crate::rest_assets::Api;

fn mock(pki: &Pki) -> Peer {
    let modules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../end2end/node_modules");
    assert!(
        modules.join("oauth2-mock-server").exists(),
        "oauth2-mock-server is missing from {} (run npm ci in end2end/)",
        modules.display()
    );
    let mut command = Command::new("node");
    command.arg(crate::outbound_auth::child::peer_script("oauth2_mock.mjs"));
    command.arg(modules).arg(&pki.cert_file).arg(&pki.key_file);
    Peer::start(command, "oauth2-mock-server")
}

/// The app trusting the peer's CA, SSRF guard off (loopback), public URL left at its default.
async fn setup() -> (Api, Peer, Pki) {
    let pki = Pki::new();
    let peer = mock(&pki);
    let dir = tempfile::tempdir().unwrap();
    let ca = pki.ca_file().display().to_string();
    let flags = ["--extra-ca-file", &ca, "--allow-private-destinations"];
    (Api::spawn_in(dir, &flags).await, peer, pki)
}

#[tokio::test]
async fn client_credentials_get_a_token_over_the_api_and_the_profile_becomes_authorized() {
    let (api, peer, _pki) = setup().await;
    let id = api
        .create(
            "/api/v1/authorizations",
            json!({"name": "cc", "type": "OAuth 2.0", "client_id": "console", "client_secret": "s3cret",
                   "access_token_url": format!("https://localhost:{}/token", peer.port),
                   "client_authentication": "Send as Basic Auth header"}),
        )
        .await;
    let res = api
        .post(&format!("/api/v1/authorizations/{id}/token"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.body["status"], "Authorized");
    assert_eq!(res.body["access_token_set"], true);
    assert!(res.body["token_expires_at"].is_string());
    assert!(!res.text.contains("eyJ"), "a token leaked: {}", res.text);
    let token = peer.wait_events(1, |e| e["event"] == "token");
    assert_eq!(token[0]["client_auth"], "basic");
    let stored = api
        .app
        .store
        .get_authorization(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored.access_token_enc.unwrap().contains("eyJ"),
        "stored sealed"
    );
}

#[tokio::test]
async fn the_authorization_code_grant_returns_through_the_call_back_url_with_tokens() {
    let (api, peer, pki) = setup().await;
    let id = api
        .create(
            "/api/v1/authorizations",
            json!({"name": "code", "type": "OAuth 2.0", "grant_type": "Authorization Code",
                   "consumer_id": "console", "consumer_secret": "s3cret", "scope": "openid",
                   "authorization_url": format!("https://localhost:{}/authorize", peer.port),
                   "access_token_url": format!("https://localhost:{}/token", peer.port)}),
        )
        .await;
    let app = &api.app;
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let start = app
        .client
        .post(app.url(&format!("/oauth/token/{id}")))
        .send()
        .await
        .unwrap();
    let to_provider = location(&start);
    assert!(
        to_provider.contains("code_challenge_method=S256"),
        "{to_provider}"
    );
    assert!(
        to_provider.contains(&urlencoded(&app.url("/oauth/callback"))),
        "{to_provider}"
    );

    // The provider's /authorize answers with a redirect straight back to our Call Back URL.
    let browser = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let authorized = browser.get(&to_provider).send().await.unwrap();
    let back = location(&authorized);
    assert!(back.starts_with(&app.url("/oauth/callback?")), "{back}");
    let done = app.client.get(&back).send().await.unwrap();
    assert_eq!(
        location(&done),
        format!("/assets/integrations/authorizations/{id}?token=ok")
    );
    let read = api.get(&format!("/api/v1/authorizations/{id}")).await;
    assert_eq!(read.body["status"], "Authorized");
    assert_eq!(read.body["access_token_set"], true);
    // The state is used once: the same return again is refused.
    let again = app.client.get(&back).send().await.unwrap();
    assert!(
        location(&again).contains("token_error="),
        "{}",
        location(&again)
    );
}

fn urlencoded(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_owned()
}
