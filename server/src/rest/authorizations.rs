//! `/api/v1/authorizations` (CONTRACT §2): authorization profiles, secrets write-only, and
//! `POST /{id}/token`, what the console's Get Access Token does for the client credentials grant.

use std::sync::Arc;

use app::{domain::authorization::AuthorizationInput, services::ConsoleService};
use axum::{
    extract::{Path, State},
    response::Response,
    routing::{get, post},
    Router,
};

use super::error::{created, no_content, ok, ApiJson};

type Svc = State<Arc<dyn ConsoleService>>;

async fn list(State(c): Svc) -> Response {
    ok(c.list_authorizations().await)
}

async fn create(State(c): Svc, ApiJson(input): ApiJson<AuthorizationInput>) -> Response {
    created(c.save_authorization(None, input).await)
}

async fn read(State(c): Svc, Path(id): Path<String>) -> Response {
    ok(c.get_authorization(&id).await)
}

async fn replace(
    State(c): Svc,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AuthorizationInput>,
) -> Response {
    ok(c.save_authorization(Some(&id), input).await)
}

async fn delete(State(c): Svc, Path(id): Path<String>) -> Response {
    no_content(c.delete_authorization(&id).await)
}

async fn token(State(c): Svc, Path(id): Path<String>) -> Response {
    ok(c.get_access_token(&id).await)
}

pub fn router() -> Router<Arc<dyn ConsoleService>> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", get(read).put(replace).delete(delete))
        .route("/{id}/token", post(token))
}
