//! Prometheus metrics: request counts and latency per route template, served at `/metrics`.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use catalog::Role;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Latency buckets in seconds: sub-millisecond searches up to slow imports.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process-wide recorder (installed once, whatever the number of routers built).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("mulu_http_request_duration_seconds".into()),
                BUCKETS,
            )
            .expect("static buckets are valid")
            .build_recorder();
        let handle = recorder.handle();
        // Fails only if another recorder was installed first; then ours stays empty but valid.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Count and time every request by method, route template (never the raw path: ids would
/// explode the label set) and status.
pub async fn record(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("mulu_http_requests_total", &labels).increment(1);
    metrics::histogram!("mulu_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics` in the Prometheus text format, with the search index's state sampled now.
/// Rule 8: the counts include unpublished documents, so only a system administrator or an auditor
/// (a Prometheus scraper holds such a token) reads them, unless the deployment makes them public.
pub async fn render(state: AppState, headers: axum::http::HeaderMap, public: bool) -> Response {
    let caller = match Caller::resolve(&headers, &state).await {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    let admitted = public
        || matches!(&caller.0, Some(actor) if matches!(actor.role, Role::SystemAdmin | Role::Auditor));
    if !admitted {
        let (status, detail) = match caller.0 {
            None => (
                StatusCode::UNAUTHORIZED,
                "监控指标需要系统管理员或监管部门的访问令牌",
            ),
            Some(_) => (
                StatusCode::FORBIDDEN,
                "只有系统管理员和监管部门可以读取监控指标",
            ),
        };
        let title = if status == StatusCode::UNAUTHORIZED {
            "未认证"
        } else {
            "无权操作"
        };
        let kind = if status == StatusCode::UNAUTHORIZED {
            "unauthorized"
        } else {
            "forbidden"
        };
        return ApiError::new(status, kind, title, detail).into_response();
    }
    match indexer::lag(&state.catalog, &state.search).await {
        Ok(lag) => metrics::gauge!("mulu_search_index_lag").set(lag as f64),
        Err(e) => tracing::warn!(error = %e, "cannot read the change-log head"),
    }
    metrics::gauge!("mulu_search_documents").set(state.search.doc_count() as f64);
    // Each segment adds a fixed cost to every query; a rebuild ends by merging them into one.
    metrics::gauge!("mulu_search_segments").set(state.search.segment_count() as f64);
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle().render(),
    )
        .into_response()
}
