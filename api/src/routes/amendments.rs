//! 注销登记 applications by registrants, the registrar completing change, correction and
//! cancellation applications (R 9 (二)–(四)), and corrections asked for by interested parties
//! (R 9 (三)).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use catalog::CorrectionCase;
use catalog::domain::amendment::CancellationRequest;
use catalog::domain::correction::{CorrectionRequest, CorrectionRuling, NewCorrectionRequest};
use catalog::domain::registration::Registration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::{As, CorrectionParties, InterestedParties, Registrants, Registrars};
use crate::error::ApiResult;
use crate::extract::{ApiPath, Body, Tagged, if_match};
use crate::openapi::Problems;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(apply_for_cancellation))
        .routes(routes!(complete))
        .routes(routes!(request_correction))
        .routes(routes!(correction_cases))
        .routes(routes!(decide_correction))
}

/// An interested party (an organization other than the registrant) asks for a correction of a
/// coded registration, with the registrant's written consent or evidence of the error (R 9 (三)).
/// The request is not public; the registrant and the registrar see it.
#[utoipa::path(post, path = "/api/v1/registrations/{id}/correction-requests", tag = "registration",
    security(("bearer" = ["provider", "operator", "developer", "data_admin"])),
    request_body = NewCorrectionRequest,
    params(("id" = Uuid, Path, description = "登记 id")),
    responses((status = 201, body = CorrectionRequest), Problems))]
async fn request_correction(
    State(state): State<AppState>,
    As(actor, _): As<InterestedParties>,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<NewCorrectionRequest>,
) -> ApiResult<(StatusCode, Json<CorrectionRequest>)> {
    let filed = state
        .catalog
        .request_correction(&actor, id, body, state.clock.today())
        .await?;
    Ok((StatusCode::CREATED, Json(filed)))
}

/// Correction requests the caller filed or that are about its registrations; a registrar's, its
/// region's; an auditor's, all. Pending first.
#[utoipa::path(get, path = "/api/v1/correction-requests", tag = "registration",
    security(("bearer" = ["provider", "operator", "developer", "data_admin", "registrar", "auditor"])),
    responses((status = 200, body = Vec<CorrectionCase>), Problems))]
async fn correction_cases(
    State(state): State<AppState>,
    As(actor, _): As<CorrectionParties>,
) -> ApiResult<Json<Vec<CorrectionCase>>> {
    Ok(Json(state.catalog.correction_cases_as(&actor).await?))
}

/// The registrar of the registration's jurisdiction decides a correction request (R 9 (三)).
#[utoipa::path(post, path = "/api/v1/registrar/registrations/{id}/correction-requests/{request_id}/decide",
    tag = "registration", security(("bearer" = ["registrar"])), request_body = CorrectionRuling,
    params(("id" = Uuid, Path, description = "登记 id"),
           ("request_id" = Uuid, Path, description = "更正申请 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Registration, headers(("ETag" = String))), Problems))]
async fn decide_correction(
    State(state): State<AppState>,
    As(actor, _): As<Registrars>,
    headers: HeaderMap,
    ApiPath((id, request_id)): ApiPath<(Uuid, Uuid)>,
    Body(body): Body<CorrectionRuling>,
) -> ApiResult<Tagged<Registration>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    Ok(Tagged::ok(
        state
            .catalog
            .decide_correction(&actor, id, request_id, &body, today, tag)
            .await?,
    ))
}

/// Apply for cancellation (注销登记) of an own coded registration, naming the R 9 (四) ground;
/// the registrar accepts it and completes it within 10 working days of acceptance.
#[utoipa::path(post, path = "/api/v1/registrations/{id}/cancellation", tag = "registration",
    security(("bearer" = ["operator", "provider", "data_admin"])), request_body = CancellationRequest,
    params(("id" = Uuid, Path, description = "要注销的登记 id")),
    responses((status = 201, body = Registration), Problems))]
async fn apply_for_cancellation(
    State(state): State<AppState>,
    As(actor, _): As<Registrants>,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<CancellationRequest>,
) -> ApiResult<(StatusCode, Json<Registration>)> {
    let application = state
        .catalog
        .apply_for_cancellation(&actor, id, body, state.clock.today())
        .await?;
    Ok((StatusCode::CREATED, Json(application)))
}

/// Complete a change, correction or cancellation application: the registration it names gets a
/// new version (its query code stays) or is cancelled, in the same transaction.
#[utoipa::path(operation_id = "complete_registration", post, path = "/api/v1/registrar/registrations/{id}/complete", tag = "registration",
    security(("bearer" = ["registrar"])),
    params(("id" = Uuid, Path, description = "申请 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Registration, headers(("ETag" = String))), Problems))]
async fn complete(
    State(state): State<AppState>,
    As(actor, _): As<Registrars>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Tagged<Registration>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    Ok(Tagged::ok(
        state
            .catalog
            .complete_registration_application(&actor, id, today, tag)
            .await?,
    ))
}
