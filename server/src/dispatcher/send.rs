//! One delivery request: built from the stored bytes, handed to the webhook's [`Authorizer`],
//! and its answer reduced to what the attempt log keeps.
//!
//! Guarantees: the body sent is the stored `Bytes` (signed as is, never re-serialised); the
//! request is `POST` with `Content-Type: application/json`, `x-wx-gtrid` and, with a hub secret,
//! `x-hub-signature`; everything goes through the one [`OutboundClient`] (timeout, no redirects,
//! SSRF guard, user agent); at most [`LOG_BODY_LIMIT`] bytes of the answer are read, and its
//! headers are kept up to [`LOG_HEADERS_LIMIT`] names and [`LOG_HEADERS_BYTES`] of JSON.

use std::time::Instant;

use bytes::Bytes;
use reqwest::{
    header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE},
    Method, Url,
};

use super::signing::{self, HubAlgorithm};
use crate::outbound::{
    redact::{self, SentHeaders},
    Authorizer, ErrorCode, OutboundClient, OutboundError, OutboundRequest, LOG_BODY_LIMIT,
};
use crate::secrets::Secret;
use crate::store::{now_millis, Millis};

/// The per-event global id header.
pub const GTRID_HEADER: &str = "x-wx-gtrid";

/// What the receiver answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// A JSON object of the response headers (repeated names joined with ", "), capped.
    pub headers_json: String,
    /// The first 4 KiB of the body, as text.
    pub body: String,
}

/// One attempt's result: when, how long, what was sent, and the answer or the failure.
#[derive(Debug)]
pub struct Sent {
    pub at: Millis,
    pub duration_ms: i64,
    /// A JSON object of the request headers sent, credentials masked (`outbound::redact`). When
    /// no answer came, the headers the request was built with (before its authorization).
    pub request_headers: String,
    pub result: Result<Answer, OutboundError>,
}

/// The POST for one delivery. `signer` is the webhook's algorithm and opened secret.
pub fn build_request(
    url: &Url,
    gtrid: &str,
    body: Bytes,
    signer: Option<&(HubAlgorithm, Secret)>,
) -> Result<OutboundRequest, OutboundError> {
    let mut headers = HeaderMap::with_capacity(3);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let gtrid = HeaderValue::from_str(gtrid).map_err(|_| {
        OutboundError::new(ErrorCode::Other, "the event id cannot be sent as a header")
    })?;
    headers.insert(HeaderName::from_static(GTRID_HEADER), gtrid);
    if let Some((algorithm, secret)) = signer {
        let value = signing::signature(*algorithm, secret.expose(), &body);
        headers.insert(
            HeaderName::from_static(signing::HEADER),
            HeaderValue::from_str(&value).expect("hex is a valid header value"),
        );
    }
    Ok(OutboundRequest {
        method: Method::POST,
        url: url.clone(),
        headers,
        body,
    })
}

/// Sends `request` with `authorizer` and reads the capped answer.
pub async fn send(
    client: &OutboundClient,
    authorizer: &dyn Authorizer,
    request: OutboundRequest,
) -> Sent {
    let at = now_millis();
    let started = Instant::now();
    let built = redact::masked(&request.headers);
    let result = exchange(client, authorizer, request).await;
    let request_headers = match &result {
        Ok((_, Some(sent))) => pairs_json(&sent.0),
        _ => pairs_json(&built),
    };
    Sent {
        at,
        duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        request_headers,
        result: result.map(|(answer, _)| answer),
    }
}

async fn exchange(
    client: &OutboundClient,
    authorizer: &dyn Authorizer,
    request: OutboundRequest,
) -> Result<(Answer, Option<SentHeaders>), OutboundError> {
    let response = authorizer.send(client, request).await?;
    let sent = response.extensions().get::<SentHeaders>().cloned();
    let status = response.status().as_u16();
    let headers_json = headers_json(response.headers());
    // Why a body error is not the attempt's outcome: the status already decided it; the log
    // just keeps less of the body.
    let body = match client.read_body_capped(response, LOG_BODY_LIMIT).await {
        Ok(capped) => String::from_utf8_lossy(&capped.bytes).into_owned(),
        Err(e) => format!("(the body could not be read: {e})"),
    };
    Ok((
        Answer {
            status,
            headers_json,
            body,
        },
        sent,
    ))
}

/// `(name, value)` pairs as one JSON object (names in their order, already unique).
fn pairs_json(pairs: &[(String, String)]) -> String {
    let mut out = Vec::with_capacity(48 * pairs.len() + 2);
    out.push(b'{');
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_json_str(&mut out, name);
        out.push(b':');
        push_json_str(&mut out, value);
    }
    out.push(b'}');
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Response headers kept per attempt, at most: names, bytes of one value, bytes of the JSON.
/// Why a cap: the receiver decides what it answers, and each attempt's headers are stored
/// (hyper alone would let a hundred headers of several KiB each through).
pub const LOG_HEADERS_LIMIT: usize = 64;
const LOG_HEADER_VALUE_BYTES: usize = 1024;
pub const LOG_HEADERS_BYTES: usize = 8 * 1024;
/// Stands for the headers left out; no real header has this name (`(` is not a token char).
const OMITTED: &str = "(omitted)";

fn headers_json(headers: &HeaderMap) -> String {
    // Why written by hand and not through a `serde_json::Map`: this runs once per attempt, and
    // the map costs an owned key and value per header. The output is the same object: names in
    // sorted order (as the map kept them), repeated names joined with ", ", values escaped by
    // serde_json; past the caps, the rest is counted under `(omitted)`.
    let mut names: Vec<&HeaderName> = headers.keys().collect();
    names.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
    let mut out = Vec::with_capacity(64 * names.len().min(LOG_HEADERS_LIMIT) + 2);
    out.push(b'{');
    let mut kept = 0;
    let mut entry = Vec::new();
    for name in &names {
        entry.clear();
        if kept > 0 {
            entry.push(b',');
        }
        push_json_str(&mut entry, name.as_str());
        entry.push(b':');
        push_json_str(&mut entry, &joined(headers, name));
        // Room is kept for the closing brace and the `(omitted)` entry.
        if kept == LOG_HEADERS_LIMIT || out.len() + entry.len() > LOG_HEADERS_BYTES - 48 {
            break;
        }
        out.extend_from_slice(&entry);
        kept += 1;
    }
    if kept < names.len() {
        if kept > 0 {
            out.push(b',');
        }
        push_json_str(&mut out, OMITTED);
        out.push(b':');
        push_json_str(&mut out, &format!("{} headers", names.len() - kept));
    }
    out.push(b'}');
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// The values of `name` joined with ", ", cut at [`LOG_HEADER_VALUE_BYTES`] (on a character
/// boundary, marked with "…").
fn joined(headers: &HeaderMap, name: &HeaderName) -> String {
    let mut joined = String::new();
    for (i, value) in headers.get_all(name).iter().enumerate() {
        if i > 0 {
            joined.push_str(", ");
        }
        joined.push_str(&String::from_utf8_lossy(value.as_bytes()));
        if joined.len() > LOG_HEADER_VALUE_BYTES {
            break;
        }
    }
    if joined.len() > LOG_HEADER_VALUE_BYTES {
        let mut cut = LOG_HEADER_VALUE_BYTES;
        while !joined.is_char_boundary(cut) {
            cut -= 1;
        }
        joined.truncate(cut);
        joined.push('…');
    }
    joined
}

/// Appends `s` as a JSON string literal (quotes included).
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_carries_the_exact_body_and_the_contract_headers() {
        let url = Url::parse("https://example.com/hook").unwrap();
        let body = Bytes::from_static(b"{\"a\":1,\"b\":\"\xc3\xa9\"}");
        let signer = (HubAlgorithm::Sha256, Secret::new("k"));
        let req = build_request(&url, "evt-1", body.clone(), Some(&signer)).unwrap();
        assert_eq!(req.method, Method::POST);
        assert_eq!(req.body, body);
        assert_eq!(req.headers["content-type"], "application/json");
        assert_eq!(req.headers["x-wx-gtrid"], "evt-1");
        let sig = req.headers["x-hub-signature"].to_str().unwrap();
        assert_eq!(sig, signing::signature(HubAlgorithm::Sha256, "k", &body));
        let unsigned = build_request(&url, "evt-1", body, None).unwrap();
        assert!(!unsigned.headers.contains_key("x-hub-signature"));
    }

    #[test]
    fn repeated_response_headers_are_joined_in_one_json_object() {
        let mut h = HeaderMap::new();
        h.append("x-a", HeaderValue::from_static("1"));
        h.append("x-a", HeaderValue::from_static("2"));
        h.append("content-type", HeaderValue::from_static("text/plain"));
        h.append("x-quote", HeaderValue::from_static("a\"b\\c"));
        // Names sorted, as the serde_json map this replaced wrote them.
        assert_eq!(
            headers_json(&h),
            r#"{"content-type":"text/plain","x-a":"1, 2","x-quote":"a\"b\\c"}"#
        );
        let v: serde_json::Value = serde_json::from_str(&headers_json(&h)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"x-a": "1, 2", "content-type": "text/plain", "x-quote": "a\"b\\c"})
        );
    }

    #[test]
    fn a_flood_of_response_headers_is_kept_within_its_caps_and_counted() {
        let mut h = HeaderMap::new();
        let big = "v".repeat(4_000);
        for i in 0..100 {
            let name = HeaderName::from_bytes(format!("x-h{i:03}").as_bytes()).unwrap();
            h.insert(name, HeaderValue::from_str(&big).unwrap());
        }
        let json = headers_json(&h);
        assert!(json.len() <= LOG_HEADERS_BYTES, "{} bytes", json.len());
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let map = v.as_object().unwrap();
        assert!(map.len() <= LOG_HEADERS_LIMIT + 1);
        let kept = map.len() - 1;
        assert!(kept >= 1, "some headers are kept");
        assert_eq!(map["(omitted)"], format!("{} headers", 100 - kept));
        // Each value kept is cut at 1 KiB.
        let first = map["x-h000"].as_str().unwrap();
        assert_eq!(first.chars().count(), LOG_HEADER_VALUE_BYTES + 1);
        assert!(first.ends_with('…'));
    }

    #[test]
    fn many_small_headers_stop_at_the_name_limit() {
        let mut h = HeaderMap::new();
        for i in 0..90 {
            let name = HeaderName::from_bytes(format!("x-{i:02}").as_bytes()).unwrap();
            h.insert(name, HeaderValue::from_static("1"));
        }
        let v: serde_json::Value = serde_json::from_str(&headers_json(&h)).unwrap();
        let map = v.as_object().unwrap();
        assert_eq!(map.len(), LOG_HEADERS_LIMIT + 1);
        assert_eq!(
            map["(omitted)"],
            format!("{} headers", 90 - LOG_HEADERS_LIMIT)
        );
    }
}
