//! `/api/v1/integrations` (CONTRACT §2): outbound webhooks.

use std::sync::Arc;

use app::{domain::webhook::WebhookInput, services::ConsoleService};
use axum::{
    extract::{Path, State},
    response::Response,
    routing::get,
    Router,
};

use super::error::{created, no_content, ok, ApiJson};

type Svc = State<Arc<dyn ConsoleService>>;

async fn list(State(c): Svc) -> Response {
    ok(c.list_webhooks().await)
}

async fn create(State(c): Svc, ApiJson(input): ApiJson<WebhookInput>) -> Response {
    created(c.save_webhook(None, input).await)
}

async fn read(State(c): Svc, Path(id): Path<String>) -> Response {
    ok(c.get_webhook(&id).await)
}

async fn replace(
    State(c): Svc,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<WebhookInput>,
) -> Response {
    ok(c.save_webhook(Some(&id), input).await)
}

async fn delete(State(c): Svc, Path(id): Path<String>) -> Response {
    no_content(c.delete_webhook(&id).await)
}

pub fn router() -> Router<Arc<dyn ConsoleService>> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", get(read).put(replace).delete(delete))
}
