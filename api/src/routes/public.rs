//! Public reads: only what the rules make public (published resources, the non-confidential
//! negative list, organizations without their internal contacts, authorizations).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use catalog::PublicResource;
use catalog::domain::authorization::Authorization;
use catalog::domain::negative_list::NegativeListEntry;
use catalog::domain::organization::{OrgStatus, Organization};
use catalog::store::RecordFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use crate::middleware::paging::NextPage;
use crate::openapi::Problems;
use crate::page_limit::PageLimit;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_resources))
        .routes(routes!(get_resource))
        .routes(routes!(negative_list))
        .routes(routes!(list_organizations))
        .routes(routes!(get_organization))
        .routes(routes!(list_authorizations))
        .routes(routes!(get_authorization))
}

/// Keyset paging: pass the previous page's `next` as `after`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// The last id of the previous page.
    pub after: Option<Uuid>,
    /// Page size, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

impl Page {
    pub fn limit(&self) -> ApiResult<i64> {
        Ok(PageLimit::parse(self.limit, 50, 1..=500, "limit")?.as_i64())
    }

    /// The store filter for this page of public records.
    pub fn public_filter(&self) -> ApiResult<RecordFilter> {
        Ok(RecordFilter {
            public_only: true,
            after_id: self.after.map(|id| id.to_string()),
            limit: Some(self.limit()?),
            ..RecordFilter::default()
        })
    }
}

/// One page of a listing.
#[derive(Debug, Serialize, ToSchema)]
pub struct Listing<T> {
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; null on the last page.
    pub next: Option<Uuid>,
}

/// The page as JSON, with `Link: <…after=…>; rel="next"` when there is a next page.
impl<T: Serialize> IntoResponse for Listing<T> {
    fn into_response(self) -> Response {
        let next = self.next.map(|id| NextPage {
            param: "after",
            value: id.to_string(),
        });
        (next, Json(self)).into_response()
    }
}

impl<T> Listing<T> {
    /// A page of `limit` items has a next page (keyset on `id`).
    pub fn page(items: Vec<T>, limit: i64, id: impl Fn(&T) -> Uuid) -> Self {
        let next = (items.len() as i64 == limit)
            .then(|| items.last().map(&id))
            .flatten();
        Listing { items, next }
    }
}

/// Published resources, latest published version of each.
#[utoipa::path(get, path = "/api/v1/resources", tag = "public", params(Page),
    responses((status = 200, body = Listing<PublicResource>), Problems))]
async fn list_resources(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Listing<PublicResource>> {
    let limit = page.limit()?;
    let items = state.catalog.public_resources(page.after, limit).await?;
    Ok(Listing::page(items, limit, |r| r.id))
}

/// One published resource.
#[utoipa::path(get, path = "/api/v1/resources/{id}", tag = "public",
    params(("id" = Uuid, Path, description = "资源 id")),
    responses((status = 200, body = PublicResource), Problems))]
async fn get_resource(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PublicResource>> {
    Ok(Json(state.catalog.public_resource(id).await?))
}

/// The negative list, less entries marked confidential.
#[utoipa::path(get, path = "/api/v1/negative-list", tag = "public",
    responses((status = 200, body = Vec<NegativeListEntry>), Problems))]
async fn negative_list(State(state): State<AppState>) -> ApiResult<Json<Vec<NegativeListEntry>>> {
    Ok(Json(state.catalog.negative_list(true).await?))
}

/// An organization as the public sees it: no internal contact.
#[derive(Debug, Serialize, ToSchema)]
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

/// Active organizations.
#[utoipa::path(get, path = "/api/v1/organizations", tag = "public", params(Page),
    responses((status = 200, body = Listing<PublicOrganization>), Problems))]
async fn list_organizations(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Listing<PublicOrganization>> {
    let orgs = state.catalog.organizations(&page.public_filter()?).await?;
    let listing = Listing::page(orgs, page.limit()?, |o| o.id);
    Ok(Listing {
        items: listing.items.into_iter().map(Into::into).collect(),
        next: listing.next,
    })
}

/// One active organization.
#[utoipa::path(get, path = "/api/v1/organizations/{id}", tag = "public",
    params(("id" = Uuid, Path, description = "机构 id")),
    responses((status = 200, body = PublicOrganization), Problems))]
async fn get_organization(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PublicOrganization>> {
    let org = state.catalog.organization(id).await?.value;
    if org.status != OrgStatus::Active {
        return Err(ApiError::not_found("机构不存在"));
    }
    Ok(Json(org.into()))
}

/// Disclosed authorizations (N 18: 授权对象、内容、范围、时限).
#[utoipa::path(get, path = "/api/v1/authorizations", tag = "public", params(Page),
    responses((status = 200, body = Listing<Authorization>), Problems))]
async fn list_authorizations(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Listing<Authorization>> {
    let items = state
        .catalog
        .public_authorizations(&page.public_filter()?)
        .await?;
    Ok(Listing::page(items, page.limit()?, |a| a.id))
}

/// One authorization.
#[utoipa::path(get, path = "/api/v1/authorizations/{id}", tag = "public",
    params(("id" = Uuid, Path, description = "授权 id")),
    responses((status = 200, body = Authorization), Problems))]
async fn get_authorization(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Authorization>> {
    Ok(Json(state.catalog.public_authorization(id).await?))
}
