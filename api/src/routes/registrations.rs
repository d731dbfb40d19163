//! Products and registration over HTTP: operators file, the data administration reviews
//! compliance, the registrar runs the workflow, the public reads notices and objects.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use catalog::domain::QueryCode;
use catalog::domain::product::{NewProduct, Product, ReviewFinding};
use catalog::domain::registration::{
    Materials, NewObjection, NewRegistration, ObjectionDecision, PublicRegistration, Registration,
    RegistrationStatus, RevocationReason,
};
use catalog::store::RecordFilter;
use catalog::{Notices, PublicProduct};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::public::{Listing, Page};
use super::resources::Reason;
use crate::auth::{As, DataAdmins, Operators, Registrants, RegistrarDesk, Registrars};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery, Body, Tagged, if_match};
use crate::openapi::{ParameterSchemas, Problems};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .parameter_schema::<RegistrarStep>()
        .routes(routes!(own_products, create_product))
        .routes(routes!(review_product))
        .routes(routes!(public_products))
        .routes(routes!(public_product))
        .routes(routes!(submit))
        .routes(routes!(public_registration))
        .routes(routes!(resubmit))
        .routes(routes!(object))
        .routes(routes!(publicity))
        .routes(routes!(past_publicity))
        .routes(routes!(verify_code))
        .routes(routes!(registrar_list))
        .routes(routes!(registrar_step))
        .routes(routes!(request_supplement))
        .routes(routes!(refuse))
        .routes(routes!(decide_objection))
        .routes(routes!(objectors))
        .routes(routes!(issue_code))
        .routes(routes!(cancel))
        .routes(routes!(revoke))
}

/// An operator drafts a product from resources in its authorization scope.
#[utoipa::path(post, path = "/api/v1/operator/products", tag = "registration",
    security(("bearer" = ["operator"])), request_body = NewProduct,
    responses((status = 201, body = Product), Problems))]
async fn create_product(
    State(state): State<AppState>,
    As(actor, _): As<Operators>,
    Body(body): Body<NewProduct>,
) -> ApiResult<(StatusCode, Json<Product>)> {
    let operator = actor
        .org_id
        .ok_or_else(|| ApiError::bad_request("operator_id", "须以运营机构身份创建产品"))?;
    let product = state
        .catalog
        .create_product(&actor, operator, body, state.clock.today())
        .await?;
    Ok((StatusCode::CREATED, Json(product)))
}

/// The calling operator's own products, in every state.
#[utoipa::path(get, path = "/api/v1/operator/products", tag = "registration",
    security(("bearer" = ["operator"])), params(Page),
    responses((status = 200, body = Listing<Product>), Problems))]
async fn own_products(
    State(state): State<AppState>,
    As(actor, _): As<Operators>,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Listing<Product>> {
    let filter = RecordFilter {
        owner_id: actor.org_id.map(|id| id.to_string()),
        after_id: page.after.map(|id| id.to_string()),
        limit: Some(page.limit()?),
        ..RecordFilter::default()
    };
    let items = state.catalog.products(&filter).await?;
    Ok(Listing::page(items, page.limit()?, |p| p.id))
}

/// Compliance review of a product by the implementing body (C 10.4).
#[utoipa::path(post, path = "/api/v1/admin/products/{id}/review", tag = "admin",
    security(("bearer" = ["data_admin"])), request_body = ReviewFinding,
    params(("id" = Uuid, Path, description = "产品 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Product, headers(("ETag" = String))), Problems))]
async fn review_product(
    State(state): State<AppState>,
    As(actor, _): As<DataAdmins>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<ReviewFinding>,
) -> ApiResult<Tagged<Product>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let p = state
        .catalog
        .review_product(&actor, id, body, today, tag)
        .await?;
    Ok(Tagged::ok(p))
}

/// Registered products, each with its registration result (query code, standing, validity).
#[utoipa::path(get, path = "/api/v1/products", tag = "public", params(Page),
    responses((status = 200, body = Listing<PublicProduct>), Problems))]
async fn public_products(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Listing<PublicProduct>> {
    let filter = page.public_filter()?;
    let items = state
        .catalog
        .public_products(&filter, state.clock.today())
        .await?;
    Ok(Listing::page(items, page.limit()?, |p| p.product.id))
}

/// One registered product with its registration result.
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "public",
    params(("id" = Uuid, Path, description = "产品 id")),
    responses((status = 200, body = PublicProduct), Problems))]
async fn public_product(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PublicProduct>> {
    match state.catalog.public_product(id, state.clock.today()).await {
        Ok(p) => Ok(Json(p)),
        Err(catalog::CatalogError::NotFound { .. }) => {
            Err(ApiError::not_found("产品不存在或尚未登记"))
        }
        Err(e) => Err(e.into()),
    }
}

/// Apply for registration (R 9 materials; evidence recorded before applying, R 7).
#[utoipa::path(operation_id = "submit_registration", post, path = "/api/v1/registrations", tag = "registration",
    security(("bearer" = ["operator", "provider", "data_admin"])), request_body = NewRegistration,
    responses((status = 201, body = Registration), Problems))]
async fn submit(
    State(state): State<AppState>,
    As(actor, _): As<Registrants>,
    Body(body): Body<NewRegistration>,
) -> ApiResult<(StatusCode, Json<Registration>)> {
    let r = state
        .catalog
        .submit_registration(&actor, body, state.clock.today())
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// Hand in corrected materials (补正); the acceptance clock restarts.
#[utoipa::path(operation_id = "resubmit_registration", post, path = "/api/v1/registrations/{id}/resubmit", tag = "registration",
    security(("bearer" = ["operator", "provider", "data_admin"])), request_body = Materials,
    params(("id" = Uuid, Path, description = "登记 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Registration, headers(("ETag" = String))), Problems))]
async fn resubmit(
    State(state): State<AppState>,
    As(actor, _): As<Registrants>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<Materials>,
) -> ApiResult<Tagged<Registration>> {
    let tag = if_match(&headers)?;
    let today = state.clock.today();
    let r = state
        .catalog
        .resubmit_registration(&actor, id, body, today, tag)
        .await?;
    Ok(Tagged::ok(r))
}

fn public_or_404(r: &Registration, today: NaiveDate) -> ApiResult<PublicRegistration> {
    r.public_view(today)
        .ok_or_else(|| ApiError::not_found("登记不存在或尚未公示"))
}

/// A registration as disclosed: from publicity on.
#[utoipa::path(get, path = "/api/v1/registrations/{id}", tag = "public",
    params(("id" = Uuid, Path, description = "登记 id")),
    responses((status = 200, body = PublicRegistration), Problems))]
async fn public_registration(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PublicRegistration>> {
    let r = state.catalog.registration(id).await?.value;
    Ok(Json(public_or_404(&r, state.clock.today())?))
}

/// An objection was filed: its number, for the objector's reference.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Filed {
    pub(super) objection_id: Uuid,
}

/// Anyone may object during publicity, by real name with evidence; no token needed.
#[utoipa::path(operation_id = "object_to_registration", post, path = "/api/v1/registrations/{id}/objections", tag = "public",
    request_body = NewObjection, params(("id" = Uuid, Path, description = "登记 id")),
    responses((status = 201, body = Filed), Problems))]
async fn object(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<NewObjection>,
) -> ApiResult<(StatusCode, Json<Filed>)> {
    // Only registrations in publicity exist for the public.
    public_or_404(
        &state.catalog.registration(id).await?.value,
        state.clock.today(),
    )?;
    let objection_id = state
        .catalog
        .file_objection(id, body, state.clock.today())
        .await?;
    Ok((StatusCode::CREATED, Json(Filed { objection_id })))
}

/// Registrations now in publicity (or paused by an objection).
#[utoipa::path(get, path = "/api/v1/publicity", tag = "public", params(Page),
    responses((status = 200, body = Listing<PublicRegistration>), Problems))]
async fn publicity(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Listing<PublicRegistration>> {
    notices(&state, Notices::Current, &page).await
}

/// Past publicity notices with their outcomes (registered, terminated on an objection,
/// withdrawn), in publicity order.
#[utoipa::path(get, path = "/api/v1/publicity/past", tag = "public", params(Page),
    responses((status = 200, body = Listing<PublicRegistration>), Problems))]
async fn past_publicity(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Listing<PublicRegistration>> {
    notices(&state, Notices::Past, &page).await
}

async fn notices(
    state: &AppState,
    which: Notices,
    page: &Page,
) -> ApiResult<Listing<PublicRegistration>> {
    let limit = page.limit()?;
    let items = state
        .catalog
        .publicity_notices(which, page.after, limit, state.clock.today())
        .await?;
    Ok(Listing::page(items, limit, |r| r.id))
}

#[derive(Debug, Serialize, ToSchema)]
struct Verification {
    /// The code's check character is right (verifiable offline).
    well_formed: bool,
    /// A result in force carries this code: coded, within its validity, not revoked or
    /// cancelled, its authorization not ended (`registration.standing` says why not).
    valid: bool,
    registration: Option<PublicRegistration>,
}

/// Verify a registration query code (登记结果查询码).
#[utoipa::path(get, path = "/api/v1/verify/{code}", tag = "public",
    params(("code" = String, Path, description = "登记结果查询码")),
    responses((status = 200, body = Verification), Problems))]
async fn verify_code(
    State(state): State<AppState>,
    ApiPath(raw): ApiPath<String>,
) -> ApiResult<Json<Verification>> {
    let Ok(code) = QueryCode::parse(&raw) else {
        return Ok(Json(Verification {
            well_formed: false,
            valid: false,
            registration: None,
        }));
    };
    let registration = match state.catalog.registration_by_code(&code).await {
        Ok(r) => Some(r),
        Err(catalog::CatalogError::NotFound { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let today = state.clock.today();
    Ok(Json(Verification {
        well_formed: true,
        valid: registration.as_ref().is_some_and(|r| r.in_force(today)),
        registration: registration.as_ref().and_then(|r| r.public_view(today)),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RegistrarQuery {
    /// Only registrations in this state.
    status: Option<RegistrationStatus>,
    /// The last id of the previous page.
    after: Option<Uuid>,
    /// 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
struct Worklist {
    #[serde(flatten)]
    registration: Registration,
    /// Deadlines already passed (acceptance: 3 wd; formal review: 20 wd).
    overdue: Vec<String>,
    /// Running deadlines in a year whose holiday notice is not out, or past the last year the
    /// working-day calendar knows: the date may move.
    uncertain: Vec<catalog::UncertainDeadline>,
}

/// The registrar's worklist with overdue flags: its region's registrations (rule 9); all of them
/// for auditors.
#[utoipa::path(get, path = "/api/v1/registrar/registrations", tag = "registration",
    security(("bearer" = ["registrar", "auditor"])), params(RegistrarQuery),
    responses((status = 200, body = Listing<Worklist>), Problems))]
async fn registrar_list(
    State(state): State<AppState>,
    As(actor, _): As<RegistrarDesk>,
    ApiQuery(q): ApiQuery<RegistrarQuery>,
) -> ApiResult<Listing<Worklist>> {
    let page = Page {
        after: q.after,
        limit: q.limit,
    };
    let status = q
        .status
        .map(|s| serde_json::to_value(s).map(|v| v.as_str().unwrap_or_default().to_string()))
        .transpose()
        .map_err(|_| ApiError::bad_request("status", "状态无效"))?;
    let filter = RecordFilter {
        statuses: status.into_iter().collect(),
        after_id: page.after.map(|id| id.to_string()),
        limit: Some(page.limit()?),
        ..RecordFilter::default()
    };
    let items = state.catalog.registrar_worklist(&actor, filter).await?;
    let today = state.clock.today();
    let listing = Listing::page(items, page.limit()?, |r| r.id);
    Ok(Listing {
        items: listing
            .items
            .into_iter()
            .map(|r| Worklist {
                overdue: r.overdue(today).into_iter().map(String::from).collect(),
                uncertain: state.catalog.uncertain_deadlines(&r),
                registration: r,
            })
            .collect(),
        next: listing.next,
    })
}

/// Registrar steps that need nothing but the date.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum RegistrarStep {
    /// Accept the application (due within 3 working days).
    Accept,
    /// Formal review passed: start the 10-working-day publicity.
    Publicize,
    /// Renew a coded registration inside the 60-day window.
    Renew,
}

/// Accept, publicize or renew a registration; a request body, if any, is ignored.
#[utoipa::path(post, path = "/api/v1/registrar/registrations/{id}/{step}", tag = "registration",
    security(("bearer" = ["registrar"])),
    params(("id" = Uuid, Path, description = "登记 id"),
           ("step" = RegistrarStep, Path, description = "accept | publicize | renew"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Registration, headers(("ETag" = String))), Problems))]
async fn registrar_step(
    State(state): State<AppState>,
    As(actor, _): As<Registrars>,
    headers: HeaderMap,
    ApiPath((id, step)): ApiPath<(Uuid, RegistrarStep)>,
) -> ApiResult<Tagged<Registration>> {
    let (c, today, tag) = (&state.catalog, state.clock.today(), if_match(&headers)?);
    let r = match step {
        RegistrarStep::Accept => c.accept_registration(&actor, id, today, tag).await?,
        RegistrarStep::Publicize => c.publicize_registration(&actor, id, today, tag).await?,
        RegistrarStep::Renew => c.renew_registration(&actor, id, today, tag).await?,
    };
    Ok(Tagged::ok(r))
}

#[derive(Debug, Deserialize, ToSchema)]
struct SupplementRequest {
    /// The materials the applicant must add or correct.
    items: Vec<String>,
}

/// Ask the applicant for 补正; the application returns to them.
#[utoipa::path(post, path = "/api/v1/registrar/registrations/{id}/supplement", tag = "registration",
    security(("bearer" = ["registrar"])), request_body = SupplementRequest,
    params(("id" = Uuid, Path, description = "登记 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Registration, headers(("ETag" = String))), Problems))]
async fn request_supplement(
    State(state): State<AppState>,
    As(actor, _): As<Registrars>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<SupplementRequest>,
) -> ApiResult<Tagged<Registration>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let r = state
        .catalog
        .request_supplement(&actor, id, body.items, today, tag)
        .await?;
    Ok(Tagged::ok(r))
}

/// Refuse to accept the application, with the reason.
#[utoipa::path(operation_id = "refuse_registration", post, path = "/api/v1/registrar/registrations/{id}/refuse", tag = "registration",
    security(("bearer" = ["registrar"])), request_body = Reason,
    params(("id" = Uuid, Path, description = "登记 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Registration, headers(("ETag" = String))), Problems))]
async fn refuse(
    State(state): State<AppState>,
    As(actor, _): As<Registrars>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<Reason>,
) -> ApiResult<Tagged<Registration>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let r = state
        .catalog
        .refuse_registration(&actor, id, &body.reason, today, tag)
        .await?;
    Ok(Tagged::ok(r))
}

/// Decide an objection: dismissed resumes publicity, upheld terminates the registration.
#[utoipa::path(post, path = "/api/v1/registrar/registrations/{id}/decide-objection",
    tag = "registration", security(("bearer" = ["registrar"])), request_body = ObjectionDecision,
    params(("id" = Uuid, Path, description = "登记 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Registration, headers(("ETag" = String))), Problems))]
async fn decide_objection(
    State(state): State<AppState>,
    As(actor, _): As<Registrars>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<ObjectionDecision>,
) -> ApiResult<Tagged<Registration>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let r = state
        .catalog
        .decide_objection(&actor, id, body, today, tag)
        .await?;
    Ok(Tagged::ok(r))
}

/// Who objected (name, identity number, contact): for the registrar deciding, until the
/// retention after the decision ends (rule 10). Never in the audit trail, never public.
#[utoipa::path(operation_id = "registration_objectors", get, path = "/api/v1/registrar/registrations/{id}/objectors",
    tag = "registration", security(("bearer" = ["registrar"])),
    params(("id" = Uuid, Path, description = "登记 id")),
    responses((status = 200, body = Vec<catalog::Objector>), Problems))]
async fn objectors(
    State(state): State<AppState>,
    As(actor, _): As<Registrars>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<catalog::Objector>>> {
    Ok(Json(state.catalog.objectors_as(&actor, id).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
struct CodeRequest {
    /// A code issued by an external (e.g. national) registration system, kept beside ours.
    #[serde(default)]
    external_code: Option<String>,
}

/// Publicity ended without an upheld objection: issue the query code and start validity.
#[utoipa::path(post, path = "/api/v1/registrar/registrations/{id}/code", tag = "registration",
    security(("bearer" = ["registrar"])), request_body = CodeRequest,
    params(("id" = Uuid, Path, description = "登记 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Registration, headers(("ETag" = String))), Problems))]
async fn issue_code(
    State(state): State<AppState>,
    As(actor, _): As<Registrars>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<CodeRequest>,
) -> ApiResult<Tagged<Registration>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let r = state
        .catalog
        .issue_query_code(&actor, id, body.external_code, today, tag)
        .await?;
    Ok(Tagged::ok(r))
}

/// Cancel a registration (注销), with the reason.
#[utoipa::path(operation_id = "cancel_registration", post, path = "/api/v1/registrar/registrations/{id}/cancel", tag = "registration",
    security(("bearer" = ["registrar"])), request_body = Reason,
    params(("id" = Uuid, Path, description = "登记 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Registration, headers(("ETag" = String))), Problems))]
async fn cancel(
    State(state): State<AppState>,
    As(actor, _): As<Registrars>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<Reason>,
) -> ApiResult<Tagged<Registration>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let r = state
        .catalog
        .cancel_registration(&actor, id, &body.reason, today, tag)
        .await?;
    Ok(Tagged::ok(r))
}

#[derive(Debug, Deserialize, ToSchema)]
struct RevocationRequest {
    revocation: RevocationReason,
    detail: String,
}

/// Revoke a registration for an R 20 reason.
#[utoipa::path(operation_id = "revoke_registration", post, path = "/api/v1/registrar/registrations/{id}/revoke", tag = "registration",
    security(("bearer" = ["registrar"])), request_body = RevocationRequest,
    params(("id" = Uuid, Path, description = "登记 id"),
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Registration, headers(("ETag" = String))), Problems))]
async fn revoke(
    State(state): State<AppState>,
    As(actor, _): As<Registrars>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<RevocationRequest>,
) -> ApiResult<Tagged<Registration>> {
    let (today, tag) = (state.clock.today(), if_match(&headers)?);
    let r = state
        .catalog
        .revoke_registration(&actor, id, body.revocation, &body.detail, today, tag)
        .await?;
    Ok(Tagged::ok(r))
}
