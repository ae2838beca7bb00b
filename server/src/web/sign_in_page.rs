//! The sign-in page as the answer to a refused `POST /auth/login`: CONTRACT §3 wants the 429
//! itself to be the sign-in page with its message, not a redirect to it. The page is the
//! console's own `/login` route, rendered for `?error=throttled&retry=N` with the email and
//! `next` kept, without hydration scripts (its address is `/auth/login`, not its route).

use app::static_shell;
use axum::{
    body::Body,
    http::{header::RETRY_AFTER, HeaderValue, Method, Request, StatusCode},
    response::{IntoResponse, Response},
};
use leptos::nonce::Nonce;

use crate::auth::throttle::RetryAfter;

/// 429 with the sign-in page saying "Too many attempts; try again in N s", and `Retry-After`.
pub async fn throttled(
    retry: RetryAfter,
    email: &str,
    next: &str,
    nonce: Option<Nonce>,
) -> Response {
    let seconds = retry.0.to_string();
    let query = serde_urlencoded::to_string([
        ("error", "throttled"),
        ("retry", seconds.as_str()),
        ("email", email),
        ("next", next),
    ])
    .unwrap_or_default();
    let page = Request::builder()
        .method(Method::GET)
        .uri(format!("/login?{query}"))
        .body(Body::empty());
    let Ok(mut page) = page else {
        return StatusCode::TOO_MANY_REQUESTS.into_response();
    };
    // The same nonce as this response's Content-Security-Policy (see `web::headers`).
    if let Some(nonce) = nonce {
        page.extensions_mut().insert(nonce);
    }
    let mut res = leptos_axum::render_app_async(static_shell)(page).await;
    *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    if let Ok(v) = HeaderValue::from_str(&seconds) {
        res.headers_mut().insert(RETRY_AFTER, v);
    }
    res
}
