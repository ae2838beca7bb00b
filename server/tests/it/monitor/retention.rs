use app::domain::deliveries::Period;
use serde_json::json;
use webhooks_console::store::now_millis;

use crate::dispatcher::{receipt, Harness};
use crate::receiver::Answers;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pruning_beside_a_running_dispatcher_removes_only_what_has_ended() {
    let answers = Answers::default()
        .posts("/ok", &[200], "")
        .posts("/busy", &[503], "");
    let flags = ["--retain-deliveries", "1h", "--retry-schedule", "10m"];
    let h = Harness::start(answers, &flags).await;
    let (a, b) = (h.service("A").await, h.service("B").await);
    h.webhook("Ok", &a, "/ok", json!({})).await;
    h.webhook("Busy", &b, "/busy", json!({})).await;
    for svc in [&a, &b] {
        let events: Vec<_> = (0..150).map(|i| receipt(svc, json!({"i": i}))).collect();
        assert_eq!(h.ingest(json!(events)).await.status, 202);
    }
    // Two hours on, everything ingested now is older than the retention: prune again and again
    // while the dispatcher works through the queue.
    let retention = h.api.app.jobs.retention.clone();
    let later = now_millis() + 2 * 3_600_000;
    let dispatcher = h.api.app.dispatcher.clone();
    let deliver = tokio::spawn(async move { dispatcher.run_once().await.unwrap() });
    let mut pruned = 0;
    while !deliver.is_finished() {
        pruned += retention.run_once_at(later).await.unwrap().events;
        tokio::task::yield_now().await;
    }
    assert_eq!(
        deliver.await.unwrap(),
        300,
        "every delivery was attempted and recorded"
    );
    pruned += retention.run_once_at(later).await.unwrap().events;
    assert_eq!(pruned, 150, "Ok's events went once delivered");
    assert_eq!(h.posts().len(), 300);
    // Busy's deliveries wait for their retry: they and their events stay.
    let left = h.deliveries("?limit=1000").await;
    assert_eq!(left.len(), 150);
    assert!(left
        .iter()
        .all(|d| d["status"] == "pending" && d["integration_name"] == "Busy"));
    // Once Busy fails for good, its events go too; the dashboard keeps counting them.
    let end = now_millis() + 11 * 60_000;
    assert_eq!(h.api.app.dispatcher.run_once_at(end).await.unwrap(), 150);
    assert_eq!(retention.run_once_at(later).await.unwrap().events, 150);
    assert!(h.deliveries("").await.is_empty());
    let dash = h
        .api
        .app
        .services
        .deliveries
        .dashboard(Period::Hour)
        .await
        .unwrap();
    assert_eq!((dash.executions, dash.failures), (300, 150));
}
