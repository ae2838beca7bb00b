//! Request bodies outside `/api/v1` — server functions, the sign-in and setup forms, Get
//! Access Token — are capped at [`CONSOLE_BODY_LIMIT`], answered 413 with a sentence above.
//!
//! Why here: server functions read their whole body with no limit of their own (axum's
//! default limit holds only for axum's extractors), so one request could fill the memory.
//! The API under `/api/v1` keeps its own limits (ingest takes 1 MiB). A body declared too
//! large is refused before it is read; one without a length is read up to the cap and no
//! further, then handed on whole.

use axum::{
    body::Body,
    extract::Request,
    http::{header, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Larger than any form of the console with every field filled.
pub const CONSOLE_BODY_LIMIT: usize = 256 * 1024;

pub async fn limit_console_bodies(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path == "/api/v1" || path.starts_with("/api/v1/") {
        return next.run(req).await;
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > CONSOLE_BODY_LIMIT as u64) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, CONSOLE_BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(e) if over_limit(&e) => return too_large(),
        Err(_) => {
            return (
                StatusCode::BAD_REQUEST,
                "The request body could not be read.",
            )
                .into_response()
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn over_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> =
        Some(e as &(dyn std::error::Error + 'static));
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        "The request is too large: the console accepts at most 256 KiB.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use axum::{middleware, routing::post, Router};
    use futures::stream;
    use tower::ServiceExt as _;

    use super::*;

    fn app() -> Router {
        Router::new()
            .route(
                "/{*path}",
                post(|body: axum::body::Bytes| async move { body.len().to_string() }),
            )
            .layer(middleware::from_fn(limit_console_bodies))
    }

    /// A body of `n` bytes sent in chunks, without a Content-Length.
    fn streamed(n: usize) -> Body {
        let chunks = (0..n.div_ceil(4096)).map(move |i| {
            let len = 4096.min(n - i * 4096);
            Ok::<_, std::io::Error>(vec![b'x'; len])
        });
        Body::from_stream(stream::iter(chunks))
    }

    async fn post_to(path: &str, body: Body) -> StatusCode {
        let req = axum::http::Request::post(path).body(body).unwrap();
        app().oneshot(req).await.unwrap().status()
    }

    #[tokio::test]
    async fn a_body_without_a_length_is_cut_at_the_limit_and_refused() {
        assert_eq!(
            post_to("/api/save", streamed(CONSOLE_BODY_LIMIT + 1)).await,
            StatusCode::PAYLOAD_TOO_LARGE
        );
        assert_eq!(
            post_to("/api/save", streamed(CONSOLE_BODY_LIMIT)).await,
            StatusCode::OK
        );
    }

    #[tokio::test]
    async fn the_api_keeps_its_own_limits() {
        assert_eq!(
            post_to("/api/v1/events", streamed(CONSOLE_BODY_LIMIT * 3)).await,
            StatusCode::OK
        );
    }
}
