//! The registrant's own applications (R 9–15): read in every state, withdraw before coding,
//! apply for renewal in the window.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use catalog::domain::registration::{Registration, RegistrationStatus};
use catalog::{RegistrationObligation, UncertainDeadline};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::public::{Listing, Page};
use super::resources::Reason;
use crate::auth::{As, ObligationReaders, Registrants};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery, Body, Tagged, if_match};
use crate::openapi::Problems;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(own_registrations))
        .routes(routes!(own_registration))
        .routes(routes!(withdraw_registration))
        .routes(routes!(apply_for_registration_renewal))
        .routes(routes!(registration_obligations))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct OwnQuery {
    /// Only applications in this state.
    status: Option<RegistrationStatus>,
    /// The last id of the previous page.
    after: Option<Uuid>,
    /// 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// An application as its registrant sees it: everything on record (补正 items, refusal or
/// withdrawal reason, objections and their decisions, the result), with the deadlines whose
/// date may still move.
#[derive(Debug, Serialize, ToSchema)]
struct OwnRegistration {
    #[serde(flatten)]
    registration: Registration,
    uncertain: Vec<UncertainDeadline>,
}

fn own(state: &AppState, registration: Registration) -> OwnRegistration {
    OwnRegistration {
        uncertain: state.catalog.uncertain_deadlines(&registration),
        registration,
    }
}

/// The caller's organization's applications, in every state.
#[utoipa::path(get, path = "/api/v1/registrant/registrations", tag = "registration",
    security(("bearer" = ["operator", "provider", "data_admin"])), params(OwnQuery),
    responses((status = 200, body = Listing<OwnRegistration>), Problems))]
async fn own_registrations(
    State(state): State<AppState>,
    As(actor, _): As<Registrants>,
    ApiQuery(q): ApiQuery<OwnQuery>,
) -> ApiResult<Listing<OwnRegistration>> {
    let page = Page {
        after: q.after,
        limit: q.limit,
    };
    let statuses = q
        .status
        .map(|s| s.as_str().to_string())
        .into_iter()
        .collect();
    let items = state
        .catalog
        .own_registrations(&actor, statuses, page.after, page.limit()?)
        .await?;
    let listing = Listing::page(items, page.limit()?, |r| r.id);
    Ok(Listing {
        items: listing.items.into_iter().map(|r| own(&state, r)).collect(),
        next: listing.next,
    })
}

/// One of the caller's organization's applications (404 for anyone else's).
#[utoipa::path(get, path = "/api/v1/registrant/registrations/{id}", tag = "registration",
    security(("bearer" = ["operator", "provider", "data_admin"])),
    params(("id" = Uuid, Path, description = "登记 id")),
    responses((status = 200, body = OwnRegistration), Problems))]
async fn own_registration(
    State(state): State<AppState>,
    As(actor, _): As<Registrants>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<OwnRegistration>> {
    let found = state
        .catalog
        .own_registration(&actor, id)
        .await
        .map_err(|e| match e {
            catalog::CatalogError::NotFound { .. } => ApiError::not_found("登记申请不存在"),
            other => other.into(),
        })?;
    Ok(Json(own(&state, found.value)))
}

/// Withdraw an application before its code is issued (after coding, apply for cancellation).
#[utoipa::path(post, path = "/api/v1/registrations/{id}/withdraw", tag = "registration",
    security(("bearer" = ["operator", "provider", "data_admin"])), request_body = Reason,
    params(("id" = Uuid, Path, description = "登记 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Registration, headers(("ETag" = String))), Problems))]
async fn withdraw_registration(
    State(state): State<AppState>,
    As(actor, _): As<Registrants>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<Reason>,
) -> ApiResult<Tagged<Registration>> {
    let tag = if_match(&headers)?;
    let r = state
        .catalog
        .withdraw_registration(&actor, id, &body.reason, state.clock.today(), tag)
        .await?;
    Ok(Tagged::ok(r))
}

/// Apply for renewal (续展) in the window before the validity ends (R 15: 60 days); the
/// registrar then renews, and a timely application keeps the result from expiring meanwhile.
#[utoipa::path(post, path = "/api/v1/registrations/{id}/renewal", tag = "registration",
    security(("bearer" = ["operator", "provider", "data_admin"])),
    params(("id" = Uuid, Path, description = "登记 id")),
    responses((status = 200, body = Registration, headers(("ETag" = String))), Problems))]
async fn apply_for_registration_renewal(
    State(state): State<AppState>,
    As(actor, _): As<Registrants>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Tagged<Registration>> {
    let r = state
        .catalog
        .apply_for_registration_renewal(&actor, id, state.clock.today())
        .await?;
    Ok(Tagged::ok(r))
}

/// Resources provided to active authorizations and the first registration each holder owes
/// (R 5; due within the policy's working days of operation starting, R 9(一)), overdue flagged.
#[utoipa::path(get, path = "/api/v1/registration-obligations", tag = "registration",
    security(("bearer" = ["provider", "data_admin", "registrar", "auditor"])),
    responses((status = 200, body = Vec<RegistrationObligation>), Problems))]
async fn registration_obligations(
    State(state): State<AppState>,
    As(actor, _): As<ObligationReaders>,
) -> ApiResult<Json<Vec<RegistrationObligation>>> {
    Ok(Json(
        state
            .catalog
            .registration_obligations(&actor, state.clock.today())
            .await?,
    ))
}
