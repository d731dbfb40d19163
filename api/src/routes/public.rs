//! Public reads: only what the rules make public (published resources, the non-confidential
//! negative list, organizations without their internal contacts, authorizations).

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use catalog::PublicResource;
use catalog::domain::authorization::Authorization;
use catalog::domain::negative_list::NegativeListEntry;
use catalog::domain::organization::Organization;
use catalog::store::RecordFilter;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/resources", get(list_resources))
        .route("/api/v1/resources/{id}", get(get_resource))
        .route("/api/v1/negative-list", get(negative_list))
        .route("/api/v1/organizations", get(list_organizations))
        .route("/api/v1/organizations/{id}", get(get_organization))
        .route("/api/v1/authorizations", get(list_authorizations))
        .route("/api/v1/authorizations/{id}", get(get_authorization))
}

#[derive(Debug, Deserialize)]
pub struct Page {
    /// Keyset cursor: the last id of the previous page.
    pub after: Option<Uuid>,
    pub limit: Option<i64>,
}

impl Page {
    pub fn limit(&self) -> ApiResult<i64> {
        match self.limit.unwrap_or(50) {
            n @ 1..=500 => Ok(n),
            _ => Err(ApiError::bad_request("limit", "limit 必须在 1 到 500 之间")),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Listing<T> {
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next: Option<Uuid>,
}

pub fn query<T>(q: Result<Query<T>, QueryRejection>) -> ApiResult<T> {
    q.map(|Query(v)| v)
        .map_err(|e| ApiError::bad_request("query", format!("查询参数无效：{}", e.body_text())))
}

pub fn path_id(p: Result<Path<Uuid>, PathRejection>) -> ApiResult<Uuid> {
    p.map(|Path(v)| v)
        .map_err(|e| ApiError::bad_request("path.id", format!("路径参数无效：{}", e.body_text())))
}

async fn list_resources(
    State(state): State<AppState>,
    page: Result<Query<Page>, QueryRejection>,
) -> ApiResult<Json<Listing<PublicResource>>> {
    let page = query(page)?;
    let limit = page.limit()?;
    let items = state.catalog.public_resources(page.after, limit).await?;
    let next = (items.len() as i64 == limit)
        .then(|| items.last().map(|r| r.id))
        .flatten();
    Ok(Json(Listing { items, next }))
}

async fn get_resource(
    State(state): State<AppState>,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<PublicResource>> {
    Ok(Json(state.catalog.public_resource(path_id(id)?).await?))
}

async fn negative_list(State(state): State<AppState>) -> ApiResult<Json<Vec<NegativeListEntry>>> {
    Ok(Json(state.catalog.negative_list(true).await?))
}

/// An organization as the public sees it: no internal contact.
#[derive(Debug, Serialize)]
pub struct PublicOrganization {
    #[serde(flatten)]
    org: Organization,
}

impl From<Organization> for PublicOrganization {
    fn from(mut org: Organization) -> Self {
        org.contact = None;
        PublicOrganization { org }
    }
}

async fn list_organizations(
    State(state): State<AppState>,
    page: Result<Query<Page>, QueryRejection>,
) -> ApiResult<Json<Listing<PublicOrganization>>> {
    let page = query(page)?;
    let limit = page.limit()?;
    let filter = RecordFilter {
        public_only: true,
        after_id: page.after.map(|id| id.to_string()),
        limit: Some(limit),
        ..RecordFilter::default()
    };
    let orgs = state.catalog.organizations(&filter).await?;
    let next = (orgs.len() as i64 == limit)
        .then(|| orgs.last().map(|o| o.id))
        .flatten();
    Ok(Json(Listing {
        items: orgs.into_iter().map(Into::into).collect(),
        next,
    }))
}

async fn get_organization(
    State(state): State<AppState>,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<PublicOrganization>> {
    let org = state.catalog.organization(path_id(id)?).await?.value;
    if org.status != catalog::domain::organization::OrgStatus::Active {
        return Err(ApiError::not_found("机构不存在"));
    }
    Ok(Json(org.into()))
}

async fn list_authorizations(
    State(state): State<AppState>,
    page: Result<Query<Page>, QueryRejection>,
) -> ApiResult<Json<Listing<Authorization>>> {
    let page = query(page)?;
    let limit = page.limit()?;
    let filter = RecordFilter {
        public_only: true,
        after_id: page.after.map(|id| id.to_string()),
        limit: Some(limit),
        ..RecordFilter::default()
    };
    let items = state.catalog.authorizations(&filter).await?;
    let next = (items.len() as i64 == limit)
        .then(|| items.last().map(|a| a.id))
        .flatten();
    Ok(Json(Listing { items, next }))
}

async fn get_authorization(
    State(state): State<AppState>,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Authorization>> {
    Ok(Json(state.catalog.authorization(path_id(id)?).await?.value))
}
