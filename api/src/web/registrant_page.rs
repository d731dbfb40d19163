//! 我的登记 in the workbench (R 9–15): a registrant (an operator for its products; a holder for
//! its resources) sees every application in every state — what to supply for 补正, why one was
//! not accepted, the publicity dates, objections and their outcome (never the objectors), the
//! query code and validity — and files 补正, withdraws, applies for renewal in the window or for
//! cancellation. Every step is the catalog call the `/api/v1/registrant/…` and
//! `/api/v1/registrations/…` routes make.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::amendment::{CancellationGround, CancellationRequest};
use catalog::domain::registration::{Registration, RegistrationStatus, RegistrationSubject};
use catalog::{CatalogError, SignedIn};
use maud::{Markup, html};
use uuid::Uuid;

use super::pages::{FormError, FormFields, respond, workbench_page};
use super::registration_parts::{history, materials_from, materials_inputs};
use super::session::org_of;
use super::session::{Session, csrf_field, form_about};
use crate::state::AppState;

const PATH: &str = "/workbench/my-registrations";

/// What the registrant is waiting for, or must do, in a few words.
fn next_for_registrant(r: &Registration) -> String {
    match r.status {
        RegistrationStatus::Submitted => format!("待登记机构受理（{} 前）", r.acceptance_due),
        RegistrationStatus::SupplementRequested => "请按告知补正材料".to_string(),
        RegistrationStatus::Accepted => r.review_due.map_or("形式审查中".to_string(), |d| {
            format!("形式审查中（{d} 前）")
        }),
        RegistrationStatus::Publicized => match (r.publicity_start, r.publicity_end) {
            (Some(a), Some(b)) => format!("公示中：{a} 至 {b}"),
            _ => "公示中".to_string(),
        },
        RegistrationStatus::UnderObjection => "异议复核中，公示暂停".to_string(),
        RegistrationStatus::Coded => match (&r.query_code, r.valid_to) {
            (Some(code), Some(to)) => format!("{}，有效期至 {to}", code.as_str()),
            _ => "已赋码".to_string(),
        },
        _ => r.end_reason.clone().unwrap_or_default(),
    }
}

pub async fn list(State(state): State<AppState>, Session(s): Session) -> Response {
    let org = org_of(&state, &s).await;
    let mut items = match state
        .catalog
        .own_registrations(&s.actor(), Vec::new(), None, 1000)
        .await
    {
        Ok(items) => items,
        Err(e) => {
            let e = FormError::from(e);
            let body = html! { h1 { "我的登记" } (e.summary()) };
            return respond(e.status, workbench_page("我的登记", &s, org.as_ref(), body));
        }
    };
    items.sort_by_key(|r| std::cmp::Reverse(r.updated_at));
    workbench_page(
        "我的登记",
        &s,
        org.as_ref(),
        html! {
            h1 { "我的登记" }
            p.muted { "本机构提交的登记申请及其结果。" }
            @if items.is_empty() {
                p.muted { "本机构尚无登记申请。" }
            } @else {
                table #registrations {
                    thead { tr {
                        th scope="col" { "登记对象" }
                        th scope="col" { "类型" }
                        th scope="col" { "状态" }
                        th scope="col" { "进展" }
                    } }
                    tbody {
                        @for r in &items {
                            tr.overdue[r.status == RegistrationStatus::SupplementRequested] {
                                td { a href=(format!("{PATH}/{}", r.id)) { (r.subject_name) } }
                                td { (r.kind.label()) }
                                td.status { (r.status.label()) }
                                td { (next_for_registrant(r)) }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

/// One application, as its registrant sees it, with what it may do now.
async fn detail_page(
    state: &AppState,
    s: &SignedIn,
    id: Uuid,
    fields: Option<&FormFields>,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let r = match state.catalog.own_registration(&s.actor(), id).await {
        Ok(r) => r.value,
        Err(e) => {
            let e = FormError::from(e);
            let body = html! { h1 { "我的登记" } (e.summary()) };
            return respond(e.status, workbench_page("我的登记", s, org.as_ref(), body));
        }
    };
    let title = format!("{}：{}", r.kind.label(), r.subject_name);
    let markup = workbench_page(
        &title,
        s,
        org.as_ref(),
        html! {
            p { a href=(PATH) { "← 我的登记" } }
            h1 { (title) }
            @if let Some(e) = error { (e.summary()) }
            dl.fields {
                dt { "状态" } dd #status { (r.status.label()) }
                dt { "进展" } dd #progress { (next_for_registrant(&r)) }
                dt { "申请日" } dd { (r.submitted_on) }
                @if let Some(on) = r.accepted_on { dt { "受理日" } dd { (on) } }
                @if let (Some(a), Some(b)) = (r.publicity_start, r.publicity_end) {
                    dt { "公示期" } dd #publicity { (a) " 至 " (b) }
                }
                @if let Some(code) = &r.query_code {
                    dt { "登记结果查询码" } dd #code { code { (code.as_str()) } }
                }
                @if let (Some(from), Some(to)) = (r.valid_from, r.valid_to) {
                    dt { "有效期" } dd #validity { (from) " 至 " (to) }
                }
                @if let Some(on) = r.renewal_applied_on { dt { "已申请续展" } dd { (on) } }
                @if let Some(reason) = &r.end_reason { dt { "原因" } dd #reason { (reason) } }
            }
            @if r.status == RegistrationStatus::SupplementRequested {
                section #supplement {
                    h2 { "需补正的材料" }
                    ul { @for item in &r.supplement_items { li { (item) } } }
                    (materials_form(s, &r, fields, error))
                }
            }
            @if !r.objections.is_empty() {
                section #objections {
                    h2 { "公示期间的异议" }
                    @for o in &r.objections {
                        article.objection {
                            p { (o.filed_on) "：" (o.grounds) }
                            p.status { (o.status.label())
                                @if let Some(d) = &o.decision { "：" (d) } }
                        }
                    }
                }
            }
            (actions(s, &r))
            (history(&r))
        },
    );
    match error {
        Some(e) => respond(e.status, markup),
        None => markup.into_response(),
    }
}

/// The R 9 (一) materials, prefilled from the application (or from a post that came back).
fn materials_form(
    s: &SignedIn,
    r: &Registration,
    fields: Option<&FormFields>,
    error: Option<&FormError>,
) -> Markup {
    let product = matches!(r.subject, RegistrationSubject::Product { .. });
    html! {
        form.stack method="post" action=(format!("{PATH}/{}", r.id)) {
            (csrf_field(s))
            (materials_inputs(Some(&r.materials), fields, product, error))
            button type="submit" name="action" value="resubmit" { "提交补正材料" }
        }
    }
}

/// What the registrant may do in the application's state.
fn actions(s: &SignedIn, r: &Registration) -> Markup {
    let post = format!("{PATH}/{}", r.id);
    html! {
        @if r.is_open() {
            section #withdraw {
                h2 { "撤回申请" }
                form.stack method="post" action=(post) {
                    (csrf_field(s))
                    label for="withdraw-reason" { "撤回原因" }
                    textarea id="withdraw-reason" name="reason" rows="2" {}
                    button type="submit" name="action" value="withdraw" { "撤回" }
                }
            }
        }
        @if r.status == RegistrationStatus::Coded {
            section #renewal {
                h2 { "续展（R 15）" }
                p.muted { "有效期届满前的续展窗口内可申请，由登记机构办理续期。" }
                form.stack method="post" action=(post) {
                    (csrf_field(s))
                    button type="submit" name="action" value="renewal" { "申请续展" }
                }
            }
            section #cancellation {
                h2 { "申请注销（R 9（四））" }
                form.stack method="post" action=(post) {
                    (csrf_field(s))
                    label for="ground" { "注销情形" }
                    select id="ground" name="ground" {
                        @for g in CancellationGround::ALL { option value=(g.label()) { (g.label()) } }
                    }
                    label for="detail" { "说明" }
                    textarea id="detail" name="detail" rows="2" {}
                    button type="submit" name="action" value="cancel" { "申请注销" }
                }
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
    detail_page(&state, &s, id, None, None).await
}

/// One step (POST → 303 → GET; the catalog's refusal, and the values typed, back in the page).
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
    let done = match fields.get("action") {
        "resubmit" => match materials_from(&fields) {
            Ok(m) => c
                .resubmit_registration(&actor, id, m, today, None)
                .await
                .map(|_| id),
            Err(e) => Err(e),
        },
        "withdraw" => c
            .withdraw_registration(&actor, id, fields.get("reason"), today, None)
            .await
            .map(|_| id),
        "renewal" => c
            .apply_for_registration_renewal(&actor, id, today)
            .await
            .map(|_| id),
        "cancel" => match CancellationGround::ALL
            .into_iter()
            .find(|g| g.label() == fields.get("ground"))
        {
            Some(ground) => {
                let request = CancellationRequest {
                    ground,
                    detail: fields.get("detail").to_string(),
                };
                c.apply_for_cancellation(&actor, id, request, today)
                    .await
                    .map(|application| application.id)
            }
            None => Err(CatalogError::invalid("ground", "请选择注销情形")),
        },
        _ => Err(CatalogError::invalid("action", "未知的操作")),
    };
    match done {
        Ok(shown) => Redirect::to(&format!("{PATH}/{shown}")).into_response(),
        Err(e) => detail_page(&state, &s, id, Some(&fields), Some(&FormError::from(e))).await,
    }
}
