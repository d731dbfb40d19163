//! Data-administration writes: organizations, tokens, the negative list, directory editions.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use catalog::domain::edition::DirectoryEdition;
use catalog::domain::negative_list::{NegativeListEntry, NewNegativeListEntry};
use catalog::domain::organization::{NewOrganization, Organization};
use catalog::{EditionRequest, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::resources::Reason;
use crate::auth::{As, DataAdmins};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, Body, Tagged, if_match};
use crate::openapi::Problems;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register_organization))
        .routes(routes!(issue_token))
        .routes(routes!(revoke_token))
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

#[derive(Debug, Deserialize, ToSchema)]
struct TokenRequest {
    org_id: Uuid,
    role: Role,
    /// What the token is for, e.g. "省数据交易所对接".
    name: String,
}

/// The secret appears in this response only; Mulu keeps its hash.
#[derive(Debug, Serialize, ToSchema)]
struct IssuedTokenView {
    id: Uuid,
    org_id: Uuid,
    role: Role,
    name: String,
    /// The bearer secret, shown once.
    token: String,
}

/// Issue an API token bound to an organization and a role.
#[utoipa::path(post, path = "/api/v1/admin/tokens", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = TokenRequest,
    responses((status = 201, body = IssuedTokenView), Problems))]
async fn issue_token(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    Body(body): Body<TokenRequest>,
) -> ApiResult<(StatusCode, Json<IssuedTokenView>)> {
    let issued = state
        .catalog
        .issue_token(&actor, body.org_id, body.role, &body.name)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedTokenView {
            id: issued.token.id,
            org_id: issued.token.org_id,
            role: issued.token.role,
            name: issued.token.name,
            token: issued.secret,
        }),
    ))
}

/// Revoke a token; it stops working at once.
#[utoipa::path(post, path = "/api/v1/admin/tokens/{id}/revoke", tag = "admin",
    security(("bearer" = ["data_admin"])), params(("id" = Uuid, Path, description = "令牌 id")),
    responses((status = 204, description = "已吊销"), Problems))]
async fn revoke_token(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    state.catalog.revoke_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
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
           ("change" = inline(NegativeChange), Path, description = "lift | reinstate"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]+"?$"#, description = "此前响应的 ETag")),
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
