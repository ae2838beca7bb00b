//! The delivery log: filters and pages, and deleting a webhook (its pending deliveries end as
//! failed `webhook_deleted`; the log stays).

use serde_json::json;

use super::{receipt, Harness};
use crate::receiver::Answers;

#[tokio::test]
async fn the_log_filters_by_integration_status_channel_and_time_and_pages_newest_first() {
    let answers = Answers::default()
        .posts("/ok", &[200], "")
        .posts("/bad", &[404], "");
    let h = Harness::start(answers, &[]).await;
    let svc = h.service("Billing").await;
    let ok = h.webhook("Ok", &svc, "/ok", json!({})).await;
    h.webhook("Bad", &svc, "/bad", json!({})).await;
    let events: Vec<_> = (0..3).map(|i| receipt(&svc, json!({"i": i}))).collect();
    assert_eq!(h.ingest(json!(events)).await.body["deliveries"], 6);
    h.run_once().await;

    let all = h.deliveries("").await;
    assert_eq!(all.len(), 6);
    let ids: Vec<i64> = all
        .iter()
        .map(|d| d["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    assert_eq!(
        h.deliveries(&format!("?integration_id={ok}")).await.len(),
        3
    );
    assert_eq!(h.deliveries("?status=failed").await.len(), 3);
    assert_eq!(h.deliveries("?status=delivered&channel=SMS").await.len(), 3);
    assert_eq!(h.deliveries("?channel=Voice").await.len(), 0);
    let page = h.deliveries("?limit=4").await;
    assert_eq!(page.len(), 4);
    let rest = h
        .deliveries(&format!("?before={}", page[3]["id"].as_str().unwrap()))
        .await;
    assert_eq!(rest.len(), 2);
    assert_eq!(
        h.deliveries("?from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z")
            .await
            .len(),
        6
    );
    assert_eq!(h.deliveries("?to=2000-01-01T00:00:00Z").await.len(), 0);
    for bad in [
        "?status=lost",
        "?limit=1001",
        "?limit=0",
        "?from=yesterday",
        "?integration_id=x",
    ] {
        let res = h.api.get(&format!("/api/v1/deliveries{bad}")).await;
        assert_eq!(res.status, 400, "{bad}: {}", res.text);
    }
    h.api
        .get("/api/v1/deliveries/424242")
        .await
        .refused(404, None);
}

#[tokio::test]
async fn deleting_a_webhook_fails_its_pending_deliveries_and_keeps_the_log() {
    let answers = Answers::default()
        .posts("/down", &[503], "")
        .posts("/ok", &[200], "");
    let h = Harness::start(answers, &["--retry-schedule", "1h"]).await;
    let svc = h.service("Billing").await;
    let down = h.webhook("Down", &svc, "/down", json!({})).await;
    h.webhook("Ok", &svc, "/ok", json!({})).await;
    h.ingest(receipt(&svc, json!({}))).await;
    h.run_once().await; // Down: attempted once, pending a retry
    h.ingest(receipt(&svc, json!({}))).await; // Down: pending, never attempted
    let res = h.api.delete(&format!("/api/v1/integrations/{down}")).await;
    assert_eq!(res.status, 204, "{}", res.text);

    let log = h.deliveries(&format!("?integration_id={down}")).await;
    assert_eq!(log.len(), 2, "the log stays");
    for d in &log {
        assert_eq!(d["status"], "failed", "{d}");
        assert_eq!(d["last_error_code"], "webhook_deleted");
        assert_eq!(d["integration_name"], "Down");
    }
    let first = h.delivery(log[1]["id"].as_str().unwrap()).await;
    assert_eq!(
        first["attempts"][0]["status_code"], 503,
        "attempts stay too"
    );
    h.run_once().await;
    assert_eq!(h.posts().iter().filter(|p| p.path == "/down").count(), 1);
}
