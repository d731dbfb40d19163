//! The published operation directory: editions and the diff between two.

use axum::Json;
use axum::extract::State;
use catalog::domain::edition::{DirectoryEdition, EditionDiff};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery};
use crate::openapi::Problems;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_editions))
        .routes(routes!(get_edition))
        .routes(routes!(diff))
}

/// An edition without its lines, for listings.
#[derive(Debug, Serialize, ToSchema)]
struct EditionSummary {
    number: u32,
    title: String,
    publisher_name: String,
    published_at: DateTime<Utc>,
    /// Number of directory lines in the edition.
    lines: usize,
}

/// All published editions of the operation directory, oldest first.
#[utoipa::path(get, path = "/api/v1/directory/editions", tag = "public",
    responses((status = 200, body = Vec<EditionSummary>), Problems))]
async fn list_editions(State(state): State<AppState>) -> ApiResult<Json<Vec<EditionSummary>>> {
    let editions = state.catalog.editions().await?;
    Ok(Json(
        editions
            .into_iter()
            .map(|e| EditionSummary {
                number: e.number,
                title: e.title,
                publisher_name: e.publisher_name,
                published_at: e.published_at,
                lines: e.lines.len(),
            })
            .collect(),
    ))
}

/// One frozen edition with all its lines.
#[utoipa::path(get, path = "/api/v1/directory/editions/{number}", tag = "public",
    params(("number" = u32, Path, minimum = 1, description = "版本号")),
    responses((status = 200, body = DirectoryEdition), Problems))]
async fn get_edition(
    State(state): State<AppState>,
    ApiPath(number): ApiPath<u32>,
) -> ApiResult<Json<DirectoryEdition>> {
    Ok(Json(state.catalog.edition(number).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DiffQuery {
    /// The older edition number.
    #[param(minimum = 1)]
    from: u32,
    /// The newer edition number.
    #[param(minimum = 1)]
    to: u32,
}

/// Lines added, removed and changed (field by field) between two editions.
#[utoipa::path(operation_id = "edition_diff", get, path = "/api/v1/directory/diff", tag = "public", params(DiffQuery),
    responses((status = 200, body = EditionDiff), Problems))]
async fn diff(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> ApiResult<Json<EditionDiff>> {
    Ok(Json(state.catalog.edition_diff(q.from, q.to).await?))
}
