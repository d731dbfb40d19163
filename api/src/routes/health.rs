//! Liveness and readiness.

use axum::Json;
use axum::extract::State;
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

/// Whether the search index holds every change the database has: after a start it rebuilds or
/// catches up in the background, and pages drawn from it (the portal's counts, search) are short
/// until then.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum SearchIndexState {
    Current,
    CatchingUp,
    /// Rebuilt from the database (after a start on an empty index): partial until it ends.
    Rebuilding,
}

#[derive(Debug, Serialize, ToSchema)]
struct Readiness {
    status: String,
    /// No count here: the database's counts include unpublished entries (rule 8); `/metrics`
    /// gives the lag in numbers to those who may read it.
    search_index: SearchIndexState,
}

/// Ready: the database answers (still 200 while the search index catches up, which says so).
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, body = Readiness), Problems))]
async fn ready(State(state): State<AppState>) -> ApiResult<Json<Readiness>> {
    let lag = indexer::lag(&state.catalog, &state.search).await?;
    Ok(Json(Readiness {
        status: "ready".into(),
        search_index: if state.search.rebuilding() {
            SearchIndexState::Rebuilding
        } else if lag == 0 {
            SearchIndexState::Current
        } else {
            SearchIndexState::CatchingUp
        },
    }))
}
