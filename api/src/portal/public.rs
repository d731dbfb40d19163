//! Authorizations, annual disclosures and organizations, as the public API shows them.

use axum::extract::{Path, Query, State};
use catalog::domain::Uscc;
use catalog::domain::organization::OrgStatus;
use catalog::store::RecordFilter;
use maud::{Markup, html};

use super::layout::{PortalError, PortalResult, fields, json, page, pager};
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
                " " span.tag { (super::labels::label(a.status.as_str())) }
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
    Ok(page(
        &a.plan.plan_name,
        html! {
            h1 { (a.plan.plan_name) }
            dl.fields {
                dt { "实施机构" } dd { (body) }
                @if let Some(operator) = operator { dt { "运营机构" } dd { (operator) } }
                dt { "授权资源" } dd { (a.plan.resource_ids.len()) " 项" }
            }
            (fields(&json(&a), SKIP))
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
        html! { h1 { (title) } (fields(&json(&d), SKIP)) },
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
            (fields(&json(&org), &[SKIP, &["name"]].concat()))
            p { a href=(super::search::by_provider(&org.name)) { "查看该机构公开的数据资源与产品" } }
        },
    ))
}
