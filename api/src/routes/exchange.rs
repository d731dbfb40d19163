//! The data exchanges' interface: an incremental feed of registered products.

use axum::Json;
use axum::extract::State;
use catalog::FeedPage;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{As, FeedReaders};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::openapi::Problems;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(feed))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FeedQuery {
    /// The `next` of the previous page (0 or absent: from the beginning).
    #[param(minimum = 0)]
    after: Option<i64>,
    /// 1–500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    /// Skip changes made before this instant (RFC 3339); prefer `after` for incremental reads.
    updated_since: Option<DateTime<Utc>>,
}

/// Every change to registered products' registrations (coding, change, renewal, cancellation,
/// revocation, access closed), in one total order. Paging with `next` sees each change exactly once.
#[utoipa::path(get, path = "/api/v1/exchange/feed", tag = "registration", params(FeedQuery),
    security(("bearer" = ["exchange", "data_admin", "auditor"])),
    responses((status = 200, body = FeedPage), Problems))]
async fn feed(
    State(state): State<AppState>,
    _: As<FeedReaders>,
    ApiQuery(q): ApiQuery<FeedQuery>,
) -> ApiResult<Json<FeedPage>> {
    let after = match q.after.unwrap_or(0) {
        n @ 0.. => n,
        _ => return Err(ApiError::bad_request("after", "after 不能为负数")),
    };
    let limit = match q.limit.unwrap_or(100) {
        n @ 1..=500 => n as usize,
        _ => return Err(ApiError::bad_request("limit", "limit 必须在 1 到 500 之间")),
    };
    Ok(Json(
        state
            .catalog
            .registration_feed(after, limit, q.updated_since)
            .await?,
    ))
}
