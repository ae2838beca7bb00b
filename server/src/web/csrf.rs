//! Cross-site request forgery, refused exactly as CONTRACT §4 "CSRF" says.
//!
//! Why not SameSite alone: the session cookie is `SameSite=Lax`, and every other port on the
//! console's host is the *same site* (`127.0.0.1:3001` and `127.0.0.1:3000`), so any local web
//! app could post a form at the console with the cookie attached.
//!
//! Guarantees: outside `/api/v1` (which authenticates by API key, never by cookie), a request
//! whose method is not GET/HEAD/OPTIONS is refused with 403 before anything runs when its
//! `Origin` names another origin than the console's, or its `Sec-Fetch-Site` is `cross-site`
//! or `same-site`. The console's origin is the `--public-url` origin or the one the request
//! itself was addressed to (`Host`, over http or https). A request with neither header is
//! allowed: browsers send them on every cross-site form post, and API clients and scripts send
//! neither. GET is never refused (the OAuth Call Back URL arrives from another site), so GET
//! handlers must never change state.

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use url::{Origin, Url};

use crate::state::AppState;

const SEC_FETCH_SITE: &str = "sec-fetch-site";

/// The middleware: refuses a forged request, passes everything else on.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if !needs_check(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    let public = state.config.public_url.as_deref().and_then(origin_of);
    match judge(req.headers(), public.as_ref()) {
        Ok(()) => next.run(req).await,
        Err(why) => {
            tracing::info!(path = %req.uri().path(), why, "cross-site request refused");
            (
                StatusCode::FORBIDDEN,
                "Refused: this request came from another site. Use the console's own pages.",
            )
                .into_response()
        }
    }
}

/// Only state-changing methods outside the API-key area are checked.
fn needs_check(method: &Method, path: &str) -> bool {
    let safe = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    let api_v1 = path == "/api/v1" || path.starts_with("/api/v1/");
    !safe && !api_v1
}

/// `Err` with the reason when the headers show a request from another site.
fn judge(headers: &HeaderMap, public: Option<&Origin>) -> Result<(), &'static str> {
    let fetch_site = headers.get(SEC_FETCH_SITE).map(|v| v.as_bytes());
    if matches!(fetch_site, Some(b"cross-site" | b"same-site")) {
        return Err("Sec-Fetch-Site");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    // `null` (sandboxed frames, some redirects) and anything unreadable are another origin.
    let origin = origin.to_str().ok().and_then(origin_of).ok_or("Origin")?;
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let addressed = |scheme: &str| host.and_then(|h| origin_of(&format!("{scheme}://{h}")));
    let ours = public == Some(&origin)
        || addressed("http").as_ref() == Some(&origin)
        || addressed("https").as_ref() == Some(&origin);
    if ours {
        Ok(())
    } else {
        Err("Origin")
    }
}

/// The origin of an absolute http(s) URL; `None` for anything else (`null` included).
fn origin_of(url: &str) -> Option<Origin> {
    let url = Url::parse(url).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.origin())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_static(value));
        }
        h
    }

    const HOST: (&str, &str) = ("host", "127.0.0.1:3000");

    #[test]
    fn only_state_changing_methods_outside_the_api_are_checked() {
        assert!(needs_check(&Method::POST, "/api/save_service123"));
        assert!(needs_check(&Method::POST, "/auth/login"));
        assert!(needs_check(&Method::POST, "/oauth/token/3"));
        assert!(needs_check(&Method::DELETE, "/api/v1x"));
        assert!(!needs_check(&Method::POST, "/api/v1/services"));
        assert!(!needs_check(&Method::POST, "/api/v1"));
        for safe in [Method::GET, Method::HEAD, Method::OPTIONS] {
            assert!(!needs_check(&safe, "/oauth/callback"));
        }
    }

    #[test]
    fn the_consoles_own_origin_and_no_headers_at_all_are_allowed() {
        assert_eq!(judge(&headers(&[HOST]), None), Ok(()));
        let same = [HOST, ("origin", "http://127.0.0.1:3000")];
        assert_eq!(judge(&headers(&same), None), Ok(()));
        let fetch = [HOST, ("sec-fetch-site", "same-origin")];
        assert_eq!(judge(&headers(&fetch), None), Ok(()));
        let typed = [HOST, ("sec-fetch-site", "none")];
        assert_eq!(judge(&headers(&typed), None), Ok(()));
        // Behind a proxy: the browser's origin is the public URL's, Host the inner address.
        let public = origin_of("https://console.example.com/").unwrap();
        let proxied = [HOST, ("origin", "https://console.example.com")];
        assert_eq!(judge(&headers(&proxied), Some(&public)), Ok(()));
    }

    #[test]
    fn another_origin_or_a_cross_or_same_site_fetch_is_refused() {
        for pairs in [
            [HOST, ("origin", "http://evil.example")],
            [HOST, ("origin", "http://127.0.0.1:3001")],
            [HOST, ("origin", "null")],
            [HOST, ("origin", "http://127.0.0.1:3000.evil.example")],
            [HOST, ("sec-fetch-site", "cross-site")],
            [HOST, ("sec-fetch-site", "same-site")],
        ] {
            assert!(judge(&headers(&pairs), None).is_err(), "{pairs:?}");
        }
        let both = [
            HOST,
            ("origin", "http://127.0.0.1:3000"),
            ("sec-fetch-site", "same-site"),
        ];
        assert!(judge(&headers(&both), None).is_err());
        let public = origin_of("https://console.example.com").unwrap();
        let other = [HOST, ("origin", "https://evil.example")];
        assert!(judge(&headers(&other), Some(&public)).is_err());
    }
}
