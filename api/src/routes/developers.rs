//! Secondary developers register themselves (GZ 12); the administration publicizes and admits.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use catalog::domain::developer::{DeveloperApplication, NewDeveloper, PublicDeveloperNotice};
use catalog::domain::objection::{NewObjection, ObjectionDecision};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::public::{Listing, Page};
use super::registrations::Filed;
use super::resources::Reason;
use crate::auth::{As, DataAdmins};
use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery, Body, Tagged, if_match};
use crate::openapi::{ParameterSchemas, Problems};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .parameter_schema::<DeveloperStep>()
        .routes(routes!(apply))
        .routes(routes!(notices))
        .routes(routes!(all_applications))
        .routes(routes!(decide))
        .routes(routes!(reject))
        .routes(routes!(object_to_admission))
        .routes(routes!(decide_admission_objection))
        .routes(routes!(admission_objectors))
}

#[derive(Debug, serde::Serialize, ToSchema)]
struct Applied {
    application_id: Uuid,
}

/// Self-registration of a secondary developer; no token needed. Publicized after review.
#[utoipa::path(post, path = "/api/v1/developers/applications", operation_id = "apply_as_developer", tag = "public",
    request_body = NewDeveloper,
    responses((status = 201, body = Applied), Problems))]
async fn apply(
    State(state): State<AppState>,
    Body(body): Body<NewDeveloper>,
) -> ApiResult<(StatusCode, Json<Applied>)> {
    let a = state.catalog.apply_as_developer(body).await?;
    Ok((
        StatusCode::CREATED,
        Json(Applied {
            application_id: a.id,
        }),
    ))
}

/// Developers in publicity or admitted.
#[utoipa::path(operation_id = "admission_notices", get, path = "/api/v1/developers", tag = "public", params(Page),
    responses((status = 200, body = Listing<PublicDeveloperNotice>), Problems))]
async fn notices(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Listing<PublicDeveloperNotice>> {
    let items = state
        .catalog
        .developer_notices(page.public_filter()?)
        .await?;
    Ok(Listing::page(items, page.limit()?, |n| n.id))
}

/// The applications of the administration's region, with their contacts.
#[utoipa::path(get, path = "/api/v1/admin/developers", tag = "admin", params(Page),
    security(("bearer" = ["data_admin"])),
    responses((status = 200, body = Listing<DeveloperApplication>), Problems))]
async fn all_applications(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Listing<DeveloperApplication>> {
    let filter = catalog::store::RecordFilter {
        after_id: page.after.map(|id| id.to_string()),
        limit: Some(page.limit()?),
        ..Default::default()
    };
    let items = state
        .catalog
        .developer_applications_as(&actor, filter)
        .await?;
    Ok(Listing::page(items, page.limit()?, |a| a.id))
}

/// The dated decisions on an application.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum DeveloperStep {
    /// Start the publicity (from the next working day).
    Publicize,
    /// Admit after publicity ended; creates the developer's organization.
    Admit,
}

/// Publicize or admit an application, as of today.
#[utoipa::path(operation_id = "developer_step", post, path = "/api/v1/admin/developers/{id}/{step}", tag = "admin",
    security(("bearer" = ["data_admin"])),
    params(("id" = Uuid, Path, description = "注册申请 id"),
           ("step" = DeveloperStep, Path, description = "publicize | admit"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = DeveloperApplication, headers(("ETag" = String))), Problems))]
async fn decide(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath((id, step)): ApiPath<(Uuid, DeveloperStep)>,
) -> ApiResult<Tagged<DeveloperApplication>> {
    let (c, today, tag) = (&state.catalog, state.clock.today(), if_match(&headers)?);
    let a = match step {
        DeveloperStep::Publicize => c.publicize_developer(&actor, id, today, tag).await?,
        DeveloperStep::Admit => c.admit_developer(&actor, id, today, tag).await?,
    };
    Ok(Tagged::ok(a))
}

/// Reject an application (e.g. an objection during publicity was upheld), with the reason.
#[utoipa::path(operation_id = "reject_developer", post, path = "/api/v1/admin/developers/{id}/reject", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = Reason,
    params(("id" = Uuid, Path, description = "注册申请 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = DeveloperApplication, headers(("ETag" = String))), Problems))]
async fn reject(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<Reason>,
) -> ApiResult<Tagged<DeveloperApplication>> {
    let tag = if_match(&headers)?;
    Ok(Tagged::ok(
        state
            .catalog
            .reject_developer(&actor, id, &body.reason, tag)
            .await?,
    ))
}

/// Anyone may object to a developer's admission while it is publicized, by real name with
/// evidence; no token needed. The publicity pauses until the administration decides.
#[utoipa::path(post, path = "/api/v1/developers/{id}/objections", tag = "public",
    request_body = NewObjection, params(("id" = Uuid, Path, description = "注册申请 id")),
    responses((status = 201, body = Filed), Problems))]
async fn object_to_admission(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<NewObjection>,
) -> ApiResult<(StatusCode, Json<Filed>)> {
    let objection_id = state
        .catalog
        .object_to_admission(id, body, state.clock.today())
        .await?;
    Ok((StatusCode::CREATED, Json(Filed { objection_id })))
}

/// Decide an objection to an admission: dismissed resumes the publicity for the days that were
/// left; upheld rejects the application with the decision as its reason.
#[utoipa::path(post, path = "/api/v1/admin/developers/{id}/decide-objection", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = ObjectionDecision,
    params(("id" = Uuid, Path, description = "注册申请 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = DeveloperApplication, headers(("ETag" = String))), Problems))]
async fn decide_admission_objection(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<ObjectionDecision>,
) -> ApiResult<Tagged<DeveloperApplication>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let a = state
        .catalog
        .decide_admission_objection(&actor, id, body, today, tag)
        .await?;
    Ok(Tagged::ok(a))
}

/// Who objected to an admission: for the administration of the applicant's region, until the
/// retention after the decision ends (rule 10).
#[utoipa::path(get, path = "/api/v1/admin/developers/{id}/objectors", tag = "admin",
    security(("bearer" = ["data_admin"])),
    params(("id" = Uuid, Path, description = "注册申请 id")),
    responses((status = 200, body = Vec<catalog::Objector>), Problems))]
async fn admission_objectors(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<catalog::Objector>>> {
    Ok(Json(
        state.catalog.admission_objectors_as(&actor, id).await?,
    ))
}
