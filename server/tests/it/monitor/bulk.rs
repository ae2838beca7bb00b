use app::domain::{
    deliveries::{DeliveryQuery, DeliveryQueryInput},
    monitor::BulkJobState,
};
use webhooks_console::jobs::BulkResender;

use super::Scene;

fn query(pairs: &[(&str, &str)]) -> DeliveryQuery {
    let mut input = DeliveryQueryInput::default();
    for (k, v) in pairs {
        let v = Some((*v).to_owned());
        match *k {
            "status" => input.status = v,
            "integration_id" => input.integration_id = v,
            other => panic!("{other}"),
        }
    }
    DeliveryQuery::parse(&input).unwrap()
}

#[tokio::test]
async fn a_bulk_resend_previews_then_resends_each_selected_delivery_once_as_a_manual_attempt() {
    let Scene { h, gone, .. } = Scene::start().await;
    let deliveries = &h.api.app.services.deliveries;
    let failed = query(&[("status", "failed")]);
    let preview = deliveries.preview_bulk_resend(&failed).await.unwrap();
    assert_eq!((preview.matching, preview.to_resend), (3, 3));

    let job = deliveries.start_bulk_resend(&failed).await.unwrap();
    assert_eq!(
        (job.state, job.total, job.done),
        (BulkJobState::Running, 3, 0)
    );
    assert_eq!(
        job.filters,
        vec![("status".to_owned(), "failed".to_owned())]
    );
    h.api.app.jobs.bulk.run_once().await.unwrap();
    let job = deliveries.bulk_resend(&job.id).await.unwrap();
    assert_eq!(
        (job.state, job.done, job.skipped),
        (BulkJobState::Done, 3, 0)
    );

    assert_eq!(h.run_once().await, 3, "the three queued resends are sent");
    for d in h.deliveries(&format!("?integration_id={gone}")).await {
        assert_eq!(d["status"], "delivered");
        let full = h.delivery(d["id"].as_str().unwrap()).await;
        let attempts = full["attempts"].as_array().unwrap();
        assert_eq!(attempts.len(), 2);
        assert_eq!(attempts[1]["trigger"], "manual");
        assert_eq!(attempts[1]["status_code"], 200);
    }
    let to_gone = h.posts().iter().filter(|p| p.path == "/gone").count();
    assert_eq!(to_gone, 6, "three failures and three resends, none twice");
    assert_eq!(h.run_once().await, 0, "nothing is left queued");
}

#[tokio::test]
async fn a_bulk_resend_skips_deliveries_that_are_still_pending() {
    let Scene { h, busy, .. } = Scene::start().await;
    let deliveries = &h.api.app.services.deliveries;
    let of_busy = query(&[("integration_id", &busy)]);
    let preview = deliveries.preview_bulk_resend(&of_busy).await.unwrap();
    assert_eq!((preview.matching, preview.to_resend), (3, 0));
    let job = deliveries.start_bulk_resend(&of_busy).await.unwrap();
    h.api.app.jobs.bulk.run_once().await.unwrap();
    let job = deliveries.bulk_resend(&job.id).await.unwrap();
    assert_eq!(
        (job.state, job.done, job.skipped),
        (BulkJobState::Done, 3, 3)
    );
    assert_eq!(
        h.run_once().await,
        0,
        "pending deliveries wait for their retry"
    );
    assert_eq!(h.posts().iter().filter(|p| p.path == "/busy").count(), 3);
}

#[tokio::test]
async fn a_bulk_resend_with_nothing_to_select_is_refused() {
    let Scene { h, .. } = Scene::start().await;
    let none = query(&[("status", "delivered")]);
    let e = h
        .api
        .app
        .services
        .deliveries
        .start_bulk_resend(&none)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("nothing to resend"), "{e}");
}

#[tokio::test]
async fn a_cancelled_job_stops_and_a_worker_that_restarts_resumes_a_running_one() {
    let Scene { h, .. } = Scene::start().await;
    let deliveries = &h.api.app.services.deliveries;
    let all = query(&[]);
    let cancelled = deliveries.start_bulk_resend(&all).await.unwrap();
    let cancelled = deliveries.cancel_bulk_resend(&cancelled.id).await.unwrap();
    assert_eq!(cancelled.state, BulkJobState::Cancelled);

    let job = deliveries.start_bulk_resend(&all).await.unwrap();
    // A new worker over the same database (as after a restart) picks the stored job up.
    let after_restart = BulkResender::new(h.api.app.store.clone(), h.api.app.dispatcher.clone());
    after_restart.run_once().await.unwrap();
    let job = deliveries.bulk_resend(&job.id).await.unwrap();
    assert_eq!(
        (job.state, job.done, job.skipped),
        (BulkJobState::Done, 6, 3)
    );
    let cancelled = deliveries.bulk_resend(&cancelled.id).await.unwrap();
    assert_eq!(
        (cancelled.state, cancelled.done),
        (BulkJobState::Cancelled, 0)
    );
    let jobs = deliveries.bulk_resends().await.unwrap();
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[0].id, job.id, "newest first");
}
