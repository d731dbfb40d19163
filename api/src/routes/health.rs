//! Liveness and readiness.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use catalog::store::Table;
use serde_json::{Value, json};

use crate::error::ApiResult;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
}

/// Ready when the database answers.
async fn ready(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    let resources = state.catalog.store().count(Table::Resources).await?;
    Ok(Json(json!({ "status": "ready", "resources": resources })))
}
