//! The directory-entry workflow over HTTP: providers draft, edit and submit; data administrations
//! review, return, publish; the owner or an administration withdraws. Unpublished state is only
//! visible to the owner, administrations and auditors.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header::ETAG;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use catalog::Versioned;
use catalog::domain::resource::{Resource, ResourceContent, ResourceStatus};
use serde::Deserialize;
use uuid::Uuid;

use super::public::{Listing, path_id, query};
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, etag, if_match};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/workspace/resources", get(list).post(create))
        .route("/api/v1/workspace/resources/{id}", get(current).put(update))
        .route("/api/v1/workspace/resources/{id}/versions", get(versions))
        .route("/api/v1/workspace/resources/{id}/submit", post(submit))
        .route("/api/v1/workspace/resources/{id}/approve", post(approve))
        .route(
            "/api/v1/workspace/resources/{id}/return",
            post(return_for_revision),
        )
        .route("/api/v1/workspace/resources/{id}/publish", post(publish))
        .route("/api/v1/workspace/resources/{id}/withdraw", post(withdraw))
}

/// A resource with its ETag header.
fn tagged(status: StatusCode, resource: Versioned<Resource>) -> Response {
    let mut response = (status, Json(resource.value)).into_response();
    if let Ok(value) = etag(resource.row_version).parse() {
        response.headers_mut().insert(ETAG, value);
    }
    response
}

#[derive(Debug, Deserialize)]
struct NewResource {
    /// Defaults to the caller's organization.
    #[serde(default)]
    provider_id: Option<Uuid>,
    content: ResourceContent,
}

async fn create(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Body(body): Body<NewResource>,
) -> ApiResult<Response> {
    let provider = body
        .provider_id
        .or(actor.org_id)
        .ok_or_else(|| ApiError::bad_request("provider_id", "须指定数源单位"))?;
    let resource = state
        .catalog
        .create_resource(&actor, provider, body.content)
        .await?;
    Ok(tagged(
        StatusCode::CREATED,
        Versioned {
            row_version: 1,
            value: resource,
        },
    ))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    provider_id: Option<Uuid>,
    status: Option<String>,
    after: Option<Uuid>,
    limit: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<Json<Listing<Resource>>> {
    let q = query(q)?;
    let limit = match q.limit.unwrap_or(50) {
        n @ 1..=500 => n,
        _ => return Err(ApiError::bad_request("limit", "limit 必须在 1 到 500 之间")),
    };
    let statuses = match q.status.as_deref() {
        None | Some("") => Vec::new(),
        Some(raw) => vec![
            serde_json::from_value::<ResourceStatus>(serde_json::Value::from(raw))
                .map_err(|_| ApiError::bad_request("status", format!("状态“{raw}”无效")))?,
        ],
    };
    let items: Vec<Resource> = state
        .catalog
        .resources_as(&actor, q.provider_id, statuses, q.after, limit)
        .await?
        .into_iter()
        .map(|v| v.value)
        .collect();
    let next = (items.len() as i64 == limit)
        .then(|| items.last().map(|r| r.id))
        .flatten();
    Ok(Json(Listing { items, next }))
}

async fn current(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Response> {
    let resource = state.catalog.resource_as(&actor, path_id(id)?).await?;
    Ok(tagged(StatusCode::OK, resource))
}

async fn versions(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Vec<Resource>>> {
    Ok(Json(
        state
            .catalog
            .resource_versions_as(&actor, path_id(id)?)
            .await?,
    ))
}

#[derive(Debug, Deserialize)]
struct ContentBody {
    content: ResourceContent,
}

async fn update(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
    Body(body): Body<ContentBody>,
) -> ApiResult<Response> {
    let resource = state
        .catalog
        .update_resource(&actor, path_id(id)?, body.content, if_match(&headers)?)
        .await?;
    Ok(tagged(StatusCode::OK, resource))
}

async fn submit(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Response> {
    let r = state
        .catalog
        .submit_resource(&actor, path_id(id)?, if_match(&headers)?)
        .await?;
    Ok(tagged(StatusCode::OK, r))
}

async fn approve(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Response> {
    let r = state
        .catalog
        .approve_resource(&actor, path_id(id)?, if_match(&headers)?)
        .await?;
    Ok(tagged(StatusCode::OK, r))
}

async fn publish(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Response> {
    let r = state
        .catalog
        .publish_resource(&actor, path_id(id)?, if_match(&headers)?)
        .await?;
    Ok(tagged(StatusCode::OK, r))
}

#[derive(Debug, Deserialize)]
struct Reasons {
    reasons: Vec<String>,
}

async fn return_for_revision(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
    Body(body): Body<Reasons>,
) -> ApiResult<Response> {
    let r = state
        .catalog
        .return_resource(&actor, path_id(id)?, body.reasons, if_match(&headers)?)
        .await?;
    Ok(tagged(StatusCode::OK, r))
}

#[derive(Debug, Deserialize)]
pub struct Reason {
    pub reason: String,
}

async fn withdraw(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
    Body(body): Body<Reason>,
) -> ApiResult<Response> {
    let r = state
        .catalog
        .withdraw_resource(&actor, path_id(id)?, &body.reason, if_match(&headers)?)
        .await?;
    Ok(tagged(StatusCode::OK, r))
}
