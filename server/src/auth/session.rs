//! Browser sessions: a random token in an HttpOnly, SameSite=Lax cookie, its SHA-256 in the
//! `sessions` table (so several instances share sessions through the database).
//! [`require_session`] guards every console page and server function.

use axum::{
    extract::{Request, State},
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
    Json,
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::{
    state::AppState,
    store::{now_millis, Store, StoreError},
};

pub const COOKIE: &str = "wc_session";
/// How long a sign-in lasts.
pub const LIFETIME: chrono::Duration = chrono::Duration::days(7);

/// Starts a session for `user_id`; returns the cookie to set.
pub async fn start(store: &dyn Store, user_id: &str) -> Result<Cookie<'static>, StoreError> {
    let token = super::token::random_token();
    let now = now_millis();
    // Housekeeping on sign-in keeps the table small without a timer.
    store.delete_expired_sessions(now).await?;
    store
        .insert_session(
            &super::token::hash(&token),
            user_id,
            now + LIFETIME.num_milliseconds(),
        )
        .await?;
    Ok(Cookie::build((COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time_from(LIFETIME))
        .build())
}

/// Ends the session in `jar` (if any); returns the jar with the cookie removed.
pub async fn end(store: &dyn Store, jar: CookieJar) -> Result<CookieJar, StoreError> {
    if let Some(cookie) = jar.get(COOKIE) {
        store
            .delete_session(&super::token::hash(cookie.value()))
            .await?;
    }
    Ok(jar.remove(Cookie::build(COOKIE).path("/")))
}

fn time_from(d: chrono::Duration) -> time::Duration {
    time::Duration::seconds(d.num_seconds())
}

/// Paths anyone may reach: sign-in and setup, their form handlers, health, metrics, the
/// static bundle, and the REST API (which has its own API-key check).
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/login" | "/setup" | "/healthz" | "/metrics" | "/favicon.ico"
    ) || path.starts_with("/auth/")
        || path.starts_with("/pkg/")
        || path == "/api/v1"
        || path.starts_with("/api/v1/")
}

/// Server functions live under `/api/` (outside `/api/v1`): they get a 401, pages a redirect.
fn is_server_fn(path: &str) -> bool {
    path.starts_with("/api/")
}

pub async fn require_session(
    State(state): State<AppState>,
    jar: CookieJar,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    if path == "/setup" {
        return match state.store.count_users().await {
            Ok(0) => next.run(req).await,
            Ok(_) => Redirect::to("/login?notice=setup-done").into_response(),
            Err(e) => unavailable(e),
        };
    }
    if is_public(&path) {
        return next.run(req).await;
    }
    let user = match jar.get(COOKIE) {
        Some(c) => {
            state
                .store
                .find_session_user(&super::token::hash(c.value()), now_millis())
                .await
        }
        None => Ok(None),
    };
    match user {
        Ok(Some(user)) => {
            req.extensions_mut().insert(user);
            next.run(req).await
        }
        Ok(None) if is_server_fn(&path) => (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({"error": "Sign in first."})),
        )
            .into_response(),
        Ok(None) => {
            let next_url = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let query = serde_urlencoded::to_string([("next", next_url)]).unwrap_or_default();
            Redirect::to(&format!("/login?{query}")).into_response()
        }
        Err(e) => unavailable(e),
    }
}

fn unavailable(e: StoreError) -> Response {
    tracing::error!(error = ?e, "session lookup failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The database is unavailable; try again.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_pages_and_server_functions_are_not_public() {
        for p in [
            "/",
            "/assets/integrations",
            "/monitor/deliveries",
            "/api/current_user123",
            "/loginx",
            "/api/v1x",
        ] {
            assert!(!is_public(p), "{p} must need a session");
        }
        for p in [
            "/login",
            "/auth/login",
            "/pkg/webhooks-console.wasm",
            "/healthz",
            "/metrics",
            "/api/v1/services",
        ] {
            assert!(is_public(p), "{p} must be public");
        }
    }
}
