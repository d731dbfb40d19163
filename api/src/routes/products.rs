//! A product before registration: the operator revises or withdraws it; the implementing body
//! reads the queue of products awaiting its compliance review (C 10.4).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use catalog::domain::product::{NewProduct, Product, ProductStatus};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::resources::Reason;
use crate::auth::{As, DataAdmins, Operators};
use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery, Body, Tagged, if_match};
use crate::openapi::Problems;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(revise_product))
        .routes(routes!(withdraw_product))
        .routes(routes!(product_review_queue))
}

/// Revise a draft or a product that failed its compliance review; it waits for a new review.
#[utoipa::path(put, path = "/api/v1/operator/products/{id}", tag = "registration",
    security(("bearer" = ["operator"])), request_body = NewProduct,
    params(("id" = Uuid, Path, description = "产品 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Product, headers(("ETag" = String))), Problems))]
async fn revise_product(
    State(state): State<AppState>,
    As(actor, _): As<Operators>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<NewProduct>,
) -> ApiResult<Tagged<Product>> {
    let tag = if_match(&headers)?;
    let p = state
        .catalog
        .revise_product(&actor, id, body, state.clock.today(), tag)
        .await?;
    Ok(Tagged::ok(p))
}

/// Withdraw a product before registration, with the reason (it is kept, never deleted).
#[utoipa::path(post, path = "/api/v1/operator/products/{id}/withdraw", tag = "registration",
    security(("bearer" = ["operator"])), request_body = Reason,
    params(("id" = Uuid, Path, description = "产品 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Product, headers(("ETag" = String))), Problems))]
async fn withdraw_product(
    State(state): State<AppState>,
    As(actor, _): As<Operators>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<Reason>,
) -> ApiResult<Tagged<Product>> {
    let tag = if_match(&headers)?;
    let p = state
        .catalog
        .withdraw_product(&actor, id, &body.reason, tag)
        .await?;
    Ok(Tagged::ok(p))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct QueueQuery {
    /// Only products in this state (default: drafts awaiting review).
    status: Option<ProductStatus>,
}

/// Products under the caller's authorizations awaiting its compliance review, oldest first.
#[utoipa::path(get, path = "/api/v1/admin/products", tag = "admin",
    security(("bearer" = ["data_admin"])), params(QueueQuery),
    responses((status = 200, body = Vec<Product>), Problems))]
async fn product_review_queue(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> ApiResult<Json<Vec<Product>>> {
    let statuses = q.status.into_iter().collect();
    Ok(Json(
        state.catalog.product_review_queue(&actor, statuses).await?,
    ))
}
