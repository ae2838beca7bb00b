//! Forward to SMPP with several instances on one PostgreSQL database (SPEC §9): an ESME binds
//! to one instance, and its deliveries are sent by that one; another instance sends the HTTP
//! deliveries beside them and passes over the SMPP ones instead of logging "not bound" attempts
//! and spending their retries. PostgreSQL only (SQLite serves one instance): on the SQLite run
//! it says so and ends.

use serde_json::json;

use super::{hex, wait_events, Smpp};
use crate::helpers::{on_postgres, PgTestDatabase};
use crate::instances::another_instance;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_smpp_delivery_is_sent_by_the_instance_where_its_esme_is_bound() {
    if !on_postgres() {
        eprintln!(
            "smpp instances: several instances need PostgreSQL; runs with TEST_DATABASE=postgres"
        );
        return;
    }
    let pg = PgTestDatabase::create().await;
    let a = Smpp::start(&["--database-url", &pg.url]).await;
    let esme = a.bound_esme(&[]).await;
    // Instance B: the same database, key file and trusted CA, its own SMPP listener; no ESME
    // binds to it.
    let b = another_instance(&a.h, &pg, &["--smpp-listen", "127.0.0.1:0"]).await;

    a.incoming(&["one", "two", "three"]).await;
    // B works first: it sends the three POSTs and leaves the deliver_sm to A.
    let at_b = b.app.dispatcher.run_once().await.expect("run_once at B");
    assert_eq!(at_b, 3, "the HTTP deliveries only");
    assert_eq!(a.h.posts().len(), 3);
    for d in a.deliveries_by("smpp").await {
        assert_eq!(d["status"], "pending", "{d}");
        assert_eq!(d["attempts"], json!([]), "B made no attempt: {d}");
    }
    // A, where the ESME is bound, sends them.
    assert_eq!(a.h.run_once().await, 3, "the three deliver_sm");
    let got = wait_events(&esme, 3, |e| e["event"] == "deliver_sm").await;
    let mut texts: Vec<String> = got
        .iter()
        .map(|e| e["short_message"].as_str().unwrap_or_default().to_owned())
        .collect();
    texts.sort();
    assert_eq!(texts, vec![hex(b"one"), hex(b"three"), hex(b"two")]);
    for d in a.deliveries_by("smpp").await {
        assert_eq!(d["status"], "delivered", "{d}");
        assert_eq!(d["attempts"].as_array().unwrap().len(), 1, "{d}");
    }
}
