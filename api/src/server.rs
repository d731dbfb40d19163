//! Binding the router to a socket, with limits, metrics, CORS and graceful shutdown.

use std::time::Duration;

use axum::Router;
use axum::http::header::{
    AUTHORIZATION, CONTENT_TYPE, ETAG, IF_MATCH, IF_NONE_MATCH, LINK, LOCATION, RETRY_AFTER,
};
use axum::http::{HeaderValue, Method};
use axum::routing::get;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::middleware::rate_limit::{self, PublicLimiter, RateLimit};
use crate::middleware::{compression, conditional, metrics, paging, request_id};
use crate::state::AppState;

mod connections;
pub use connections::ConnectionLimits;

/// Largest request body we read (imports and samples get their own limits).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// How the HTTP edge behaves; from `mulu serve` flags.
#[derive(Debug, Clone)]
pub struct EdgeOptions {
    /// Browser origins allowed to call the API cross-site (none: same-origin only).
    pub cors_origins: Vec<String>,
    pub rate_limit: RateLimit,
    /// `/metrics` answers anonymous callers (otherwise only a system administrator's or
    /// auditor's token, or a session of one).
    pub metrics_public: bool,
    /// Which addresses webhook endpoints may be registered at.
    pub webhook_targets: catalog::domain::webhook::Targets,
    pub connections: ConnectionLimits,
}

pub fn app(state: AppState, edge: &EdgeOptions) -> Result<Router, ServeError> {
    // Install the recorder before the first request is counted.
    metrics::handle();
    let limiter = PublicLimiter::new(edge.rate_limit);
    limiter.spawn_housekeeping();
    Ok(crate::routes::router(state.clone())
        .layer(axum::Extension(edge.webhook_targets))
        .layer(axum::middleware::from_fn_with_state(
            limiter.clone(),
            rate_limit::limit,
        ))
        // Outside the limiter: it needs to know who is calling.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::resolve_caller,
        ))
        .route(
            "/metrics",
            get({
                let state = state.clone();
                let public = edge.metrics_public;
                move |headers: axum::http::HeaderMap| {
                    metrics::render(state.clone(), headers, public)
                }
            }),
        )
        // Outside every route that looks at a token, `/metrics` included.
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            rate_limit::throttle_failed_auth,
        ))
        .layer(axum::middleware::from_fn(
            crate::middleware::method_not_allowed::explain,
        ))
        .layer(axum::middleware::from_fn(conditional::revalidate))
        .layer(axum::middleware::from_fn(paging::link))
        .layer(axum::middleware::from_fn(metrics::record))
        .layer(cors(&edge.cors_origins)?)
        .layer(axum::middleware::from_fn_with_state(
            BODY_LIMIT,
            crate::routes::body_limit,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn(connections::close_if_body_unread))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(compression::layer())
        .layer(axum::middleware::from_fn(
            compression::uncompressed_for_sessions,
        ))
        .layer(axum::middleware::from_fn(request_id::assign))
        // Outermost: every answer, the refusals of the layers above included.
        .layer(axum::middleware::from_fn(
            crate::middleware::headers::secure,
        )))
}

/// The log span of a request names its id, so a problem's `instance` leads to its log lines.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .headers()
        .get(request_id::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!("request", method = %request.method(), uri = %request.uri(), id)
}

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("CORS 来源“{0}”无效")]
    CorsOrigin(String),
    #[error("无法在 {bind} 上提供服务：{source}")]
    Bind {
        bind: String,
        #[source]
        source: std::io::Error,
    },
}

fn cors(origins: &[String]) -> Result<CorsLayer, ServeError> {
    let origins = origins
        .iter()
        .map(|o| HeaderValue::from_str(o).map_err(|_| ServeError::CorsOrigin(o.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers([AUTHORIZATION, CONTENT_TYPE, IF_MATCH, IF_NONE_MATCH])
        // What a browser client reads: versions, when to retry after 429/503, created resources,
        // the next page, the request id a problem quotes.
        .expose_headers([ETAG, RETRY_AFTER, LOCATION, LINK, request_id::REQUEST_ID])
        .max_age(Duration::from_secs(3600)))
}

pub async fn serve(state: AppState, bind: &str, edge: &EdgeOptions) -> Result<(), ServeError> {
    let web = state.web.clone();
    let app = app(state, edge)?;
    let io = |source| ServeError::Bind {
        bind: bind.to_owned(),
        source,
    };
    let listener = tokio::net::TcpListener::bind(bind).await.map_err(io)?;
    let address = listener.local_addr().map_err(io)?;
    web.listening_on(address);
    tracing::info!(%address, "Mulu 服务已启动");
    // Tests read this line to learn the port when binding to :0.
    println!("listening on http://{address}");
    connections::serve(listener, app, edge.connections, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}
