//! The data exchanges' interface: an incremental feed of registered products, listings reported
//! back, and webhook endpoints with their delivery log.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use catalog::domain::listing::{ExchangeListing, ListingUpdate, NewListing};
use catalog::domain::webhook::{
    DeliveryStatus, EndpointUpdate, NewEndpoint, Targets, WebhookDelivery, WebhookEndpoint,
};
use catalog::{DeliveryQuery, FeedPage, Role};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::public::{Listing, Page};
use crate::auth::{As, FeedReaders, RoleSet};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery, Body, Tagged, if_match};
use crate::middleware::paging::NextPage;
use crate::openapi::Problems;
use crate::page_limit::PageLimit;
use crate::state::AppState;

/// 数据交易所: listings and webhooks are each exchange's own.
pub struct Exchanges;

impl RoleSet for Exchanges {
    const ROLES: &'static [Role] = &[Role::Exchange];
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(feed))
        .routes(routes!(own_listings, report_listing))
        .routes(routes!(update_listing))
        .routes(routes!(product_listings))
        .routes(routes!(own_webhooks, register_webhook))
        .routes(routes!(update_webhook))
        .routes(routes!(deliveries))
        .routes(routes!(requeue))
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

/// Every change to registered products' registrations (coding, change, correction, renewal,
/// cancellation, revocation, access closed), in one total order. Paging with `next` sees each
/// change exactly once.
#[utoipa::path(operation_id = "exchange_feed", get, path = "/api/v1/exchange/feed", tag = "registration", params(FeedQuery),
    security(("bearer" = ["exchange", "data_admin", "auditor"])),
    responses((status = 200, body = FeedPage), Problems))]
async fn feed(
    State(state): State<AppState>,
    _: As<FeedReaders>,
    ApiQuery(q): ApiQuery<FeedQuery>,
) -> ApiResult<Response> {
    let after = match q.after.unwrap_or(0) {
        n @ 0.. => n,
        _ => return Err(ApiError::bad_request("after", "after 不能为负数")),
    };
    let limit = PageLimit::parse(q.limit, 100, 1..=500, "limit")?.get();
    let page: FeedPage = state
        .catalog
        .registration_feed(after, limit, q.updated_since)
        .await?;
    // A full page may have more behind it: link the next one (a short page is the present).
    let next = (page.items.len() == limit).then(|| NextPage {
        param: "after",
        value: page.next.to_string(),
    });
    Ok((next, Json(page)).into_response())
}

/// Report a listing (挂牌) of a coded product registration.
#[utoipa::path(post, path = "/api/v1/exchange/listings", tag = "registration",
    security(("bearer" = ["exchange"])), request_body = NewListing,
    responses((status = 201, body = ExchangeListing), Problems))]
async fn report_listing(
    State(state): State<AppState>,
    As(actor, _): As<Exchanges>,
    Body(body): Body<NewListing>,
) -> ApiResult<(StatusCode, Json<ExchangeListing>)> {
    let listing = state
        .catalog
        .report_listing(&actor, body, state.clock.today())
        .await?;
    Ok((StatusCode::CREATED, Json(listing)))
}

/// The calling exchange's listings.
#[utoipa::path(get, path = "/api/v1/exchange/listings", tag = "registration",
    security(("bearer" = ["exchange"])),
    responses((status = 200, body = Vec<ExchangeListing>), Problems))]
async fn own_listings(
    State(state): State<AppState>,
    As(actor, _): As<Exchanges>,
) -> ApiResult<Json<Vec<ExchangeListing>>> {
    Ok(Json(state.catalog.own_listings(&actor).await?))
}

/// Report a listing's new status or price (own listings only; delisting is final).
#[utoipa::path(put, path = "/api/v1/exchange/listings/{id}", tag = "registration",
    security(("bearer" = ["exchange"])), request_body = ListingUpdate,
    params(("id" = Uuid, Path, description = "挂牌 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = ExchangeListing, headers(("ETag" = String))), Problems))]
async fn update_listing(
    State(state): State<AppState>,
    As(actor, _): As<Exchanges>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<ListingUpdate>,
) -> ApiResult<Tagged<ExchangeListing>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    Ok(Tagged::ok(
        state
            .catalog
            .update_listing(&actor, id, body, today, tag)
            .await?,
    ))
}

/// Where a registered product is listed, by every exchange.
#[utoipa::path(get, path = "/api/v1/products/{id}/listings", tag = "public",
    params(("id" = Uuid, Path, description = "产品 id")),
    responses((status = 200, body = Vec<ExchangeListing>), Problems))]
async fn product_listings(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<ExchangeListing>>> {
    Ok(Json(state.catalog.product_listings(id).await?))
}

/// Register a webhook endpoint; it receives every feed change from now on, signed with the
/// secret: `Mulu-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
/// The address must be public: loopback, private, link-local and cloud metadata addresses are
/// refused (422), here and again after name resolution at every delivery.
#[utoipa::path(post, path = "/api/v1/exchange/webhooks", tag = "registration",
    security(("bearer" = ["exchange"])), request_body = NewEndpoint,
    responses((status = 201, body = WebhookEndpoint), Problems))]
async fn register_webhook(
    State(state): State<AppState>,
    As(actor, _): As<Exchanges>,
    targets: Option<Extension<Targets>>,
    Body(body): Body<NewEndpoint>,
) -> ApiResult<(StatusCode, Json<WebhookEndpoint>)> {
    let targets = targets.map(|Extension(t)| t).unwrap_or_default();
    let endpoint = state
        .catalog
        .register_webhook(&actor, body, targets)
        .await?;
    Ok((StatusCode::CREATED, Json(endpoint)))
}

/// The calling exchange's webhook endpoints (secrets are never shown).
#[utoipa::path(get, path = "/api/v1/exchange/webhooks", tag = "registration",
    security(("bearer" = ["exchange"])),
    responses((status = 200, body = Vec<WebhookEndpoint>), Problems))]
async fn own_webhooks(
    State(state): State<AppState>,
    As(actor, _): As<Exchanges>,
) -> ApiResult<Json<Vec<WebhookEndpoint>>> {
    Ok(Json(state.catalog.own_webhooks(&actor).await?))
}

/// Change an endpoint: address, secret rotation, pause (`active: false`) or resume.
#[utoipa::path(put, path = "/api/v1/exchange/webhooks/{id}", tag = "registration",
    security(("bearer" = ["exchange"])), request_body = EndpointUpdate,
    params(("id" = Uuid, Path, description = "推送地址 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = WebhookEndpoint, headers(("ETag" = String))), Problems))]
async fn update_webhook(
    State(state): State<AppState>,
    As(actor, _): As<Exchanges>,
    headers: HeaderMap,
    targets: Option<Extension<Targets>>,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<EndpointUpdate>,
) -> ApiResult<Tagged<WebhookEndpoint>> {
    let tag = if_match(&headers)?;
    let targets = targets.map(|Extension(t)| t).unwrap_or_default();
    Ok(Tagged::ok(
        state
            .catalog
            .update_webhook(&actor, id, body, tag, targets)
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DeliveryFilter {
    /// Only deliveries in this state.
    status: Option<DeliveryStatus>,
    /// The last id of the previous page.
    after: Option<Uuid>,
    /// 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// An endpoint's delivery log: attempts with status codes, and the next attempt while pending.
#[utoipa::path(operation_id = "webhook_deliveries", get, path = "/api/v1/exchange/webhooks/{id}/deliveries", tag = "registration",
    security(("bearer" = ["exchange"])), params(("id" = Uuid, Path, description = "推送地址 id"), DeliveryFilter),
    responses((status = 200, body = Listing<WebhookDelivery>), Problems))]
async fn deliveries(
    State(state): State<AppState>,
    As(actor, _): As<Exchanges>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<DeliveryFilter>,
) -> ApiResult<Listing<WebhookDelivery>> {
    let limit = Page {
        after: q.after,
        limit: q.limit,
    }
    .limit()?;
    let query = DeliveryQuery {
        status: q.status,
        after: q.after,
        limit: Some(limit),
    };
    let items = state.catalog.webhook_deliveries(&actor, id, query).await?;
    Ok(Listing::page(items, limit, |d| d.id))
}

/// Try a given-up delivery again.
#[utoipa::path(operation_id = "requeue_delivery", post, path = "/api/v1/exchange/deliveries/{id}/requeue", tag = "registration",
    security(("bearer" = ["exchange"])),
    params(("id" = Uuid, Path, description = "推送记录 id")),
    responses((status = 200, body = WebhookDelivery, headers(("ETag" = String))), Problems))]
async fn requeue(
    State(state): State<AppState>,
    As(actor, _): As<Exchanges>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Tagged<WebhookDelivery>> {
    Ok(Tagged::ok(
        state.catalog.requeue_delivery(&actor, id).await?,
    ))
}
