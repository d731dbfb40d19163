//! 授权运营 in the workbench (C 8.1–8.6; N 14): the implementing body announces a plan with its
//! scope picked from the operation directory in force (each line shows what rules 1–2 say of it
//! before anything is submitted), selects among the applicants, publicizes the selection, decides
//! objections, signs the agreement (the signed document's SHA-256 taken from the upload),
//! activates and terminates; an operator reads the open announcements, applies with its C 7.2
//! declarations, and reads exactly which resources its authorizations let it use. Every step is
//! the catalog call the `/api/v1/…authorizations…` routes make.

use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::agreement::{AgreementTerms, DocumentRef};
use catalog::domain::authorization::{
    Announcement, Authorization, AuthorizationMode, AuthorizationStatus, NewAuthorization,
    NewTermination, OperatorApplication, OperatorType, Qualification, SelectionMethod,
    TerminationReason,
};
use catalog::domain::objection::{ObjectionDecision, ObjectionStatus};
use catalog::{AuthorizationView, CatalogError, Role, SignedIn};
use maud::{Markup, html};
use uuid::Uuid;

use super::choices;
use super::pages::{
    EntityId, FormError, FormFields, decision_form, refused_page, with_status, workbench_page,
};
use super::session::org_of;
use super::session::{Session, check_csrf, csrf_field, form_about};
use super::upload::{self, UploadRefusal};
use crate::portal::layout::beijing;
use crate::state::AppState;

pub const PATH: &str = "/workbench/authorizations";
const TITLE: &str = "授权运营";

/// The N 14 terms of an agreement, in the order of the article, as the sign form asks them.
const TERMS: [(&str, &str); 10] = [
    (
        "products_and_standards",
        "（三）产品和服务清单及其技术标准、安全审核、业务规范性审核要求",
    ),
    ("asset_ownership", "（五）资产权属"),
    ("disclosure_duties", "（六）信息披露要求"),
    (
        "accounting_and_revenue",
        "（七）经营成本和收入核算、收益分配机制",
    ),
    (
        "security_duties",
        "（八）数据安全、个人信息保护、风险监测和应急处置",
    ),
    ("evaluation_and_exit", "（九）运营成效评价，续约或退出机制"),
    ("liability", "（十）违约责任"),
    ("dispute_resolution", "（十一）争议解决方式"),
    ("change_and_termination", "（十二）协议变更、终止条件"),
    ("other_matters", "（十三）其他事项（可空）"),
];

pub async fn list(State(state): State<AppState>, Session(s): Session) -> Response {
    let org = org_of(&state, &s).await;
    let today = state.clock.today();
    let views = match state.catalog.authorizations_as(&s.actor()).await {
        Ok(v) => v,
        Err(e) => return refused_page(&state, &s, TITLE, e).await,
    };
    let body = html! {
        h1 { (TITLE) }
        @if s.role == Role::DataAdmin {
            p { a.button href=(format!("{PATH}/new")) { "发布授权运营公告" } }
        }
        @if s.role == Role::Operator {
            p.muted { "申报中的公告可申请；本机构被选定的授权列出可使用的数据资源。" }
        }
        @if views.is_empty() {
            p.muted { "暂无授权运营。" }
        } @else {
            table #authorizations {
                thead { tr {
                    th scope="col" { "实施方案" }
                    th scope="col" { "状态" }
                    th scope="col" { "运营期限" }
                    th scope="col" { "进展" }
                } }
                tbody {
                    @for v in &views {
                        @let a = &v.authorization;
                        @let expiring = a.status == AuthorizationStatus::Active
                            && (a.plan.term_end - today).num_days() <= 90;
                        tr.overdue[expiring] {
                            td { a href=(format!("{PATH}/{}", a.id)) { (a.plan.plan_name) } }
                            td.status { (a.status.label()) }
                            td { (a.plan.term_start) " 至 " (a.plan.term_end)
                                @if expiring { "（即将到期）" } }
                            td { (progress(v)) }
                        }
                    }
                }
            }
        }
    };
    workbench_page(TITLE, &s, org.as_ref(), body).into_response()
}

/// What happens next, in a few words, for the reader.
fn progress(v: &AuthorizationView) -> String {
    let a = &v.authorization;
    match a.status {
        AuthorizationStatus::Announced | AuthorizationStatus::Applied => {
            let close = a
                .plan
                .announcement
                .as_ref()
                .map(|x| x.applications_close_on);
            match (&v.own_application, close) {
                (Some(own), _) => format!("本机构已于 {} 申请", own.applied_on),
                (None, Some(close)) => format!("申报截止 {close}"),
                (None, None) => "申报中".to_string(),
            }
        }
        AuthorizationStatus::Publicized => match a.publicity_end {
            Some(end) => format!("选定结果公示至 {end}"),
            None => "公示中".to_string(),
        },
        AuthorizationStatus::Active => format!("{} 项数据资源", a.scope.len()),
        _ => String::new(),
    }
}

pub async fn new_form(State(state): State<AppState>, Session(s): Session) -> Response {
    announce_page(&state, &s, &FormFields(Vec::new()), None).await
}

/// The announcement form, with the values posted and the catalog's error when it came back.
async fn announce_page(
    state: &AppState,
    s: &SignedIn,
    fields: &FormFields,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let candidates = match state.catalog.scope_candidates(&s.actor()).await {
        Ok(c) => c,
        Err(e) => return refused_page(state, s, TITLE, e).await,
    };
    // Rule 3's limit for the body's region, shown before submitting (the catalog checks it).
    let term_limit = org.as_ref().map(|o| {
        let policy = state.catalog.policy().for_region(&o.region);
        (policy.name.clone(), policy.max_agreement_years)
    });
    let picked = fields.all("resource_ids");
    let text = |id: &str, label: &str, hint: &str| {
        html! {
            label for=(id) { (label) }
            @if !hint.is_empty() { p.hint { (hint) } }
            input id=(id) name=(id) type="text" value=(fields.get(id));
            @if let Some(m) = error.and_then(|e| e.at(id)) { (m) }
        }
    };
    let area = |id: &str, label: &str| {
        html! {
            label for=(id) { (label) }
            textarea id=(id) name=(id) rows="3" { (fields.get(id)) }
            @if let Some(m) = error.and_then(|e| e.at(id)) { (m) }
        }
    };
    let date = |id: &str, label: &str| {
        html! {
            label for=(id) { (label) }
            input id=(id) name=(id) type="date" value=(fields.get(id));
            @if let Some(m) = error.and_then(|e| e.at(id)) { (m) }
        }
    };
    let body = html! {
        p { a href=(PATH) { "← " (TITLE) } }
        h1 { "发布授权运营公告" }
        @if let Some(e) = error { (e.summary()) }
        form.stack.announce method="post" action=(PATH) {
            (csrf_field(s))
            (text("plan_name", "实施方案名称", ""))
            (choices::select("mode", "授权模式", &AuthorizationMode::ALL, fields.get("mode")))
            (choices::select("operator_type", "运营机构类型（C 7.1）", &OperatorType::ALL, fields.get("operator_type")))
            (area("scope_description", "授权范围说明"))
            fieldset #scope-candidates {
                legend { "授权范围：现行运营目录中的数据资源" }
                @if let Some(m) = error.and_then(|e| e.at("resource_ids")) { (m) }
                @if candidates.is_empty() {
                    p.muted { "本辖区尚无现行运营目录，先在“运营目录”发布一版。" }
                }
                table {
                    thead { tr {
                        th scope="col" { "纳入" } th scope="col" { "资源代码" }
                        th scope="col" { "名称" } th scope="col" { "分级" } th scope="col" { "条件或不可纳入的原因" }
                    } }
                    tbody {
                        @for c in &candidates {
                            @let id = c.resource_id.to_string();
                            tr.refused[c.refusal.is_some()] {
                                td { input type="checkbox" name="resource_ids" value=(id)
                                    id=(format!("resource-{id}")) disabled[c.refusal.is_some()]
                                    checked[picked.contains(&id.as_str())]; }
                                td { label for=(format!("resource-{id}")) { code { (c.code.as_str()) } } }
                                td { (c.name) }
                                td { (choices::label(&c.grade.level)) }
                                td { @if let Some(r) = &c.refusal { span.refusal { (r) } }
                                     @else { (c.condition.as_deref().unwrap_or("")) } }
                            }
                        }
                    }
                }
            }
            (date("term_start", "运营期限起"))
            @if let Some((name, years)) = &term_limit {
                p.hint #term-limit { (name) "规定运营期限最长 " (years) " 年（规则3），起止日都计入期限。" }
            }
            (date("term_end", "运营期限止"))
            (area("planned_products", "拟提供的产品和服务（每行一项）"))
            (text("platform", "运营平台", ""))
            (date("plan_approved_on", "实施方案批准日（可空，默认公告日）"))
            h2 { "公告内容（C 8.1）" }
            (choices::select("announcement.selection_method", "选择方式", &SelectionMethod::ALL, fields.get("announcement.selection_method")))
            (area("announcement.application_conditions", "申报条件"))
            (area("announcement.review_process", "评审流程"))
            (area("announcement.review_criteria", "评审标准"))
            (date("announcement.applications_close_on", "申报截止日"))
            (text("announcement.special_qualification", "特定资质要求（C 7.2 g，可空）", "如测绘资质；填写后申请人须声明具备。"))
            button type="submit" { "发布公告" }
        }
    };
    with_status(
        workbench_page("发布授权运营公告", s, org.as_ref(), body),
        error,
    )
}

fn plan_from(s: &SignedIn, f: &FormFields) -> Result<NewAuthorization, CatalogError> {
    let resource_ids = f
        .all("resource_ids")
        .iter()
        .map(|id| id.parse::<Uuid>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| CatalogError::invalid("resource_ids", "请从列表中选择数据资源"))?;
    Ok(NewAuthorization {
        plan_name: f.get("plan_name").to_string(),
        implementing_body_id: s.person.org_id,
        mode: choices::parse("mode", f.get("mode"))?,
        operator_type: choices::parse("operator_type", f.get("operator_type"))?,
        scope_description: f.get("scope_description").to_string(),
        resource_ids,
        term_start: f.date("term_start")?,
        term_end: f.date("term_end")?,
        planned_products: f.lines("planned_products"),
        platform: f.get("platform").to_string(),
        plan_approved_on: f.optional_date("plan_approved_on")?,
        announcement: Some(Announcement {
            selection_method: choices::parse(
                "announcement.selection_method",
                f.get("announcement.selection_method"),
            )?,
            application_conditions: f.get("announcement.application_conditions").to_string(),
            review_process: f.get("announcement.review_process").to_string(),
            review_criteria: f.get("announcement.review_criteria").to_string(),
            applications_close_on: f.date("announcement.applications_close_on")?,
            special_qualification: f.optional("announcement.special_qualification"),
        }),
    })
}

pub async fn announce(State(state): State<AppState>, Session(s): Session, body: Bytes) -> Response {
    let fields = FormFields::parse(&body);
    if let Some(refused) = check_csrf(&s, fields.get("csrf")) {
        return refused;
    }
    let done = match plan_from(&s, &fields) {
        Ok(plan) => state.catalog.announce_authorization(&s.actor(), plan).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(a) => Redirect::to(&format!("{PATH}/{}", a.id)).into_response(),
        Err(e) => announce_page(&state, &s, &fields, Some(&FormError::from(e))).await,
    }
}

pub async fn detail(
    State(state): State<AppState>,
    Session(s): Session,
    EntityId(id): EntityId,
) -> Response {
    detail_page(&state, &s, id, None).await
}

async fn detail_page(
    state: &AppState,
    s: &SignedIn,
    id: Uuid,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let v = match state.catalog.authorization_view_as(&s.actor(), id).await {
        Ok(v) => v,
        Err(e) => return refused_page(state, s, TITLE, e).await,
    };
    let a = &v.authorization;
    let mut applicants = Vec::new();
    for x in &a.applications {
        let name = state.catalog.organization(x.operator_id).await.ok();
        applicants.push((
            x,
            name.map_or_else(|| x.operator_id.to_string(), |o| o.value.name),
        ));
    }
    let operator = match a.operator_id {
        Some(id) => state
            .catalog
            .organization(id)
            .await
            .ok()
            .map(|o| o.value.name),
        None => None,
    };
    let body = html! {
        p { a href=(PATH) { "← " (TITLE) } }
        h1 { (a.plan.plan_name) }
        @if let Some(e) = error { (e.summary()) }
        dl.fields {
            dt { "状态" } dd #status { (a.status.label()) }
            dt { "辖区" } dd { (a.jurisdiction.full_name()) }
            dt { "授权模式" } dd { (choices::label(&a.plan.mode)) }
            dt { "运营机构类型" } dd { (choices::label(&a.plan.operator_type)) }
            dt { "运营期限" } dd #term { (a.plan.term_start) " 至 " (a.plan.term_end) }
            dt { "运营平台" } dd { (a.plan.platform) }
            @if let Some(name) = &operator { dt { "运营机构" } dd #operator { (name) } }
            @if let (Some(start), Some(end)) = (a.publicity_start, a.publicity_end) {
                dt { "选定结果公示期" } dd #publicity { (start) " 至 " (end) }
            }
            @if let Some(on) = a.signed_on { dt { "签约日" } dd #signed { (on) } }
            @if let Some(on) = a.activated_on { dt { "启动运营日" } dd #activated { (on) } }
            @if let Some(t) = &a.termination {
                dt { "终止" } dd #termination { (t.on) "，" (choices::label(&t.reason)) "：" (t.detail) }
            }
        }
        @if let Some(x) = &a.plan.announcement {
            section #announcement {
                h2 { "公告" }
                dl.fields {
                    dt { "选择方式" } dd { (choices::label(&x.selection_method)) }
                    dt { "申报条件" } dd { (x.application_conditions) }
                    dt { "评审流程" } dd { (x.review_process) }
                    dt { "评审标准" } dd { (x.review_criteria) }
                    dt { "申报截止日" } dd #closes { (x.applications_close_on) }
                    @if let Some(q) = &x.special_qualification { dt { "特定资质" } dd { (q) } }
                }
            }
        }
        section #scope {
            h2 { "授权范围（" (a.scope.len()) " 项）" }
            p.muted { (a.plan.scope_description) }
            table {
                thead { tr {
                    th scope="col" { "资源代码" } th scope="col" { "名称" } th scope="col" { "分级" }
                    th scope="col" { "使用条件" } th scope="col" { "不予提供的数据项" }
                } }
                tbody {
                    @for l in &a.scope {
                        tr {
                            td { code { (l.code.as_str()) } }
                            td { (l.name) }
                            td { (choices::label(&l.grade.level)) }
                            td { (l.condition.as_deref().unwrap_or(""))
                                 @for r in &l.restrictions { br; (r) } }
                            td { (l.withheld_items.join("、")) }
                        }
                    }
                }
            }
        }
        @if let Some(own) = &v.own_application {
            section #own-application {
                h2 { "本机构的申请" }
                p { (own.applied_on) " 提交；声明："
                    (own.application.declarations.iter().map(|q| q.label()).collect::<Vec<_>>().join("；")) }
                p.muted { "材料：" (own.application.materials.join("；")) }
            }
        }
        @if !applicants.is_empty() {
            section #applicants {
                h2 { "申请人（" (applicants.len()) "）" }
                table {
                    thead { tr {
                        th scope="col" { "运营机构" } th scope="col" { "申请日" }
                        th scope="col" { "声明满足的条件" } th scope="col" { "材料" } th scope="col" { "" }
                    } }
                    tbody {
                        @for (x, name) in &applicants {
                            tr {
                                td { (name) }
                                td { (x.applied_on) }
                                td { (x.application.declarations.len()) " 项" }
                                td { (x.application.materials.join("；")) }
                                td { @if v.implementing && a.status == AuthorizationStatus::Applied {
                                    form.inline method="post" action=(format!("{PATH}/{}", a.id)) {
                                        (csrf_field(s))
                                        input type="hidden" name="operator_id" value=(x.operator_id);
                                        button type="submit" name="action" value="select" { "选定" }
                                    }
                                } }
                            }
                        }
                    }
                }
            }
        }
        (objections(s, &v))
        (operator_steps(s, &v, error))
        (body_steps(s, &v))
        @if !a.agreements.is_empty() {
            section #agreements {
                h2 { "协议" }
                table {
                    thead { tr {
                        th scope="col" { "版本" } th scope="col" { "事由" } th scope="col" { "协议编号" }
                        th scope="col" { "签订日" } th scope="col" { "期限" } th scope="col" { "签署文本" }
                    } }
                    tbody {
                        @for g in &a.agreements {
                            tr {
                                td { (g.version) } td { (g.change.label()) } td { (g.terms.number) }
                                td { (g.signed_on) } td { (g.term_start) " 至 " (g.term_end) }
                                td { (g.terms.document.name) br; code.hash { (g.terms.document.sha256) } }
                            }
                        }
                    }
                }
            }
        }
        section #history {
            h2 { "办理记录" }
            table {
                thead { tr { th scope="col" { "时间" } th scope="col" { "状态" } th scope="col" { "说明" } } }
                tbody {
                    @for h in &a.history {
                        tr { td { (beijing(&h.at)) } td { (h.status.label()) }
                             td { (h.note.as_deref().unwrap_or("")) } }
                    }
                }
            }
        }
    };
    with_status(
        workbench_page(&a.plan.plan_name, s, org.as_ref(), body),
        error,
    )
}

/// Objections to the selection: their outcome to every reader, the decision form to the body.
fn objections(s: &SignedIn, v: &AuthorizationView) -> Markup {
    let a = &v.authorization;
    html! {
        @if !a.objections.is_empty() {
            section #objections {
                h2 { "对选定结果的异议" }
                @for o in &a.objections {
                    article.objection {
                        p { (o.filed_on) "：" (o.grounds) }
                        @if o.status == ObjectionStatus::Pending && v.implementing {
                            (decision_form(s, &format!("{PATH}/{}", a.id), ("objection", o.id), "复核意见", &[
                                ("dismiss-objection", "异议不成立，恢复公示"),
                                ("uphold-objection", "异议成立，撤销选定结果"),
                            ]))
                        } @else {
                            p.decision { (o.status.label()) @if let Some(d) = &o.decision { "：" (d) } }
                        }
                    }
                }
            }
        }
    }
}

/// An operator's application form, while the announcement takes applications.
fn operator_steps(s: &SignedIn, v: &AuthorizationView, error: Option<&FormError>) -> Markup {
    let a = &v.authorization;
    let open = matches!(
        a.status,
        AuthorizationStatus::Announced | AuthorizationStatus::Applied
    );
    if s.role != Role::Operator || !open || v.own_application.is_some() {
        return html! {};
    }
    let special = a
        .plan
        .announcement
        .as_ref()
        .and_then(|x| x.special_qualification.as_ref())
        .map(|_| Qualification::SpecialQualification);
    html! {
        section #apply {
            h2 { "申请成为运营机构（C 8.2）" }
            form.stack method="post" action=(format!("{PATH}/{}", a.id)) {
                (csrf_field(s))
                fieldset {
                    legend { "本机构声明满足的条件（C 7.2）" }
                    @for q in Qualification::REQUIRED.into_iter().chain(special) {
                        @let id = format!("declare-{}", choices::label(&q));
                        div.check {
                            input type="checkbox" id=(id) name="declarations" value=(choices::label(&q));
                            label for=(id) { (q.label()) }
                        }
                    }
                }
                label for="materials" { "书面申请与支持材料（每行一项）" }
                textarea id="materials" name="materials" rows="3" {}
                @if let Some(m) = error.and_then(|e| e.at("materials")) { (m) }
                button type="submit" name="action" value="apply" { "提交申请" }
            }
        }
    }
}

/// The implementing body's next steps in the authorization's state.
fn body_steps(s: &SignedIn, v: &AuthorizationView) -> Markup {
    let a = &v.authorization;
    if !v.implementing {
        return html! {};
    }
    let post = format!("{PATH}/{}", a.id);
    let button = |action: &str, text: &str| {
        html! {
            form.stack.step method="post" action=(post) {
                (csrf_field(s))
                button type="submit" name="action" value=(action) { (text) }
            }
        }
    };
    html! {
        section #steps {
            h2 { "办理" }
            @match a.status {
                AuthorizationStatus::Selected => { (button("publicize", "公示选定结果（自今日起）")) }
                AuthorizationStatus::Publicized => { (sign_form(s, a)) }
                AuthorizationStatus::Signed => { (button("activate", "启动运营（自今日起）")) }
                _ => {}
            }
            @if !a.status.is_final() {
                form.stack.step method="post" action=(post) {
                    (csrf_field(s))
                    (choices::select("reason", "终止情形（C 8.6）", &TerminationReason::ALL, ""))
                    label for="detail" { "终止说明" }
                    textarea id="detail" name="detail" rows="2" {}
                    button.danger type="submit" name="action" value="terminate" { "终止授权" }
                }
            }
        }
    }
}

/// The agreement (N 14): its number, the terms the article requires and the signed document,
/// whose SHA-256 the service computes from the upload.
fn sign_form(s: &SignedIn, a: &Authorization) -> Markup {
    html! {
        form.stack.sign method="post" enctype="multipart/form-data"
            action=(format!("{PATH}/{}/sign", a.id)) {
            (csrf_field(s))
            h3 { "签订授权运营协议" }
            @if let Some(end) = a.publicity_end { p.muted { "公示期至 " (end) " 结束，期满后方可签订。" } }
            label for="number" { "协议编号" }
            input id="number" name="number" type="text";
            @for (name, text) in TERMS {
                label for=(name) { (text) }
                textarea id=(name) name=(name) rows="2" {}
            }
            label for="document" { "签署的协议文本" }
            input id="document" name="document" type="file";
            button type="submit" { "签订协议" }
        }
    }
}

/// One step (POST → 303 → GET; the catalog's refusal back in the page).
pub async fn act(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (f, id) = match form_about(&s, &id, &body).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let (c, actor, today) = (&state.catalog, s.actor(), state.clock.today());
    let done = match f.get("action") {
        "apply" => {
            let application = f
                .all("declarations")
                .iter()
                .map(|d| choices::parse::<Qualification>("declarations", d))
                .collect::<Result<Vec<_>, _>>()
                .map(|declarations| OperatorApplication {
                    declarations,
                    materials: f.lines("materials"),
                });
            match application {
                Ok(app) => c
                    .apply_for_authorization(&actor, id, s.person.org_id, app, today)
                    .await
                    .map(drop),
                Err(e) => Err(e),
            }
        }
        "select" => match f.get("operator_id").parse::<Uuid>() {
            Ok(op) => c.select_operator(&actor, id, op, None).await.map(drop),
            Err(_) => Err(CatalogError::invalid("operator_id", "请选择申请人")),
        },
        "publicize" => c
            .publicize_selection(&actor, id, today, None)
            .await
            .map(drop),
        "activate" => c
            .activate_authorization(&actor, id, today, None)
            .await
            .map(drop),
        "terminate" => match choices::parse::<TerminationReason>("reason", f.get("reason")) {
            Ok(reason) => {
                let t = NewTermination {
                    reason,
                    detail: f.get("detail").to_string(),
                };
                c.terminate_authorization(&actor, id, t, today, None)
                    .await
                    .map(drop)
            }
            Err(e) => Err(e),
        },
        action @ ("dismiss-objection" | "uphold-objection") => {
            match f.get("objection").parse::<Uuid>() {
                Ok(objection_id) => {
                    let decision = ObjectionDecision {
                        objection_id,
                        upheld: action == "uphold-objection",
                        decision: f.get("text").to_string(),
                    };
                    c.decide_selection_objection(&actor, id, decision, today, None)
                        .await
                        .map(drop)
                }
                Err(_) => Err(CatalogError::invalid("objection", "缺少办理对象")),
            }
        }
        _ => Err(CatalogError::invalid("action", "未知的操作")),
    };
    match done {
        Ok(()) => Redirect::to(&format!("{PATH}/{id}")).into_response(),
        Err(e) => detail_page(&state, &s, id, Some(&FormError::from(e))).await,
    }
}

/// Signing: a multipart form, `csrf` first, the document hashed as it streams in.
pub async fn sign(
    State(state): State<AppState>,
    Session(s): Session,
    EntityId(id): EntityId,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let (fields, file) = match upload::read(&s, form, "document", None).await {
        Ok(u) => (u.fields, u.file),
        Err(UploadRefusal::Csrf(r)) => return r,
        Err(UploadRefusal::Form(e)) => return detail_page(&state, &s, id, Some(&e)).await,
    };
    let Some(file) = file else {
        let e = FormError {
            field: Some("document".to_string()),
            ..FormError::message("请上传签署的协议文本")
        };
        return detail_page(&state, &s, id, Some(&e)).await;
    };
    let terms = AgreementTerms {
        number: fields.get("number").to_string(),
        products_and_standards: fields.get("products_and_standards").to_string(),
        asset_ownership: fields.get("asset_ownership").to_string(),
        disclosure_duties: fields.get("disclosure_duties").to_string(),
        accounting_and_revenue: fields.get("accounting_and_revenue").to_string(),
        security_duties: fields.get("security_duties").to_string(),
        evaluation_and_exit: fields.get("evaluation_and_exit").to_string(),
        liability: fields.get("liability").to_string(),
        dispute_resolution: fields.get("dispute_resolution").to_string(),
        change_and_termination: fields.get("change_and_termination").to_string(),
        other_matters: fields.optional("other_matters"),
        document: DocumentRef {
            name: file.name,
            sha256: file.sha256,
        },
    };
    let today = state.clock.today();
    match state
        .catalog
        .sign_agreement(&s.actor(), id, today, terms, None)
        .await
    {
        Ok(_) => Redirect::to(&format!("{PATH}/{id}")).into_response(),
        Err(e) => detail_page(&state, &s, id, Some(&FormError::from(e))).await,
    }
}
