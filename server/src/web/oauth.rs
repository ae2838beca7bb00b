//! The browser's side of Get Access Token: `POST /oauth/token/{id}` (the form's button; a plain
//! form target, so it works with JavaScript off) and `GET /oauth/callback` (the Call Back URL).
//!
//! Guarantees: both answer with a redirect back to the authorization's form, carrying either
//! `token=ok` or `token_error=<plain words>`, which the form shows; the code grant leaves for the
//! provider's Authorization URL only with a state stored for this profile and this browser
//! session, and the callback completes a flow only for the session that started it (another
//! session bringing the same `state` back — a link planted by someone else — is refused). Both
//! need a session (the session layer covers every route that is not public).

use app::domain::authorization::GrantType;
use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use crate::{
    auth::{session, token},
    state::AppState,
};

/// The browser session as flows are bound to it: the hash of its token, as the sessions table
/// keeps it (the session layer has checked that it is live). Empty without a cookie, which no
/// flow is ever bound to.
fn session_of(jar: &CookieJar) -> String {
    jar.get(session::COOKIE)
        .map(|c| token::hash(c.value()))
        .unwrap_or_default()
}

/// Where a profile's form lives.
fn form_of(id: &str) -> String {
    format!("/assets/integrations/authorizations/{id}")
}

fn back(id: Option<&str>, result: Result<(), String>) -> Response {
    let base = match id {
        Some(id) => form_of(id),
        None => "/assets/integrations?tab=authorizations".to_owned(),
    };
    let sep = if base.contains('?') { '&' } else { '?' };
    let query = match result {
        Ok(()) => "token=ok".to_owned(),
        Err(message) => serde_urlencoded::to_string([("token_error", message)]).unwrap_or_default(),
    };
    Redirect::to(&format!("{base}{sep}{query}")).into_response()
}

/// Get Access Token: fetch now (client credentials) or send the browser to the provider.
pub async fn get_access_token(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(id): Path<String>,
) -> Response {
    let authorizations = &state.services.authorizations;
    let view = match authorizations.get(&id).await {
        Ok(v) => v,
        Err(e) => return back(None, Err(e.to_string())),
    };
    if view.settings.grant_type == Some(GrantType::AuthorizationCode) {
        return match authorizations
            .start_authorization(&id, &session_of(&jar))
            .await
        {
            // 303: the browser follows with a GET to the provider.
            Ok(url) => Redirect::to(&url).into_response(),
            Err(e) => back(Some(&id), Err(message(&e))),
        };
    }
    match authorizations.get_access_token(&id).await {
        Ok(_) => back(Some(&id), Ok(())),
        Err(e) => back(Some(&id), Err(message(&e))),
    }
}

/// The message with its detail, as one sentence for the form.
fn message(e: &app::domain::AppError) -> String {
    match e {
        app::domain::AppError::Validation {
            message,
            detail: Some(d),
            ..
        } => format!("{message} {d}"),
        other => other.to_string(),
    }
}

#[derive(Deserialize)]
pub struct Callback {
    #[serde(default)]
    state: String,
    code: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// The Call Back URL of the authorization code grant.
pub async fn callback(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<Callback>,
) -> Response {
    let provider_error = q.error.as_deref().map(|e| match &q.error_description {
        Some(d) => format!("{e} ({d})"),
        None => e.to_owned(),
    });
    let outcome = state
        .services
        .authorizations
        .complete_authorization(
            &q.state,
            &session_of(&jar),
            q.code.as_deref(),
            provider_error.as_deref(),
        )
        .await;
    let result = if outcome.ok {
        Ok(())
    } else {
        Err(outcome.message)
    };
    back(outcome.authorization_id.as_deref(), result)
}
