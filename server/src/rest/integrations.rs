//! `/api/v1/integrations` (CONTRACT §2): outbound webhooks.

use app::{
    domain::webhook::{TestCall, WebhookInput},
    services::Services,
};
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

#[utoipa::path(get, path = "/api/v1/integrations", tag = "integrations",
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
    page(&uri, s.webhooks.list(&q).await)
}

#[utoipa::path(post, path = "/api/v1/integrations", tag = "integrations", request_body = WebhookInput,
    responses(
        (status = 201, description = "created (its test call answered 200)"),
        (status = 400, description = "not JSON", body = ErrorBody),
        (status = 409, description = "a name already used on the entity", body = ErrorBody),
        (status = 422, description = "a field refused, or the test call failed", body = ErrorBody),
    ))]
pub(crate) async fn create(s: Svc, ApiJson(input): ApiJson<WebhookInput>) -> Response {
    created(s.webhooks.save(None, input).await)
}

#[utoipa::path(get, path = "/api/v1/integrations/{id}", tag = "integrations",
    params(("id" = String, Path, description = "the id")),
    responses(
        (status = 200, description = "found"),
        (status = 404, description = "no such id", body = ErrorBody),
    ))]
pub(crate) async fn read(s: Svc, Path(id): Path<String>) -> Response {
    ok(s.webhooks.get(&id).await)
}

#[utoipa::path(put, path = "/api/v1/integrations/{id}", tag = "integrations", request_body = WebhookInput,
    params(("id" = String, Path, description = "the id")),
    responses(
        (status = 200, description = "replaced"),
        (status = 400, description = "not JSON", body = ErrorBody),
        (status = 404, description = "no such id", body = ErrorBody),
        (status = 409, description = "a name already used on the entity", body = ErrorBody),
        (status = 422, description = "a field refused, a secret to send again, or the test call failed", body = ErrorBody),
    ))]
pub(crate) async fn replace(
    s: Svc,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<WebhookInput>,
) -> Response {
    ok(s.webhooks.save(Some(&id), input).await)
}

#[utoipa::path(delete, path = "/api/v1/integrations/{id}", tag = "integrations",
    params(("id" = String, Path, description = "the id")),
    responses(
        (status = 204, description = "deleted; its delivery log is kept"),
        (status = 404, description = "no such id", body = ErrorBody),
    ))]
pub(crate) async fn delete(s: Svc, Path(id): Path<String>) -> Response {
    no_content(s.webhooks.delete(&id).await)
}

/// The body of `POST /api/v1/integrations/test`: what the webhook form has so far.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub(crate) struct TestCallInput {
    /// The URL to call (`HEAD`), as it would be saved.
    url: String,
    /// The authorization profile to apply, if any.
    #[serde(default)]
    authorization_id: Option<String>,
}

/// The answer of `POST /api/v1/integrations/test`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct TestCallBody {
    test_call: TestCall,
}

#[utoipa::path(post, path = "/api/v1/integrations/test", tag = "integrations", request_body = TestCallInput,
    responses(
        (status = 200, description = "the test call ran (whatever it found); nothing is saved", body = TestCallBody),
        (status = 400, description = "not JSON", body = ErrorBody),
        (status = 422, description = "not a URL a webhook may have, or an unknown authorization", body = ErrorBody),
    ))]
pub(crate) async fn test(s: Svc, ApiJson(input): ApiJson<TestCallInput>) -> Response {
    let result = s
        .webhooks
        .test_call(&input.url, input.authorization_id.as_deref())
        .await;
    ok(result.map(|test_call| TestCallBody { test_call }))
}

pub fn router() -> Router<Services> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/test", post(test))
        .route("/{id}", get(read).put(replace).delete(delete))
}
