//! 数据需求 in the workbench (SD 17; GZ 19): an operator or developer asks for published
//! resources (named by their codes) for one scenario, with why each is the minimum necessary; the
//! data administration over the applicant's region approves until a day, or rejects, with its
//! opinion. Every step is the catalog call `/api/v1/demands…` makes.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::demand::{DemandApplication, DemandReview, DemandStatus, NewDemand};
use catalog::domain::resource_code::ResourceCode;
use catalog::store::RecordFilter;
use catalog::{CatalogError, PublicItem, Role, SignedIn};
use maud::html;
use uuid::Uuid;

use super::pages::{EntityId, FormError, FormFields, refused_page, with_status, workbench_page};
use super::session::org_of;
use super::session::{Session, check_csrf, csrf_field, form_about};
use crate::state::AppState;

pub const PATH: &str = "/workbench/demands";
const TITLE: &str = "数据需求";

pub async fn list(State(state): State<AppState>, Session(s): Session) -> Response {
    list_page(&state, &s, &FormFields(Vec::new()), None).await
}

async fn list_page(
    state: &AppState,
    s: &SignedIn,
    fields: &FormFields,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let demands = match state
        .catalog
        .demands_as(&s.actor(), RecordFilter::default())
        .await
    {
        Ok(d) => d,
        Err(e) => return refused_page(state, s, TITLE, e).await,
    };
    let applies = matches!(s.role, Role::Operator | Role::Developer);
    let area = |id: &str, label: &str| {
        html! {
            label for=(id) { (label) }
            textarea id=(id) name=(id) rows="3" { (fields.get(id)) }
            @if let Some(m) = error.and_then(|e| e.at(id)) { (m) }
        }
    };
    let body = html! {
        h1 { (TITLE) }
        @if let Some(e) = error { (e.summary()) }
        @if demands.is_empty() {
            p.muted { "暂无数据需求申请。" }
        } @else {
            table #demands {
                thead { tr {
                    th scope="col" { "场景" } th scope="col" { "资源数" }
                    th scope="col" { "状态" } th scope="col" { "提交时间" }
                } }
                tbody {
                    @for d in &demands {
                        tr.overdue[s.role == Role::DataAdmin && d.status == DemandStatus::Submitted] {
                            td { a href=(format!("{PATH}/{}", d.id)) { (d.request.scenario) } }
                            td.num { (d.request.resource_ids.len()) }
                            td.status { (d.status.label()) }
                            td { (crate::portal::layout::beijing(&d.created_at)) }
                        }
                    }
                }
            }
        }
        @if applies {
            section #file {
                h2 { "提出数据需求" }
                p.muted { "一个场景一份申请，只申请该场景必需的资源（最小必要）。" }
                form.stack method="post" action=(PATH) {
                    (csrf_field(s))
                    label for="scenario" { "适用场景" }
                    input id="scenario" name="scenario" type="text" value=(fields.get("scenario"));
                    @if let Some(m) = error.and_then(|e| e.at("scenario")) { (m) }
                    (area("scenario_description", "场景说明（做什么、为谁）"))
                    (area("resource_codes", "所需资源的资源代码（每行一个）"))
                    (area("justification", "最小必要说明"))
                    button type="submit" { "提交申请" }
                }
            }
        }
    };
    with_status(workbench_page(TITLE, s, org.as_ref(), body), error)
}

/// The published resources named by their codes (one per line), as ids.
async fn resources_of(state: &AppState, f: &FormFields) -> Result<Vec<Uuid>, CatalogError> {
    let mut ids = Vec::new();
    for (i, raw) in f.lines("resource_codes").iter().enumerate() {
        let unknown = || {
            CatalogError::invalid(
                "resource_codes",
                format!("第 {} 行“{raw}”不是已发布资源的资源代码", i + 1),
            )
        };
        let code: ResourceCode = raw.parse().map_err(|_| unknown())?;
        match state.catalog.public_catalog_entry_by_code(&code).await {
            Ok(entry) => match entry.item {
                PublicItem::Resource(r) => ids.push(r.id),
                PublicItem::Product(_) => return Err(unknown()),
            },
            Err(_) => return Err(unknown()),
        }
    }
    Ok(ids)
}

pub async fn file(State(state): State<AppState>, Session(s): Session, body: Bytes) -> Response {
    let f = FormFields::parse(&body);
    if let Some(refused) = check_csrf(&s, f.get("csrf")) {
        return refused;
    }
    let filed = match resources_of(&state, &f).await {
        Ok(resource_ids) => {
            let request = NewDemand {
                scenario: f.get("scenario").to_string(),
                scenario_description: f.get("scenario_description").to_string(),
                resource_ids,
                justification: f.get("justification").to_string(),
            };
            state.catalog.file_demand(&s.actor(), request).await
        }
        Err(e) => Err(e),
    };
    match filed {
        Ok(d) => Redirect::to(&format!("{PATH}/{}", d.id)).into_response(),
        // The catalog names resources by index; the form takes codes.
        Err(CatalogError::Invalid { field, message }) if field.starts_with("resource_ids") => {
            let e = CatalogError::invalid("resource_codes", message);
            list_page(&state, &s, &f, Some(&FormError::from(e))).await
        }
        Err(e) => list_page(&state, &s, &f, Some(&FormError::from(e))).await,
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
    let d: DemandApplication = match state.catalog.demand_as(&s.actor(), id).await {
        Ok(d) => d.value,
        Err(e) => return refused_page(state, s, TITLE, e).await,
    };
    let applicant = state
        .catalog
        .organization(d.applicant_id)
        .await
        .map_or_else(|_| d.applicant_id.to_string(), |o| o.value.name);
    let mut resources = Vec::new();
    for rid in &d.request.resource_ids {
        let r = state.catalog.resource(*rid).await.ok();
        resources.push(r.map_or_else(
            || rid.to_string(),
            |r| format!("{} {}", r.value.code.as_str(), r.value.content.name),
        ));
    }
    let body = html! {
        p { a href=(PATH) { "← " (TITLE) } }
        h1 { (d.request.scenario) }
        @if let Some(e) = error { (e.summary()) }
        dl.fields {
            dt { "状态" } dd #status { (d.status.label()) }
            dt { "申请机构" } dd { (applicant) }
            dt { "场景说明" } dd { (d.request.scenario_description) }
            dt { "最小必要说明" } dd { (d.request.justification) }
            @if let Some(r) = &d.review {
                dt { "审核意见" } dd #opinion { (r.opinion) }
                @if let Some(until) = r.valid_until { dt { "有效期至" } dd #valid-until { (until) } }
            }
        }
        section #resources {
            h2 { "申请的资源" }
            ul { @for r in &resources { li { (r) } } }
        }
        @if s.role == Role::DataAdmin && d.status == DemandStatus::Submitted {
            section #review {
                h2 { "审核" }
                form.stack method="post" action=(format!("{PATH}/{}", d.id)) {
                    (csrf_field(s))
                    label for="opinion" { "审核意见" }
                    textarea id="opinion" name="opinion" rows="2" {}
                    @if let Some(m) = error.and_then(|e| e.at("opinion")) { (m) }
                    label for="valid_until" { "通过时：可获取资源至" }
                    input id="valid_until" name="valid_until" type="date";
                    @if let Some(m) = error.and_then(|e| e.at("valid_until")) { (m) }
                    div.actions {
                        button type="submit" name="action" value="approve" { "通过" }
                        button type="submit" name="action" value="reject" { "不予通过" }
                    }
                }
            }
        }
    };
    with_status(
        workbench_page(&d.request.scenario, s, org.as_ref(), body),
        error,
    )
}

pub async fn review(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (f, id) = match form_about(&s, &id, &body).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let reviewed = match f.optional_date("valid_until") {
        Ok(valid_until) => {
            let review = DemandReview {
                approved: f.get("action") == "approve",
                opinion: f.get("opinion").to_string(),
                valid_until,
            };
            state
                .catalog
                .review_demand(&s.actor(), id, review, state.clock.today(), None)
                .await
                .map(drop)
        }
        Err(e) => Err(e),
    };
    match reviewed {
        Ok(()) => Redirect::to(&format!("{PATH}/{id}")).into_response(),
        Err(e) => detail_page(&state, &s, id, Some(&FormError::from(e))).await,
    }
}
