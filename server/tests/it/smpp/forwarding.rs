//! What a bound ESME receives, and how each answer (or none) ends an SMPP delivery.

use serde_json::{json, Value};

use super::{hex, ucs2_hex, wait_events, Smpp, CUSTOMER, SHORT_CODE};

fn text_of(e: &Value) -> String {
    e["short_message"].as_str().unwrap_or_default().to_owned()
        + e["message_payload"].as_str().unwrap_or_default()
}

/// The deliver_sm whose text (hex) is `wanted`.
fn find<'a>(got: &'a [Value], wanted: &str) -> &'a Value {
    got.iter()
        .find(|e| text_of(e) == wanted)
        .unwrap_or_else(|| panic!("no deliver_sm carries {wanted}: {got:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bound_esme_receives_each_incoming_sms_as_deliver_sm_beside_the_http_post() {
    let s = Smpp::start(&[]).await;
    let esme = s.bound_esme(&[]).await;
    let long = "Long reply: ".to_owned() + &"0123456789".repeat(19);
    assert!(long.chars().count() > 160);
    let texts = ["STOP ALERTS", "Grüße, Ärger", "Привет, мир", long.as_str()];
    s.incoming(&texts).await;

    assert_eq!(s.h.run_once().await, 8, "4 POSTs and 4 deliver_sm");
    let got = wait_events(&esme, 4, |e| e["event"] == "deliver_sm").await;
    assert_eq!(got.len(), 4, "{got:?}");
    for e in &got {
        assert_eq!(e["source_addr"], CUSTOMER, "{e}");
        assert_eq!(e["source_addr_ton"], 1, "international: {e}");
        assert_eq!(e["destination_addr"], SHORT_CODE, "{e}");
    }
    let find = |wanted: &str| find(&got, wanted);
    let ascii = find(&hex(b"STOP ALERTS"));
    assert_eq!(ascii["data_coding"], 0);
    assert_eq!(ascii["message_payload"], Value::Null);
    // Default alphabet, one octet per character: ü 0x7E, ß 0x1E, Ä 0x5B.
    let gsm = find(
        "4772 7e 1e 65 2c 20 5b 72 67 65 72"
            .replace(' ', "")
            .as_str(),
    );
    assert_eq!(gsm["data_coding"], 0);
    let cyrillic = find(&ucs2_hex("Привет, мир"));
    assert_eq!(cyrillic["data_coding"], 8, "UCS-2");
    assert_eq!(cyrillic["short_message"], ucs2_hex("Привет, мир"));
    let long_one = find(&hex(long.as_bytes()));
    assert_eq!(long_one["data_coding"], 0);
    assert_eq!(
        long_one["short_message"], "",
        "the text is in message_payload"
    );
    assert_eq!(long_one["message_payload"], hex(long.as_bytes()));

    // The HTTP webhook still got its POST of each message, the exact bytes ingested.
    let posts = s.h.posts();
    assert_eq!(posts.len(), 4);
    let bodies: Vec<Value> = posts
        .iter()
        .map(|p| serde_json::from_slice(&p.body).unwrap())
        .collect();
    for text in texts {
        assert!(bodies.iter().any(|b| b["message"] == text), "{bodies:?}");
    }
    for d in s.deliveries_by("http").await {
        assert_eq!(d["status"], "delivered", "{d}");
    }
    let smpp = s.deliveries_by("smpp").await;
    assert_eq!(smpp.len(), 4);
    for d in &smpp {
        assert_eq!(d["status"], "delivered", "{d}");
        assert_eq!(d["integration_id"], json!(s.webhook));
        let attempt = &d["attempts"][0];
        assert_eq!(attempt["smpp_status"], 0, "{d}");
        assert_eq!(attempt["request_headers"]["command"], "deliver_sm", "{d}");
        assert!(
            attempt["response_body"]
                .as_str()
                .unwrap()
                .starts_with("deliver_sm_resp command_status=0x00000000"),
            "{d}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_sent_while_no_esme_is_bound_arrive_once_it_binds() {
    let s = Smpp::start(&["--retry-schedule", "1m,1m,1m"]).await;
    s.incoming(&["first", "second"]).await;
    assert_eq!(s.h.run_once().await, 4);
    for d in s.deliveries_by("smpp").await {
        assert_eq!(d["status"], "pending", "retried later: {d}");
        assert_eq!(d["attempts"][0]["error_code"], "smpp_not_bound", "{d}");
    }
    assert_eq!(s.h.posts().len(), 2, "the POSTs did not wait");

    // The bind makes them due at once: no waiting for the retry a minute later.
    let esme = s.bound_esme(&[]).await;
    assert_eq!(s.h.run_once().await, 2);
    let got = wait_events(&esme, 2, |e| e["event"] == "deliver_sm").await;
    let mut texts: Vec<String> = got.iter().map(text_of).collect();
    texts.sort();
    assert_eq!(texts, vec![hex(b"first"), hex(b"second")]);
    for d in s.deliveries_by("smpp").await {
        assert_eq!(d["status"], "delivered", "{d}");
        assert_eq!(d["attempts"].as_array().unwrap().len(), 2, "{d}");
        assert_eq!(d["attempts"][1]["smpp_status"], 0, "{d}");
    }
    assert_eq!(s.h.posts().len(), 2, "no POST sent twice");
}

/// One message to an ESME started with `esme_flags`, on an app started with `flags`: its SMPP
/// delivery after the first attempt, which the ESME received.
async fn after_one_answer(flags: &[&str], esme_flags: &[&str], text: &str) -> Value {
    let s = Smpp::start(flags).await;
    let esme = s.bound_esme(esme_flags).await;
    s.incoming(&[text]).await;
    assert_eq!(s.h.run_once().await, 2, "the POST and the deliver_sm");
    let got = wait_events(&esme, 1, |e| e["event"] == "deliver_sm").await;
    assert_eq!(got.len(), 1, "{got:?}");
    s.deliveries_by("smpp").await.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_temporary_error_status_is_a_failed_attempt_with_that_status_retried() {
    // ESME_RX_T_APPN: the ESME cannot take it now.
    let schedule = ["--retry-schedule", "1m,1m"];
    let d = &after_one_answer(&schedule, &["--status", "0x64"], "busy now").await;
    assert_eq!(d["status"], "pending", "{d}");
    assert_eq!(d["last_error_code"], "smpp_status", "{d}");
    let attempt = &d["attempts"][0];
    assert_eq!(attempt["smpp_status"], 0x64, "{d}");
    assert_eq!(attempt["error_code"], "smpp_status", "{d}");
    assert!(
        attempt["error_message"]
            .as_str()
            .unwrap()
            .contains("0x00000064"),
        "{d}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permanent_error_status_fails_the_delivery_with_retries_left() {
    // ESME_RX_P_APPN: the ESME refuses this message for good.
    let schedule = ["--retry-schedule", "1m,1m"];
    let d = &after_one_answer(&schedule, &["--status", "0x65"], "never").await;
    assert_eq!(d["status"], "failed", "{d}");
    assert_eq!(d["attempts"].as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d["attempts"][0]["smpp_status"], 0x65, "{d}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_esme_that_answers_too_late_is_retried_per_the_schedule() {
    let flags = ["--request-timeout", "1s", "--retry-schedule", "1m"];
    let d = &after_one_answer(&flags, &["--delay", "2"], "slow").await;
    assert_eq!(d["status"], "pending", "{d}");
    assert_eq!(d["attempts"][0]["error_code"], "timeout", "{d}");
    assert!(
        d["attempts"][0]["duration_ms"].as_i64().unwrap() >= 900,
        "{d}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_sessions_of_one_esme_share_its_messages() {
    let s = Smpp::start(&[]).await;
    let (one, two) = (s.bound_esme(&[]).await, s.bound_esme(&[]).await);
    s.incoming(&["a", "b", "c", "d"]).await;
    assert_eq!(s.h.run_once().await, 8);
    let count = |peer: &crate::outbound_auth::child::Peer| {
        peer.events()
            .iter()
            .filter(|e| e["event"] == "deliver_sm")
            .count()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while count(&one) + count(&two) < 4 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (first, second) = (count(&one), count(&two));
    assert_eq!(first + second, 4);
    assert!(first >= 1 && second >= 1, "{first} and {second}");
    for d in s.deliveries_by("smpp").await {
        assert_eq!(d["status"], "delivered", "{d}");
    }
}
