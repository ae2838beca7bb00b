//! API Key at a real HTTPS receiver: as a header, and appended to an existing query.

use std::sync::Arc;

use app::domain::authorization::ApiKeyPlacement;
use reqwest::{Method, Url};
use webhooks_console::outbound::auth::{authorizer, ApiKeyConfig, AuthProfile, OutboundRequest};
use webhooks_console::secrets::Secret;

use super::capture::Capture;
use super::{bounded, client, pki::Pki, RecordingSink};

async fn deliver(add_to: ApiKeyPlacement, path: &str) -> super::capture::Captured {
    let pki = Pki::new();
    let capture = Capture::start(&pki, &[]).await;
    let auth = authorizer(
        AuthProfile::ApiKey(ApiKeyConfig {
            key: "X-Api-Key".into(),
            value: Secret::new("k&y=1"),
            add_to,
        }),
        Arc::new(RecordingSink::default()),
    );
    let mut request = OutboundRequest::new(Method::POST, Url::parse(&capture.url(path)).unwrap());
    request.body = bytes::Bytes::from_static(b"{}");
    let response = bounded(auth.send(&client(&pki), request))
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    capture.seen().remove(0)
}

#[tokio::test]
async fn an_api_key_header_reaches_the_receiver() {
    let seen = deliver(ApiKeyPlacement::Header, "/in").await;
    assert_eq!(seen.header("x-api-key"), Some("k&y=1"));
    assert_eq!(seen.target, "/in");
}

#[tokio::test]
async fn an_api_key_query_parameter_is_appended_encoded_after_the_existing_query() {
    let seen = deliver(ApiKeyPlacement::QueryParams, "/in?a=1").await;
    assert_eq!(seen.target, "/in?a=1&X-Api-Key=k%26y%3D1");
    assert_eq!(seen.header("x-api-key"), None);
}
