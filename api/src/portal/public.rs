//! Authorizations, annual disclosures and organizations, as the public API shows them.

use axum::extract::{Path, Query, State};
use catalog::domain::Uscc;
use catalog::domain::organization::OrgStatus;
use catalog::store::RecordFilter;
use maud::{Markup, html};

use super::layout::{PortalError, PortalResult, beijing, fields, json, page, pager, text};
use super::pages::{After, PAGE, next, org_link};
use super::uuid;
use crate::state::AppState;

const SKIP: &[&str] = &[
    "id",
    "history",
    "implementing_body_id",
    "resource_ids",
    "applicants",
    "operator_id",
    "discloser_id",
    "contact",
    "created_at",
];

/// What the authorization page shows in its own sections.
const AUTHORIZATION_SHOWN: &[&str] = &[
    "plan_name",
    "scope",
    "scope_description",
    "objections",
    "jurisdiction",
    "term_start",
    "term_end",
    "termination",
    "status",
];

fn filter(after: &After) -> RecordFilter {
    RecordFilter {
        public_only: true,
        after_id: after.id().map(|id| id.to_string()),
        limit: Some(PAGE),
        ..RecordFilter::default()
    }
}

pub async fn authorizations(
    State(state): State<AppState>,
    Query(after): Query<After>,
) -> PortalResult<Markup> {
    let items = state.catalog.public_authorizations(&filter(&after)).await?;
    Ok(page(
        "授权运营信息",
        html! {
            h1 { "授权运营信息" }
            ul { @for a in &items { li {
                a href=(format!("/authorizations/{}", a.id)) { (a.plan.plan_name) }
                " " span.tag { (a.status.label()) }
            } } }
            @if items.is_empty() { p { "暂无公开的授权信息。" } }
            (pager("/authorizations", after.id().is_some(), next(&items, |a| a.id)))
        },
    ))
}

pub async fn authorization(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> PortalResult<Markup> {
    let a = state.catalog.public_authorization(uuid(&id)?).await?;
    let body = org_link(&state, a.plan.implementing_body_id).await;
    let operator = match a.operator_id {
        Some(id) => Some(org_link(&state, id).await),
        None => None,
    };
    let p = &a.plan;
    Ok(page(
        &p.plan_name,
        html! {
            h1 { (p.plan_name) }
            p.muted { (a.status.label()) " · " (a.jurisdiction.full_name()) }
            dl.fields {
                dt { "实施机构" } dd { (body) }
                @if let Some(operator) = operator { dt { "运营机构" } dd { (operator) } }
                dt { "适用地区" } dd #jurisdiction { (a.jurisdiction.full_name()) }
                dt { "授权期限" } dd { (p.term_start) " 至 " (p.term_end) }
                @if let Some(t) = &a.termination {
                    dt { "终止" } dd { (t.on) " · " (text(&json(&t.reason))) "：" (t.detail) }
                }
            }
            h2 #scope-h { "授权范围（" (a.scope.len().max(p.resource_ids.len())) " 项数据资源）" }
            p { (p.scope_description) }
            @if !a.scope.is_empty() {
                div.scroll { table #scope aria-labelledby="scope-h" {
                    thead { tr {
                        th scope="col" { "数据资源" } th scope="col" { "资源代码" } th scope="col" { "分级" }
                        th scope="col" { "目录版本" } th scope="col" { "使用条件" }
                    } }
                    tbody { @for line in &a.scope { tr {
                        td { a href=(format!("/resources/{}", line.resource_id)) { (line.name) } }
                        td { (line.code.as_str()) }
                        td { (text(&json(&line.grade))) }
                        td { a href=(super::directory::line_href(line.edition, line.code.as_str())) { "第 " (line.edition) " 版" } }
                        td {
                            @for c in line.condition.iter().chain(line.restrictions.iter()) { (c) br; }
                            @if !line.withheld_items.is_empty() { "不含信息项：" (line.withheld_items.join("、")) }
                        }
                    } } }
                } }
            }
            @if !a.objections.is_empty() {
                h2 { "公示期间的异议" }
                ul { @for o in &a.objections { li {
                    (o.filed_on) " 提出 · " (o.status.label())
                    @if let Some(d) = &o.decision { "：" (d) }
                } } }
            }
            h2 #timeline-h { "办理过程" }
            ol #timeline aria-labelledby="timeline-h" {
                @for change in &a.history { li {
                    time datetime=(change.at.to_rfc3339()) { (beijing(&change.at)) } " "
                    strong { (change.status.label()) }
                    @if let Some(note) = &change.note { "：" (note) }
                } }
            }
            (fields(&json(&a), &[SKIP, AUTHORIZATION_SHOWN].concat()))
        },
    ))
}

pub async fn disclosures(
    State(state): State<AppState>,
    Query(after): Query<After>,
) -> PortalResult<Markup> {
    let items = state.catalog.public_disclosures(filter(&after)).await?;
    Ok(page(
        "年度披露",
        html! {
            h1 { "年度披露" }
            ul { @for d in &items { li {
                a href=(format!("/disclosures/{}", d.id)) { (d.year) " 年度披露" }
                " " span.muted { (d.published_at.as_ref().map(super::layout::date).unwrap_or_default()) }
            } } }
            @if items.is_empty() { p { "暂无已发布的年度披露。" } }
            (pager("/disclosures", after.id().is_some(), next(&items, |d| d.id)))
        },
    ))
}

pub async fn disclosure(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> PortalResult<Markup> {
    // No actor: only published statements.
    let d = state.catalog.disclosure_as(None, uuid(&id)?).await?.value;
    let title = format!("{} 年度披露", d.year);
    Ok(page(
        &title,
        html! {
            h1 { (title) }
            p { span.tag { (d.status.label()) } }
            (fields(&json(&d), &[SKIP, &["status"]].concat()))
        },
    ))
}

pub async fn organization(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> PortalResult<Markup> {
    let uscc = Uscc::parse(&raw).map_err(|_| PortalError::NotFound)?;
    let org = state
        .catalog
        .organization_by_uscc(&uscc)
        .await?
        .filter(|o| o.status == OrgStatus::Active)
        .ok_or(PortalError::NotFound)?;
    Ok(page(
        &org.name,
        html! {
            h1 { (org.name) }
            // Only organizations in service have a page: their status says nothing.
            (fields(&json(&org), &[SKIP, &["name", "status"]].concat()))
            p { a href=(super::search::by_provider(&org.name)) { "查看该机构公开的数据资源与产品" } }
        },
    ))
}
