use app::domain::deliveries::Period;
use webhooks_console::store::now_millis;

use super::Scene;

#[tokio::test]
async fn the_dashboard_counts_what_happened_including_retries_and_resends() {
    let Scene { h, gone, busy } = Scene::start().await;
    let dash = || async {
        h.api
            .app
            .services
            .deliveries
            .dashboard(Period::Hour)
            .await
            .unwrap()
    };
    let first = dash().await;
    assert_eq!(
        (first.executions, first.failures, first.attempts),
        (3, 3, 6)
    );
    assert_eq!(first.by_webhook.len(), 1);
    assert_eq!(first.by_webhook[0].integration_id, gone);
    assert_eq!(first.by_webhook[0].integration_name, "Gone");
    assert_eq!(first.by_webhook[0].failures, 3);
    assert_eq!(first.by_code.len(), 1);
    assert_eq!(
        (first.by_code[0].code.as_str(), first.by_code[0].failures),
        ("404", 3)
    );
    assert_eq!(first.by_code[0].meaning, "HTTP 404 Not Found");

    // Busy's retries come due and are delivered.
    let later = now_millis() + 11 * 60_000;
    assert_eq!(h.api.app.dispatcher.run_once_at(later).await.unwrap(), 3);
    // Gone is fixed: each failed delivery is resent by hand and delivered.
    for d in h.deliveries(&format!("?integration_id={gone}")).await {
        let res = h
            .api
            .post(
                &format!("/api/v1/deliveries/{}/resend", d["id"].as_str().unwrap()),
                serde_json::json!({}),
            )
            .await;
        assert_eq!(res.status, 202, "{}", res.text);
        assert_eq!(res.body["status"], "delivered");
    }
    let after = dash().await;
    assert_eq!(
        after.executions, 9,
        "three failures and six deliveries ended"
    );
    assert_eq!(after.failures, 3, "the earlier failures stay counted");
    assert_eq!(after.attempts, 12);
    let bars: u64 = after.trend.iter().map(|b| b.executions).sum();
    assert_eq!(bars, 9, "the trend adds up to the total");
    assert_eq!(after.trend.len(), 60, "one bar a minute for the hour");
    assert!(after.by_webhook.iter().all(|w| w.integration_id != busy));
    // The period before this one saw nothing.
    assert_eq!((after.previous_executions, after.previous_failures), (0, 0));
}
