//! Sign-in throttling (CONTRACT §4): failures counted per client address and per account,
//! from the 5th failure in a row a 429 at once that is the sign-in page saying how long to
//! wait; a success resets. (The doubling of the wait, which needs a clock, is tested against
//! the store in `auth::throttle`.)

use std::net::{IpAddr, Ipv4Addr};

use reqwest::redirect::Policy;

use crate::helpers::{location, spawn_app, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

/// A second client machine: connections come from 127.0.0.2 (any 127/8 address is loopback).
fn client_from_another_address() -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .redirect(Policy::none())
        .build()
        .unwrap()
}

async fn sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/auth/login"))
        .form(&[
            ("email", email),
            ("password", password),
            ("next", "/monitor/deliveries"),
        ])
        .send()
        .await
        .unwrap()
}

/// Asserts an ordinary refusal: back to the form with "wrong email or password".
async fn fail(app: &TestApp, client: &reqwest::Client, email: &str) {
    let res = sign_in(app, client, email, "not the password").await;
    assert_eq!(res.status(), 303);
    assert!(
        location(&res).starts_with("/login?error=invalid"),
        "{}",
        location(&res)
    );
}

#[track_caller]
fn assert_opens(res: &reqwest::Response) {
    assert_eq!(res.status(), 303);
    assert_eq!(location(res), "/monitor/deliveries");
}

#[tokio::test]
async fn after_five_failures_in_a_row_the_next_attempt_is_a_429_sign_in_page_saying_how_long() {
    let app = spawn_app().await;
    for _ in 0..5 {
        fail(&app, &app.client, ADMIN_EMAIL).await;
    }
    // Even the right password: the attempt is refused before any password check.
    let res = sign_in(&app, &app.client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "1");
    assert!(res.headers().get("set-cookie").is_none());
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Too many attempts; try again in 1 s"),
        "{html}"
    );
    // It is the sign-in page: the form, the email kept, where to go next kept.
    assert!(html.contains(r#"action="/auth/login""#), "{html}");
    assert!(html.contains(r#"value="admin@example.com""#), "{html}");
    assert!(html.contains(r#"value="/monitor/deliveries""#), "{html}");
}

#[tokio::test]
async fn a_success_resets_the_count() {
    let app = spawn_app().await;
    for _ in 0..4 {
        fail(&app, &app.client, ADMIN_EMAIL).await;
    }
    assert_opens(&sign_in(&app, &app.client, ADMIN_EMAIL, ADMIN_PASSWORD).await);
    for _ in 0..5 {
        fail(&app, &app.client, ADMIN_EMAIL).await;
    }
    let res = sign_in(&app, &app.client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 429);
}

#[tokio::test]
async fn an_account_is_throttled_from_every_address() {
    let app = spawn_app().await;
    for _ in 0..5 {
        fail(&app, &app.client, ADMIN_EMAIL).await;
    }
    let elsewhere = client_from_another_address();
    let res = sign_in(&app, &elsewhere, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 429);
    // That address may still try other accounts.
    fail(&app, &elsewhere, "someone@example.com").await;
}

#[tokio::test]
async fn an_address_is_throttled_for_every_account() {
    let app = spawn_app().await;
    for n in 0..5 {
        fail(&app, &app.client, &format!("guess{n}@example.com")).await;
    }
    let res = sign_in(&app, &app.client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 429);
    // Another address signs in to the same account as usual.
    assert_opens(
        &sign_in(
            &app,
            &client_from_another_address(),
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
        )
        .await,
    );
}

#[tokio::test]
async fn an_unknown_account_is_throttled_like_a_known_one() {
    let app = spawn_app().await;
    for _ in 0..5 {
        fail(&app, &app.client, "nobody@example.com").await;
    }
    let res = sign_in(
        &app,
        &client_from_another_address(),
        "Nobody@Example.com",
        "whatever it is",
    )
    .await;
    assert_eq!(res.status(), 429);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Too many attempts; try again in 1 s"));
}
