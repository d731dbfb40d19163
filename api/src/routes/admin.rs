//! Data-administration writes: organizations, tokens, the negative list, directory editions.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use catalog::domain::edition::DirectoryEdition;
use catalog::domain::negative_list::{NegativeListEntry, NewNegativeListEntry};
use catalog::domain::organization::{NewOrganization, Organization};
use catalog::{EditionRequest, Role};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::public::path_id;
use super::resources::Reason;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, if_match};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/organizations", post(register_organization))
        .route("/api/v1/admin/tokens", post(issue_token))
        .route("/api/v1/admin/tokens/{id}/revoke", post(revoke_token))
        .route("/api/v1/admin/negative-list", post(add_negative))
        .route("/api/v1/admin/negative-list/{id}/lift", post(lift_negative))
        .route(
            "/api/v1/admin/negative-list/{id}/reinstate",
            post(reinstate_negative),
        )
        .route("/api/v1/admin/directory/editions", post(publish_edition))
}

async fn register_organization(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Body(body): Body<NewOrganization>,
) -> ApiResult<(StatusCode, Json<Organization>)> {
    let org = state.catalog.register_organization(&actor, body).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

#[derive(Debug, Deserialize)]
struct TokenRequest {
    org_id: Uuid,
    role: Role,
    name: String,
}

/// The secret appears in this response only; Mulu keeps its hash.
#[derive(Debug, Serialize)]
struct IssuedTokenView {
    id: Uuid,
    org_id: Uuid,
    role: Role,
    name: String,
    token: String,
}

async fn issue_token(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
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

async fn revoke_token(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<StatusCode> {
    state.catalog.revoke_token(&actor, path_id(id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn add_negative(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Body(body): Body<NewNegativeListEntry>,
) -> ApiResult<(StatusCode, Json<NegativeListEntry>)> {
    let entry = state.catalog.add_negative_entry(&actor, body).await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

async fn lift_negative(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
    Body(body): Body<Reason>,
) -> ApiResult<Json<NegativeListEntry>> {
    let entry = state
        .catalog
        .lift_negative_entry(&actor, path_id(id)?, &body.reason, if_match(&headers)?)
        .await?;
    Ok(Json(entry.value))
}

async fn reinstate_negative(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
    Body(body): Body<Reason>,
) -> ApiResult<Json<NegativeListEntry>> {
    let entry = state
        .catalog
        .reinstate_negative_entry(&actor, path_id(id)?, &body.reason, if_match(&headers)?)
        .await?;
    Ok(Json(entry.value))
}

async fn publish_edition(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
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
