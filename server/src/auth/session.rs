//! Browser sessions: a random token in an HttpOnly, SameSite=Lax cookie (also `Secure` when
//! the console is served over https), its SHA-256 in the `sessions` table (so several
//! instances share sessions through the database). [`require_session`] guards every console
//! page and server function.
//!
//! Guarantees: every sign-in gets a new token (a token planted before sign-in is never
//! promoted); a session ends 7 days after sign-in ([`LIFETIME`]) or after 12 hours without use
//! ([`IDLE_TIMEOUT`]), whichever comes first; each use slides the idle end, and is written at
//! most once a minute per session ([`TOUCH_EVERY`]); sign out everywhere ends every session of
//! the user.

use axum::{
    extract::{Request, State},
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
    Json,
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use app::domain::CurrentUser;

use crate::{
    state::AppState,
    store::{now_millis, Millis, Store, StoreError},
};

pub const COOKIE: &str = "wc_session";
/// How long a sign-in lasts at most, used or not.
pub const LIFETIME: chrono::Duration = chrono::Duration::days(7);
/// How long a session lasts without being used.
pub const IDLE_TIMEOUT: chrono::Duration = chrono::Duration::hours(12);
/// A use is written only when the last written one is older than this.
pub const TOUCH_EVERY: chrono::Duration = chrono::Duration::minutes(1);

/// Whether the cookie must be `Secure`: the console is served over https.
pub fn secure_cookie(state: &AppState) -> bool {
    state.config.public_url.as_deref().is_some_and(|u| {
        u.get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    })
}

/// The cookie's attributes; `Max-Age` only on the cookie that starts a session.
fn cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .build()
}

/// Starts a session for `user_id`; returns the cookie to set.
pub async fn start(
    store: &dyn Store,
    user_id: &str,
    secure: bool,
) -> Result<Cookie<'static>, StoreError> {
    let token = super::token::random_token();
    let now = now_millis();
    // Housekeeping on sign-in keeps the table small without a timer.
    store.delete_expired_sessions(now, idle_since(now)).await?;
    store
        .insert_session(
            &super::token::hash(&token),
            user_id,
            now,
            now + LIFETIME.num_milliseconds(),
        )
        .await?;
    let mut cookie = cookie(token, secure);
    cookie.set_max_age(time_from(LIFETIME));
    Ok(cookie)
}

/// Ends the session in `jar` (if any); returns the jar with the cookie removed.
pub async fn end(store: &dyn Store, jar: CookieJar, secure: bool) -> Result<CookieJar, StoreError> {
    if let Some(cookie) = jar.get(COOKIE) {
        store
            .delete_session(&super::token::hash(cookie.value()))
            .await?;
    }
    Ok(jar.remove(cookie(String::new(), secure)))
}

/// Ends every session of the user whose session is in `jar` (sign out everywhere); returns
/// the jar with the cookie removed.
pub async fn end_everywhere(
    store: &dyn Store,
    jar: CookieJar,
    secure: bool,
) -> Result<CookieJar, StoreError> {
    if let Some(cookie) = jar.get(COOKIE) {
        let now = now_millis();
        let hash = super::token::hash(cookie.value());
        if let Some(session) = store.find_session(&hash, now, idle_since(now)).await? {
            let ended = store.delete_user_sessions(&session.user.id).await?;
            tracing::info!(user_id = %session.user.id, ended, "signed out everywhere");
        }
    }
    Ok(jar.remove(cookie(String::new(), secure)))
}

/// Sessions last used at or before this have been idle too long at `now`.
fn idle_since(now: Millis) -> Millis {
    now - IDLE_TIMEOUT.num_milliseconds()
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
        Some(c) => live_session(state.store.as_ref(), &super::token::hash(c.value())).await,
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

/// The user of the session with this token hash while it is live; slides its idle end.
async fn live_session(store: &dyn Store, hash: &str) -> Result<Option<CurrentUser>, StoreError> {
    let now = now_millis();
    let Some(session) = store.find_session(hash, now, idle_since(now)).await? else {
        return Ok(None);
    };
    // Written at most once a minute: a busy page costs no writes.
    if now - session.last_seen_at >= TOUCH_EVERY.num_milliseconds() {
        store.touch_session(hash, now).await?;
    }
    Ok(Some(session.user))
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
