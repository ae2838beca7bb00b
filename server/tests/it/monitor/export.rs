use serde_json::{json, Value};

use crate::dispatcher::{receipt, Harness};
use crate::receiver::Answers;

const NAME: &str = "Partner \"A\", Ltd — Zürich";

async fn scene() -> (Harness, String) {
    let answers = Answers::default()
        .posts("/ok", &[200], "")
        .posts("/bad", &[410], "");
    let h = Harness::start(answers, &[]).await;
    let svc = h.service("Billing").await;
    let bad = h.webhook(NAME, &svc, "/bad", json!({})).await;
    h.webhook("Fine", &svc, "/ok", json!({})).await;
    let events: Vec<_> = (0..4).map(|i| receipt(&svc, json!({"i": i}))).collect();
    h.ingest(json!(events)).await;
    h.run_once().await;
    (h, bad)
}

async fn download(h: &Harness, query: &str) -> (u16, String, String) {
    let res = h
        .api
        .app
        .client
        .get(h.api.app.url(&format!("/api/v1/deliveries/export?{query}")))
        .bearer_auth(h.api.key())
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    (status, ct, res.text().await.unwrap())
}

#[tokio::test]
async fn the_csv_export_holds_the_contract_columns_quoted_and_the_same_rows_as_the_api() {
    let (h, bad) = scene().await;
    let (status, ct, text) = download(&h, "status=failed&format=csv").await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(ct, "text/csv; charset=utf-8");
    assert!(text.ends_with("\r\n"));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "id",
            "created_at",
            "integration_id",
            "integration_name",
            "channel",
            "event",
            "status",
            "attempts",
            "last_status_code",
            "last_error_code",
            "url"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let api = h.deliveries("?status=failed").await;
    assert_eq!(rows.len(), 4);
    assert_eq!(rows.len(), api.len());
    for (row, d) in rows.iter().zip(&api) {
        assert_eq!(&row[0], d["id"].as_str().unwrap());
        assert_eq!(&row[2], bad);
        assert_eq!(&row[3], NAME, "quotes, commas and non-ASCII survive");
        assert_eq!(&row[6], "failed");
        assert_eq!(&row[7], "1");
        assert_eq!(&row[8], "410");
        assert_eq!(&row[9], "");
        assert!(row[10].ends_with("/bad"), "{}", &row[10]);
        assert_eq!(&row[1], d["created_at"].as_str().unwrap());
    }
    assert!(
        text.contains("\"Partner \"\"A\"\", Ltd — Zürich\""),
        "{text}"
    );
}

#[tokio::test]
async fn the_ndjson_export_has_the_same_keys_and_the_filters_of_the_log() {
    let (h, bad) = scene().await;
    let (status, ct, text) = download(&h, &format!("format=ndjson&integration_id={bad}")).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(ct, "application/x-ndjson");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    let keys: Vec<&str> = lines[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "id",
        "created_at",
        "integration_id",
        "integration_name",
        "channel",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "last_error_code",
        "url",
    ] {
        assert!(keys.contains(&k), "{k} in {keys:?}");
    }
    assert_eq!(lines[0]["integration_name"], NAME);
    assert_eq!(lines[0]["attempts"], 1);
    let (_, _, all) = download(&h, "format=ndjson").await;
    assert_eq!(all.lines().count(), 8);
    for bad_query in ["format=xml", "status=lost", "limit=nope"] {
        let (status, _, body) = download(&h, bad_query).await;
        assert_eq!(status, 400, "{bad_query}: {body}");
    }
}
