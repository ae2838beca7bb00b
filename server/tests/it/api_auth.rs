//! `/api/v1` needs `Authorization: Bearer <key>`.

use webhooks_console::auth::api_key;

use crate::helpers::spawn_app;

#[tokio::test]
async fn without_a_key_the_api_answers_401_with_a_json_error() {
    let app = spawn_app().await;
    for auth in [
        None,
        Some("Bearer"),
        Some("Bearer "),
        Some("Basic YTpi"),
        Some("Bearer whk_not-a-real-key"),
    ] {
        let mut req = app.client.get(app.url("/api/v1/services"));
        if let Some(value) = auth {
            req = req.header("authorization", value);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 401, "{auth:?}");
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
        let body: serde_json::Value = res.json().await.unwrap();
        assert!(
            body["error"].as_str().unwrap().contains("API key"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_created_key_is_accepted_and_only_its_hash_is_stored() {
    let app = spawn_app().await;
    let (key, record) = api_key::create(app.store.as_ref(), "tests").await.unwrap();
    assert!(key.starts_with("whk_"));
    assert!(key.starts_with(&record.prefix));
    let res = app
        .client
        .get(app.url("/api/v1/nothing"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "No such endpoint.");
    // Looking the key up by itself (not its hash) finds nothing: the raw key is not stored.
    assert!(app.store.find_api_key(&key).await.unwrap().is_none());
}

#[tokio::test]
async fn a_browser_session_does_not_open_the_rest_api() {
    let app = spawn_app().await;
    app.login(crate::helpers::ADMIN_EMAIL, crate::helpers::ADMIN_PASSWORD)
        .await;
    let res = app
        .client
        .get(app.url("/api/v1/services"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}
