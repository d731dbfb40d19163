//! Annual disclosures (N 18–19): drafted and published by implementing bodies and operators,
//! read by everyone once published.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use catalog::domain::disclosure::{
    Disclosure, DisclosureContent, DisclosureObligation, NewDisclosure,
};
use chrono::Datelike;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::public::{Listing, Page};
use crate::auth::{As, Auditors, Caller, Disclosers};
use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery, Body, Tagged, if_match};
use crate::openapi::Problems;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_published, draft))
        .routes(routes!(get_one, revise))
        .routes(routes!(publish))
        .routes(routes!(own))
        .routes(routes!(obligations))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ObligationQuery {
    /// The year statements cover (default: last year).
    #[param(minimum = 2000, maximum = 9999)]
    year: Option<i32>,
}

/// Who owes an annual statement for a year and where each stands (published, draft, missing;
/// overdue after the policy's day, 31 March by default).
#[utoipa::path(operation_id = "disclosure_obligations", get, path = "/api/v1/admin/disclosures/obligations", tag = "admin",
    security(("bearer" = ["auditor", "data_admin"])), params(ObligationQuery),
    responses((status = 200, body = Vec<DisclosureObligation>), Problems))]
async fn obligations(
    State(state): State<AppState>,
    _overseer: As<Auditors>,
    ApiQuery(q): ApiQuery<ObligationQuery>,
) -> ApiResult<Json<Vec<DisclosureObligation>>> {
    let today = state.clock.today();
    let year = q.year.unwrap_or(today.year() - 1);
    Ok(Json(
        state.catalog.disclosure_obligations(year, today).await?,
    ))
}

/// Draft the statement for a finished year (due on the jurisdiction policy's day of the next year, 31 March by default).
#[utoipa::path(operation_id = "draft_disclosure", post, path = "/api/v1/disclosures", tag = "admin",
    security(("bearer" = ["data_admin", "operator"])), request_body = NewDisclosure,
    responses((status = 201, body = Disclosure), Problems))]
async fn draft(
    State(state): State<AppState>,
    As(actor, _): As<Disclosers>,
    Body(body): Body<NewDisclosure>,
) -> ApiResult<(StatusCode, Json<Disclosure>)> {
    let d = state
        .catalog
        .draft_disclosure(&actor, body, state.clock.today())
        .await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// Published disclosures.
#[utoipa::path(operation_id = "published_disclosures", get, path = "/api/v1/disclosures", tag = "public", params(Page),
    responses((status = 200, body = Listing<Disclosure>), Problems))]
async fn list_published(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Listing<Disclosure>> {
    let items = state
        .catalog
        .public_disclosures(page.public_filter()?)
        .await?;
    Ok(Listing::page(items, page.limit()?, |d| d.id))
}

/// One disclosure: published ones for everyone, drafts for their discloser.
#[utoipa::path(operation_id = "get_disclosure", get, path = "/api/v1/disclosures/{id}", tag = "public",
    params(("id" = Uuid, Path, description = "披露 id")),
    responses((status = 200, body = Disclosure, headers(("ETag" = String))), Problems))]
async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Tagged<Disclosure>> {
    Ok(Tagged::ok(
        state.catalog.disclosure_as(actor.as_ref(), id).await?,
    ))
}

/// Edit a draft, or correct a published statement (a new version; the old text stays readable).
#[utoipa::path(operation_id = "revise_disclosure", put, path = "/api/v1/disclosures/{id}", tag = "admin",
    security(("bearer" = ["data_admin", "operator"])), request_body = DisclosureContent,
    params(("id" = Uuid, Path, description = "披露 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Disclosure, headers(("ETag" = String))), Problems))]
async fn revise(
    State(state): State<AppState>,
    As(actor, _): As<Disclosers>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<DisclosureContent>,
) -> ApiResult<Tagged<Disclosure>> {
    let tag = if_match(&headers)?;
    Ok(Tagged::ok(
        state
            .catalog
            .revise_disclosure(&actor, id, body, tag)
            .await?,
    ))
}

/// Publish a drafted statement.
#[utoipa::path(operation_id = "publish_disclosure", post, path = "/api/v1/disclosures/{id}/publish", tag = "admin",
    security(("bearer" = ["data_admin", "operator"])),
    params(("id" = Uuid, Path, description = "披露 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Disclosure, headers(("ETag" = String))), Problems))]
async fn publish(
    State(state): State<AppState>,
    As(actor, _): As<Disclosers>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Tagged<Disclosure>> {
    let tag = if_match(&headers)?;
    Ok(Tagged::ok(
        state.catalog.publish_disclosure(&actor, id, tag).await?,
    ))
}

/// The caller's own statements in every state.
#[utoipa::path(operation_id = "own_disclosures", get, path = "/api/v1/workspace/disclosures", tag = "admin",
    security(("bearer" = ["data_admin", "operator"])),
    responses((status = 200, body = Vec<Disclosure>), Problems))]
async fn own(
    State(state): State<AppState>,
    As(actor, _): As<Disclosers>,
) -> ApiResult<Json<Vec<Disclosure>>> {
    Ok(Json(state.catalog.own_disclosures(&actor).await?))
}
