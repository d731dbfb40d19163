//! The workbench's page frame (the portal's shell with a signed-in header and a navigation of
//! what the current role may do) and the form pieces every page shares.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use catalog::domain::organization::Organization;
use catalog::{CatalogError, Role, SignedIn};
use maud::{Markup, html};

pub use super::forms::{FormError, FormFields};
use super::session::csrf_field;
use crate::portal::layout::{page, shell};

/// The header of a signed-in page: who, for which organization and region, in which role (with
/// the switcher when they hold several), and sign-out.
fn signed_in_header(s: &SignedIn, org: Option<&Organization>) -> Markup {
    html! {
        nav.main aria-label="工作台导航" {
            ul {
                @for (href, text) in nav_items(s.role) {
                    li { a href=(href) { (text) } }
                }
            }
        }
        div.who {
            span { (s.person.name) "（" (s.person.account) "）" }
            @if let Some(org) = org {
                span { " · " (org.name) " · 辖区 " (org.region.full_name()) }
            }
            @if s.person.roles.len() > 1 {
                form.inline method="post" action="/workbench/role" {
                    (csrf_field(s))
                    label for="role-switch" { "当前角色" }
                    select #role-switch name="role" {
                        @for r in &s.person.roles {
                            option value=(r.as_str()) selected[*r == s.role] { (r.label()) }
                        }
                    }
                    button type="submit" { "切换" }
                }
            } @else {
                span { " · " (s.role.label()) }
            }
            form.inline method="post" action="/signout" {
                (csrf_field(s))
                button type="submit" { "退出" }
            }
        }
    }
}

/// What the current role finds in the navigation: only what it may do.
fn nav_items(role: Role) -> Vec<(&'static str, &'static str)> {
    let mut items = vec![("/workbench", "待办")];
    match role {
        Role::Provider => {
            items.push(("/workbench/resources", "本单位目录"));
            items.push(("/workbench/imports", "表格导入"));
            items.push(("/workbench/feedback", "数据质量反馈"));
            items.push(("/workbench/my-registrations", "我的登记"));
        }
        Role::DataAdmin => {
            items.push(("/workbench/resources?status=submitted", "目录审核"));
            items.push(("/workbench/negative-list", "负面清单"));
            items.push(("/workbench/editions", "运营目录"));
            items.push(("/workbench/authorizations", "授权运营"));
            items.push(("/workbench/products", "产品审核"));
            items.push(("/workbench/demands", "数据需求"));
            items.push(("/workbench/disclosures", "信息披露"));
            items.push(("/workbench/organizations", "机构"));
            items.push(("/workbench/feedback", "数据质量反馈"));
        }
        Role::Operator => {
            items.push(("/workbench/authorizations", "授权运营"));
            items.push(("/workbench/products", "数据产品"));
            items.push(("/workbench/demands", "数据需求"));
            items.push(("/workbench/disclosures", "信息披露"));
            items.push(("/workbench/my-registrations", "我的登记"));
            items.push(("/workbench/feedback", "数据质量反馈"));
        }
        Role::Developer => {
            items.push(("/workbench/demands", "数据需求"));
            items.push(("/workbench/feedback", "数据质量反馈"));
        }
        Role::Registrar => {
            items.push(("/workbench/registrations", "登记办理"));
        }
        Role::Exchange => {
            items.push(("/workbench/feed", "已登记产品动态"));
            items.push(("/workbench/listings", "挂牌管理"));
            items.push(("/workbench/webhooks", "推送地址"));
        }
        _ => {}
    }
    if role == Role::SecurityAdmin {
        items.push(("/workbench/people", "人员账号"));
    }
    if role == Role::Auditor {
        items.push(("/workbench/authorizations", "授权运营"));
        items.push(("/workbench/products", "数据产品"));
        items.push(("/workbench/demands", "数据需求"));
        items.push(("/workbench/disclosures", "信息披露"));
    }
    if matches!(role, Role::Auditor | Role::AuditAdmin | Role::DataAdmin) {
        items.push(("/workbench/audit", "审计日志"));
    }
    items.push(("/workbench/tokens", "访问令牌"));
    items.push(("/account/password", "修改密码"));
    items.push(("/", "公共门户"));
    items
}

/// A signed-in page.
pub fn workbench_page(
    title: &str,
    s: &SignedIn,
    org: Option<&Organization>,
    body: Markup,
) -> Markup {
    shell(title, signed_in_header(s, org), body)
}

/// A sign-in step's page (no signed-in header yet).
pub fn sign_in_page(title: &str, body: Markup) -> Markup {
    page(title, body)
}

/// A page answered with its error's status when it came back with one, 200 otherwise.
pub fn with_status(markup: Markup, error: Option<&FormError>) -> Response {
    match error {
        Some(e) => respond(e.status, markup),
        None => markup.into_response(),
    }
}

/// A page with the status of what happened.
pub fn respond(status: StatusCode, markup: Markup) -> Response {
    (status, markup).into_response()
}

/// A workbook as a private download (`disposition` names the file).
pub fn xlsx_attachment(bytes: Vec<u8>, disposition: &'static str) -> Response {
    use axum::http::HeaderValue;
    use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    h.insert(CONTENT_DISPOSITION, HeaderValue::from_static(disposition));
    response
}

/// A decision on one item of an entity (`item`: the hidden field naming it), posted to `post`:
/// the opinion and one button per outcome.
pub fn decision_form(
    s: &SignedIn,
    post: &str,
    item: (&str, uuid::Uuid),
    label: &str,
    outcomes: &[(&str, &str)],
) -> Markup {
    let field = format!("{}-{}", item.0, item.1);
    html! {
        form.stack method="post" action=(post) {
            (csrf_field(s))
            input type="hidden" name=(item.0) value=(item.1);
            label for=(field) { (label) }
            textarea id=(field) name="text" rows="2" {}
            div.actions {
                @for (action, text) in outcomes {
                    button type="submit" name="action" value=(action) { (text) }
                }
            }
        }
    }
}

/// A page that only says why the catalog refused to show it (its status is the refusal's).
pub async fn refused_page(
    state: &crate::state::AppState,
    s: &SignedIn,
    title: &str,
    e: CatalogError,
) -> Response {
    let org = super::session::org_of(state, s).await;
    let e = FormError::from(e);
    let body = html! { h1 { (title) } (e.summary()) };
    respond(e.status, workbench_page(title, s, org.as_ref(), body))
}

/// The entity id in a workbench address (`/…/{id}`); an address whose id is not one gets the
/// portal's 404 page.
pub struct EntityId(pub uuid::Uuid);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for EntityId {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Response> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
        match raw.parse() {
            Ok(id) => Ok(EntityId(id)),
            Err(_) => Err(crate::portal::fallback().await),
        }
    }
}
