//! Who is calling: `Authorization: Bearer mulu_…` resolves to an actor; no header is the public.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use catalog::Actor;

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

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
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

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match Caller::from_request_parts(parts, state).await? {
            Caller(Some(actor)) => Ok(Authenticated(actor)),
            Caller(None) => Err(unauthorized("该操作需要访问令牌")),
        }
    }
}
