//! Get Access Token over the API (`POST /api/v1/authorizations/{id}/token`) and the browser's
//! side (`POST /oauth/token/{id}`, the Call Back URL `/oauth/callback`).

use serde_json::json;

use super::setup;
use crate::helpers::{location, ADMIN_EMAIL, ADMIN_PASSWORD};

#[tokio::test]
async fn a_failed_token_fetch_is_explained_and_leaves_the_profile_pending() {
    let (api, receiver) = setup().await;
    let id = api
        .create(
            "/api/v1/authorizations",
            json!({"name": "cc", "type": "OAuth 2.0", "client_id": "c", "client_secret": "s",
                   "access_token_url": receiver.url("/missing")}),
        )
        .await;
    let res = api
        .post(&format!("/api/v1/authorizations/{id}/token"), json!({}))
        .await;
    res.refused(422, Some("access_token_url"));
    let detail = res.body["detail"].as_str().unwrap_or_default();
    assert!(!detail.is_empty(), "{}", res.text);
    let read = api.get(&format!("/api/v1/authorizations/{id}")).await;
    assert_eq!(read.body["status"], "Authorization Pending");
    assert_eq!(read.body["status_reason"].as_str(), Some(detail));
    assert_eq!(read.body["access_token_set"], false);
}

#[tokio::test]
async fn only_a_client_credentials_profile_gets_a_token_over_the_api() {
    let (api, _receiver) = setup().await;
    let basic = api
        .create(
            "/api/v1/authorizations",
            json!({"name": "b", "type": "Basic Auth", "username": "u", "password": "p"}),
        )
        .await;
    let res = api
        .post(&format!("/api/v1/authorizations/{basic}/token"), json!({}))
        .await;
    res.refused(422, Some("type"));
    let code = api
        .create(
            "/api/v1/authorizations",
            json!({"name": "code", "type": "OAuth 2.0", "grant_type": "Authorization Code",
                   "consumer_id": "c", "consumer_secret": "s",
                   "authorization_url": "https://idp.example/authorize",
                   "access_token_url": "https://idp.example/token"}),
        )
        .await;
    let res = api
        .post(&format!("/api/v1/authorizations/{code}/token"), json!({}))
        .await;
    res.refused(422, Some("grant_type"));
    let res = api
        .post("/api/v1/authorizations/999/token", json!({}))
        .await;
    assert_eq!(res.status, 404);
}

#[tokio::test]
async fn the_call_back_url_needs_a_session_and_refuses_an_unknown_state() {
    let (api, _receiver) = setup().await;
    let app = &api.app;
    let anonymous = app
        .client
        .get(app.url("/oauth/callback?code=c&state=nope"))
        .send()
        .await
        .unwrap();
    assert!(
        location(&anonymous).starts_with("/login"),
        "{}",
        location(&anonymous)
    );
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let res = app
        .client
        .get(app.url("/oauth/callback?code=c&state=nope"))
        .send()
        .await
        .unwrap();
    let to = location(&res);
    assert!(
        to.starts_with("/assets/integrations?tab=authorizations&token_error="),
        "{to}"
    );
}
