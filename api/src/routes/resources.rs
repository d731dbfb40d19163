//! The directory-entry workflow over HTTP: providers draft, edit and submit; data administrations
//! review, return, publish; the owner or an administration withdraws. Unpublished state is only
//! visible to the owner, administrations and auditors.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use catalog::Versioned;
use catalog::domain::resource::{Resource, ResourceContent, ResourceStatus};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::public::Listing;
use crate::auth::{As, CatalogReaders, Curators, DataAdmins, Providers};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery, Body, Tagged, if_match};
use crate::openapi::{ParameterSchemas, Problems};
use crate::page_limit::PageLimit;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .parameter_schema::<ResourceStep>()
        .routes(routes!(list, create))
        .routes(routes!(current, update))
        .routes(routes!(versions))
        .routes(routes!(step))
        .routes(routes!(return_for_revision))
        .routes(routes!(withdraw))
}

#[derive(Debug, Deserialize, ToSchema)]
struct NewResource {
    /// The providing organization; defaults to the caller's.
    #[serde(default)]
    provider_id: Option<Uuid>,
    content: ResourceContent,
}

/// Draft a directory entry (provider, or a data administration on its behalf).
#[utoipa::path(operation_id = "create_resource", post, path = "/api/v1/workspace/resources", tag = "workspace",
    security(("bearer" = ["provider"])), request_body = NewResource,
    responses((status = 201, body = Resource, headers(("ETag" = String))), Problems))]
async fn create(
    State(state): State<AppState>,
    As(actor, _): As<Providers>,
    Body(body): Body<NewResource>,
) -> ApiResult<Tagged<Resource>> {
    let provider = body
        .provider_id
        .or(actor.org_id)
        .ok_or_else(|| ApiError::bad_request("provider_id", "须指定数源单位"))?;
    let resource = state
        .catalog
        .create_resource(&actor, provider, body.content)
        .await?;
    Ok(Tagged::created(Versioned {
        row_version: 1,
        value: resource,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only this provider's entries.
    provider_id: Option<Uuid>,
    /// Only entries in this state.
    status: Option<ResourceStatus>,
    /// The last id of the previous page.
    after: Option<Uuid>,
    /// 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// Entries the caller may see in every state: its own (provider), all (administration, auditor).
#[utoipa::path(operation_id = "list_workspace_resources", get, path = "/api/v1/workspace/resources", tag = "workspace",
    security(("bearer" = ["provider", "data_admin", "auditor"])), params(ListQuery),
    responses((status = 200, body = Listing<Resource>), Problems))]
async fn list(
    State(state): State<AppState>,
    As(actor, _): As<CatalogReaders>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Listing<Resource>> {
    let limit = PageLimit::parse(q.limit, 50, 1..=500, "limit")?.as_i64();
    let items: Vec<Resource> = state
        .catalog
        .resources_as(
            &actor,
            q.provider_id,
            q.status.into_iter().collect(),
            q.after,
            limit,
        )
        .await?
        .into_iter()
        .map(|v| v.value)
        .collect();
    Ok(Listing::page(items, limit, |r| r.id))
}

/// The current version of an entry, in whatever state.
#[utoipa::path(operation_id = "get_workspace_resource", get, path = "/api/v1/workspace/resources/{id}", tag = "workspace",
    security(("bearer" = ["provider", "data_admin", "auditor"])), params(("id" = Uuid, Path, description = "资源 id")),
    responses((status = 200, body = Resource, headers(("ETag" = String))), Problems))]
async fn current(
    State(state): State<AppState>,
    As(actor, _): As<CatalogReaders>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Tagged<Resource>> {
    Ok(Tagged::ok(state.catalog.resource_as(&actor, id).await?))
}

/// Every version of an entry, oldest first.
#[utoipa::path(operation_id = "resource_versions", get, path = "/api/v1/workspace/resources/{id}/versions", tag = "workspace",
    security(("bearer" = ["provider", "data_admin", "auditor"])), params(("id" = Uuid, Path, description = "资源 id")),
    responses((status = 200, body = Vec<Resource>), Problems))]
async fn versions(
    State(state): State<AppState>,
    As(actor, _): As<CatalogReaders>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<Resource>>> {
    Ok(Json(state.catalog.resource_versions_as(&actor, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
struct ContentBody {
    content: ResourceContent,
}

/// Edit an entry; after approval this makes a new version (the public keeps the published one).
#[utoipa::path(operation_id = "update_resource", put, path = "/api/v1/workspace/resources/{id}", tag = "workspace",
    security(("bearer" = ["provider"])), request_body = ContentBody,
    params(("id" = Uuid, Path, description = "资源 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Resource, headers(("ETag" = String))), Problems))]
async fn update(
    State(state): State<AppState>,
    As(actor, _): As<Providers>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<ContentBody>,
) -> ApiResult<Tagged<Resource>> {
    let tag = if_match(&headers)?;
    let r = state
        .catalog
        .update_resource(&actor, id, body.content, tag)
        .await?;
    Ok(Tagged::ok(r))
}

/// The workflow steps that carry no body.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum ResourceStep {
    /// Provider hands a draft in for review.
    Submit,
    /// Administration accepts it.
    Approve,
    /// Administration publishes it.
    Publish,
}

/// Move an entry one step: submit (provider), approve or publish (administration).
#[utoipa::path(operation_id = "resource_step", post, path = "/api/v1/workspace/resources/{id}/{step}", tag = "workspace",
    security(("bearer" = ["provider", "data_admin"])),
    params(("id" = Uuid, Path, description = "资源 id"),
           ("step" = ResourceStep, Path, description = "submit | approve | publish"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Resource, headers(("ETag" = String))), Problems))]
async fn step(
    State(state): State<AppState>,
    As(actor, _): As<Curators>,
    headers: HeaderMap,
    ApiPath((id, step)): ApiPath<(Uuid, ResourceStep)>,
) -> ApiResult<Tagged<Resource>> {
    let tag = if_match(&headers)?;
    let c = &state.catalog;
    let r = match step {
        ResourceStep::Submit => c.submit_resource(&actor, id, tag).await?,
        ResourceStep::Approve => c.approve_resource(&actor, id, tag).await?,
        ResourceStep::Publish => c.publish_resource(&actor, id, tag).await?,
    };
    Ok(Tagged::ok(r))
}

#[derive(Debug, Deserialize, ToSchema)]
struct Reasons {
    /// What the provider must fix.
    reasons: Vec<String>,
}

/// Return a submitted entry to its provider with reasons.
#[utoipa::path(post, path = "/api/v1/workspace/resources/{id}/return", tag = "workspace",
    security(("bearer" = ["data_admin"])), request_body = Reasons,
    params(("id" = Uuid, Path, description = "资源 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Resource, headers(("ETag" = String))), Problems))]
async fn return_for_revision(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<Reasons>,
) -> ApiResult<Tagged<Resource>> {
    let tag = if_match(&headers)?;
    let r = state
        .catalog
        .return_resource(&actor, id, body.reasons, tag)
        .await?;
    Ok(Tagged::ok(r))
}

/// A reason given for a state change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Reason {
    pub reason: String,
}

/// Withdraw a published entry (never deleted: it stays readable with its reason).
#[utoipa::path(operation_id = "withdraw_resource", post, path = "/api/v1/workspace/resources/{id}/withdraw", tag = "workspace",
    security(("bearer" = ["provider", "data_admin"])), request_body = Reason,
    params(("id" = Uuid, Path, description = "资源 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Resource, headers(("ETag" = String))), Problems))]
async fn withdraw(
    State(state): State<AppState>,
    As(actor, _): As<Curators>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<Reason>,
) -> ApiResult<Tagged<Resource>> {
    let tag = if_match(&headers)?;
    let r = state
        .catalog
        .withdraw_resource(&actor, id, &body.reason, tag)
        .await?;
    Ok(Tagged::ok(r))
}
