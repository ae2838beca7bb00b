//! The error body of the REST API: `{"error": "<sentence>", "field": "<path>", "detail": …}`,
//! and how the service layer's errors map onto status codes (CONTRACT §2).

use app::domain::{webhook::TestCall, AppError};
use axum::{
    extract::{rejection::JsonRejection, FromRequest, Request},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::{de::DeserializeOwned, Serialize};

#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Beside `error`, `field` and `detail` when a test call refused the URL (CONTRACT §4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_call: Option<Box<TestCall>>,
}

impl ApiError {
    pub fn new(status: StatusCode, error: impl Into<String>) -> Self {
        ApiError {
            status,
            error: error.into(),
            field: None,
            detail: None,
            test_call: None,
        }
    }

    pub fn not_found(error: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, error)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let message = e.to_string();
        match e {
            AppError::Validation {
                field,
                detail,
                test_call,
                ..
            } => ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                error: message,
                field: Some(field),
                detail,
                test_call,
            },
            AppError::Malformed { field, .. } => ApiError {
                field,
                ..ApiError::new(StatusCode::BAD_REQUEST, message)
            },
            AppError::NotFound(_) => ApiError::new(StatusCode::NOT_FOUND, message),
            AppError::Unauthorized => ApiError::new(StatusCode::UNAUTHORIZED, message),
            AppError::Conflict { field, .. } => ApiError {
                field,
                ..ApiError::new(StatusCode::CONFLICT, message)
            },
            AppError::Internal { .. } | AppError::Transport(_) => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(&self)).into_response()
    }
}

/// `Json<T>` whose rejections (malformed JSON, wrong types, wrong content type) answer in our
/// error shape: 400 for a body that is not the JSON we take, 415 for another content type.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::MissingJsonContentType(_) => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "Send the body as JSON with `Content-Type: application/json`.",
                ),
                other => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "The body is not valid JSON for this request: {}",
                        other.body_text()
                    ),
                ),
            }),
        }
    }
}

/// 200 with the value, or the error.
pub fn ok<T: Serialize>(result: Result<T, AppError>) -> Response {
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// 201 with the created value, or the error.
pub fn created<T: Serialize>(result: Result<T, AppError>) -> Response {
    match result {
        Ok(v) => (StatusCode::CREATED, Json(v)).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// 202 with the value, or the error.
pub fn accepted<T: Serialize>(result: Result<T, AppError>) -> Response {
    match result {
        Ok(v) => (StatusCode::ACCEPTED, Json(v)).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// 204, or the error.
pub fn no_content(result: Result<(), AppError>) -> Response {
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}
