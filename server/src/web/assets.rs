//! The static bundle (JS, WASM, CSS) embedded in the binary, so the binary alone serves the
//! whole console from any folder.
//!
//! Release builds embed `target/site` as cargo-leptos left it (built with `--precompress`, which
//! also writes `.br` and `.gz` twins: served when the browser accepts them). Debug builds read
//! the folder from disk at run time, so `cargo leptos watch` always serves fresh files.

use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderValue, StatusCode, Uri},
    response::{IntoResponse as _, Response},
};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../target/site/"]
// A fresh clone has no target/site yet: let `cargo test`/`cargo check` compile without it.
#[allow_missing = true]
struct Site;

/// The bytes of an embedded file (tests compare them with the built ones).
pub fn embedded(path: &str) -> Option<Vec<u8>> {
    Site::get(path).map(|f| f.data.into_owned())
}

/// Serves `uri` from the embedded site; `None` when there is no such file.
pub fn try_serve(uri: &Uri, headers: &HeaderMap) -> Option<Response> {
    let path = uri.path().trim_start_matches('/');
    let file = Site::get(path)?;
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..16]));
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return Some((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let accepted = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (body, encoding) = match precompressed(path, accepted) {
        Some((data, enc)) => (data, Some(enc)),
        None => (file.data.into_owned(), None),
    };
    let mut response = Response::new(Body::from(body));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime.as_ref())
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    // File names are not content-hashed: revalidate every time (cheap, thanks to the ETag).
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Some(enc) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
    }
    Some(response)
}

/// The `.br` or `.gz` twin of `path`, if embedded and accepted.
fn precompressed(path: &str, accept_encoding: &str) -> Option<(Vec<u8>, &'static str)> {
    for (enc, ext) in [("br", "br"), ("gzip", "gz")] {
        if accepts(accept_encoding, enc) {
            if let Some(f) = Site::get(&format!("{path}.{ext}")) {
                return Some((f.data.into_owned(), enc));
            }
        }
    }
    None
}

/// True when an `Accept-Encoding` value accepts `coding` (with a non-zero q).
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    accept_encoding.split(',').any(|part| {
        let mut it = part.split(';');
        let name = it.next().unwrap_or("").trim();
        let q_zero = it.any(|p| {
            let p = p.trim();
            p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000"
        });
        name.eq_ignore_ascii_case(coding) && !q_zero
    })
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts("gzip, deflate, br", "br"));
        assert!(accepts("gzip;q=0.5", "gzip"));
        assert!(!accepts("gzip;q=0", "gzip"));
        assert!(!accepts("identity", "br"));
        assert!(!accepts("", "gzip"));
    }
}
