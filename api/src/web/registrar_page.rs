//! 登记办理 in the workbench (R 9–20): the registrar's worklist of its region sorted by the next
//! working-day deadline, overdue in red, and one page per application with its materials, history
//! and objections, offering the steps its state allows. Every step is the catalog call the
//! `/api/v1/registrar/…` routes make; the catalog refuses what the rules do not allow and the
//! page shows why.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::correction::{CorrectionRequestStatus, CorrectionRuling};
use catalog::domain::registration::{
    ObjectionDecision, ObjectionStatus, Registration, RegistrationStatus, RegistrationSubject,
    RegistrationType, RevocationReason,
};
use catalog::store::RecordFilter;
use catalog::{CatalogError, SignedIn, Versioned};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::pages::{FormError, decision_form, respond, workbench_page};
use super::registration_parts::history;
use super::session::org_of;
use super::session::{Session, csrf_field, form_about};
use crate::state::AppState;

const PATH: &str = "/workbench/registrations";

/// The states a registrar filters the worklist by (the open ones first).
const STATES: [RegistrationStatus; 8] = [
    RegistrationStatus::Submitted,
    RegistrationStatus::SupplementRequested,
    RegistrationStatus::Accepted,
    RegistrationStatus::Publicized,
    RegistrationStatus::UnderObjection,
    RegistrationStatus::Coded,
    RegistrationStatus::Completed,
    RegistrationStatus::NotAccepted,
];

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    status: Option<String>,
}

fn status_param(s: RegistrationStatus) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn subject_kind(r: &Registration) -> &'static str {
    match r.subject {
        RegistrationSubject::Resource { .. } => "数据资源",
        RegistrationSubject::Product { .. } => "数据产品和服务",
    }
}

/// The worklist: open applications first, each by its next deadline.
pub async fn list(
    State(state): State<AppState>,
    Session(s): Session,
    Query(q): Query<ListQuery>,
) -> Response {
    let org = org_of(&state, &s).await;
    let chosen = q
        .status
        .as_deref()
        .and_then(|raw| STATES.into_iter().find(|st| status_param(*st) == raw));
    let filter = RecordFilter {
        statuses: chosen.map(status_param).into_iter().collect(),
        ..RecordFilter::default()
    };
    let today = state.clock.today();
    let mut items = match state.catalog.registrar_worklist(&s.actor(), filter).await {
        Ok(items) => items,
        Err(e) => {
            let e = FormError::from(e);
            let body = html! { h1 { "登记办理" } (e.summary()) };
            return respond(e.status, workbench_page("登记办理", &s, org.as_ref(), body));
        }
    };
    items.sort_by_key(|r| {
        (
            !r.is_open(),
            r.next_deadline().map_or(NaiveDate::MAX, |(_, d)| d),
        )
    });
    let overdue = items
        .iter()
        .filter(|r| !r.overdue(today).is_empty())
        .count();
    workbench_page(
        "登记办理",
        &s,
        org.as_ref(),
        html! {
            h1 { "登记办理" }
            p.muted { "本辖区的登记申请，按下一法定期限排序；期限按工作日计算，已逾期的以红色标出。" }
            form.filters method="get" action=(PATH) {
                label for="status" { "状态" }
                select id="status" name="status" {
                    option value="" { "全部" }
                    @for st in STATES {
                        option value=(status_param(st)) selected[chosen == Some(st)] { (st.label()) }
                    }
                }
                button type="submit" { "筛选" }
            }
            p #worklist-summary { "共 " (items.len()) " 件，已逾期 " (overdue) " 件。" }
            @if !items.is_empty() {
                table #worklist {
                    thead { tr {
                        th scope="col" { "登记对象" }
                        th scope="col" { "类型" }
                        th scope="col" { "状态" }
                        th scope="col" { "下一期限" }
                        th scope="col" { "申请日" }
                    } }
                    tbody {
                        @for r in &items {
                            @let late = !r.overdue(today).is_empty();
                            tr.overdue[late] {
                                td { a href=(format!("{PATH}/{}", r.id)) { (r.subject_name) } " " span.muted { (subject_kind(r)) } }
                                td { (r.kind.label()) }
                                td.status { (r.status.label()) }
                                td.due {
                                    @if let Some((what, day)) = r.next_deadline() {
                                        (what) " " (day)
                                        @if late { "（已逾期）" }
                                    } @else { "—" }
                                }
                                td { (r.submitted_on) }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

/// One application with the steps its state allows.
async fn detail_page(
    state: &AppState,
    s: &SignedIn,
    id: Uuid,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let found: Result<Versioned<Registration>, CatalogError> = state
        .catalog
        .registration_as_registrar(&s.actor(), id)
        .await;
    let r = match found {
        Ok(r) => r.value,
        Err(e) => {
            let e = FormError::from(e);
            let body = html! { h1 { "登记办理" } (e.summary()) };
            return respond(e.status, workbench_page("登记办理", s, org.as_ref(), body));
        }
    };
    let today = state.clock.today();
    let registrant = state
        .catalog
        .organization(r.registrant_id)
        .await
        .map(|o| o.value.name)
        .unwrap_or_else(|_| r.registrant_id.to_string());
    let late = r.overdue(today);
    let title = format!("{}：{}", r.kind.label(), r.subject_name);
    let markup = workbench_page(
        &title,
        s,
        org.as_ref(),
        html! {
            p { a href=(PATH) { "← 登记办理" } }
            h1 { (title) }
            @if let Some(e) = error { (e.summary()) }
            dl.fields {
                dt { "状态" } dd #status { (r.status.label()) }
                dt { "登记对象" } dd { (subject_kind(&r)) "：" (r.subject_name) }
                dt { "内容简介" } dd { (r.subject_summary) }
                dt { "登记主体" } dd { (registrant) }
                dt { "申请日" } dd { (r.submitted_on) }
                @if let Some((what, day)) = r.next_deadline() {
                    dt { "下一期限" }
                    dd #deadline.overdue[!late.is_empty()] {
                        (what) " " (day)
                        @if !late.is_empty() { "（已逾期）" }
                    }
                }
                @if let (Some(start), Some(end)) = (r.publicity_start, r.publicity_end) {
                    dt { "公示期" } dd #publicity { (start) " 至 " (end) }
                }
                @if let Some(code) = &r.query_code {
                    dt { "登记结果查询码" } dd #code { code { (code.as_str()) } }
                }
                @if let (Some(from), Some(to)) = (r.valid_from, r.valid_to) {
                    dt { "有效期" } dd { (from) " 至 " (to) }
                }
                @if !r.supplement_items.is_empty() {
                    dt { "补正事项" }
                    dd { ul { @for item in &r.supplement_items { li { (item) } } } }
                }
                @if let Some(c) = &r.cancellation {
                    dt { "注销情形" } dd { (c.ground.label()) "：" (c.detail) }
                }
            }
            section #materials {
                h2 { "申请材料" }
                dl.fields {
                    @for (name, value) in r.materials.labelled() {
                        dt { (name) } dd { (value) }
                    }
                }
            }
            @if !r.objections.is_empty() {
                section #objections {
                    h2 { "异议（" (r.objections.len()) " 件）" }
                    p.muted { "异议人身份不在此显示，登记机构经 /objectors 单独查阅。" }
                    @for o in &r.objections {
                        article.objection id=(format!("objection-{}", o.id)) {
                            p { "提出日 " (o.filed_on) "：" (o.grounds) }
                            @if !o.evidence.is_empty() {
                                p.muted { "证据：" (o.evidence.join("；")) }
                            }
                            @if o.status == ObjectionStatus::Pending {
                                (decision_form(s, &format!("{PATH}/{}", r.id), ("objection", o.id), "复核意见", &[
                                    ("dismiss-objection", "异议不成立，恢复公示"),
                                    ("uphold-objection", "异议成立，终止登记"),
                                ]))
                            } @else {
                                p.decision { "复核结论：" (o.decision.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
            @if !r.correction_requests.is_empty() {
                section #corrections {
                    h2 { "利害关系人的更正申请" }
                    @for c in &r.correction_requests {
                        article.correction id=(format!("correction-{}", c.id)) {
                            p { (c.filed_on) "：" (c.request.errors) }
                            p.muted { "依据：" (c.request.basis.label()) "；附件："
                                @for d in &c.request.documents { (d.name) " " } }
                            p.status { (c.status.label()) }
                            @if c.status == CorrectionRequestStatus::Pending {
                                (decision_form(s, &format!("{PATH}/{}", r.id), ("correction", c.id), "审查意见", &[
                                    ("correct", "予以更正"),
                                    ("refuse-correction", "不予更正"),
                                ]))
                            }
                        }
                    }
                }
            }
            (steps(s, &r))
            (history(&r))
        },
    );
    match error {
        Some(e) => respond(e.status, markup),
        None => markup.into_response(),
    }
}

/// The forms for what the application's state allows the registrar to do next.
fn steps(s: &SignedIn, r: &Registration) -> Markup {
    let form = |action: &str, label: &str, body: Markup| {
        html! {
            form.stack.step method="post" action=(format!("{PATH}/{}", r.id)) {
                (csrf_field(s))
                (body)
                button type="submit" name="action" value=(action) { (label) }
            }
        }
    };
    let amendment = r.kind != RegistrationType::Initial;
    html! {
        section #steps {
            h2 { "办理" }
            @match r.status {
                RegistrationStatus::Submitted => {
                    (form("accept", "受理", html! {}))
                    (form("supplement", "一次性告知补正", html! {
                        label for="items" { "需补正的材料（每行一项）" }
                        textarea id="items" name="items" rows="3" {}
                    }))
                    (form("refuse", "不予受理", html! {
                        label for="reason" { "不予受理的理由" }
                        textarea id="reason" name="reason" rows="2" {}
                    }))
                }
                RegistrationStatus::Accepted => {
                    @if r.kind == RegistrationType::Cancellation || r.kind == RegistrationType::Correction {
                        (form("complete", "办结", html! {}))
                    }
                    @if r.kind != RegistrationType::Cancellation {
                        (form("publicize", "形式审查通过，开始公示", html! {}))
                    }
                }
                RegistrationStatus::Publicized if amendment => {
                    (form("complete", "公示期满，办结", html! {}))
                }
                RegistrationStatus::Publicized => {
                    (form("code", "公示期满，赋码", html! {
                        label for="external_code" { "国家或省级平台的登记编码（如有）" }
                        input id="external_code" name="external_code" type="text";
                    }))
                }
                RegistrationStatus::Coded => {
                    (form("renew", "续期", html! {}))
                    (form("revoke", "撤销登记", html! {
                        label for="ground" { "撤销情形（R 20）" }
                        select id="ground" name="ground" {
                            @for g in RevocationReason::ALL { option value=(g.label()) { (g.label()) } }
                        }
                        label for="detail" { "事实与依据" }
                        textarea id="detail" name="detail" rows="2" {}
                    }))
                }
                _ => { p.muted { "当前状态下无需登记机构办理。" } }
            }
        }
    }
}

pub async fn detail(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return crate::portal::fallback().await;
    };
    detail_page(&state, &s, id, None).await
}

/// One step (POST → 303 → GET; the catalog's refusal in the page).
pub async fn act(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (fields, id) = match form_about(&s, &id, &body).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let (c, actor, today) = (&state.catalog, s.actor(), state.clock.today());
    let uuid_of = |name: &str| {
        fields
            .get(name)
            .parse::<Uuid>()
            .map_err(|_| CatalogError::invalid(name, "缺少办理对象"))
    };
    let done = match fields.get("action") {
        "accept" => c.accept_registration(&actor, id, today, None).await,
        "supplement" => {
            let items = fields
                .get("items")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            c.request_supplement(&actor, id, items, today, None).await
        }
        "refuse" => {
            c.refuse_registration(&actor, id, fields.get("reason"), today, None)
                .await
        }
        "publicize" => c.publicize_registration(&actor, id, today, None).await,
        "code" => {
            let external =
                Some(fields.get("external_code").trim().to_string()).filter(|v| !v.is_empty());
            c.issue_query_code(&actor, id, external, today, None).await
        }
        "complete" => {
            c.complete_registration_application(&actor, id, today, None)
                .await
        }
        "renew" => c.renew_registration(&actor, id, today, None).await,
        "revoke" => match RevocationReason::ALL
            .into_iter()
            .find(|g| g.label() == fields.get("ground"))
        {
            Some(ground) => {
                c.revoke_registration(&actor, id, ground, fields.get("detail"), today, None)
                    .await
            }
            None => Err(CatalogError::invalid("ground", "请选择撤销情形")),
        },
        action @ ("dismiss-objection" | "uphold-objection") => match uuid_of("objection") {
            Ok(objection_id) => {
                let decision = ObjectionDecision {
                    objection_id,
                    upheld: action == "uphold-objection",
                    decision: fields.get("text").to_string(),
                };
                c.decide_objection(&actor, id, decision, today, None).await
            }
            Err(e) => Err(e),
        },
        action @ ("correct" | "refuse-correction") => match uuid_of("correction") {
            Ok(request_id) => {
                let ruling = CorrectionRuling {
                    correct: action == "correct",
                    reason: fields.get("text").to_string(),
                };
                c.decide_correction(&actor, id, request_id, &ruling, today, None)
                    .await
            }
            Err(e) => Err(e),
        },
        _ => Err(CatalogError::invalid("action", "未知的操作")),
    };
    match done {
        // A completed application took effect on the registration it names: go there.
        Ok(v) if v.value.status == RegistrationStatus::Completed => {
            let target = v.value.amends.unwrap_or(id);
            Redirect::to(&format!("{PATH}/{target}")).into_response()
        }
        Ok(_) => Redirect::to(&format!("{PATH}/{id}")).into_response(),
        Err(e) => detail_page(&state, &s, id, Some(&FormError::from(e))).await,
    }
}
