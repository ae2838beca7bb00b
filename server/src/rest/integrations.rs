//! `/api/v1/integrations` (CONTRACT §2): outbound webhooks.

use app::{domain::webhook::WebhookInput, services::Services};
use axum::{
    extract::{OriginalUri, Path},
    response::Response,
    routing::get,
    Router,
};

use super::{
    error::{created, no_content, ok, ApiJson},
    list::{page, ListParams},
    Svc,
};

async fn list(s: Svc, OriginalUri(uri): OriginalUri, ListParams(q): ListParams) -> Response {
    page(&uri, s.webhooks.list(&q).await)
}

async fn create(s: Svc, ApiJson(input): ApiJson<WebhookInput>) -> Response {
    created(s.webhooks.save(None, input).await)
}

async fn read(s: Svc, Path(id): Path<String>) -> Response {
    ok(s.webhooks.get(&id).await)
}

async fn replace(
    s: Svc,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<WebhookInput>,
) -> Response {
    ok(s.webhooks.save(Some(&id), input).await)
}

async fn delete(s: Svc, Path(id): Path<String>) -> Response {
    no_content(s.webhooks.delete(&id).await)
}

pub fn router() -> Router<Services> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", get(read).put(replace).delete(delete))
}
