//! The authorization lifecycle over HTTP (implementing body, and operators applying).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use catalog::domain::authorization::{Authorization, NewAuthorization, Termination};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::{As, DataAdmins, Operators};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, Body, Tagged, if_match};
use crate::openapi::Problems;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(announce))
        .routes(routes!(apply))
        .routes(routes!(select))
        .routes(routes!(dated_step))
        .routes(routes!(terminate))
}

/// Announce an implementation plan (实施方案) and open it for applications.
#[utoipa::path(post, path = "/api/v1/admin/authorizations", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = NewAuthorization,
    responses((status = 201, body = Authorization), Problems))]
async fn announce(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    Body(body): Body<NewAuthorization>,
) -> ApiResult<(StatusCode, Json<Authorization>)> {
    let a = state.catalog.announce_authorization(&actor, body).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// An operator applies to an announced authorization.
#[utoipa::path(post, path = "/api/v1/authorizations/{id}/apply", operation_id = "apply_for_authorization", tag = "registration",
    security(("bearer" = ["operator"])), params(("id" = Uuid, Path, description = "授权 id")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn apply(
    State(state): State<AppState>,
    As(actor, _): As<Operators>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Tagged<Authorization>> {
    let operator = actor
        .org_id
        .ok_or_else(|| ApiError::bad_request("operator_id", "须以运营机构身份申请"))?;
    let a = state
        .catalog
        .apply_for_authorization(&actor, id, operator)
        .await?;
    Ok(Tagged::ok(a))
}

#[derive(Debug, Deserialize, ToSchema)]
struct OperatorChoice {
    /// The selected applicant.
    operator_id: Uuid,
}

/// Select the operator among the applicants.
#[utoipa::path(post, path = "/api/v1/admin/authorizations/{id}/select", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = OperatorChoice,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]+"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn select(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<OperatorChoice>,
) -> ApiResult<Tagged<Authorization>> {
    let tag = if_match(&headers)?;
    let a = state
        .catalog
        .select_operator(&actor, id, body.operator_id, tag)
        .await?;
    Ok(Tagged::ok(a))
}

/// The steps that happen on a date.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum DatedStep {
    /// Start the selection's publicity (working days per jurisdiction policy).
    Publicize,
    /// Record the signed agreement (after publicity ended without an upheld objection).
    Sign,
    /// Operation starts (agreement term checked against rule 3).
    Activate,
}

/// Publicize the selection, sign the agreement, or activate the authorization, as of today:
/// the service's clock dates each step, never the request (C 8.3, 8.4).
#[utoipa::path(post, path = "/api/v1/admin/authorizations/{id}/{step}", tag = "admin",
    security(("bearer" = ["data_admin"])),
    params(("id" = Uuid, Path, description = "授权 id"),
           ("step" = inline(DatedStep), Path, description = "publicize | sign | activate"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]+"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn dated_step(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath((id, step)): ApiPath<(Uuid, DatedStep)>,
) -> ApiResult<Tagged<Authorization>> {
    let (c, today, tag) = (&state.catalog, state.clock.today(), if_match(&headers)?);
    let a = match step {
        DatedStep::Publicize => c.publicize_selection(&actor, id, today, tag).await?,
        DatedStep::Sign => c.sign_agreement(&actor, id, today, tag).await?,
        DatedStep::Activate => c.activate_authorization(&actor, id, today, tag).await?,
    };
    Ok(Tagged::ok(a))
}

/// Terminate an authorization for a C 8.6 reason; its registrations are flagged (rule 5).
#[utoipa::path(post, path = "/api/v1/admin/authorizations/{id}/terminate", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = Termination,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]+"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn terminate(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<Termination>,
) -> ApiResult<Tagged<Authorization>> {
    let tag = if_match(&headers)?;
    let a = state
        .catalog
        .terminate_authorization(&actor, id, body, tag)
        .await?;
    Ok(Tagged::ok(a))
}
