//! `POST /auth/login`, `/auth/logout`, `/auth/logout-everywhere`, `/auth/setup`: the targets
//! of the plain HTML forms on `/login`, in the header, and on `/setup`. They answer with
//! redirects, so they behave the same with JavaScript on or off; failures go back to the form
//! with a code in the query.
//! Sign-in is throttled per client address and per account ([`throttle`]): a refused attempt
//! is answered 429 with the sign-in page itself.

use app::domain::{CurrentUser, Email, Role};
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
    Extension, Form,
};
use axum_extra::extract::cookie::CookieJar;
use leptos::nonce::Nonce;
use serde::Deserialize;

use crate::{
    auth::{
        password::{self, PasswordError},
        session, throttle,
    },
    state::AppState,
    store::{now_millis, NewUser},
    web::{client_address::ClientAddress, local_path::LocalPath, sign_in_page},
};

const HOME: &str = "/assets/integrations";

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn to(path: &str, query: &[(&str, &str)]) -> Response {
    let q = serde_urlencoded::to_string(query).unwrap_or_default();
    Redirect::to(&format!("{path}?{q}")).into_response()
}

/// Only a path on this site is followed after sign-in ([`LocalPath`]: no `//host`, `\\host`,
/// or tab-hidden open redirect), and never back into the sign-in forms themselves.
fn safe_next(next: &str) -> String {
    match LocalPath::parse(next) {
        Some(p) if !p.as_str().starts_with("/auth/") && !p.as_str().starts_with("/login") => {
            p.as_str().to_owned()
        }
        _ => HOME.to_owned(),
    }
}

pub async fn login(
    State(state): State<AppState>,
    ClientAddress(peer): ClientAddress,
    nonce: Option<Extension<Nonce>>,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = form.next.as_str();
    let email = form.email.trim();
    if email.is_empty() || form.password.is_empty() {
        return to(
            "/login",
            &[("error", "missing"), ("email", email), ("next", next)],
        );
    }
    // Checked before the password, and answered at once: a refused attempt costs no hashing.
    let subjects = throttle::Subjects::new(peer, email);
    match throttle::check(state.store.as_ref(), &subjects, now_millis()).await {
        Ok(None) => {}
        Ok(Some(retry)) => {
            tracing::info!(%peer, "sign-in refused: too many failed attempts");
            let nonce = nonce.map(|Extension(n)| n);
            return sign_in_page::throttled(retry, email, next, nonce).await;
        }
        Err(e) => return internal(e),
    }
    let user = match check_password(&state, email, form.password).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let Some(user) = user else {
        if let Err(e) = throttle::failed(state.store.as_ref(), &subjects, now_millis()).await {
            return internal(e);
        }
        tracing::info!("sign-in refused");
        return to(
            "/login",
            &[("error", "invalid"), ("email", email), ("next", next)],
        );
    };
    if let Err(e) = throttle::succeeded(state.store.as_ref(), &subjects).await {
        return internal(e);
    }
    match session::start(
        state.store.as_ref(),
        &user.id,
        session::secure_cookie(&state),
    )
    .await
    {
        Ok(cookie) => {
            tracing::info!(user_id = %user.id, "signed in");
            (jar.add(cookie), Redirect::to(&safe_next(next))).into_response()
        }
        Err(e) => internal(e),
    }
}

/// The user this password opens; `None` for a wrong password or an unknown account alike, and
/// in the same time (an unknown account is checked against a dummy hash).
async fn check_password(
    state: &AppState,
    email: &str,
    password: String,
) -> Result<Option<CurrentUser>, Response> {
    let credentials = match Email::parse(email) {
        Ok(email) => state
            .store
            .find_user_credentials(&email)
            .await
            .map_err(internal)?,
        Err(_) => None,
    };
    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    match password::verify(password, stored).await {
        Ok(true) => Ok(credentials.map(|c| c.user)),
        Ok(false) => Ok(None),
        Err(PasswordError::Busy) => Err(busy()),
        Err(e) => Err(internal(e)),
    }
}

pub async fn logout(State(state): State<AppState>, jar: CookieJar) -> Response {
    match session::end(state.store.as_ref(), jar, session::secure_cookie(&state)).await {
        Ok(jar) => (jar, Redirect::to("/login?notice=signed-out")).into_response(),
        Err(e) => internal(e),
    }
}

/// Sign out everywhere: ends every session of this user, on every browser.
pub async fn logout_everywhere(State(state): State<AppState>, jar: CookieJar) -> Response {
    let secure = session::secure_cookie(&state);
    match session::end_everywhere(state.store.as_ref(), jar, secure).await {
        Ok(jar) => (jar, Redirect::to("/login?notice=signed-out-everywhere")).into_response(),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn setup(
    State(state): State<AppState>,
    jar: CookieJar,
    Form(form): Form<SetupForm>,
) -> Response {
    match state.store.count_users().await {
        Ok(0) => {}
        Ok(_) => return Redirect::to("/login?notice=setup-done").into_response(),
        Err(e) => return internal(e),
    }
    let back = |code: &str| {
        to(
            "/setup",
            &[
                ("token", form.token.as_str()),
                ("email", form.email.trim()),
                ("error", code),
            ],
        )
    };
    if !state.setup.matches(&form.token) {
        return back("token");
    }
    let Ok(email) = Email::parse(&form.email) else {
        return back("email");
    };
    if form.password.chars().count() < password::MIN_LEN {
        return back("password");
    }
    if form.password != form.confirm {
        return back("mismatch");
    }
    let hash = match password::hash(form.password).await {
        Ok(h) => h,
        Err(PasswordError::Busy) => return busy(),
        Err(e) => return internal(e),
    };
    let created = state
        .store
        .insert_first_user(NewUser {
            email,
            password_hash: hash,
            role: Role::Admin,
        })
        .await;
    let user = match created {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to("/login?notice=setup-done").into_response(),
        Err(e) => return internal(e),
    };
    state.setup.consume();
    tracing::info!(user_id = %user.id, "first administrator created through the setup link");
    match session::start(
        state.store.as_ref(),
        &user.id,
        session::secure_cookie(&state),
    )
    .await
    {
        Ok(cookie) => (jar.add(cookie), Redirect::to(HOME)).into_response(),
        Err(e) => internal(e),
    }
}

/// The hashing pool's queue is full (a flood of sign-ins): refused at once, not queued.
fn busy() -> Response {
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        [(axum::http::header::RETRY_AFTER, "1")],
        "Too many sign-ins are being checked right now; try again in a moment.",
    )
        .into_response()
}

fn internal(e: impl std::fmt::Debug) -> Response {
    let reference = crate::auth::token::random_token()[..8].to_owned();
    tracing::error!(%reference, error = ?e, "sign-in handler failed");
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        format!("Something went wrong on the server (reference {reference})."),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next("/monitor/deliveries?status=failed"),
            "/monitor/deliveries?status=failed"
        );
        for bad in [
            "",
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/auth/logout",
            "/login",
            "/\t/evil.example",
        ] {
            assert_eq!(safe_next(bad), super::HOME, "{bad}");
        }
    }
}
