//! The agreement over HTTP: signing with its N 14 contents, filing, suspension and resumption,
//! renewal, scope changes, the destruction record, evaluations and operator reports, and what
//! each authorization still owes. Every date is the service's.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use catalog::AuthorizationDuty;
use catalog::domain::agreement::{
    AgreementTerms, NewDestruction, NewEvaluation, NewFiling, NewOperatorReport, NewSuspension,
};
use catalog::domain::authorization::Authorization;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::{As, AuthorizationParties, DataAdmins, Operators};
use crate::error::ApiResult;
use crate::extract::{ApiPath, Body, Tagged, if_match};
use crate::openapi::Problems;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(authorization_record))
        .routes(routes!(authorization_duties))
        .routes(routes!(sign))
        .routes(routes!(file))
        .routes(routes!(suspend))
        .routes(routes!(resume))
        .routes(routes!(apply_for_renewal))
        .routes(routes!(approve_renewal))
        .routes(routes!(refuse_renewal))
        .routes(routes!(change_scope))
        .routes(routes!(record_destruction))
        .routes(routes!(evaluate))
        .routes(routes!(report))
}

/// An authorization's whole record (applicants, renewal, operator reports) for its parties:
/// an administration over its jurisdiction, its operator, 监管.
#[utoipa::path(get, path = "/api/v1/authorizations/{id}/record", tag = "registration",
    security(("bearer" = ["data_admin", "operator", "auditor"])),
    params(("id" = Uuid, Path, description = "授权 id")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn authorization_record(
    State(state): State<AppState>,
    As(actor, _): As<AuthorizationParties>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Tagged<Authorization>> {
    Ok(Tagged::ok(
        state.catalog.authorization_as(&actor, id).await?,
    ))
}

/// What authorizations still owe, soonest first: filings, rectification, renewal decisions,
/// destruction records, operator reports and evaluations, each with its due date from the
/// jurisdiction's policy (an operator sees its own, an administration its region's).
#[utoipa::path(get, path = "/api/v1/authorization-duties", tag = "registration",
    security(("bearer" = ["data_admin", "operator", "auditor"])),
    responses((status = 200, body = Vec<AuthorizationDuty>), Problems))]
async fn authorization_duties(
    State(state): State<AppState>,
    As(actor, _): As<AuthorizationParties>,
) -> ApiResult<Json<Vec<AuthorizationDuty>>> {
    let today = state.clock.today();
    Ok(Json(
        state.catalog.authorization_duties(&actor, today).await?,
    ))
}

/// Sign the agreement once the selection's publicity ended without a pending objection
/// (C 8.4), stating what N 14 requires; it becomes version 1.
#[utoipa::path(operation_id = "sign_agreement", post, path = "/api/v1/admin/authorizations/{id}/sign", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = AgreementTerms,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn sign(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<AgreementTerms>,
) -> ApiResult<Tagged<Authorization>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let a = state
        .catalog
        .sign_agreement(&actor, id, today, body, tag)
        .await?;
    Ok(Tagged::ok(a))
}

/// Record a filing (备案) of the plan, the agreement in force or the termination.
#[utoipa::path(operation_id = "file_with_authority", post, path = "/api/v1/admin/authorizations/{id}/filings", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = NewFiling,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn file(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<NewFiling>,
) -> ApiResult<Tagged<Authorization>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let a = state
        .catalog
        .record_filing(&actor, id, body, today, tag)
        .await?;
    Ok(Tagged::ok(a))
}

/// Suspend access until the operator rectifies by a given day (SD 38).
#[utoipa::path(operation_id = "suspend_authorization", post, path = "/api/v1/admin/authorizations/{id}/suspend", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = NewSuspension,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn suspend(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<NewSuspension>,
) -> ApiResult<Tagged<Authorization>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let a = state
        .catalog
        .suspend_authorization(&actor, id, body, today, tag)
        .await?;
    Ok(Tagged::ok(a))
}

#[derive(Debug, Deserialize, ToSchema)]
struct Rectification {
    /// What the operator rectified.
    rectification: String,
}

/// Rectified: open access again.
#[utoipa::path(operation_id = "resume_authorization", post, path = "/api/v1/admin/authorizations/{id}/resume", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = Rectification,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn resume(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<Rectification>,
) -> ApiResult<Tagged<Authorization>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let a = state
        .catalog
        .resume_authorization(&actor, id, body.rectification, today, tag)
        .await?;
    Ok(Tagged::ok(a))
}

#[derive(Debug, Deserialize, ToSchema)]
struct RenewalApplication {
    /// The end of the renewed term.
    proposed_end: NaiveDate,
}

/// The operator applies to renew before the term ends (within the jurisdiction's window; not
/// where the jurisdiction requires a new selection).
#[utoipa::path(post, path = "/api/v1/authorizations/{id}/renewal", tag = "registration",
    security(("bearer" = ["operator"])), request_body = RenewalApplication,
    params(("id" = Uuid, Path, description = "授权 id")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn apply_for_renewal(
    State(state): State<AppState>,
    As(actor, _): As<Operators>,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<RenewalApplication>,
) -> ApiResult<Tagged<Authorization>> {
    let today = state.clock.today();
    let a = state
        .catalog
        .apply_for_renewal(&actor, id, body.proposed_end, today)
        .await?;
    Ok(Tagged::ok(a))
}

/// Sign the renewal as a new agreement version (the renewed term held to rule 3).
#[utoipa::path(post, path = "/api/v1/admin/authorizations/{id}/renewal/approve", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = AgreementTerms,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn approve_renewal(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<AgreementTerms>,
) -> ApiResult<Tagged<Authorization>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let a = state
        .catalog
        .approve_renewal(&actor, id, body, today, tag)
        .await?;
    Ok(Tagged::ok(a))
}

#[derive(Debug, Deserialize, ToSchema)]
struct RenewalAnswer {
    /// Why the renewal is refused.
    answer: String,
}

/// Refuse the renewal, with the reason.
#[utoipa::path(post, path = "/api/v1/admin/authorizations/{id}/renewal/refuse", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = RenewalAnswer,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn refuse_renewal(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<RenewalAnswer>,
) -> ApiResult<Tagged<Authorization>> {
    let tag = if_match(&headers)?;
    let a = state
        .catalog
        .refuse_renewal(&actor, id, body.answer, tag)
        .await?;
    Ok(Tagged::ok(a))
}

#[derive(Debug, Deserialize, ToSchema)]
struct ScopeChange {
    /// The new scope, drawn from the current operation directory.
    resource_ids: Vec<Uuid>,
    /// The amended agreement.
    terms: AgreementTerms,
}

/// Change the scope: a new agreement version, checked against the current directory.
#[utoipa::path(post, path = "/api/v1/admin/authorizations/{id}/scope", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = ScopeChange,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn change_scope(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<ScopeChange>,
) -> ApiResult<Tagged<Authorization>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let a = state
        .catalog
        .change_authorization_scope(&actor, id, body.resource_ids, body.terms, today, tag)
        .await?;
    Ok(Tagged::ok(a))
}

/// Record the supervised destruction of the data once access closed (C 8.6; GZ 30).
#[utoipa::path(post, path = "/api/v1/admin/authorizations/{id}/destruction", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = NewDestruction,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn record_destruction(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<NewDestruction>,
) -> ApiResult<Tagged<Authorization>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let a = state
        .catalog
        .record_destruction(&actor, id, body, today, tag)
        .await?;
    Ok(Tagged::ok(a))
}

/// Record the year's evaluation of the operator (C 12.1; GZ 23; SD 35).
#[utoipa::path(operation_id = "evaluate_operator", post, path = "/api/v1/admin/authorizations/{id}/evaluations", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = NewEvaluation,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn evaluate(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<NewEvaluation>,
) -> ApiResult<Tagged<Authorization>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let a = state
        .catalog
        .record_evaluation(&actor, id, body, today, tag)
        .await?;
    Ok(Tagged::ok(a))
}

/// The operator's report on a year of operation (SD 24; LY 七(二)2).
#[utoipa::path(operation_id = "file_annual_report", post, path = "/api/v1/authorizations/{id}/reports", tag = "registration",
    security(("bearer" = ["operator"])), request_body = NewOperatorReport,
    params(("id" = Uuid, Path, description = "授权 id")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn report(
    State(state): State<AppState>,
    As(actor, _): As<Operators>,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<NewOperatorReport>,
) -> ApiResult<Tagged<Authorization>> {
    let today = state.clock.today();
    let a = state
        .catalog
        .submit_operator_report(&actor, id, body, today)
        .await?;
    Ok(Tagged::ok(a))
}
