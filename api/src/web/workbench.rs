//! The workbench home (待办), the role switcher, and a person's own API tokens.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::authorization::AuthorizationStatus;
use catalog::domain::person::PersonStatus;
use catalog::domain::product::ProductStatus;
use catalog::domain::registration::RegistrationStatus;
use catalog::domain::resource::ResourceStatus;
use catalog::store::RecordFilter;
use catalog::{Role, SignedIn};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::pages::{FormError, respond, workbench_page};
use super::session::{Session, check_csrf, csrf_field, org_of};
use crate::portal::layout::beijing;
use crate::state::AppState;

/// One line of the to-do list: what, how many, where to do it; the oldest due date (or, when
/// the catalog knows none, since when the oldest has waited) and whether the count is overdue.
struct Todo {
    what: &'static str,
    count: usize,
    href: &'static str,
    oldest: Option<String>,
    overdue: bool,
}

impl Todo {
    fn new(what: &'static str, count: usize, href: &'static str) -> Self {
        Todo {
            what,
            count,
            href,
            oldest: None,
            overdue: false,
        }
    }
}

/// What waits on the person in their current role.
async fn todos(state: &AppState, s: &SignedIn) -> Vec<Todo> {
    let actor = s.actor();
    let c = &state.catalog;
    let count = |statuses: Vec<ResourceStatus>| {
        let actor = actor.clone();
        async move {
            c.resources_as(&actor, None, statuses, None, 10_000)
                .await
                .map(|v| v.len())
                .unwrap_or(0)
        }
    };
    match s.role {
        Role::Provider => {
            let today = state.clock.today();
            let feedback = c
                .feedback_awaiting_answer(&actor, today)
                .await
                .unwrap_or_default();
            vec![
                Todo::new(
                    "被退回待修改的目录条目",
                    count(vec![ResourceStatus::Returned]).await,
                    "/workbench/resources?status=returned",
                ),
                Todo::new(
                    "尚未提交的草稿",
                    count(vec![ResourceStatus::Draft]).await,
                    "/workbench/resources?status=draft",
                ),
                Todo {
                    oldest: feedback.earliest_due.map(|d| format!("最早应于 {d} 答复")),
                    overdue: feedback.overdue > 0,
                    ..Todo::new(
                        "待答复的数据质量反馈",
                        feedback.count,
                        "/workbench/feedback",
                    )
                },
            ]
        }
        Role::DataAdmin => {
            let (overdue, earliest) = c
                .negative_reviews_overdue(&actor, state.clock.today())
                .await
                .unwrap_or_default();
            let (awaiting, edition_since) = c.awaiting_edition(&actor).await.unwrap_or_default();
            let (unchecked, unanswered) = c
                .feedback_to_oversee(&actor, state.clock.today())
                .await
                .unwrap_or_default();
            let authorizations: Vec<_> = c
                .authorizations_as(&actor)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|v| v.implementing)
                .map(|v| v.authorization)
                .collect();
            let in_state = |status: AuthorizationStatus| {
                authorizations.iter().filter(|a| a.status == status).count()
            };
            let today = state.clock.today();
            let ready_to_sign = authorizations
                .iter()
                .filter(|a| {
                    a.status == AuthorizationStatus::Publicized
                        && a.publicity_end.is_some_and(|end| end < today)
                })
                .count();
            let to_review = c
                .product_review_queue(&actor, Vec::new())
                .await
                .map_or(0, |p| p.len());
            vec![
                Todo::new(
                    "待选定运营机构的授权",
                    in_state(AuthorizationStatus::Applied),
                    "/workbench/authorizations",
                ),
                Todo::new(
                    "公示期满、待签订协议的授权",
                    ready_to_sign,
                    "/workbench/authorizations",
                ),
                Todo::new(
                    "已签约、待启动运营的授权",
                    in_state(AuthorizationStatus::Signed),
                    "/workbench/authorizations",
                ),
                Todo::new("待合规审核的产品", to_review, "/workbench/products"),
                Todo::new(
                    "待审核的数据需求（本辖区）",
                    c.demands_as(
                        &actor,
                        RecordFilter {
                            statuses: vec!["submitted".to_string()],
                            ..RecordFilter::default()
                        },
                    )
                    .await
                    .map_or(0, |d| d.len()),
                    "/workbench/demands",
                ),
                Todo::new(
                    "待审核的目录条目（本辖区）",
                    count(vec![ResourceStatus::Submitted]).await,
                    "/workbench/resources?status=submitted",
                ),
                Todo::new(
                    "已审核待发布的目录条目（本辖区）",
                    count(vec![ResourceStatus::Approved]).await,
                    "/workbench/resources?status=approved",
                ),
                Todo {
                    oldest: edition_since.map(|t| format!("最早一条自 {} 起已发布", beijing(&t))),
                    ..Todo::new(
                        "已发布、尚未列入运营目录的资源（待发布新版目录）",
                        awaiting,
                        "/workbench/editions",
                    )
                },
                Todo {
                    oldest: earliest.map(|d| format!("最早应于 {d} 复核")),
                    overdue: overdue > 0,
                    ..Todo::new(
                        "已过复核日期的负面清单条目",
                        overdue,
                        "/workbench/negative-list",
                    )
                },
                Todo {
                    oldest: unchecked
                        .oldest
                        .map(|t| format!("最早一条自 {} 起待核实", beijing(&t))),
                    ..Todo::new(
                        "待核实的数据质量反馈（本辖区）",
                        unchecked.count,
                        "/workbench/feedback",
                    )
                },
                Todo {
                    oldest: unanswered
                        .earliest_due
                        .map(|d| format!("最早应于 {d} 答复")),
                    overdue: unanswered.overdue > 0,
                    ..Todo::new(
                        "已转数源单位、尚未答复的质量反馈",
                        unanswered.count,
                        "/workbench/feedback",
                    )
                },
            ]
        }
        Role::Operator => {
            let open = c
                .authorizations_as(&actor)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|v| {
                    v.own_application.is_none()
                        && matches!(
                            v.authorization.status,
                            AuthorizationStatus::Announced | AuthorizationStatus::Applied
                        )
                })
                .count();
            let products = c.products_as(&actor).await.unwrap_or_default();
            let with =
                |status: ProductStatus| products.iter().filter(|p| p.status == status).count();
            vec![
                Todo::new("可申报的授权运营公告", open, "/workbench/authorizations"),
                Todo::new(
                    "合规审核通过、待申请登记的产品",
                    with(ProductStatus::ReviewPassed),
                    "/workbench/products",
                ),
                Todo::new(
                    "合规审核未通过的产品",
                    with(ProductStatus::ReviewFailed),
                    "/workbench/products",
                ),
            ]
        }
        Role::Registrar => {
            let today = state.clock.today();
            let open = c
                .registrar_worklist(&actor, RecordFilter::default())
                .await
                .unwrap_or_default();
            let with = |status: RegistrationStatus| {
                let matching: Vec<_> = open.iter().filter(|r| r.status == status).collect();
                Todo {
                    oldest: matching
                        .iter()
                        .filter_map(|r| r.next_deadline().map(|(_, d)| d))
                        .min()
                        .map(|d| format!("最早应于 {d} 办理")),
                    overdue: matching.iter().any(|r| !r.overdue(today).is_empty()),
                    ..Todo::new("", matching.len(), "/workbench/registrations")
                }
            };
            vec![
                Todo {
                    what: "待受理的登记申请",
                    href: "/workbench/registrations?status=submitted",
                    ..with(RegistrationStatus::Submitted)
                },
                Todo {
                    what: "已受理、待形式审查或办结的申请",
                    href: "/workbench/registrations?status=accepted",
                    ..with(RegistrationStatus::Accepted)
                },
                Todo {
                    what: "待复核的异议",
                    href: "/workbench/registrations?status=under_objection",
                    ..with(RegistrationStatus::UnderObjection)
                },
                Todo {
                    what: "公示中（期满后赋码或办结）",
                    href: "/workbench/registrations?status=publicized",
                    ..with(RegistrationStatus::Publicized)
                },
            ]
        }
        Role::SecurityAdmin => {
            let locked = c
                .people_as(&actor)
                .await
                .map(|p| {
                    p.iter()
                        .filter(|p| p.status == PersonStatus::Locked)
                        .count()
                })
                .unwrap_or(0);
            vec![Todo::new("被锁定待解锁的账号", locked, "/workbench/people")]
        }
        _ => Vec::new(),
    }
}

pub async fn home(State(state): State<AppState>, Session(s): Session) -> Markup {
    let org = org_of(&state, &s).await;
    let todos = todos(&state, &s).await;
    workbench_page(
        "待办",
        &s,
        org.as_ref(),
        html! {
            h1 { "待办" }
            p { (s.person.name) "，您好。当前以“" (s.role.label()) "”身份办理" @if let Some(o) = &org { "，代表" (o.name) "（辖区 " (o.region.full_name()) "）" } "。" }
            @if todos.is_empty() {
                p.muted { "当前角色暂无待办事项。" }
            } @else {
                table {
                    caption { "等待您处理的事项" }
                    thead { tr { th scope="col" { "事项" } th scope="col" { "数量" } th scope="col" { "最早期限或等待" } } }
                    tbody {
                        @for t in &todos {
                            tr.overdue[t.overdue] {
                                td { a href=(t.href) { (t.what) } }
                                td.num { (t.count) }
                                td { (t.oldest.as_deref().unwrap_or("—")) @if t.overdue { "（已逾期）" } }
                            }
                        }
                    }
                }
            }
            @if s.role == Role::DataAdmin {
                (super::stats::section(&state, &s).await)
            }
            (super::dashboards::section(&state, &s).await)
            h2 { "我的账号" }
            dl.fields {
                dt { "账号" } dd { (s.person.account) }
                dt { "已授予的角色" } dd { (s.person.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join("、")) }
                dt { "动态验证码" } dd {
                    @if s.person.totp_enabled { "已绑定" } @else { "未绑定 · " a href="/account/second-factor" { "绑定" } }
                }
            }
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    csrf: String,
}

pub async fn switch_role(
    State(state): State<AppState>,
    Session(s): Session,
    Form(form): Form<RoleForm>,
) -> Response {
    if let Some(r) = check_csrf(&s, &form.csrf) {
        return r;
    }
    let Some(role) = Role::parse(&form.role) else {
        return FormError::message("角色无效").status.into_response();
    };
    match state.catalog.switch_role(&s, role).await {
        Ok(()) => Redirect::to("/workbench").into_response(),
        Err(e) => {
            let error = FormError::from(e);
            let org = org_of(&state, &s).await;
            respond(
                error.status,
                workbench_page(
                    "切换角色",
                    &s,
                    org.as_ref(),
                    html! { h1 { "切换角色" } (error.summary()) },
                ),
            )
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    csrf: String,
}

async fn tokens_page(
    state: &AppState,
    s: &SignedIn,
    issued: Option<&str>,
    error: Option<&FormError>,
) -> Markup {
    let tokens = state
        .catalog
        .tokens_as(&s.actor())
        .await
        .unwrap_or_default();
    let org = org_of(state, s).await;
    let all = s.role == Role::SecurityAdmin;
    workbench_page(
        "访问令牌",
        s,
        org.as_ref(),
        html! {
            h1 { "访问令牌" }
            p.muted { "访问令牌供本人的对接程序调用接口（Authorization: Bearer …），以签发时的角色办理，所有操作记入审计并归于本人。" }
            @if let Some(secret) = issued {
                div.notice role="status" {
                    h2 { "令牌已签发" }
                    p { "请立即复制保存，离开本页后将无法再次查看：" }
                    p { code #issued-token { (secret) } }
                }
            }
            @if let Some(e) = error { (e.summary()) }
            form.stack method="post" action="/workbench/tokens" {
                (csrf_field(s))
                label for="name" { "用途（以“" (s.role.label()) "”角色签发）" }
                input #name name="name" type="text" maxlength="100" required placeholder="例如：省数据交易所对接";
                @if let Some(m) = error.and_then(|e| e.at("name")) { (m) }
                button type="submit" { "签发令牌" }
            }
            @if tokens.is_empty() {
                p.muted { "还没有令牌。" }
            } @else {
                table {
                    caption { @if all { "全部人员的令牌" } @else { "我的令牌" } }
                    thead { tr { th scope="col" { "用途" } th scope="col" { "角色" } th scope="col" { "签发时间" } th scope="col" { "状态" } th scope="col" { "操作" } } }
                    tbody {
                        @for t in &tokens {
                            tr {
                                td { (t.name) }
                                td { (t.role.label()) }
                                td { (beijing(&t.created_at)) }
                                td { @if t.status == catalog::domain::api_token::TokenStatus::Active { "有效" } @else { "已吊销" } }
                                td {
                                    @if t.status == catalog::domain::api_token::TokenStatus::Active {
                                        form.inline method="post" action=(format!("/workbench/tokens/{}/revoke", t.id)) {
                                            (csrf_field(s))
                                            button type="submit" aria-label=(format!("吊销令牌“{}”", t.name)) { "吊销" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub async fn tokens(State(state): State<AppState>, Session(s): Session) -> Markup {
    tokens_page(&state, &s, None, None).await
}

pub async fn issue_token(
    State(state): State<AppState>,
    Session(s): Session,
    Form(form): Form<TokenForm>,
) -> Response {
    if let Some(r) = check_csrf(&s, &form.csrf) {
        return r;
    }
    match state
        .catalog
        .issue_token(&s.actor(), s.person.id, s.role, &form.name)
        .await
    {
        // The secret is shown in this response only: no redirect to a page that could show it again.
        Ok(issued) => tokens_page(&state, &s, Some(&issued.secret), None)
            .await
            .into_response(),
        Err(e) => {
            let error = FormError::from(e);
            respond(
                error.status,
                tokens_page(&state, &s, None, Some(&error)).await,
            )
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Some(r) = check_csrf(&s, &form.csrf) {
        return r;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return crate::portal::fallback().await;
    };
    match state.catalog.revoke_token(&s.actor(), id).await {
        Ok(_) => Redirect::to("/workbench/tokens").into_response(),
        Err(e) => {
            let error = FormError::from(e);
            respond(
                error.status,
                tokens_page(&state, &s, None, Some(&error)).await,
            )
        }
    }
}
