//! API keys for `/api/v1`: `Authorization: Bearer whk_…`. Only a hash is stored.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};

use crate::store::{ApiKey, Store, StoreError};

/// Every key starts with this, so a leaked key is recognisable (e.g. by secret scanners).
pub const PREFIX: &str = "whk_";

/// Creates a key named `name`; returns the key itself (shown once) and its record.
pub async fn create(store: &dyn Store, name: &str) -> Result<(String, ApiKey), StoreError> {
    let key = format!("{PREFIX}{}", super::token::random_token());
    let shown_prefix: String = key.chars().take(PREFIX.len() + 6).collect();
    let record = store
        .insert_api_key(name, &super::token::hash(&key), &shown_prefix)
        .await?;
    Ok((key, record))
}

/// The key a request authenticated with; handlers under `/api/v1` may read it.
#[derive(Debug, Clone)]
pub struct ApiCaller(pub ApiKey);

/// Middleware for `/api/v1`: 401 with a JSON error unless a valid key is presented.
pub async fn require_api_key(
    State(store): State<Arc<dyn Store>>,
    mut req: Request,
    next: Next,
) -> Response {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    let Some(key) = presented.filter(|k| !k.is_empty()) else {
        return unauthorized("Send an API key as `Authorization: Bearer <key>`.");
    };
    match store.find_api_key(&super::token::hash(key)).await {
        Ok(Some(found)) => {
            req.extensions_mut().insert(ApiCaller(found));
            next.run(req).await
        }
        Ok(None) => unauthorized("This API key is not valid."),
        Err(e) => {
            tracing::error!(error = ?e, "API key lookup failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"error": "The database is unavailable; try again."})),
            )
                .into_response()
        }
    }
}

fn unauthorized(message: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        Json(serde_json::json!({ "error": message })),
    )
        .into_response()
}
