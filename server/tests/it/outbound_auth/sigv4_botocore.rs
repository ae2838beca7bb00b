//! AWS Signature V4: a signed POST captured at a receiver, re-signed by botocore with the same
//! X-Amz-Date; the signatures must be equal.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

use base64::{engine::general_purpose::STANDARD as BASE64, Engine};
use reqwest::{Method, Url};
use webhooks_console::outbound::auth::{authorizer, AuthProfile, AwsConfig, OutboundRequest};
use webhooks_console::secrets::Secret;

use super::capture::Capture;
use super::child::{peer_script, python};
use super::{bounded, client, pki::Pki, RecordingSink};

fn botocore_signature(captured: serde_json::Value) -> serde_json::Value {
    let mut child = Command::new(python())
        .arg(peer_script("sigv4_resign.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the botocore re-signer");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(captured.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().expect("botocore re-signer ran");
    assert!(output.status.success(), "botocore re-signer failed");
    serde_json::from_slice(&output.stdout).expect("JSON from the re-signer")
}

#[tokio::test]
async fn botocore_computes_the_same_signature_for_a_captured_post() {
    let pki = Pki::new();
    let capture = Capture::start(&pki, &[]).await;
    let auth = authorizer(
        AuthProfile::Aws(AwsConfig {
            access_key: "AKIDEXAMPLE".into(),
            secret_key: Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            region: "eu-west-3".into(),
            service_name: "execute-api".into(),
        }),
        Arc::new(RecordingSink::default()),
    );
    let url = Url::parse(&capture.url("/prod/hooks/in?version=2&alpha=a%2Fb&empty=")).unwrap();
    let mut request = OutboundRequest::new(Method::POST, url);
    request.headers.insert(
        "content-type",
        "application/json; charset=utf-8".parse().unwrap(),
    );
    request
        .headers
        .insert("x-hook-event", "ticket.created".parse().unwrap());
    let body = r#"{"title":"Überweisung fällig","note":"naïve café ✓"}"#;
    request.body = bytes::Bytes::from(body);
    let response = bounded(auth.send(&client(&pki), request))
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);

    let seen = capture.seen().remove(0);
    assert_eq!(
        seen.body,
        body.as_bytes(),
        "the body went out byte for byte"
    );
    let authorization = seen.header("authorization").expect("signed").to_owned();
    let ours = authorization
        .rsplit("Signature=")
        .next()
        .unwrap()
        .to_owned();
    let theirs = botocore_signature(serde_json::json!({
        "method": seen.method,
        "url": capture.url(&seen.target),
        "headers": seen.headers,
        "body_b64": BASE64.encode(&seen.body),
        "access_key": "AKIDEXAMPLE",
        "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "region": "eu-west-3",
        "service": "execute-api",
    }));
    assert_eq!(
        theirs["signature"].as_str(),
        Some(ours.as_str()),
        "{authorization}"
    );
    assert_eq!(
        theirs["signed_headers"], "content-type;host;x-amz-date;x-hook-event",
        "{authorization}"
    );
    assert!(authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
}
