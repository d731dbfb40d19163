//! Sign-in steps: password, second factor, forced password change, second-factor enrolment,
//! sign-out. Each step posts, and on success redirects to the next stage's page (POST → 303).

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::{SessionStage, SignedIn, constant_time_eq};
use maud::{Markup, html};
use serde::Deserialize;

use super::pages::{FormError, respond, sign_in_page};
use super::session::{
    AnySession, FORM_COOKIE, SESSION_COOKIE, check_csrf, cookie, csrf_field, set_cookie,
    stage_path, with_cookie,
};
use crate::state::AppState;

/// A random token for the sign-in form's double-submit check.
fn form_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Without randomness no token can be trusted: an empty one never matches.
        return String::new();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    account: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

fn sign_in_markup(
    state: &AppState,
    account: &str,
    token: &str,
    error: Option<&FormError>,
) -> Markup {
    sign_in_page(
        "登录工作台",
        html! {
            h1 { "登录工作台" }
            @if let Some(e) = error { (e.summary()) }
            form.stack method="post" action="/signin" {
                input type="hidden" name="csrf" value=(token);
                label for="account" { "账号" }
                input #account name="account" type="text" autocomplete="username" required value=(account);
                label for="password" { "密码" }
                input #password name="password" type="password" autocomplete="current-password" required;
                button type="submit" { "登录" }
            }
            @if state.web.oidc.is_some() {
                p { a href="/signin/oidc" { "使用统一身份认证登录" } }
            }
            p.muted { "账号由本单位的安全管理员开设；忘记密码或账号被锁定，请联系安全管理员。" }
        },
    )
}

/// The sign-in form; a browser already signed in goes on to where its session stands.
pub async fn form(State(state): State<AppState>, session: Option<AnySession>) -> Response {
    if let Some(AnySession(s)) = session {
        return Redirect::to(stage_path(s.stage)).into_response();
    }
    let token = form_token();
    with_cookie(
        sign_in_markup(&state, "", &token, None).into_response(),
        set_cookie(&state.web, FORM_COOKIE, &token, Some(1800)),
    )
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let expected = cookie(&headers, FORM_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        return super::session::csrf_refused();
    }
    let result = match state
        .catalog
        .check_password(&form.account, &form.password)
        .await
    {
        Ok(person) => state.catalog.start_session(&person).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(new) => started(&state, new),
        Err(e) => {
            let error = FormError::from(e);
            let token = form_token();
            with_cookie(
                respond(
                    error.status,
                    sign_in_markup(&state, &form.account, &token, Some(&error)),
                ),
                set_cookie(&state.web, FORM_COOKIE, &token, Some(1800)),
            )
        }
    }
}

/// A session has begun: set its cookie and go to its first stage.
pub fn started(state: &AppState, new: catalog::NewSession) -> Response {
    let response = Redirect::to(stage_path(new.signed_in.stage)).into_response();
    let response = with_cookie(
        response,
        set_cookie(&state.web, SESSION_COOKIE, &new.secret, None),
    );
    with_cookie(response, set_cookie(&state.web, FORM_COOKIE, "", Some(0)))
}

#[derive(Debug, Default, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
}

fn second_factor_markup(s: &SignedIn, error: Option<&FormError>) -> Markup {
    sign_in_page(
        "动态验证码",
        html! {
            h1 { "动态验证码" }
            @if let Some(e) = error { (e.summary()) }
            p { "请输入身份验证器应用中 " strong { (s.person.account) } " 的6位动态验证码。" }
            form.stack method="post" action="/signin/second-factor" {
                (csrf_field(s))
                label for="code" { "动态验证码" }
                input #code name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required;
                @if let Some(m) = error.and_then(|e| e.at("code")) { (m) }
                button type="submit" { "验证" }
            }
        },
    )
}

/// Only the session at `stage` may see this step; any other goes where it stands (the redirect).
fn at_stage(s: &SignedIn, stage: SessionStage) -> Option<Response> {
    (s.stage != stage).then(|| Redirect::to(stage_path(s.stage)).into_response())
}

pub async fn second_factor_form(AnySession(s): AnySession) -> Response {
    if let Some(r) = at_stage(&s, SessionStage::SecondFactor) {
        return r;
    }
    second_factor_markup(&s, None).into_response()
}

pub async fn second_factor(
    State(state): State<AppState>,
    AnySession(s): AnySession,
    Form(form): Form<CodeForm>,
) -> Response {
    if let Some(r) = check_csrf(&s, &form.csrf) {
        return r;
    }
    if let Some(r) = at_stage(&s, SessionStage::SecondFactor) {
        return r;
    }
    match state.catalog.pass_second_factor(&s, &form.code).await {
        Ok(next) => Redirect::to(stage_path(next)).into_response(),
        Err(e) => {
            let error = FormError::from(e);
            respond(error.status, second_factor_markup(&s, Some(&error)))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    old_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    csrf: String,
}

fn password_markup(s: &SignedIn, error: Option<&FormError>) -> Markup {
    let forced = s.stage == SessionStage::ChangePassword;
    sign_in_page(
        "修改密码",
        html! {
            h1 { "修改密码" }
            @if forced {
                p { "这是初始密码。继续使用前，请设置只有您知道的新密码。" }
            }
            @if let Some(e) = error { (e.summary()) }
            form.stack method="post" action="/account/password" {
                (csrf_field(s))
                label for="old_password" { "当前密码" }
                input #old_password name="old_password" type="password" autocomplete="current-password" required;
                @if let Some(m) = error.and_then(|e| e.at("old_password")) { (m) }
                label for="password" { "新密码" }
                p.hint { "至少10个字符，包含大写字母、小写字母、数字、符号中的三类，且不含账号。" }
                input #password name="password" type="password" autocomplete="new-password" required;
                @if let Some(m) = error.and_then(|e| e.at("password")) { (m) }
                label for="confirm" { "再次输入新密码" }
                input #confirm name="confirm" type="password" autocomplete="new-password" required;
                @if let Some(m) = error.and_then(|e| e.at("confirm")) { (m) }
                button type="submit" { "保存新密码" }
            }
        },
    )
}

/// Changing one's password: forced after an initial one, or by choice once signed in; any
/// other stage is redirected.
fn may_change_password(s: &SignedIn) -> Option<Response> {
    match s.stage {
        SessionStage::ChangePassword | SessionStage::Active => None,
        other => Some(Redirect::to(stage_path(other)).into_response()),
    }
}

pub async fn password_form(AnySession(s): AnySession) -> Response {
    if let Some(r) = may_change_password(&s) {
        return r;
    }
    password_markup(&s, None).into_response()
}

pub async fn change_password(
    State(state): State<AppState>,
    AnySession(s): AnySession,
    Form(form): Form<PasswordForm>,
) -> Response {
    if let Some(r) = check_csrf(&s, &form.csrf) {
        return r;
    }
    if let Some(r) = may_change_password(&s) {
        return r;
    }
    if form.password != form.confirm {
        let error = FormError {
            field: Some("confirm".to_string()),
            message: "两次输入的新密码不一致".to_string(),
            status: StatusCode::UNPROCESSABLE_ENTITY,
        };
        return respond(error.status, password_markup(&s, Some(&error)));
    }
    match state
        .catalog
        .change_own_password(&s, &form.old_password, &form.password)
        .await
    {
        Ok(next) => Redirect::to(stage_path(next)).into_response(),
        Err(e) => {
            let error = FormError::from(e);
            respond(error.status, password_markup(&s, Some(&error)))
        }
    }
}

fn enroll_markup(s: &SignedIn, secret: &str, url: &str, error: Option<&FormError>) -> Markup {
    sign_in_page(
        "绑定动态验证码",
        html! {
            h1 { "绑定动态验证码" }
            @if s.stage == SessionStage::EnrollSecondFactor {
                p { "您担任" (s.role.label()) "等管理职务，须使用动态验证码（第二因素）登录。" }
            }
            @if let Some(e) = error { (e.summary()) }
            ol {
                li { "在手机的身份验证器应用中添加账户，输入以下密钥（基于时间）：" }
            }
            p { code #totp-secret { (secret) } }
            details { summary { "otpauth 地址" } p { code { (url) } } }
            form.stack method="post" action="/account/second-factor" {
                (csrf_field(s))
                label for="code" { "应用显示的6位验证码" }
                input #code name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required;
                @if let Some(m) = error.and_then(|e| e.at("code")) { (m) }
                button type="submit" { "完成绑定" }
            }
        },
    )
}

/// Enrolling a second factor: required for the duties, open to anyone without one.
fn may_enroll(s: &SignedIn) -> Option<Response> {
    match s.stage {
        SessionStage::EnrollSecondFactor | SessionStage::Active if !s.person.totp_enabled => None,
        SessionStage::Active => Some(Redirect::to("/workbench").into_response()),
        other => Some(Redirect::to(stage_path(other)).into_response()),
    }
}

pub async fn enroll_form(State(state): State<AppState>, AnySession(s): AnySession) -> Response {
    if let Some(r) = may_enroll(&s) {
        return r;
    }
    let pending = match state.catalog.pending_totp(&s).await {
        Ok(Some(p)) => Ok(p),
        Ok(None) => state.catalog.begin_totp_enrollment(&s).await,
        Err(e) => Err(e),
    };
    match pending {
        Ok(p) => enroll_markup(&s, &p.secret, &p.url, None).into_response(),
        Err(e) => {
            let error = FormError::from(e);
            respond(
                error.status,
                sign_in_page(
                    "绑定动态验证码",
                    html! { h1 { "绑定动态验证码" } (error.summary()) },
                ),
            )
        }
    }
}

pub async fn enroll(
    State(state): State<AppState>,
    AnySession(s): AnySession,
    Form(form): Form<CodeForm>,
) -> Response {
    if let Some(r) = check_csrf(&s, &form.csrf) {
        return r;
    }
    if let Some(r) = may_enroll(&s) {
        return r;
    }
    match state.catalog.confirm_totp_enrollment(&s, &form.code).await {
        Ok(next) => Redirect::to(stage_path(next)).into_response(),
        Err(e) => {
            let error = FormError::from(e);
            match state.catalog.pending_totp(&s).await {
                Ok(Some(p)) => respond(
                    error.status,
                    enroll_markup(&s, &p.secret, &p.url, Some(&error)),
                ),
                _ => respond(
                    error.status,
                    sign_in_page(
                        "绑定动态验证码",
                        html! { h1 { "绑定动态验证码" } (error.summary()) },
                    ),
                ),
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn sign_out(
    State(state): State<AppState>,
    AnySession(s): AnySession,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Some(r) = check_csrf(&s, &form.csrf) {
        return r;
    }
    if let Err(e) = state.catalog.end_session(&s).await {
        tracing::error!(error = %e, "sign-out failed");
    }
    let page = sign_in_page(
        "已退出",
        html! {
            h1 { "已退出" }
            p { "您已安全退出工作台。" }
            p { a href="/signin" { "重新登录" } " · " a href="/" { "返回公共门户" } }
        },
    );
    with_cookie(
        page.into_response(),
        set_cookie(&state.web, SESSION_COOKIE, "", Some(0)),
    )
}
