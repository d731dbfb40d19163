//! 数据质量反馈 (C 10.6) in the workbench: a provider reads the quality feedback operators filed
//! about its resources and answers the open ones. Listing and answering are the catalog calls
//! `GET /api/v1/feedback` and `POST /api/v1/feedback/{id}/answer` make.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::feedback::{FeedbackStatus, QualityDimension, QualityFeedback};
use catalog::store::RecordFilter;
use catalog::{Role, SignedIn};
use maud::html;
use uuid::Uuid;

use super::pages::{FormError, FormFields, respond, workbench_page};
use super::session::{Session, check_csrf, csrf_field};
use super::workbench::org_of;
use crate::portal::layout::beijing;
use crate::state::AppState;

const PATH: &str = "/workbench/feedback";

fn status_label(s: FeedbackStatus) -> &'static str {
    match s {
        FeedbackStatus::Open => "待答复",
        FeedbackStatus::Answered => "已答复",
        FeedbackStatus::Closed => "已关闭",
    }
}

fn dimension_label(d: QualityDimension) -> &'static str {
    match d {
        QualityDimension::Accuracy => "准确性",
        QualityDimension::Completeness => "完整性",
        QualityDimension::Timeliness => "及时性",
        QualityDimension::Consistency => "一致性",
        QualityDimension::Availability => "可用性",
        QualityDimension::Other => "其他",
    }
}

/// The feedback the person takes part in, newest first; an answer form under each open item
/// about the provider's own resources. `error` is an answer the catalog refused, by item.
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
    let answerable = |f: &QualityFeedback| {
        s.role == Role::Provider
            && f.provider_id == s.person.org_id
            && f.status == FeedbackStatus::Open
    };
    let open = items
        .iter()
        .filter(|f| f.status == FeedbackStatus::Open)
        .count();
    let markup = workbench_page(
        "数据质量反馈",
        s,
        org.as_ref(),
        html! {
            h1 { "数据质量反馈" }
            @if let Some((_, e)) = error { (e.summary()) }
            @if named.is_empty() {
                p.muted { "暂无关于本单位资源的数据质量反馈。" }
            } @else {
                p { "共 " (named.len()) " 条，待答复 " (open) " 条。" }
                @for (f, resource, reporter) in &named {
                    section.feedback id=(format!("feedback-{}", f.id)) {
                        h2 { (resource) "：" (dimension_label(f.dimension)) }
                        dl.fields {
                            dt { "状态" } dd.status { (status_label(f.status)) }
                            dt { "反馈方" } dd { (reporter) }
                            dt { "反馈时间" } dd { (beijing(&f.created_at)) }
                            dt { "问题描述" } dd { (f.description) }
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
                        @if answerable(f) {
                            @let field = format!("answer-{}", f.id);
                            form.stack method="post" action=(format!("{PATH}/{}/answer", f.id)) {
                                (csrf_field(s))
                                label for=(field) { "答复" }
                                textarea id=(field) name="text" rows="3" {}
                                @if let Some((_, e)) = error.filter(|(id, _)| *id == f.id) {
                                    p.field-error { (e.message) }
                                }
                                button type="submit" { "提交答复" }
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

pub async fn list(State(state): State<AppState>, Session(s): Session) -> Response {
    page(&state, &s, None).await
}

/// The provider answers one open item (POST → 303 → GET; the catalog's refusal in the page).
pub async fn answer(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let fields = FormFields::parse(&body);
    if let Some(r) = check_csrf(&s, fields.get("csrf")) {
        return r;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return crate::portal::fallback().await;
    };
    match state
        .catalog
        .answer_feedback(&s.actor(), id, fields.get("text"), None)
        .await
    {
        Ok(_) => Redirect::to(&format!("{PATH}#feedback-{id}")).into_response(),
        Err(e) => page(&state, &s, Some((id, &FormError::from(e)))).await,
    }
}
