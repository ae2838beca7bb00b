//! After sign-in the browser goes only to a path on this site (CONTRACT §3 Login): the open
//! redirect reproduced on the running binary (`next=/<tab>/evil.example`) and its friends end
//! on the home page.

use crate::helpers::{location, spawn_app, ADMIN_EMAIL, ADMIN_PASSWORD};

async fn sign_in_with_next(next: &str) -> String {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/auth/login"))
        .form(&[
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
            ("next", next),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{next:?}");
    location(&res)
}

#[tokio::test]
async fn a_next_with_a_tab_before_a_second_slash_goes_home_instead_of_to_another_host() {
    assert_eq!(
        sign_in_with_next("/\t/evil.example").await,
        "/assets/integrations"
    );
}

#[tokio::test]
async fn a_next_hiding_another_host_behind_escapes_or_look_alikes_goes_home() {
    for next in [
        "/\n/evil.example",
        "/%09/evil.example",
        "/\\evil.example",
        "/\u{ff0f}evil.example",
        "//evil.example",
        "https://evil.example/",
    ] {
        assert_eq!(
            sign_in_with_next(next).await,
            "/assets/integrations",
            "{next:?}"
        );
    }
}

#[tokio::test]
async fn a_next_on_this_site_is_still_followed() {
    assert_eq!(
        sign_in_with_next("/monitor/deliveries?status=failed").await,
        "/monitor/deliveries?status=failed"
    );
}
