//! 数据质量反馈 (C 10.6; SD 8) in the workbench: the administration checks what operators
//! report about its region's resources and refers what is true and reasonable to the provider
//! (or dismisses it with the reason); the provider answers by the due day; the reporter closes or
//! follows up. Each step is the catalog call its `/api/v1/feedback…` route makes.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::feedback::{FeedbackStatus, QualityFeedback};
use catalog::store::RecordFilter;
use catalog::{Role, SignedIn};
use maud::html;
use uuid::Uuid;

use super::pages::{FormError, respond, workbench_page};
use super::session::org_of;
use super::session::{Session, csrf_field, form_about};
use crate::portal::layout::beijing;
use crate::state::AppState;

const PATH: &str = "/workbench/feedback";

/// The feedback the person takes part in, newest first, with the form for the step that waits on
/// them under each item. `error` is a step the catalog refused, by item.
async fn page(state: &AppState, s: &SignedIn, error: Option<(Uuid, &FormError)>) -> Response {
    let org = org_of(state, s).await;
    let items = match state
        .catalog
        .feedback_as(&s.actor(), RecordFilter::default())
        .await
    {
        Ok(mut items) => {
            items.sort_by_key(|f| std::cmp::Reverse(f.created_at));
            items
        }
        Err(e) => {
            let e = FormError::from(e);
            return respond(
                e.status,
                workbench_page(
                    "数据质量反馈",
                    s,
                    org.as_ref(),
                    html! { h1 { "数据质量反馈" } (e.summary()) },
                ),
            );
        }
    };
    let mut named = Vec::with_capacity(items.len());
    for f in &items {
        let resource = state
            .catalog
            .resource_as(&s.actor(), f.resource_id)
            .await
            .map(|r| r.value.content.name)
            .unwrap_or_else(|_| f.resource_id.to_string());
        let reporter = state
            .catalog
            .organization(f.reporter_id)
            .await
            .map(|o| o.value.name)
            .unwrap_or_else(|_| f.reporter_id.to_string());
        named.push((f, resource, reporter));
    }
    let today = state.clock.today();
    let waiting = items.iter().filter(|f| next_step(s, f).is_some()).count();
    let markup = workbench_page(
        "数据质量反馈",
        s,
        org.as_ref(),
        html! {
            h1 { "数据质量反馈" }
            p.muted { "运营机构发现公共数据质量问题向实施机构反馈；实施机构核实属实且需求合理的，转数源单位在期限内答复整改（C 10.6；SD 8）。" }
            @if let Some((_, e)) = error { (e.summary()) }
            @if named.is_empty() {
                p.muted { "暂无数据质量反馈。" }
            } @else {
                p { "共 " (named.len()) " 条，待您办理 " (waiting) " 条。" }
                @for (f, resource, reporter) in &named {
                    section.feedback id=(format!("feedback-{}", f.id)) {
                        h2 { (resource) "：" (f.dimension.label()) }
                        dl.fields {
                            dt { "状态" } dd.status { (f.status.label()) }
                            dt { "反馈方" } dd { (reporter) }
                            dt { "反馈时间" } dd { (beijing(&f.created_at)) }
                            dt { "问题描述" } dd { (f.description) }
                            @if let Some(v) = &f.verdict {
                                dt { "实施机构核实" }
                                dd.verdict {
                                    (if v.substantiated { "属实，已转数源单位" } else { "不予转办" })
                                    "（" (beijing(&v.at)) "）：" (v.text)
                                }
                            }
                            @if let Some(due) = f.answer_due.filter(|_| f.status == FeedbackStatus::Referred) {
                                dt { "答复期限" }
                                dd.due.overdue[f.is_overdue(today)] {
                                    (due)
                                    @if f.is_overdue(today) { "（已逾期）" }
                                }
                            }
                        }
                        @if !f.messages.is_empty() {
                            ol.messages {
                                @for m in &f.messages {
                                    li {
                                        (if m.by == f.provider_id { "数源单位" } else { "反馈方" })
                                        "（" (beijing(&m.at)) "）：" (m.text)
                                    }
                                }
                            }
                        }
                        @if let Some(step) = next_step(s, f) {
                            @let field = format!("text-{}", f.id);
                            form.stack method="post" action=(format!("{PATH}/{}", f.id)) {
                                (csrf_field(s))
                                label for=(field) { (step.label) }
                                textarea id=(field) name="text" rows="3" {}
                                @if let Some((_, e)) = error.filter(|(id, _)| *id == f.id) {
                                    p.field-error { (e.message) }
                                }
                                div.actions {
                                    @for (action, text) in step.actions {
                                        button type="submit" name="action" value=(action) { (text) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    );
    match error {
        Some((_, e)) => respond(e.status, markup),
        None => markup.into_response(),
    }
}

/// The step an item waits for from this person, if any: what the text box is for and the
/// buttons (form `action` value, label).
struct Step {
    label: &'static str,
    actions: &'static [(&'static str, &'static str)],
}

fn next_step(s: &SignedIn, f: &QualityFeedback) -> Option<Step> {
    let own = |org| s.person.org_id == org;
    match (s.role, f.status) {
        (Role::DataAdmin, FeedbackStatus::Open) => Some(Step {
            label: "核实意见",
            actions: &[("refer", "属实，转数源单位"), ("dismiss", "不予转办")],
        }),
        (Role::Provider, FeedbackStatus::Referred) if own(f.provider_id) => Some(Step {
            label: "答复",
            actions: &[("answer", "提交答复")],
        }),
        (Role::Operator | Role::Developer, FeedbackStatus::Answered) if own(f.reporter_id) => {
            Some(Step {
                label: "确认或追问",
                actions: &[("close", "问题已解决，关闭"), ("reopen", "未解决，追问")],
            })
        }
        _ => None,
    }
}

pub async fn list(State(state): State<AppState>, Session(s): Session) -> Response {
    page(&state, &s, None).await
}

/// One step on one item (POST → 303 → GET; the catalog's refusal in the page).
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
    let (c, actor, today, text) = (
        &state.catalog,
        s.actor(),
        state.clock.today(),
        fields.get("text"),
    );
    let done = match fields.get("action") {
        "refer" => c.verify_feedback(&actor, id, true, text, today, None).await,
        "dismiss" => {
            c.verify_feedback(&actor, id, false, text, today, None)
                .await
        }
        "answer" => c.answer_feedback(&actor, id, text, None).await,
        "close" => {
            c.conclude_feedback(&actor, id, true, text, today, None)
                .await
        }
        "reopen" => {
            c.conclude_feedback(&actor, id, false, text, today, None)
                .await
        }
        _ => Err(catalog::CatalogError::invalid("action", "未知的操作")),
    };
    match done {
        Ok(_) => Redirect::to(&format!("{PATH}#feedback-{id}")).into_response(),
        Err(e) => page(&state, &s, Some((id, &FormError::from(e)))).await,
    }
}
