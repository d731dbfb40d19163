//! The session cookie and the CSRF check of every form post.
//!
//! The cookie carries a random secret; the database keeps its SHA-256 with the person, role,
//! sign-in stage and the session's CSRF token (`catalog::SignedIn`). Cookies are `HttpOnly`,
//! `SameSite=Lax` and, when the public URL is https, `Secure`. Forms carry the session's token in
//! a hidden field; before sign-in, a double-submit cookie plays that part.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::{SessionStage, SignedIn, constant_time_eq};
use maud::{Markup, html};

use super::WebConfig;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "mulu_session";
/// The double-submit token of the forms shown before a session exists (sign-in).
pub const FORM_COOKIE: &str = "mulu_form";

/// The value of cookie `name` in a request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value with the attributes every Mulu cookie has; `max_age` `None` makes a
/// browser-session cookie, `Some(0)` removes it.
pub fn set_cookie(
    config: &WebConfig,
    name: &str,
    value: &str,
    max_age: Option<i64>,
) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if config.secure_cookies {
        text.push_str("; Secure");
    }
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

/// Add a cookie to a response.
pub fn with_cookie(mut response: Response, cookie: HeaderValue) -> Response {
    response.headers_mut().append(SET_COOKIE, cookie);
    response
}

/// Where a session at `stage` is sent before it may go anywhere else.
pub fn stage_path(stage: SessionStage) -> &'static str {
    match stage {
        SessionStage::SecondFactor => "/signin/second-factor",
        SessionStage::ChangePassword => "/account/password",
        SessionStage::EnrollSecondFactor => "/account/second-factor",
        SessionStage::Active => "/workbench",
    }
}

/// A session in any stage (the sign-in steps use it); none sends the browser to sign in.
pub struct AnySession(pub SignedIn);

/// A fully signed-in session: the workbench's pages take this.
pub struct Session(pub SignedIn);

/// Why a page needs the browser elsewhere first.
pub enum SessionRejection {
    SignIn,
    Stage(SessionStage),
    Internal,
}

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        match self {
            SessionRejection::SignIn => Redirect::to("/signin").into_response(),
            SessionRejection::Stage(stage) => Redirect::to(stage_path(stage)).into_response(),
            SessionRejection::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                crate::portal::layout::page(
                    "服务暂时不可用",
                    html! { h1 { "服务暂时不可用" } p { "请稍后再试。" } },
                ),
            )
                .into_response(),
        }
    }
}

async fn load(parts: &Parts, state: &AppState) -> Result<Option<SignedIn>, SessionRejection> {
    let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    state.catalog.session(&secret).await.map_err(|e| {
        tracing::error!(error = %e, "session lookup failed");
        SessionRejection::Internal
    })
}

impl FromRequestParts<AppState> for AnySession {
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        load(parts, state)
            .await?
            .map(AnySession)
            .ok_or(SessionRejection::SignIn)
    }
}

impl OptionalFromRequestParts<AppState> for AnySession {
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(load(parts, state).await?.map(AnySession))
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let AnySession(signed_in) =
            <AnySession as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        match signed_in.stage {
            SessionStage::Active => Ok(Session(signed_in)),
            other => Err(SessionRejection::Stage(other)),
        }
    }
}

/// The refusal of a form post whose CSRF token is missing or wrong.
pub fn csrf_refused() -> Response {
    (
        StatusCode::FORBIDDEN,
        crate::portal::layout::page(
            "表单已失效",
            html! {
                h1 { "表单已失效" }
                p { "表单缺少安全校验码或校验码不符（可能已在别处退出登录，或页面停留过久）。请返回上一页，刷新后重新提交。" }
                p { a href="/workbench" { "返回工作台" } }
            },
        ),
    )
        .into_response()
}

/// The refusal of a post whose `presented` token is not the session's CSRF token; `None` when it is.
pub fn check_csrf(signed_in: &SignedIn, presented: &str) -> Option<Response> {
    if !presented.is_empty() && constant_time_eq(presented.as_bytes(), signed_in.csrf.as_bytes()) {
        None
    } else {
        tracing::warn!(account = %signed_in.person.account, "form post without a valid CSRF token");
        Some(csrf_refused())
    }
}

/// A form posted about one entity (`/…/{id}`): its fields once the CSRF token checks, and the
/// id; otherwise the answer to give (refusal, or the not-found page for an id that is not one).
pub async fn form_about(
    signed_in: &SignedIn,
    id: &str,
    body: &[u8],
) -> Result<(super::forms::FormFields, uuid::Uuid), Response> {
    let fields = super::forms::FormFields::parse(body);
    if let Some(refused) = check_csrf(signed_in, fields.get("csrf")) {
        return Err(refused);
    }
    match id.parse::<uuid::Uuid>() {
        Ok(id) => Ok((fields, id)),
        Err(_) => Err(crate::portal::fallback().await),
    }
}

/// The hidden field every form of a session carries.
pub fn csrf_field(signed_in: &SignedIn) -> Markup {
    html! { input type="hidden" name="csrf" value=(signed_in.csrf); }
}

/// The organization a person acts for (for the header); a lookup failure only hides it.
pub async fn org_of(
    state: &AppState,
    s: &SignedIn,
) -> Option<catalog::domain::organization::Organization> {
    state
        .catalog
        .organization(s.person.org_id)
        .await
        .ok()
        .map(|o| o.value)
}
