//! `/healthz` and `/metrics`: for load balancers and Prometheus; no sign-in needed.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};

use crate::{state::AppState, store::now_millis};

pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(serde_json::json!({"status": "ok"})).into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    state.metrics.run_upkeep();
    let mut text = state.metrics.render();
    // The queue's gauges are read now from this server's own store (through the due index),
    // and written here rather than through the process-wide recorder, which every app in one
    // process shares.
    let now = now_millis();
    match state.store.queue_depth(now).await {
        Ok((depth, oldest_due)) => {
            let waited = oldest_due.map_or(0, |at| (now - at).max(0)) as f64 / 1000.0;
            text.push_str(&format!(
                "# HELP webhook_queue_depth Deliveries pending (due or scheduled)\n\
                 # TYPE webhook_queue_depth gauge\nwebhook_queue_depth {depth}\n\
                 # HELP webhook_oldest_due_seconds How long the oldest due delivery has waited\n\
                 # TYPE webhook_oldest_due_seconds gauge\nwebhook_oldest_due_seconds {waited}\n"
            ));
        }
        Err(e) => tracing::error!(error = ?e, "/metrics: the queue's depth cannot be read"),
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
