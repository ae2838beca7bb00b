//! The HTTP method label of the request metrics is one of a fixed set: methods are read
//! before authentication, and a new label value is a new series kept for the process's life.

use crate::helpers::spawn_app;

#[tokio::test]
async fn an_invented_http_method_is_counted_as_other() {
    let app = spawn_app().await;
    let invented = reqwest::Method::from_bytes(b"XINVENTED7734").unwrap();
    app.client
        .request(invented, app.url("/healthz"))
        .send()
        .await
        .unwrap();
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!text.contains("XINVENTED7734"), "{text}");
    assert!(text.contains(r#"method="other""#), "{text}");
}
