//! Sessions: a new token at every sign-in, `Secure` over https, an idle timeout that each use
//! slides (written at most once a minute), and sign out everywhere. (The timeouts themselves,
//! with an explicit clock, are tested against the store in `store::sqlite::accounts`.)

use reqwest::redirect::Policy;
use webhooks_console::{auth::token, store::now_millis};

use crate::helpers::{location, spawn_app, spawn_app_with, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

fn session_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("wc_session="))
        .expect("a session cookie")
        .to_owned()
}

fn token_of(cookie: &str) -> String {
    cookie["wc_session=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

async fn opens_console(app: &TestApp, client: &reqwest::Client) -> bool {
    let res = client
        .get(app.url("/assets/services"))
        .send()
        .await
        .unwrap();
    res.status() == 200
}

/// When the session was last used, as stored.
async fn last_seen(app: &TestApp, hash: &str) -> i64 {
    let now = now_millis();
    app.store
        .find_session(hash, now, now - 13 * 3_600_000)
        .await
        .unwrap()
        .expect("a live session")
        .last_seen_at
}

#[tokio::test]
async fn the_cookie_is_secure_when_the_public_url_is_https() {
    let flags = [
        "--admin-email",
        ADMIN_EMAIL,
        "--admin-password",
        ADMIN_PASSWORD,
        "--public-url",
        "https://console.example.com",
    ];
    let https = spawn_app_with(&flags).await;
    let cookie = session_cookie(&https.login(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let http = spawn_app().await;
    let cookie = session_cookie(&http.login(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn signing_in_always_gives_a_new_session_token() {
    let app = spawn_app().await;
    let planted = "planted-by-someone-else";
    let res = app
        .client
        .post(app.url("/auth/login"))
        .header("cookie", format!("wc_session={planted}"))
        .form(&[
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    let token = token_of(&session_cookie(&res));
    assert_ne!(token, planted);
    let again = token_of(&session_cookie(
        &app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await,
    ));
    assert_ne!(again, token);
}

#[tokio::test]
async fn a_session_idle_for_twelve_hours_ends_and_a_use_is_written_at_most_once_a_minute() {
    let app = spawn_app().await;
    let token = token_of(&session_cookie(
        &app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await,
    ));
    let hash = token::hash(&token);
    // Used a minute and a half ago: this use is written, and slides the idle end.
    let before = now_millis() - 90_000;
    app.store.touch_session(&hash, before).await.unwrap();
    assert!(opens_console(&app, &app.client).await);
    let written = last_seen(&app, &hash).await;
    assert!(written >= before + 90_000 - 5_000, "{written} vs {before}");
    // Used again at once: nothing written.
    assert!(opens_console(&app, &app.client).await);
    assert_eq!(last_seen(&app, &hash).await, written);

    // Last used twelve hours and a second ago: the session has ended.
    let idle = now_millis() - 12 * 3_600_000 - 1_000;
    app.store.touch_session(&hash, idle).await.unwrap();
    let res = app
        .client
        .get(app.url("/assets/services"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(
        location(&res).starts_with("/login?next="),
        "{}",
        location(&res)
    );
}

#[tokio::test]
async fn sign_out_everywhere_ends_the_sessions_of_every_browser() {
    let app = spawn_app().await;
    let other_browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let res = other_browser
        .post(app.url("/auth/login"))
        .form(&[
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status(), 303);
    assert!(opens_console(&app, &app.client).await);
    assert!(opens_console(&app, &other_browser).await);

    let page = app
        .client
        .get(app.url("/assets/services"))
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"action="/auth/logout-everywhere""#),
        "the header has the button"
    );
    assert!(html.contains("Sign out everywhere"));

    let res = app
        .client
        .post(app.url("/auth/logout-everywhere"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/login?notice=signed-out-everywhere");
    assert!(!opens_console(&app, &app.client).await);
    assert!(!opens_console(&app, &other_browser).await);
}
