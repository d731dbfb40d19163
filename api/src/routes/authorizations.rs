//! The authorization lifecycle over HTTP (implementing body, and operators applying).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use catalog::domain::authorization::{
    Authorization, NewAuthorization, NewTermination, OperatorApplication,
};
use catalog::domain::objection::{NewObjection, ObjectionDecision};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::registrations::Filed;
use crate::auth::{As, DataAdmins, Operators};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, Body, Tagged, if_match};
use crate::openapi::{ParameterSchemas, Problems};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .parameter_schema::<AuthorizationStep>()
        .routes(routes!(announce))
        .routes(routes!(apply))
        .routes(routes!(select))
        .routes(routes!(dated_step))
        .routes(routes!(terminate))
        .routes(routes!(object_to_selection))
        .routes(routes!(decide_selection_objection))
        .routes(routes!(selection_objectors))
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

/// An operator applies to an announced authorization before its application period closes,
/// declaring the C 7.2 conditions it meets, with supporting materials (C 8.2).
#[utoipa::path(post, path = "/api/v1/authorizations/{id}/apply", operation_id = "apply_for_authorization", tag = "registration",
    security(("bearer" = ["operator"])), request_body = OperatorApplication,
    params(("id" = Uuid, Path, description = "授权 id")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn apply(
    State(state): State<AppState>,
    As(actor, _): As<Operators>,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<OperatorApplication>,
) -> ApiResult<Tagged<Authorization>> {
    let operator = actor
        .org_id
        .ok_or_else(|| ApiError::bad_request("operator_id", "须以运营机构身份申请"))?;
    let a = state
        .catalog
        .apply_for_authorization(&actor, id, operator, body, state.clock.today())
        .await?;
    Ok(Tagged::ok(a))
}

#[derive(Debug, Deserialize, ToSchema)]
struct OperatorChoice {
    /// The selected applicant.
    operator_id: Uuid,
}

/// Select the operator among the applicants.
#[utoipa::path(operation_id = "select_operator", post, path = "/api/v1/admin/authorizations/{id}/select", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = OperatorChoice,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
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
enum AuthorizationStep {
    /// Start the selection's publicity (working days per jurisdiction policy).
    Publicize,
    /// Operation starts (agreement term checked against rule 3).
    Activate,
}

/// Publicize the selection or activate the authorization, as of today: the service's clock
/// dates each step, never the request (C 8.3, 8.5).
#[utoipa::path(operation_id = "authorization_step", post, path = "/api/v1/admin/authorizations/{id}/{step}", tag = "admin",
    security(("bearer" = ["data_admin"])),
    params(("id" = Uuid, Path, description = "授权 id"),
           ("step" = AuthorizationStep, Path, description = "publicize | activate"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn dated_step(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath((id, step)): ApiPath<(Uuid, AuthorizationStep)>,
) -> ApiResult<Tagged<Authorization>> {
    let (c, today, tag) = (&state.catalog, state.clock.today(), if_match(&headers)?);
    let a = match step {
        AuthorizationStep::Publicize => c.publicize_selection(&actor, id, today, tag).await?,
        AuthorizationStep::Activate => c.activate_authorization(&actor, id, today, tag).await?,
    };
    Ok(Tagged::ok(a))
}

/// Terminate an authorization for a C 8.6 reason, as of today; its registrations are flagged
/// (rule 5).
#[utoipa::path(operation_id = "terminate_authorization", post, path = "/api/v1/admin/authorizations/{id}/terminate", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = NewTermination,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn terminate(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<NewTermination>,
) -> ApiResult<Tagged<Authorization>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let a = state
        .catalog
        .terminate_authorization(&actor, id, body, today, tag)
        .await?;
    Ok(Tagged::ok(a))
}

/// Anyone may object to the selected operator while the selection is publicized (C 8.3), by
/// real name with evidence; no token needed. The publicity pauses until the implementing body
/// decides.
#[utoipa::path(post, path = "/api/v1/authorizations/{id}/objections", tag = "public",
    request_body = NewObjection, params(("id" = Uuid, Path, description = "授权 id")),
    responses((status = 201, body = Filed), Problems))]
async fn object_to_selection(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<NewObjection>,
) -> ApiResult<(StatusCode, Json<Filed>)> {
    let objection_id = state
        .catalog
        .object_to_selection(id, body, state.clock.today())
        .await?;
    Ok((StatusCode::CREATED, Json(Filed { objection_id })))
}

/// Decide an objection to the selection: dismissed resumes the publicity for the days that
/// were left; upheld annuls the selection (the operator leaves the applicants).
#[utoipa::path(post, path = "/api/v1/admin/authorizations/{id}/decide-objection", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = ObjectionDecision,
    params(("id" = Uuid, Path, description = "授权 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Authorization, headers(("ETag" = String))), Problems))]
async fn decide_selection_objection(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<ObjectionDecision>,
) -> ApiResult<Tagged<Authorization>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let a = state
        .catalog
        .decide_selection_objection(&actor, id, body, today, tag)
        .await?;
    Ok(Tagged::ok(a))
}

/// Who objected to the selection: for the implementing body deciding, until the retention
/// after the decision ends (rule 10). Never in the audit trail, never public.
#[utoipa::path(get, path = "/api/v1/admin/authorizations/{id}/objectors", tag = "admin",
    security(("bearer" = ["data_admin"])),
    params(("id" = Uuid, Path, description = "授权 id")),
    responses((status = 200, body = Vec<catalog::Objector>), Problems))]
async fn selection_objectors(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<catalog::Objector>>> {
    Ok(Json(
        state.catalog.selection_objectors_as(&actor, id).await?,
    ))
}
