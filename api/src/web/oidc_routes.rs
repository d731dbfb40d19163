//! Single sign-on at the province's identity platform (统一身份认证): OpenID Connect
//! authorization code with PKCE. The claim the deployment names maps to an existing person's
//! `sso_subject`; nobody is created by signing in. The second factor still applies after it.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::oidc::{OidcClient, PendingLogin};
use super::pages::{respond, sign_in_page};
use super::session::{cookie, set_cookie, with_cookie};
use crate::state::AppState;

const OIDC_COOKIE: &str = "mulu_oidc";

fn refused(status: StatusCode, message: &str) -> Response {
    respond(
        status,
        sign_in_page(
            "统一身份认证登录",
            html! {
                h1 { "统一身份认证登录" }
                div.error-summary role="alert" { h2 { "登录未成功" } p { (message) } }
                p { a href="/signin" { "返回登录页" } }
            },
        ),
    )
}

async fn client(state: &AppState) -> Result<&OidcClient, Response> {
    let Some(settings) = state.web.oidc.clone() else {
        return Err(refused(StatusCode::NOT_FOUND, "本系统未配置统一身份认证"));
    };
    state
        .web
        .oidc_client
        .get_or_try_init(|| OidcClient::discover(settings))
        .await
        .map_err(|e| {
            tracing::warn!(error = ?e, "OpenID provider discovery failed");
            refused(StatusCode::BAD_GATEWAY, &e.to_string())
        })
}

pub async fn start(State(state): State<AppState>) -> Response {
    let client = match client(&state).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (url, pending) = client.authorize_url();
    with_cookie(
        Redirect::to(url.as_str()).into_response(),
        set_cookie(&state.web, OIDC_COOKIE, &pending.encode(), Some(600)),
    )
}

pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let clear = set_cookie(&state.web, OIDC_COOKIE, "", Some(0));
    let response = sign_in_with_code(&state, &headers, &query).await;
    with_cookie(response, clear)
}

async fn sign_in_with_code(
    state: &AppState,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Response {
    if query.contains_key("error") {
        return refused(StatusCode::UNAUTHORIZED, "统一身份认证未完成登录，请重试");
    }
    let (Some(code), Some(returned_state)) = (query.get("code"), query.get("state")) else {
        return refused(StatusCode::BAD_REQUEST, "回调缺少授权码，请重新登录");
    };
    let Some(pending) = cookie(headers, OIDC_COOKIE).and_then(|c| PendingLogin::decode(&c)) else {
        return refused(StatusCode::BAD_REQUEST, "登录状态已失效，请重新登录");
    };
    let client = match client(state).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let subject = match client.finish(&pending, returned_state, code).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = ?e, "single sign-on refused");
            return refused(StatusCode::UNAUTHORIZED, &e.to_string());
        }
    };
    let person = match state.catalog.person_by_sso_subject(&subject).await {
        Ok(Some(p)) if p.status == catalog::domain::person::PersonStatus::Active => p,
        Ok(Some(_)) => {
            return refused(
                StatusCode::UNAUTHORIZED,
                "账号已锁定或停用，请联系安全管理员",
            );
        }
        Ok(None) => {
            tracing::info!(%subject, "single sign-on for an unknown person");
            return refused(
                StatusCode::FORBIDDEN,
                "统一身份认证账号尚未关联本系统账号，请联系安全管理员",
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "person lookup failed");
            return refused(
                StatusCode::INTERNAL_SERVER_ERROR,
                "服务内部错误，请稍后重试",
            );
        }
    };
    match state.catalog.start_session(&person).await {
        Ok(new) => super::sign_in::started(state, new),
        Err(e) => refused(StatusCode::FORBIDDEN, &e.to_string()),
    }
}
