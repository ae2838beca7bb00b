//! The Monitor end to end over the real app: the dashboard's aggregates after known work
//! (`aggregates`), bulk resend jobs (`bulk`), the export (`export`), the log's paging and a
//! delivery's page (`log`), retention while the dispatcher runs (`retention`), and `/metrics`
//! (`metrics`). The dispatcher and the jobs are driven with `run_once`; nothing sleeps.

mod aggregates;
mod bulk;
mod export;
mod log;
mod metrics;
mod pages;
mod retention;

use serde_json::json;

use crate::dispatcher::{receipt, Harness};
use crate::receiver::Answers;

/// Two webhooks on one service: `Gone` answers 404 three times then 200 (fixed), `Busy` answers
/// 503 once then 200. Three receipts fan out to both: after one run, Gone's three are failed
/// (404, not retried) and Busy's three pending (retried in 10 minutes).
pub struct Scene {
    pub h: Harness,
    pub gone: String,
    pub busy: String,
}

impl Scene {
    pub async fn start() -> Scene {
        let answers = Answers::default()
            .posts("/gone", &[404, 404, 404, 200], "not here")
            .posts("/busy", &[503, 503, 503, 200], "try later");
        let h = Harness::start(answers, &["--retry-schedule", "10m,10m"]).await;
        let svc = h.service("Billing").await;
        let gone = h.webhook("Gone", &svc, "/gone", json!({})).await;
        let busy = h.webhook("Busy", &svc, "/busy", json!({})).await;
        let events: Vec<_> = (0..3).map(|i| receipt(&svc, json!({"i": i}))).collect();
        assert_eq!(h.ingest(json!(events)).await.body["deliveries"], 6);
        assert_eq!(h.run_once().await, 6);
        Scene { h, gone, busy }
    }
}
