//! `POST` to the console's form pages (Outbound Webhook, Authorization, and each asset kind):
//! those forms without JavaScript (CONTRACT §4 "Forms without JavaScript"). The browser posts
//! the form to its own page; the fields are read by the very functions the hydrated form uses
//! (`WebhookInput::from_form`, `AuthorizationInput::from_form`, `ServiceInput::from_form`, …)
//! and saved through the same services as the server functions and the REST API.
//!
//! - Saved: 303 to where the hydrated form navigates (the list), or, for Get Access Token, on
//!   to the token (the same handler as the hydrated form's token post).
//! - Refused: the page itself, rendered again from what was posted with the error next to its
//!   field (422, or the error's own status), so nothing typed is lost; secrets are never sent
//!   back, and the form says to enter them again.
//! - `Show notifications` / `Show fields` (`intent=show`): the page rendered again for what is
//!   chosen, saving nothing (200). `Run test call` (`intent=test`): the same, with the steps.
//!
//! The page is rendered without hydration scripts ([`app::static_shell`]): its address is a
//! post's, and it needs none to work; a person with JavaScript who got here (a submit before
//! the page had hydrated) has a form that works as plain HTML.

use std::future::Future;

use app::{
    domain::{
        assets::{AppInput, EsmeBindInput, NumberInput, ServiceInput},
        authorization::AuthorizationInput,
        form::{FormFields, Intent, PostedForm},
        webhook::{form::field, WebhookInput},
        AppError,
    },
    static_shell,
};
use axum::{
    body::Body,
    extract::{Path, Request, State},
    http::{header, request::Parts, Method, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::CookieJar;
use leptos::prelude::provide_context;

use crate::{
    rest::error::ApiError,
    state::{provide_server_context, AppState},
    web::{body_limit::CONSOLE_BODY_LIMIT, oauth},
};

const WEBHOOKS_LIST: &str = "/assets/integrations";
const AUTHORIZATIONS_LIST: &str = "/assets/integrations?tab=authorizations";

pub async fn new_webhook(State(state): State<AppState>, req: Request) -> Response {
    webhook(state, None, req).await
}

pub async fn edit_webhook(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    webhook(state, Some(id), req).await
}

pub async fn new_authorization(
    State(state): State<AppState>,
    jar: CookieJar,
    req: Request,
) -> Response {
    authorization(state, jar, None, req).await
}

pub async fn edit_authorization(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    authorization(state, jar, Some(id), req).await
}

async fn webhook(state: AppState, id: Option<String>, req: Request) -> Response {
    let (parts, fields) = match read_form(req).await {
        Ok(read) => read,
        Err(refused) => return refused,
    };
    let webhooks = state.services.webhooks.clone();
    match fields.intent() {
        Intent::Show => render(&state, parts, posted(fields, None)).await,
        Intent::TestCall => {
            let url = fields.text(field::URL);
            let authorization = fields.optional(field::AUTHORIZATION_ID);
            let mut page = posted(fields, None);
            match webhooks.test_call(&url, authorization.as_deref()).await {
                Ok(call) => page.test_call = Some(call),
                Err(e) => page.error = Some(e),
            }
            render(&state, parts, page).await
        }
        Intent::Save | Intent::SaveThenToken => {
            let input = WebhookInput::from_form(&fields);
            save_or_render(
                &state,
                parts,
                fields,
                webhooks.save(id.as_deref(), input),
                |_| Redirect::to(WEBHOOKS_LIST).into_response(),
            )
            .await
            .into_response()
        }
    }
}

async fn authorization(
    state: AppState,
    jar: CookieJar,
    id: Option<String>,
    req: Request,
) -> Response {
    let (parts, fields) = match read_form(req).await {
        Ok(read) => read,
        Err(refused) => return refused,
    };
    let intent = fields.intent();
    if intent == Intent::Show || intent == Intent::TestCall {
        return render(&state, parts, posted(fields, None)).await;
    }
    let input = AuthorizationInput::from_form(&fields);
    let authorizations = state.services.authorizations.clone();
    let saving = authorizations.save(id.as_deref(), input);
    let token_state = state.clone();
    let saved = save_or_render(&state, parts, fields, saving, |view| {
        (intent == Intent::SaveThenToken).then(|| view.id.clone())
    })
    .await;
    match saved {
        Outcome::Rendered(page) => page,
        Outcome::Saved(Some(id)) => {
            // The very handler the hydrated form posts to once it has saved.
            oauth::get_access_token(State(token_state), jar, Path(id)).await
        }
        Outcome::Saved(None) => Redirect::to(AUTHORIZATIONS_LIST).into_response(),
    }
}

/// The asset kinds whose add and edit pages post here.
#[derive(Debug, Clone, Copy)]
pub enum AssetForm {
    Service,
    Number,
    App,
    EsmeBind,
}

impl AssetForm {
    /// Where the hydrated form navigates after a save.
    fn saved_href(self) -> &'static str {
        match self {
            AssetForm::Service => "/assets/services?notice=saved",
            AssetForm::Number => "/assets/numbers?notice=saved",
            AssetForm::App => "/assets/apps?notice=saved",
            AssetForm::EsmeBind => "/assets/esme-binds?notice=saved",
        }
    }
}

/// An asset's add (`id` None) or edit page, posted.
pub async fn asset(state: AppState, kind: AssetForm, id: Option<String>, req: Request) -> Response {
    let (parts, fields) = match read_form(req).await {
        Ok(read) => read,
        Err(refused) => return refused,
    };
    let assets = state.services.assets.clone();
    let id = id.as_deref();
    let saved = match kind {
        AssetForm::Service => assets
            .save_service(id, ServiceInput::from_form(&fields))
            .await
            .map(drop),
        AssetForm::Number => assets
            .save_number(id, NumberInput::from_form(&fields))
            .await
            .map(drop),
        AssetForm::App => assets
            .save_app(id, AppInput::from_form(&fields))
            .await
            .map(drop),
        AssetForm::EsmeBind => assets
            .save_esme_bind(id, EsmeBindInput::from_form(&fields))
            .await
            .map(drop),
    };
    save_or_render(&state, parts, fields, async { saved }, |_| {
        Redirect::to(kind.saved_href()).into_response()
    })
    .await
    .into_response()
}

/// The form's fields, from a body the browser posted as a form.
async fn read_form(req: Request) -> Result<(Parts, FormFields), Response> {
    let (parts, body) = req.into_parts();
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim() == "application/x-www-form-urlencoded");
    if !is_form {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Post this form as application/x-www-form-urlencoded.",
        )
            .into_response());
    }
    // `web::body_limit` has already refused a larger body.
    let bytes = axum::body::to_bytes(body, CONSOLE_BODY_LIMIT)
        .await
        .map_err(|_| {
            (
                StatusCode::BAD_REQUEST,
                "The request body could not be read.",
            )
                .into_response()
        })?;
    Ok((parts, FormFields::from_urlencoded(&bytes)))
}

fn posted(fields: FormFields, error: Option<AppError>) -> PostedForm {
    PostedForm {
        fields,
        error,
        test_call: None,
    }
}

/// What a save came to: the page rendered again with its error, or what `then` made of the
/// saved item.
enum Outcome<T> {
    Saved(T),
    Rendered(Response),
}

impl IntoResponse for Outcome<Response> {
    fn into_response(self) -> Response {
        match self {
            Outcome::Saved(r) | Outcome::Rendered(r) => r,
        }
    }
}

async fn save_or_render<V, T>(
    state: &AppState,
    parts: Parts,
    fields: FormFields,
    save: impl Future<Output = Result<V, AppError>>,
    then: impl FnOnce(&V) -> T,
) -> Outcome<T> {
    match save.await {
        Ok(saved) => Outcome::Saved(then(&saved)),
        Err(e) => {
            let status = ApiError::from(e.clone()).status;
            let mut page = render(state, parts, posted(fields, Some(e))).await;
            *page.status_mut() = status;
            Outcome::Rendered(page)
        }
    }
}

/// The page at the post's address, rendered for `posted` (as for a GET, with the request's
/// session and CSP nonce).
async fn render(state: &AppState, mut parts: Parts, posted: PostedForm) -> Response {
    parts.method = Method::GET;
    let request = Request::from_parts(parts, Body::empty());
    let state = state.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_server_context(&state);
            provide_context(posted.clone());
        },
        static_shell,
    );
    render(request).await.into_response()
}
