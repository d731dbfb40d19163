//! Demand applications ("one scenario, one application") and quality feedback over HTTP.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use catalog::domain::demand::{DemandApplication, DemandReview, NewDemand};
use catalog::domain::feedback::{NewFeedback, QualityFeedback};
use catalog::store::RecordFilter;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::public::{Listing, Page};
use crate::auth::{Applicants, As, DataAdmins, DemandReaders, FeedbackParties, Providers};
use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery, Body, Tagged, if_match};
use crate::openapi::Problems;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_demands, file_demand))
        .routes(routes!(get_demand))
        .routes(routes!(review_demand))
        .routes(routes!(list_feedback, report_quality))
        .routes(routes!(verify_feedback))
        .routes(routes!(answer_feedback))
        .routes(routes!(conclude_feedback))
}

/// Apply for resources for one scenario (operator, developer); rule 1 applies.
#[utoipa::path(post, path = "/api/v1/demands", tag = "registration",
    security(("bearer" = ["operator", "developer"])), request_body = NewDemand,
    responses((status = 201, body = DemandApplication), Problems))]
async fn file_demand(
    State(state): State<AppState>,
    As(actor, _): As<Applicants>,
    Body(body): Body<NewDemand>,
) -> ApiResult<(StatusCode, Json<DemandApplication>)> {
    let demand = state.catalog.file_demand(&actor, body).await?;
    Ok((StatusCode::CREATED, Json(demand)))
}

/// The caller's own demand applications; all of them for administrations and auditors.
#[utoipa::path(get, path = "/api/v1/demands", tag = "registration", params(Page),
    security(("bearer" = ["operator", "developer", "data_admin", "auditor"])),
    responses((status = 200, body = Listing<DemandApplication>), Problems))]
async fn list_demands(
    State(state): State<AppState>,
    As(actor, _): As<DemandReaders>,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Listing<DemandApplication>> {
    let filter = RecordFilter {
        after_id: page.after.map(|id| id.to_string()),
        limit: Some(page.limit()?),
        ..RecordFilter::default()
    };
    let items = state.catalog.demands_as(&actor, filter).await?;
    Ok(Listing::page(items, page.limit()?, |d| d.id))
}

/// One demand application.
#[utoipa::path(get, path = "/api/v1/demands/{id}", tag = "registration",
    security(("bearer" = ["operator", "developer", "data_admin", "auditor"])),
    params(("id" = Uuid, Path, description = "需求申请 id")),
    responses((status = 200, body = DemandApplication, headers(("ETag" = String))), Problems))]
async fn get_demand(
    State(state): State<AppState>,
    As(actor, _): As<DemandReaders>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Tagged<DemandApplication>> {
    Ok(Tagged::ok(state.catalog.demand_as(&actor, id).await?))
}

/// Approve (granting the resources for the scenario until `valid_until`) or reject a demand
/// application, with the opinion; by an administration over the applicant's region.
#[utoipa::path(post, path = "/api/v1/admin/demands/{id}/review", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = DemandReview,
    params(("id" = Uuid, Path, description = "需求申请 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = DemandApplication, headers(("ETag" = String))), Problems))]
async fn review_demand(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<DemandReview>,
) -> ApiResult<Tagged<DemandApplication>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    Ok(Tagged::ok(
        state
            .catalog
            .review_demand(&actor, id, body, today, tag)
            .await?,
    ))
}

/// Report a quality problem with a published resource to the implementing body (C 10.6), which
/// checks it and refers it to the provider.
#[utoipa::path(post, path = "/api/v1/feedback", tag = "workspace",
    security(("bearer" = ["operator", "developer"])), request_body = NewFeedback,
    responses((status = 201, body = QualityFeedback), Problems))]
async fn report_quality(
    State(state): State<AppState>,
    As(actor, _): As<Applicants>,
    Body(body): Body<NewFeedback>,
) -> ApiResult<(StatusCode, Json<QualityFeedback>)> {
    let feedback = state.catalog.report_quality(&actor, body).await?;
    Ok((StatusCode::CREATED, Json(feedback)))
}

/// Feedback the caller reported or must answer; an administration's, about providers in its
/// region; all of it for auditors.
#[utoipa::path(get, path = "/api/v1/feedback", tag = "workspace",
    security(("bearer" = ["operator", "developer", "provider", "data_admin", "auditor"])),
    responses((status = 200, body = Vec<QualityFeedback>), Problems))]
async fn list_feedback(
    State(state): State<AppState>,
    As(actor, _): As<FeedbackParties>,
) -> ApiResult<Json<Vec<QualityFeedback>>> {
    Ok(Json(
        state
            .catalog
            .feedback_as(&actor, RecordFilter::default())
            .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
struct FeedbackVerification {
    /// true: the problem is real and the demand reasonable — referred to the provider, who
    /// answers within the jurisdiction's working days; false: dismissed.
    substantiated: bool,
    /// The finding, or the reason for dismissing.
    text: String,
}

/// The administration of the provider's region checks an open report (C 10.6).
#[utoipa::path(post, path = "/api/v1/admin/feedback/{id}/verify", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = FeedbackVerification,
    params(("id" = Uuid, Path, description = "反馈 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = QualityFeedback, headers(("ETag" = String))), Problems))]
async fn verify_feedback(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<FeedbackVerification>,
) -> ApiResult<Tagged<QualityFeedback>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let f = state
        .catalog
        .verify_feedback(&actor, id, body.substantiated, &body.text, today, tag)
        .await?;
    Ok(Tagged::ok(f))
}

#[derive(Debug, Deserialize, ToSchema)]
struct Answer {
    text: String,
}

/// The resource's provider answers a report the implementing body referred to it.
#[utoipa::path(post, path = "/api/v1/feedback/{id}/answer", tag = "workspace",
    security(("bearer" = ["provider"])), request_body = Answer,
    params(("id" = Uuid, Path, description = "反馈 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = QualityFeedback, headers(("ETag" = String))), Problems))]
async fn answer_feedback(
    State(state): State<AppState>,
    As(actor, _): As<Providers>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<Answer>,
) -> ApiResult<Tagged<QualityFeedback>> {
    let tag = if_match(&headers)?;
    let f = state
        .catalog
        .answer_feedback(&actor, id, &body.text, tag)
        .await?;
    Ok(Tagged::ok(f))
}

#[derive(Debug, Deserialize, ToSchema)]
struct Conclusion {
    /// true closes the report; false reopens it with `text` as the follow-up.
    resolved: bool,
    text: String,
}

/// The reporter closes the report or reopens it with a follow-up.
#[utoipa::path(post, path = "/api/v1/feedback/{id}/conclude", tag = "workspace",
    security(("bearer" = ["operator", "developer"])), request_body = Conclusion,
    params(("id" = Uuid, Path, description = "反馈 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = QualityFeedback, headers(("ETag" = String))), Problems))]
async fn conclude_feedback(
    State(state): State<AppState>,
    As(actor, _): As<Applicants>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<Conclusion>,
) -> ApiResult<Tagged<QualityFeedback>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let f = state
        .catalog
        .conclude_feedback(&actor, id, body.resolved, &body.text, today, tag)
        .await?;
    Ok(Tagged::ok(f))
}
