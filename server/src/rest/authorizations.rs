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
    Svc,
};

async fn list(s: Svc, OriginalUri(uri): OriginalUri, ListParams(q): ListParams) -> Response {
    page(&uri, s.authorizations.list(&q).await)
}

async fn create(s: Svc, ApiJson(input): ApiJson<AuthorizationInput>) -> Response {
    created(s.authorizations.save(None, input).await)
}

async fn read(s: Svc, Path(id): Path<String>) -> Response {
    ok(s.authorizations.get(&id).await)
}

async fn replace(
    s: Svc,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AuthorizationInput>,
) -> Response {
    ok(s.authorizations.save(Some(&id), input).await)
}

async fn delete(s: Svc, Path(id): Path<String>) -> Response {
    no_content(s.authorizations.delete(&id).await)
}

async fn token(s: Svc, Path(id): Path<String>) -> Response {
    ok(s.authorizations.get_access_token(&id).await)
}

pub fn router() -> Router<Services> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", get(read).put(replace).delete(delete))
        .route("/{id}/token", post(token))
}
