//! Products and registration over HTTP: operators file, the data administration reviews
//! compliance, the registrar runs the workflow, the public reads notices and objects.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use catalog::Role;
use catalog::domain::QueryCode;
use catalog::domain::product::{ComplianceReview, NewProduct, Product};
use catalog::domain::registration::{
    Materials, NewObjection, NewRegistration, ObjectionDecision, PublicRegistration, Registration,
    RevocationReason,
};
use catalog::store::RecordFilter;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::public::{path_id, query};
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, if_match, parse_json};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/operator/products",
            get(own_products).post(create_product),
        )
        .route("/api/v1/admin/products/{id}/review", post(review_product))
        .route("/api/v1/products", get(public_products))
        .route("/api/v1/products/{id}", get(public_product))
        .route("/api/v1/registrations", post(submit))
        .route("/api/v1/registrations/{id}", get(public_registration))
        .route("/api/v1/registrations/{id}/resubmit", post(resubmit))
        .route("/api/v1/registrations/{id}/objections", post(object))
        .route("/api/v1/publicity", get(publicity))
        .route("/api/v1/verify/{code}", get(verify_code))
        .route("/api/v1/registrar/registrations", get(registrar_list))
        .route(
            "/api/v1/registrar/registrations/{id}/{action}",
            post(registrar_action),
        )
}

async fn create_product(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
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

async fn own_products(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
) -> ApiResult<Json<Vec<Product>>> {
    actor.require_role(&[Role::Operator], "查看本机构的产品")?;
    let filter = RecordFilter {
        owner_id: actor.org_id.map(|id| id.to_string()),
        ..RecordFilter::default()
    };
    Ok(Json(state.catalog.products(&filter).await?))
}

async fn review_product(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
    Body(body): Body<ComplianceReview>,
) -> ApiResult<Json<Product>> {
    let p = state
        .catalog
        .review_product(&actor, path_id(id)?, body, if_match(&headers)?)
        .await?;
    Ok(Json(p.value))
}

async fn public_products(State(state): State<AppState>) -> ApiResult<Json<Vec<Product>>> {
    let filter = RecordFilter {
        public_only: true,
        ..RecordFilter::default()
    };
    Ok(Json(state.catalog.products(&filter).await?))
}

async fn public_product(
    State(state): State<AppState>,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<Product>> {
    let product = state.catalog.product(path_id(id)?).await?.value;
    if product.status != catalog::domain::product::ProductStatus::Registered {
        return Err(ApiError::not_found("产品不存在或尚未登记"));
    }
    Ok(Json(product))
}

async fn submit(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Body(body): Body<NewRegistration>,
) -> ApiResult<(StatusCode, Json<Registration>)> {
    let r = state
        .catalog
        .submit_registration(&actor, body, state.clock.today())
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

async fn resubmit(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    id: Result<Path<Uuid>, PathRejection>,
    Body(body): Body<Materials>,
) -> ApiResult<Json<Registration>> {
    let r = state
        .catalog
        .resubmit_registration(
            &actor,
            path_id(id)?,
            body,
            state.clock.today(),
            if_match(&headers)?,
        )
        .await?;
    Ok(Json(r.value))
}

fn public_or_404(r: &Registration) -> ApiResult<PublicRegistration> {
    r.public_view()
        .ok_or_else(|| ApiError::not_found("登记不存在或尚未公示"))
}

async fn public_registration(
    State(state): State<AppState>,
    id: Result<Path<Uuid>, PathRejection>,
) -> ApiResult<Json<PublicRegistration>> {
    let r = state.catalog.registration(path_id(id)?).await?.value;
    Ok(Json(public_or_404(&r)?))
}

#[derive(Debug, Serialize)]
struct Filed {
    objection_id: Uuid,
}

/// Anyone may object during publicity, by real name with evidence; no token needed.
async fn object(
    State(state): State<AppState>,
    id: Result<Path<Uuid>, PathRejection>,
    Body(body): Body<NewObjection>,
) -> ApiResult<(StatusCode, Json<Filed>)> {
    let id = path_id(id)?;
    // Only registrations in publicity exist for the public.
    public_or_404(&state.catalog.registration(id).await?.value)?;
    let objection_id = state
        .catalog
        .file_objection(id, body, state.clock.today())
        .await?;
    Ok((StatusCode::CREATED, Json(Filed { objection_id })))
}

async fn publicity(State(state): State<AppState>) -> ApiResult<Json<Vec<PublicRegistration>>> {
    let filter = RecordFilter {
        statuses: vec!["publicized".into(), "under_objection".into()],
        public_only: true,
        ..RecordFilter::default()
    };
    let items = state.catalog.registrations(&filter).await?;
    Ok(Json(
        items.iter().filter_map(Registration::public_view).collect(),
    ))
}

#[derive(Debug, Serialize)]
struct Verification {
    /// The code's check character is right (verifiable offline).
    well_formed: bool,
    /// A coded, unexpired, not revoked or cancelled result carries this code.
    valid: bool,
    registration: Option<PublicRegistration>,
}

async fn verify_code(
    State(state): State<AppState>,
    code: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<Verification>> {
    let Path(raw) = code.map_err(|_| ApiError::bad_request("path.code", "查询码无效"))?;
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
    let valid = registration.as_ref().is_some_and(|r| {
        r.status == catalog::domain::registration::RegistrationStatus::Coded
            && r.valid_to.is_some_and(|v| today <= v)
    });
    Ok(Json(Verification {
        well_formed: true,
        valid,
        registration: registration.as_ref().and_then(Registration::public_view),
    }))
}

#[derive(Debug, Deserialize)]
struct RegistrarQuery {
    status: Option<String>,
}

#[derive(Debug, Serialize)]
struct Worklist {
    #[serde(flatten)]
    registration: Registration,
    /// Deadlines already passed (acceptance: 3 wd; formal review: 20 wd).
    overdue: Vec<&'static str>,
}

async fn registrar_list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    q: Result<Query<RegistrarQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<Worklist>>> {
    actor.require_role(&[Role::Registrar, Role::Auditor], "查看登记工作台")?;
    let q = query(q)?;
    let filter = RecordFilter {
        statuses: q.status.into_iter().filter(|s| !s.is_empty()).collect(),
        ..RecordFilter::default()
    };
    let today = state.clock.today();
    let items = state.catalog.registrations(&filter).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|r| Worklist {
                overdue: r.overdue(today),
                registration: r,
            })
            .collect(),
    ))
}

/// Bodies of the registrar's actions; each action reads the fields it needs.
#[derive(Debug, Default, Deserialize)]
struct ActionBody {
    #[serde(default)]
    items: Vec<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    revocation: Option<RevocationReason>,
    #[serde(default)]
    decision: Option<ObjectionDecision>,
    #[serde(default)]
    external_code: Option<String>,
}

async fn registrar_action(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    path: Result<Path<(Uuid, String)>, PathRejection>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Registration>> {
    let Path((id, action)) = path
        .map_err(|e| ApiError::bad_request("path", format!("路径参数无效：{}", e.body_text())))?;
    let body: ActionBody = if body.is_empty() {
        ActionBody::default()
    } else {
        parse_json(&body)?
    };
    let today = state.clock.today();
    let tag = if_match(&headers)?;
    let c = &state.catalog;
    let missing = |field: &str| ApiError::bad_request(field, format!("缺少 {field}"));
    let r = match action.as_str() {
        "supplement" => {
            c.request_supplement(&actor, id, body.items, today, tag)
                .await?
        }
        "accept" => c.accept_registration(&actor, id, today, tag).await?,
        "refuse" => {
            let reason = body.reason.ok_or_else(|| missing("reason"))?;
            c.refuse_registration(&actor, id, &reason, today, tag)
                .await?
        }
        "publicize" => c.publicize_registration(&actor, id, today, tag).await?,
        "decide-objection" => {
            let decision = body.decision.ok_or_else(|| missing("decision"))?;
            c.decide_objection(&actor, id, decision, today, tag).await?
        }
        "code" => {
            c.issue_query_code(&actor, id, body.external_code, today, tag)
                .await?
        }
        "renew" => c.renew_registration(&actor, id, today, tag).await?,
        "cancel" => {
            let reason = body.reason.ok_or_else(|| missing("reason"))?;
            c.cancel_registration(&actor, id, &reason, today, tag)
                .await?
        }
        "revoke" => {
            let reason = body.revocation.ok_or_else(|| missing("revocation"))?;
            let detail = body.detail.ok_or_else(|| missing("detail"))?;
            c.revoke_registration(&actor, id, reason, &detail, today, tag)
                .await?
        }
        other => {
            return Err(ApiError::not_found(format!("未知的登记操作“{other}”")));
        }
    };
    Ok(Json(r.value))
}
