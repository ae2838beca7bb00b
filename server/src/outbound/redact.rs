//! What the delivery log shows of the request headers an attempt sent: every header the product
//! itself sets in full, the scheme of an `Authorization` header, and `••••` for the value of any
//! other header (an API key, a session token: whatever an authorization profile added).
//!
//! Guarantees: fails closed — a header is shown only when it is on the [`SHOWN`] list, so a header
//! that a future authorization type adds is masked without anyone remembering to mask it.

use reqwest::header::{HeaderMap, AUTHORIZATION};

/// The mask put in place of a secret value.
pub const MASK: &str = "••••";

/// Headers whose values never carry a credential. Why each: `content-type`, `content-length`,
/// `user-agent` and `accept` are the product's own; `x-wx-gtrid` is the event id; `x-hub-signature`
/// is an HMAC the receiver recomputes (it reveals nothing of the secret); `x-amz-date` and
/// `x-amz-content-sha256` are SigV4 inputs, not the signature; `host` is the URL's.
const SHOWN: &[&str] = &[
    "content-type",
    "content-length",
    "user-agent",
    "accept",
    "host",
    "x-wx-gtrid",
    "x-hub-signature",
    "x-amz-date",
    "x-amz-content-sha256",
];

/// The headers as the log keeps them: `(name, shown value)`, in order, repeated names joined.
pub fn masked(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(headers.keys_len());
    for name in headers.keys() {
        let values: Vec<String> = headers
            .get_all(name)
            .iter()
            .map(|v| {
                if name == AUTHORIZATION {
                    // The scheme says which authorization was applied; the rest is the secret.
                    let text = String::from_utf8_lossy(v.as_bytes());
                    match text.split_once(' ') {
                        Some((scheme, _)) => format!("{scheme} {MASK}"),
                        None => MASK.to_owned(),
                    }
                } else if SHOWN.contains(&name.as_str()) {
                    String::from_utf8_lossy(v.as_bytes()).into_owned()
                } else {
                    MASK.to_owned()
                }
            })
            .collect();
        out.push((name.as_str().to_owned(), values.join(", ")));
    }
    out
}

/// The masked headers of the request a response answers, as the client saw them go out (kept in
/// the response's extensions by `OutboundClient::send`).
#[derive(Debug, Clone, Default)]
pub struct SentHeaders(pub Vec<(String, String)>);

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn credentials_are_masked_and_the_products_own_headers_are_shown() {
        let mut h = HeaderMap::new();
        h.insert("content-type", HeaderValue::from_static("application/json"));
        h.insert("x-wx-gtrid", HeaderValue::from_static("evt-1"));
        h.insert("x-hub-signature", HeaderValue::from_static("sha256=ab12"));
        h.insert(
            "authorization",
            HeaderValue::from_static("Bearer eyJhbGciOi.secret"),
        );
        h.insert("x-api-key", HeaderValue::from_static("k-123456"));
        h.insert("x-amz-security-token", HeaderValue::from_static("tok"));
        let shown = masked(&h);
        let get = |n: &str| shown.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        assert_eq!(get("content-type"), Some("application/json"));
        assert_eq!(get("x-wx-gtrid"), Some("evt-1"));
        assert_eq!(get("x-hub-signature"), Some("sha256=ab12"));
        assert_eq!(get("authorization"), Some("Bearer ••••"));
        assert_eq!(get("x-api-key"), Some(MASK));
        assert_eq!(get("x-amz-security-token"), Some(MASK));
        let text = format!("{shown:?}");
        for secret in ["eyJhbGciOi", "k-123456", "tok\""] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
    }

    #[test]
    fn an_authorization_header_without_a_scheme_is_masked_whole() {
        let mut h = HeaderMap::new();
        h.insert("authorization", HeaderValue::from_static("rawtoken"));
        assert_eq!(masked(&h), vec![("authorization".into(), MASK.into())]);
    }
}
