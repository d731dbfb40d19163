//! The published operation directory: editions and the diff between two.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use catalog::domain::edition::{DirectoryEdition, EditionDiff};
use serde::{Deserialize, Serialize};

use super::public::query;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/directory/editions", get(list_editions))
        .route("/api/v1/directory/editions/{number}", get(get_edition))
        .route("/api/v1/directory/diff", get(diff))
}

/// An edition without its lines, for listings.
#[derive(Debug, Serialize)]
struct EditionSummary {
    number: u32,
    title: String,
    publisher_name: String,
    published_at: chrono::DateTime<chrono::Utc>,
    lines: usize,
}

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

async fn get_edition(
    State(state): State<AppState>,
    number: Result<Path<u32>, PathRejection>,
) -> ApiResult<Json<DirectoryEdition>> {
    let Path(number) =
        number.map_err(|_| ApiError::bad_request("path.number", "版本号必须是正整数"))?;
    Ok(Json(state.catalog.edition(number).await?))
}

#[derive(Debug, Deserialize)]
struct DiffQuery {
    from: u32,
    to: u32,
}

async fn diff(
    State(state): State<AppState>,
    q: Result<Query<DiffQuery>, QueryRejection>,
) -> ApiResult<Json<EditionDiff>> {
    let q = query(q)?;
    Ok(Json(state.catalog.edition_diff(q.from, q.to).await?))
}
