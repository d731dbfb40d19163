//! Liveness and readiness.

use axum::Json;
use axum::extract::State;
use catalog::store::Table;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::openapi::Problems;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(live))
        .routes(routes!(ready))
}

/// Alive: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "system",
    responses((status = 200, body = String, content_type = "text/plain")))]
async fn live() -> &'static str {
    "ok"
}

#[derive(Debug, Serialize, ToSchema)]
struct Readiness {
    status: String,
    /// Directory entries in the database (all states).
    resources: i64,
}

/// Ready: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, body = Readiness), Problems))]
async fn ready(State(state): State<AppState>) -> ApiResult<Json<Readiness>> {
    let resources = state.catalog.store().count(Table::Resources).await?;
    Ok(Json(Readiness {
        status: "ready".into(),
        resources,
    }))
}
