//! Binding the router to a socket, with limits and graceful shutdown.

use std::time::Duration;

use axum::Router;
use catalog::Catalog;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::clock::Clock;
use crate::state::AppState;

/// Largest request body we read (imports and samples get their own limits later).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub fn app(catalog: Catalog, clock: Clock) -> Router {
    crate::routes::router(AppState { catalog, clock })
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
}

pub async fn serve(catalog: Catalog, clock: Clock, bind: &str) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    tracing::info!(address = %listener.local_addr()?, "Mulu 服务已启动");
    // Tests read this line to learn the port when binding to :0.
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(catalog, clock))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
