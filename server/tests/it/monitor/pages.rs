//! The Monitor pages as a browser without JavaScript gets them: server-rendered HTML of the log,
//! a delivery's attempts and the dashboard, from the same scene as the other Monitor tests.

use super::Scene;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD};

async fn page(scene: &Scene, path: &str) -> String {
    let app = &scene.h.api.app;
    let res = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    let html = res.text().await.unwrap();
    assert!(html.len() < 200 * 1024, "{path} is {} bytes", html.len());
    html
}

async fn signed_in() -> Scene {
    let scene = Scene::start().await;
    let res = scene.h.api.app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 303);
    scene
}

#[tokio::test]
async fn the_log_lists_the_filtered_deliveries_with_their_status_word_and_a_link_to_each() {
    let scene = signed_in().await;
    let failed = scene
        .h
        .deliveries(&format!("?integration_id={}&status=failed", scene.gone))
        .await;
    assert_eq!(failed.len(), 3);
    let html = page(
        &scene,
        &format!(
            "/monitor/deliveries?integration_id={}&status=failed",
            scene.gone
        ),
    )
    .await;
    for d in &failed {
        let id = d["id"].as_str().unwrap();
        assert!(
            html.contains(&format!("href=\"/monitor/deliveries/{id}\"")),
            "{id}"
        );
    }
    assert_eq!(html.matches(">Failed</span>").count(), 3, "{html}");
    assert!(
        !html.contains(">Pending</span>"),
        "the filter leaves Busy out"
    );
    // The filters stay in the form and in the export links.
    assert!(html.contains(&format!(
        "/monitor/deliveries/export?integration_id={}&amp;status=failed&amp;format=csv",
        scene.gone
    )));
}

#[tokio::test]
async fn a_bad_filter_is_explained_on_the_page() {
    let scene = signed_in().await;
    let html = page(&scene, "/monitor/deliveries?status=lost").await;
    assert!(
        html.contains("`status` is one of pending, delivered, failed."),
        "{html}"
    );
}

#[tokio::test]
async fn a_delivery_page_shows_each_attempt_with_its_answer_and_a_resend_button() {
    let scene = signed_in().await;
    let failed = scene
        .h
        .deliveries(&format!("?integration_id={}", scene.gone))
        .await;
    let id = failed[0]["id"].as_str().unwrap();
    let html = page(&scene, &format!("/monitor/deliveries/{id}")).await;
    assert!(html.contains("Attempt 1"), "{html}");
    assert!(html.contains("HTTP 404"));
    assert!(html.contains("not here"), "the response excerpt");
    assert!(html.contains(">Resend</button>"));
}

#[tokio::test]
async fn the_dashboard_draws_its_trend_as_svg_and_lists_failures_by_webhook_and_status() {
    let scene = signed_in().await;
    let html = page(&scene, "/monitor/dashboard").await;
    assert!(html.contains("<svg"), "{html}");
    assert!(html.contains("Executions and failures over the period"));
    // Gone's three 404s, linked to the log filtered to them.
    assert!(html.contains(&format!(
        "/monitor/deliveries?integration_id={}&amp;status=failed&amp;from=",
        scene.gone
    )));
    assert!(html.contains("<code>404</code>"));
    let failures = html.split("Failures by webhook").nth(2).unwrap_or(&html);
    assert!(failures.contains(">Gone</a>"));
    assert!(!failures
        .split("Failures by status")
        .next()
        .unwrap()
        .contains(">Busy</a>"));
}
