//! CSRF (CONTRACT §4): outside `/api/v1`, a state-changing request from another origin, or
//! one the browser marks `cross-site`/`same-site`, gets 403 and changes nothing; the console's
//! own requests and requests with neither header go through; GET is never refused.

use reqwest::{RequestBuilder, Response};
use webhooks_console::auth::api_key;

use crate::helpers::{spawn_app, spawn_app_with, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

/// The server function the Add Service form posts to.
fn save_service_path() -> &'static str {
    <app::api::assets::SaveService as leptos::server_fn::ServerFn>::PATH
}

async fn signed_in() -> TestApp {
    let app = spawn_app().await;
    assert_eq!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status(), 303);
    app
}

fn save_service(app: &TestApp, name: &str) -> RequestBuilder {
    app.client
        .post(app.url(save_service_path()))
        .form(&[("name", name)])
}

async fn service_names(app: &TestApp) -> Vec<String> {
    let all = app.store.list_services(&Default::default()).await.unwrap();
    all.into_iter().map(|s| s.name).collect()
}

async fn assert_refused(res: Response) {
    assert_eq!(res.status(), 403);
    let text = res.text().await.unwrap();
    assert!(text.contains("came from another site"), "{text}");
}

#[tokio::test]
async fn a_server_function_posted_from_another_origin_is_refused_and_creates_nothing() {
    let app = signed_in().await;
    let res = save_service(&app, "Evil Corp")
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_refused(res).await;
    // Another port of the same host: same site, still another origin.
    let res = save_service(&app, "Evil Corp")
        .header("origin", "http://127.0.0.1:1")
        .header("sec-fetch-site", "same-site")
        .send()
        .await
        .unwrap();
    assert_refused(res).await;
    let res = save_service(&app, "Evil Corp")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_refused(res).await;
    assert!(service_names(&app).await.is_empty());
}

#[tokio::test]
async fn the_consoles_own_posts_and_posts_without_either_header_go_through() {
    let app = signed_in().await;
    let res = save_service(&app, "Billing")
        .header("origin", app.base.as_str())
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let res = save_service(&app, "Alerts").send().await.unwrap();
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let mut names = service_names(&app).await;
    names.sort();
    assert_eq!(names, ["Alerts", "Billing"]);
}

#[tokio::test]
async fn sign_in_sign_out_and_get_access_token_refuse_cross_site_posts() {
    let app = signed_in().await;
    let login = app
        .client
        .post(app.url("/auth/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
            ("next", ""),
        ]);
    assert_refused(login.send().await.unwrap()).await;
    let logout = app
        .client
        .post(app.url("/auth/logout"))
        .header("origin", "http://evil.example");
    assert_refused(logout.send().await.unwrap()).await;
    let token = app
        .client
        .post(app.url("/oauth/token/1"))
        .header("origin", "http://evil.example");
    assert_refused(token.send().await.unwrap()).await;
    // Still signed in: the forged sign-out changed nothing.
    let page = app
        .client
        .get(app.url("/assets/services"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
}

#[tokio::test]
async fn get_is_never_refused_and_the_api_key_area_is_not_checked() {
    let app = signed_in().await;
    let callback = app
        .client
        .get(app.url("/oauth/callback?state=x&code=y"))
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://provider.example")
        .send()
        .await
        .unwrap();
    assert_ne!(callback.status(), 403);
    let (key, _) = api_key::create(app.store.as_ref(), "csrf").await.unwrap();
    let created = app
        .client
        .post(app.url("/api/v1/services"))
        .bearer_auth(key)
        .header("origin", "http://evil.example")
        .header("sec-fetch-site", "cross-site")
        .json(&serde_json::json!({"name": "Billing"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
}

#[tokio::test]
async fn the_public_url_origin_is_the_consoles_origin_behind_a_proxy() {
    let app = spawn_app_with(&["--public-url", "https://console.example.com"]).await;
    // Without a session: passing the CSRF check shows as the session check's 401.
    let ours = save_service(&app, "Billing")
        .header("origin", "https://console.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(ours.status(), 401);
    let other = save_service(&app, "Billing")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_refused(other).await;
}
