//! The OAuth 2.0 callback's `state` is bound to the browser session that pressed Get Access
//! Token (review item 8): another signed-in session bringing the same `state` back is refused,
//! and the flow stays for the session that started it.

use reqwest::redirect::Policy;
use serde_json::json;

use crate::helpers::{location, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::rest_assets::Api;

async fn signed_in_client(api: &Api) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(api.app.url("/auth/login"))
        .form(&[
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    client
}

/// The `token_error` (or `token=ok`) the callback's redirect carries.
fn outcome(res: &reqwest::Response) -> String {
    let to = location(res);
    let query = to.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    pairs
        .into_iter()
        .find(|(k, _)| k == "token_error" || k == "token")
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no outcome in {to}"))
}

#[tokio::test]
async fn a_callback_from_another_session_is_refused_and_the_flow_stays_for_its_own() {
    let api = Api::spawn().await;
    let id = api
        .create(
            "/api/v1/authorizations",
            json!({"name": "IdP", "type": "OAuth 2.0", "grant_type": "Authorization Code",
                   "consumer_id": "console", "consumer_secret": "s3cret",
                   "authorization_url": "https://idp.example/authorize",
                   "access_token_url": "https://idp.example/token"}),
        )
        .await;
    let starter = signed_in_client(&api).await;
    let res = starter
        .post(api.app.url(&format!("/oauth/token/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let to_provider = reqwest::Url::parse(&location(&res)).unwrap();
    assert_eq!(to_provider.host_str(), Some("idp.example"));
    let state = to_provider
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("a state");
    let callback = api.app.url(&format!(
        "/oauth/callback?state={state}&error=access_denied"
    ));

    let other = signed_in_client(&api).await;
    let res = other.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let refused = outcome(&res);
    assert!(
        refused.contains("another session") || refused.contains("unknown"),
        "{refused}"
    );
    assert!(!refused.contains("refused: access_denied"), "{refused}");

    // The session that started it still finds its flow (here the provider said no).
    let res = starter.get(&callback).send().await.unwrap();
    assert_eq!(
        outcome(&res),
        "The authorization server refused: access_denied."
    );
}
