//! Data-administration writes: organizations, the negative list, directory editions.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use catalog::EditionRequest;
use catalog::domain::edition::DirectoryEdition;
use catalog::domain::negative_list::{NegativeListEntry, NewNegativeListEntry};
use catalog::domain::organization::{NewOrganization, Organization};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::resources::Reason;
use crate::auth::{As, DataAdmins};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, Body, Tagged, if_match};
use crate::openapi::{ParameterSchemas, Problems};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .parameter_schema::<NegativeChange>()
        .routes(routes!(register_organization))
        .routes(routes!(add_negative))
        .routes(routes!(change_negative))
        .routes(routes!(publish_edition))
}

/// Register an organization (provider, operator, exchange…).
#[utoipa::path(post, path = "/api/v1/admin/organizations", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = NewOrganization,
    responses((status = 201, body = Organization), Problems))]
async fn register_organization(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    Body(body): Body<NewOrganization>,
) -> ApiResult<(StatusCode, Json<Organization>)> {
    let org = state.catalog.register_organization(&actor, body).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

/// Put a resource or category on the negative list.
#[utoipa::path(post, path = "/api/v1/admin/negative-list", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = NewNegativeListEntry,
    responses((status = 201, body = NegativeListEntry), Problems))]
async fn add_negative(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    Body(body): Body<NewNegativeListEntry>,
) -> ApiResult<(StatusCode, Json<NegativeListEntry>)> {
    let entry = state.catalog.add_negative_entry(&actor, body).await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

/// Changes of a negative-list entry's status (dynamic management).
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum NegativeChange {
    /// No longer excluded.
    Lift,
    /// Excluded again.
    Reinstate,
}

/// Lift or reinstate a negative-list entry, with the reason; the history keeps both.
#[utoipa::path(post, path = "/api/v1/admin/negative-list/{id}/{change}", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = Reason,
    params(("id" = Uuid, Path, description = "负面清单条目 id"),
           ("change" = NegativeChange, Path, description = "lift | reinstate"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = NegativeListEntry, headers(("ETag" = String))), Problems))]
async fn change_negative(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath((id, change)): ApiPath<(Uuid, NegativeChange)>,
    Body(body): Body<Reason>,
) -> ApiResult<Tagged<NegativeListEntry>> {
    let tag = if_match(&headers)?;
    let c = &state.catalog;
    let entry = match change {
        NegativeChange::Lift => c.lift_negative_entry(&actor, id, &body.reason, tag).await?,
        NegativeChange::Reinstate => {
            c.reinstate_negative_entry(&actor, id, &body.reason, tag)
                .await?
        }
    };
    Ok(Tagged::ok(entry))
}

/// Publish a new, frozen edition of the operation directory (rules 1 and 2 apply).
#[utoipa::path(post, path = "/api/v1/admin/directory/editions", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = EditionRequest,
    responses((status = 201, body = DirectoryEdition), Problems))]
async fn publish_edition(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    Body(body): Body<EditionRequest>,
) -> ApiResult<(StatusCode, Json<DirectoryEdition>)> {
    let publisher = actor
        .org_id
        .ok_or_else(|| ApiError::bad_request("publisher_id", "须以数据管理部门身份发布"))?;
    let edition = state
        .catalog
        .publish_edition(&actor, publisher, body)
        .await?;
    Ok((StatusCode::CREATED, Json(edition)))
}
