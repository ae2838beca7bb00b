//! `/api/v1/authorizations` (CONTRACT §2): authorization profiles, secrets write-only, and
//! `POST /{id}/token`, what the console's Get Access Token does for the client credentials grant.

use app::{domain::authorization::AuthorizationInput, services::Services};
use axum::{
    extract::{OriginalUri, Path},
    response::Response,
    routing::{get, post},
    Router,
};

use super::{
    error::{created, no_content, ok, ApiJson},
    list::{page, ListParams},
    schemas::ErrorBody,
    Svc,
};

#[utoipa::path(get, path = "/api/v1/authorizations", tag = "authorizations",
    params(
        ("q" = Option<String>, Query, description = "case-insensitive search"),
        ("limit" = Option<String>, Query, description = "1 to 1000, default 100"),
        ("before" = Option<String>, Query, description = "an id: the next page"),
    ),
    responses(
        (status = 200, description = "the page, newest first"),
        (status = 400, description = "a bad parameter", body = ErrorBody),
    ))]
pub(crate) async fn list(
    s: Svc,
    OriginalUri(uri): OriginalUri,
    ListParams(q): ListParams,
) -> Response {
    page(&uri, s.authorizations.list(&q).await)
}

#[utoipa::path(post, path = "/api/v1/authorizations", tag = "authorizations", request_body = AuthorizationInput,
    responses(
        (status = 201, description = "created"),
        (status = 400, description = "not JSON", body = ErrorBody),
        (status = 409, description = "a name already used", body = ErrorBody),
        (status = 422, description = "a field refused", body = ErrorBody),
    ))]
pub(crate) async fn create(s: Svc, ApiJson(input): ApiJson<AuthorizationInput>) -> Response {
    created(s.authorizations.save(None, input).await)
}

#[utoipa::path(get, path = "/api/v1/authorizations/{id}", tag = "authorizations",
    params(("id" = String, Path, description = "the id")),
    responses(
        (status = 200, description = "found"),
        (status = 404, description = "no such id", body = ErrorBody),
    ))]
pub(crate) async fn read(s: Svc, Path(id): Path<String>) -> Response {
    ok(s.authorizations.get(&id).await)
}

#[utoipa::path(put, path = "/api/v1/authorizations/{id}", tag = "authorizations", request_body = AuthorizationInput,
    params(("id" = String, Path, description = "the id")),
    responses(
        (status = 200, description = "replaced"),
        (status = 400, description = "not JSON", body = ErrorBody),
        (status = 404, description = "no such id", body = ErrorBody),
        (status = 409, description = "a name already used", body = ErrorBody),
        (status = 422, description = "a field refused, or a secret to send again", body = ErrorBody),
    ))]
pub(crate) async fn replace(
    s: Svc,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AuthorizationInput>,
) -> Response {
    ok(s.authorizations.save(Some(&id), input).await)
}

#[utoipa::path(delete, path = "/api/v1/authorizations/{id}", tag = "authorizations",
    params(("id" = String, Path, description = "the id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 404, description = "no such id", body = ErrorBody),
        (status = 409, description = "used by a webhook", body = ErrorBody),
    ))]
pub(crate) async fn delete(s: Svc, Path(id): Path<String>) -> Response {
    no_content(s.authorizations.delete(&id).await)
}

#[utoipa::path(post, path = "/api/v1/authorizations/{id}/token", tag = "authorizations",
    params(("id" = String, Path, description = "the id")),
    responses(
        (status = 200, description = "a token was fetched"),
        (status = 404, description = "no such id", body = ErrorBody),
        (status = 422, description = "not a client credentials profile, or the token request failed", body = ErrorBody),
    ))]
pub(crate) async fn token(s: Svc, Path(id): Path<String>) -> Response {
    ok(s.authorizations.get_access_token(&id).await)
}

pub fn router() -> Router<Services> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", get(read).put(replace).delete(delete))
        .route("/{id}/token", post(token))
}
