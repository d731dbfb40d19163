//! People and their tokens over JSON: who am I, my tokens; the security administrator's
//! accounts. The catalog decides who may do what (三员分立, nobody grants themselves a role).

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use catalog::domain::api_token::ApiToken;
use catalog::domain::person::{NewPerson, Person};
use catalog::{Role, Versioned};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::{As, People, SecurityAdmins};
use crate::error::ApiResult;
use crate::extract::{ApiPath, Body};
use crate::openapi::{ParameterSchemas, Problems};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .parameter_schema::<PersonChange>()
        .routes(routes!(me))
        .routes(routes!(list_tokens, issue_token))
        .routes(routes!(revoke_token))
        .routes(routes!(list_people, create_person))
        .routes(routes!(set_roles))
        .routes(routes!(change_person))
        .routes(routes!(reset_password))
}

/// Who the caller is: the person, their organization and the role this token acts in.
#[derive(Debug, Serialize, ToSchema)]
struct Me {
    person: Option<Person>,
    org_id: Option<Uuid>,
    role: Role,
    token_id: Option<Uuid>,
}

/// The person behind the presented token.
#[utoipa::path(get, path = "/api/v1/me", tag = "people",
    security(("bearer" = ["provider", "data_admin", "registrar", "operator", "developer", "exchange", "auditor", "system_admin", "security_admin", "audit_admin"])),
    responses((status = 200, body = Me), Problems))]
async fn me(State(state): State<AppState>, As(actor, _): As<People>) -> ApiResult<Json<Me>> {
    let person = match actor.person_id {
        Some(id) => Some(state.catalog.person(id).await?.value),
        None => None,
    };
    Ok(Json(Me {
        person,
        org_id: actor.org_id,
        role: actor.role,
        token_id: actor.token_id,
    }))
}

/// My tokens (the security administrator sees everyone's). Secrets are never listed.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "people",
    security(("bearer" = ["provider", "data_admin", "registrar", "operator", "developer", "exchange", "auditor", "system_admin", "security_admin", "audit_admin"])),
    responses((status = 200, body = Vec<TokenView>), Problems))]
async fn list_tokens(
    State(state): State<AppState>,
    As(actor, _): As<People>,
) -> ApiResult<Json<Vec<TokenView>>> {
    let tokens = state.catalog.tokens_as(&actor).await?;
    Ok(Json(tokens.into_iter().map(TokenView::from).collect()))
}

/// A token without its hash.
#[derive(Debug, Serialize, ToSchema)]
struct TokenView {
    id: Uuid,
    name: String,
    person_id: Option<Uuid>,
    org_id: Uuid,
    role: Role,
    status: catalog::domain::api_token::TokenStatus,
    created_at: chrono::DateTime<chrono::Utc>,
}

impl From<ApiToken> for TokenView {
    fn from(t: ApiToken) -> Self {
        TokenView {
            id: t.id,
            name: t.name,
            person_id: t.person_id,
            org_id: t.org_id,
            role: t.role,
            status: t.status,
            created_at: t.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
struct TokenRequest {
    /// What the token is for, e.g. "省数据交易所对接".
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    /// The role the token acts in (one the caller holds); default: the caller's current role.
    #[serde(default)]
    role: Option<Role>,
}

/// The secret appears in this response only; Mulu keeps its hash.
#[derive(Debug, Serialize, ToSchema)]
struct IssuedTokenView {
    #[serde(flatten)]
    token: TokenView,
    /// The bearer secret, shown once.
    secret: String,
}

/// Issue a token for myself, in one of my roles.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "people",
    security(("bearer" = ["provider", "data_admin", "registrar", "operator", "developer", "exchange", "auditor", "system_admin", "security_admin", "audit_admin"])),
    request_body = TokenRequest,
    responses((status = 201, body = IssuedTokenView), Problems))]
async fn issue_token(
    State(state): State<AppState>,
    As(actor, _): As<People>,
    Body(body): Body<TokenRequest>,
) -> ApiResult<(StatusCode, Json<IssuedTokenView>)> {
    let person = actor.person_id.ok_or_else(|| {
        crate::error::ApiError::from(catalog::CatalogError::Forbidden(
            "该令牌不属于任何人员，不能再签发令牌".to_string(),
        ))
    })?;
    let role = body.role.unwrap_or(actor.role);
    let issued = state
        .catalog
        .issue_token(&actor, person, role, &body.name)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedTokenView {
            token: issued.token.into(),
            secret: issued.secret,
        }),
    ))
}

/// Revoke a token of mine (the security administrator: anyone's); it stops working at once.
#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "people",
    security(("bearer" = ["provider", "data_admin", "registrar", "operator", "developer", "exchange", "auditor", "system_admin", "security_admin", "audit_admin"])),
    params(("id" = Uuid, Path, description = "令牌 id")),
    responses((status = 204, description = "已吊销"), Problems))]
async fn revoke_token(
    State(state): State<AppState>,
    As(actor, _): As<People>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    state.catalog.revoke_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every account.
#[utoipa::path(get, path = "/api/v1/people", tag = "people",
    security(("bearer" = ["security_admin"])),
    responses((status = 200, body = Vec<Person>), Problems))]
async fn list_people(
    State(state): State<AppState>,
    As(actor, _): As<SecurityAdmins>,
) -> ApiResult<Json<Vec<Person>>> {
    Ok(Json(state.catalog.people_as(&actor).await?))
}

/// Open an account; the initial password must be changed at first sign-in.
#[utoipa::path(post, path = "/api/v1/people", tag = "people",
    security(("bearer" = ["security_admin"])), request_body = NewPerson,
    responses((status = 201, body = Person), Problems))]
async fn create_person(
    State(state): State<AppState>,
    As(actor, _): As<SecurityAdmins>,
    Body(body): Body<NewPerson>,
) -> ApiResult<(StatusCode, Json<Person>)> {
    let person = state.catalog.create_person(&actor, body).await?;
    Ok((StatusCode::CREATED, Json(person)))
}

#[derive(Debug, Deserialize, ToSchema)]
struct RolesRequest {
    /// Every role the person holds from now on (at most one of the three duties).
    #[serde(deserialize_with = "catalog::domain::unique::set")]
    roles: BTreeSet<Role>,
}

/// Set a person's roles (never one's own); their sessions end.
#[utoipa::path(put, path = "/api/v1/people/{id}/roles", tag = "people",
    security(("bearer" = ["security_admin"])), request_body = RolesRequest,
    params(("id" = Uuid, Path, description = "人员 id")),
    responses((status = 200, body = Person), Problems))]
async fn set_roles(
    State(state): State<AppState>,
    As(actor, _): As<SecurityAdmins>,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<RolesRequest>,
) -> ApiResult<Json<Versioned<Person>>> {
    Ok(Json(
        state
            .catalog
            .set_person_roles(&actor, id, body.roles)
            .await?,
    ))
}

/// Changes of an account's state.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum PersonChange {
    /// Unlock after failed sign-ins.
    Unlock,
    /// Switch off: tokens and sessions stop working.
    Disable,
    /// Switch back on.
    Enable,
}

/// Unlock, disable or enable an account (never one's own).
#[utoipa::path(post, path = "/api/v1/people/{id}/{change}", tag = "people",
    security(("bearer" = ["security_admin"])),
    params(("id" = Uuid, Path, description = "人员 id"),
           ("change" = PersonChange, Path, description = "unlock | disable | enable")),
    responses((status = 200, body = Person), Problems))]
async fn change_person(
    State(state): State<AppState>,
    As(actor, _): As<SecurityAdmins>,
    ApiPath((id, change)): ApiPath<(Uuid, PersonChange)>,
) -> ApiResult<Json<Versioned<Person>>> {
    let c = &state.catalog;
    let person = match change {
        PersonChange::Unlock => c.unlock_person(&actor, id).await?,
        PersonChange::Disable => c.set_person_enabled(&actor, id, false).await?,
        PersonChange::Enable => c.set_person_enabled(&actor, id, true).await?,
    };
    Ok(Json(person))
}

#[derive(Debug, Deserialize, ToSchema)]
struct PasswordReset {
    /// The new initial password (the person must change it at their next sign-in).
    #[schema(min_length = 10, max_length = 128)]
    password: String,
}

/// Reset an account's password to a new initial one; unlocks it.
#[utoipa::path(put, path = "/api/v1/people/{id}/password", tag = "people",
    security(("bearer" = ["security_admin"])), request_body = PasswordReset,
    params(("id" = Uuid, Path, description = "人员 id")),
    responses((status = 200, body = Person), Problems))]
async fn reset_password(
    State(state): State<AppState>,
    As(actor, _): As<SecurityAdmins>,
    ApiPath(id): ApiPath<Uuid>,
    Body(body): Body<PasswordReset>,
) -> ApiResult<Json<Versioned<Person>>> {
    Ok(Json(
        state
            .catalog
            .reset_password(&actor, id, &body.password)
            .await?,
    ))
}
