//! Who is calling: `Authorization: Bearer mulu_…` resolves to an actor; no header is the public.

use std::marker::PhantomData;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use catalog::{Actor, Role};

use crate::error::ApiError;
use crate::state::AppState;

/// The caller, anonymous or authenticated. A header that is present but invalid is a 401, never
/// a silent downgrade to anonymous.
#[derive(Debug, Clone)]
pub struct Caller(pub Option<Actor>);

/// A caller that must be authenticated.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Actor);

fn unauthorized(detail: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "未认证", detail)
}

impl Caller {
    pub(crate) async fn resolve(headers: &HeaderMap, state: &AppState) -> Result<Self, ApiError> {
        let Some(header) = headers.get(AUTHORIZATION) else {
            return Ok(Caller(None));
        };
        let secret = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or_else(|| unauthorized("Authorization 头应为“Bearer <令牌>”"))?;
        match state.catalog.authenticate(secret.trim()).await? {
            Some((actor, _)) => Ok(Caller(Some(actor))),
            None => Err(unauthorized("令牌无效或已吊销")),
        }
    }
}

/// Resolve the caller once per request, for every route: a bad token is a 401 even on public
/// pages, so it can neither pass for anonymous nor dodge the anonymous rate limit.
pub async fn resolve_caller(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    match Caller::resolve(request.headers(), &state).await {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(e) => e.into_response(),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match parts.extensions.get::<Caller>() {
            Some(caller) => Ok(caller.clone()),
            None => Caller::resolve(&parts.headers, state).await,
        }
    }
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match Caller::from_request_parts(parts, state).await? {
            Caller(Some(actor)) => Ok(Authenticated(actor)),
            Caller(None) => Err(unauthorized("该操作需要访问令牌")),
        }
    }
}

/// The roles an operation admits; checked before the body is read, so a caller in the wrong role
/// learns nothing about the body's shape. The catalog checks ownership again.
pub trait RoleSet {
    const ROLES: &'static [Role];
}

/// An authenticated caller in one of `R::ROLES`: otherwise 401 (no token) or 403.
pub struct As<R: RoleSet>(pub Actor, pub PhantomData<R>);

impl<R: RoleSet + Send + Sync> FromRequestParts<AppState> for As<R> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Authenticated(actor) = Authenticated::from_request_parts(parts, state).await?;
        if R::ROLES.contains(&actor.role) {
            Ok(As(actor, PhantomData))
        } else {
            let allowed: Vec<&str> = R::ROLES.iter().map(|r| r.as_str()).collect();
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "无权操作",
                format!(
                    "角色 {} 无权调用此接口（允许：{}）",
                    actor.role.as_str(),
                    allowed.join("、")
                ),
            ))
        }
    }
}

macro_rules! role_sets {
    ($($(#[$doc:meta])* $name:ident = [$($role:ident),+];)+) => {$(
        $(#[$doc])*
        pub struct $name;
        impl RoleSet for $name {
            const ROLES: &'static [Role] = &[$(Role::$role),+];
        }
    )+};
}

role_sets! {
    /// 数据管理部门 / 实施机构.
    DataAdmins = [DataAdmin];
    /// 数源单位 drafting their own entries.
    Providers = [Provider];
    /// Who moves directory entries through review: providers and administrations.
    Curators = [Provider, DataAdmin];
    /// Who reads unpublished directory entries (each within its rights).
    CatalogReaders = [Provider, DataAdmin, Auditor];
    /// 运营机构.
    Operators = [Operator];
    /// Who applies for registration: operators (products), holders and implementing bodies (resources).
    Registrants = [Operator, Provider, DataAdmin];
    /// 登记机构.
    Registrars = [Registrar];
    /// Who reads resource-registration obligations: holders (their own), administrations and
    /// registrars (their region), 监管.
    ObligationReaders = [Provider, DataAdmin, Registrar, Auditor];
    /// Who reads the registrar's worklist.
    RegistrarDesk = [Registrar, Auditor];
    /// 监管 and the administration reading obligations.
    Auditors = [Auditor, DataAdmin];
    /// Who reads and exports the audit trail: 监管, the administration, the audit administrator.
    AuditReaders = [Auditor, DataAdmin, AuditAdmin];
    /// 安全管理员: accounts, roles, locks.
    SecurityAdmins = [SecurityAdmin];
    /// Any person signed in with a token, whatever their role.
    People = [Provider, DataAdmin, Registrar, Operator, Developer, Exchange, Auditor, SystemAdmin, SecurityAdmin, AuditAdmin];
    /// Who asks for data and reports its quality: operators and secondary developers.
    Applicants = [Operator, Developer];
    /// Who reads demand applications (each within its rights).
    DemandReaders = [Operator, Developer, DataAdmin, Auditor];
    /// Who follows the registered-products feed: exchanges, and the overseers.
    FeedReaders = [Exchange, DataAdmin, Auditor];
    /// Who publishes annual disclosures: implementing bodies and operators.
    Disclosers = [DataAdmin, Operator];
    /// Who may ask for a correction of someone else's registration (利害关系人, R 9 (三)).
    InterestedParties = [Provider, Operator, Developer, DataAdmin];
    /// Who reads correction requests (each within its rights).
    CorrectionParties = [Provider, Operator, Developer, DataAdmin, Registrar, Auditor];
    /// Who takes part in quality feedback (each within its rights).
    FeedbackParties = [Operator, Developer, Provider, DataAdmin, Auditor];
    /// Who reads an authorization's whole record and its duties: the implementing body and
    /// administrations over it, its operator, 监管.
    AuthorizationParties = [DataAdmin, Operator, Auditor];
}
