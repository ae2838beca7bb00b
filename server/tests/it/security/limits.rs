//! Request bodies outside `/api/v1` are capped at 256 KiB (server functions read theirs whole,
//! with no limit of their own): 413 with a sentence, nothing done. The API keeps its own.

use webhooks_console::auth::api_key;

use crate::helpers::{spawn_app, ADMIN_EMAIL, ADMIN_PASSWORD};

const OVER: usize = 300 * 1024;

#[tokio::test]
async fn an_oversized_server_function_body_is_refused_with_413_and_changes_nothing() {
    let app = spawn_app().await;
    assert_eq!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status(), 303);
    let path = <app::api::assets::SaveService as leptos::server_fn::ServerFn>::PATH;
    let name = "x".repeat(OVER);
    let res = app
        .client
        .post(app.url(path))
        .form(&[("name", name.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert!(res.text().await.unwrap().contains("at most 256 KiB"));
    assert!(app
        .store
        .list_services(&Default::default())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn an_oversized_sign_in_form_is_refused_before_any_password_check() {
    let app = spawn_app().await;
    let password = "p".repeat(OVER);
    let res = app
        .client
        .post(app.url("/auth/login"))
        .form(&[
            ("email", ADMIN_EMAIL),
            ("password", password.as_str()),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}

#[tokio::test]
async fn the_api_keeps_its_own_larger_limit() {
    let app = spawn_app().await;
    let (key, _) = api_key::create(app.store.as_ref(), "limits").await.unwrap();
    let res = app
        .client
        .post(app.url("/api/v1/events"))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(format!("[{}]", "1,".repeat(OVER).trim_end_matches(',')))
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), 413, "the ingest limit is 1 MiB");
    assert_eq!(res.status(), 400);
}
