//! Logs (tracing, on stderr: stdout is only for a command's own output) and Prometheus metrics.

use std::{sync::OnceLock, time::Instant};

use axum::{extract::Request, http::Method, middleware::Next, response::Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::EnvFilter;

/// Sends logs to stderr with the given filter (e.g. `info`).
pub fn init_logging(filter: &str) -> Result<(), String> {
    // PostgreSQL's notices ("relation … already exists, skipping" at each migration) are
    // the server's chatter, not ours: kept out unless the filter names sqlx itself.
    let filter = if filter.contains("sqlx") {
        filter.to_owned()
    } else {
        format!("{filter},sqlx::postgres::notice=warn")
    };
    let filter = EnvFilter::try_new(&filter).map_err(|e| format!("--log: {e}"))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init()
        .ok();
    Ok(())
}

/// The process-wide metrics recorder (installed once, shared by every app in the process).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(&[
                    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                ])
                .expect("static bucket list is valid")
                .build_recorder();
            let handle = recorder.handle();
            // Fails only if another recorder was installed first; ours then simply stays unused.
            let _ = metrics::set_global_recorder(recorder);
            metrics::describe_counter!(
                "http_requests_total",
                "HTTP requests served, by method, area and status"
            );
            metrics::describe_histogram!(
                "http_request_duration_seconds",
                "Time to produce a response"
            );
            crate::dispatcher::metrics::describe();
            crate::smpp::describe();
            handle
        })
        .clone()
}

/// A coarse label for a path, so metrics stay low-cardinality.
fn area(path: &str) -> &'static str {
    match path {
        "/healthz" | "/metrics" => "ops",
        p if p.starts_with("/api/v1/") => "rest",
        p if p.starts_with("/api/") => "server_fn",
        p if p.starts_with("/pkg/") => "static",
        p if p.starts_with("/auth/") => "auth",
        _ => "page",
    }
}

/// The method as a label: the standard ones by name, anything else `other`. Why: the method
/// is read before any authentication, and each new label value is a new series kept for
/// the life of the process, so a client inventing methods would grow memory without end.
fn method(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts and times every request.
pub async fn track_http(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = method(req.method());
    let area = area(req.uri().path());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method, "area" => area, "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "area" => area)
        .record(start.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_standard_methods_become_labels() {
        assert_eq!(method(&Method::GET), "GET");
        assert_eq!(method(&Method::DELETE), "DELETE");
        for odd in ["FOOBAR", "get", "PROPFIND", "CONNECT", "TRACE"] {
            let m = Method::from_bytes(odd.as_bytes()).unwrap();
            assert_eq!(method(&m), "other", "{odd}");
        }
    }
}
