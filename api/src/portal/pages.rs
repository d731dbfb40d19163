//! Home, published resources (current version and its published history), the negative list.

use axum::extract::{Path, Query, State};
use catalog::PublicResource;
use catalog::domain::OpenType;
use catalog::domain::negative_list::{NegativeScope, NegativeTarget};
use catalog::domain::organization::OrgStatus;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::layout::{PortalError, PortalResult, date, fields, json, page, pager, text};
use super::uuid;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct After {
    after: Option<String>,
}

impl After {
    pub fn id(&self) -> Option<Uuid> {
        self.after.as_deref().and_then(|a| a.parse().ok())
    }
}

pub const PAGE: i64 = 30;

/// Keyset: a full page has a next page after its last id.
pub fn next<T>(items: &[T], id: impl Fn(&T) -> Uuid) -> Option<String> {
    (items.len() as i64 == PAGE)
        .then(|| items.last().map(|i| id(i).to_string()))
        .flatten()
}

pub async fn resources(
    State(state): State<AppState>,
    Query(after): Query<After>,
) -> PortalResult<Markup> {
    let items = state.catalog.public_resources(after.id(), PAGE).await?;
    Ok(page(
        "数据资源",
        html! {
            h1 { "已发布的数据资源" }
            ul {
                @for r in &items {
                    li {
                        a href=(format!("/resources/{}", r.id)) { (r.content.name) }
                        " " span.muted { (r.code.as_str()) " · " (date(&r.published_at)) }
                    }
                }
            }
            @if items.is_empty() { p { "暂无已发布的数据资源。" } }
            (pager("/resources", after.id().is_some(), next(&items, |r| r.id)))
        },
    ))
}

/// An organization's public name, linked to its page ("—" when it is not public).
pub async fn org_link(state: &AppState, id: Uuid) -> Markup {
    match state.catalog.organization(id).await {
        Ok(o) if o.value.status == OrgStatus::Active => html! {
            a href=(format!("/organizations/{}", o.value.uscc.as_str())) { (o.value.name) }
        },
        _ => html! { "—" },
    }
}

/// Versions the public has seen: each snapshot that was itself the published one.
async fn published_history(state: &AppState, current: &PublicResource) -> PortalResult<Vec<u32>> {
    let versions = state.catalog.resource_versions(current.id).await?;
    Ok(versions
        .iter()
        .filter(|v| v.version <= current.version && v.published_version == Some(v.version))
        .map(|v| v.version)
        .collect())
}

fn resource_body(r: &PublicResource, provider: Markup, history: &[u32], shown: u32) -> Markup {
    html! {
        h1 { (r.content.name) }
        p.muted {
            "资源代码 " (r.code.as_str()) " · 第 " (shown) " 版 · 数源单位 " (provider)
        }
        @if shown != r.version {
            p.alert role="note" {
                "这是历史版本。" a href=(format!("/resources/{}", r.id)) { "查看现行版本（第 " (r.version) " 版）" }
            }
        }
        @if let Some(url) = &r.content.source_url {
            p #source { "来源页面：" a href=(url) rel="external noopener noreferrer" { (url) } }
        }
        (fields(&json(&r.content), &["name", "data_items", "source_url"]))
        @if !r.content.data_items.is_empty() {
            h2 { "信息项" }
            div.scroll { table {
                thead { tr { th scope="col" { "名称" } th scope="col" { "英文名称" } th scope="col" { "数据类型" } th scope="col" { "长度/格式" } th scope="col" { "说明" } } }
                tbody {
                    @for item in &r.content.data_items {
                        tr {
                            td { (item.name) }
                            td { (item.english_name.as_deref().unwrap_or("")) }
                            td { (item.data_type) }
                            td { (item.length_format.as_deref().unwrap_or("")) }
                            td { (item.description.as_deref().unwrap_or("")) }
                        }
                    }
                }
            } }
        }
        h2 #history-heading { "版本历史" }
        ol #history aria-labelledby="history-heading" {
            @for n in history {
                li {
                    @if *n == shown { strong { "第 " (n) " 版（本页）" } }
                    @else { a href=(format!("/resources/{}/versions/{n}", r.id)) { "第 " (n) " 版" } }
                    @if *n == r.version { " " span.tag { "现行" } }
                }
            }
        }
    }
}

pub async fn resource(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> PortalResult<Markup> {
    let r = state.catalog.public_resource(uuid(&id)?).await?;
    state.views.count(r.id, &headers);
    let history = published_history(&state, &r).await?;
    let body = resource_body(
        &r,
        org_link(&state, r.provider_id).await,
        &history,
        r.version,
    );
    let standing = standing(&state, &r).await?;
    let machine = super::layout::machine_links(r.id, &format!("/api/v1/resources/{}", r.id));
    Ok(page(&r.content.name, html! { (body) (standing) (machine) }))
}

/// How to obtain the data, by its open type, and where the resource stands for authorized
/// operation: the directory editions that list it and any negative-list entry on it.
async fn standing(state: &AppState, r: &PublicResource) -> PortalResult<Markup> {
    let editions = state.catalog.editions_listing(&r.code).await?;
    let catalog::ResourceUse {
        authorizations,
        products,
    } = state.catalog.uses_of_resource(r.id).await?;
    let negative: Vec<_> = state
        .catalog
        .negative_list(true)
        .await?
        .into_iter()
        .filter(
            |e| matches!(&e.details.target, NegativeTarget::Resource { code } if *code == r.code),
        )
        .collect();
    let c = &r.content;
    Ok(html! {
        section #obtain aria-labelledby="obtain-h" {
            h2 #obtain-h { "如何获取" }
            @match c.open_type {
                OpenType::Unconditional => {
                    p { "无条件开放：可直接获取"
                        @if !c.formats.is_empty() { "（" (c.formats.join("、")) "）" } "。" }
                }
                OpenType::Conditional => {
                    p { "有条件开放：向数据管理部门提出数据需求申请，经审核同意后按条件使用。" }
                    @if let Some(condition) = &c.open_condition { p { "开放条件：" (condition) } }
                }
                OpenType::None => {
                    p { "不予开放。" }
                    @if let Some(reason) = c.open_condition.as_ref().or(c.usage_restrictions.as_ref()) { p { "说明：" (reason) } }
                }
            }
            p.actions {
                a.button href="/workbench/demands" { "需求申请" } " "
                a.button href="/workbench/feedback" { "数据纠错" } " "
                span.muted { "（登录工作台办理）" }
            }
        }
        section #standing aria-labelledby="standing-h" {
            h2 #standing-h { "授权运营" }
            @if editions.is_empty() {
                p { "未列入已发布的授权运营目录。" }
            } @else {
                p { "列入授权运营目录："
                    @for (i, e) in editions.iter().enumerate() {
                        @if i > 0 { "、" }
                        a href=(super::directory::line_href(e.number, r.code.as_str())) title=(e.title) { "第 " (e.number) " 版" }
                    }
                }
            }
            @if !authorizations.is_empty() {
                h3 { "授权运营" }
                ul #authorizations { @for a in &authorizations { li {
                    a href=(format!("/authorizations/{}", a.id)) { (a.plan.plan_name) }
                    " " span.tag { (a.status.label()) }
                } } }
            }
            @if !products.is_empty() {
                h3 { "已登记的数据产品" }
                ul #products { @for p in &products { li {
                    a href=(format!("/products/{}", p.id)) { (p.details.name) }
                } } }
            }
            @for e in &negative {
                p.alert { "已列入负面清单（" (text(&json(&e.details.kind))) "）："
                    a href=(format!("/negative-list#{}", e.id)) { "查看条目" } }
            }
        }
    })
}

pub async fn resource_version(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, String)>,
) -> PortalResult<Markup> {
    let current = state.catalog.public_resource(uuid(&id)?).await?;
    let n: u32 = n.parse().map_err(|_| PortalError::NotFound)?;
    let history = published_history(&state, &current).await?;
    // Only versions that were published once; drafts in between never render.
    if !history.contains(&n) {
        return Err(PortalError::NotFound);
    }
    let old = state.catalog.resource_version(current.id, n).await?;
    let shown = PublicResource {
        content: old.content,
        ..current.clone()
    };
    let body = resource_body(
        &shown,
        org_link(&state, current.provider_id).await,
        &history,
        n,
    );
    Ok(page(&format!("{}（第 {n} 版）", shown.content.name), body))
}

/// What an entry covers, as a heading: a resource code or a category.
pub async fn negative_list(State(state): State<AppState>) -> PortalResult<Markup> {
    let entries = state.catalog.negative_list(true).await?;
    // A resource entry names its resource and links it when the resource is public.
    let mut resources = std::collections::HashMap::new();
    for e in &entries {
        if let NegativeTarget::Resource { code } = &e.details.target
            && let Ok(entry) = state.catalog.public_catalog_entry_by_code(code).await
            && let catalog::PublicItem::Resource(r) = entry.item
        {
            resources.insert(code.as_str().to_string(), (r.id, r.content.name));
        }
    }
    Ok(page(
        "负面清单",
        html! {
            h1 { "负面清单" }
            p.muted { "列入负面清单的数据不得纳入授权运营；清单实行动态管理，到期重新评估。" }
            p.downloads { "下载：" a #download-csv href="/negative-list.csv" { "CSV" } " · " a #download-xlsx href="/negative-list.xlsx" { "Excel" } }
            @for e in &entries {
                @let d = &e.details;
                section.entry id=(e.id.to_string()) {
                    h2 { (d.target.label()) " " span.tag { (text(&json(&d.kind))) } }
                    @if let NegativeTarget::Resource { code } = &d.target
                        && let Some((id, name)) = resources.get(code.as_str()) {
                        p.resource { a href=(format!("/resources/{id}")) { (name) } }
                    }
                    dl.fields {
                        dt { "范围" } dd {
                            @match &d.scope {
                                NegativeScope::WholeResource => "整个资源",
                                NegativeScope::DataItems(items) => { "信息项：" (items.join("、")) }
                            }
                        }
                        @if let Some(c) = &d.conditions { dt { "限制条件" } dd { (c) } }
                        dt { "理由" } dd { (text(&json(&d.reason))) }
                        dt { "法律依据" } dd { (d.legal_basis) }
                        dt { "批准机关" } dd { (d.approved_by) }
                        dt { "批准日期" } dd { (d.approved_on) }
                        dt { "下次评估日期" } dd { (d.next_review_on) }
                        dt { "状态" } dd { (e.status.label()) }
                    }
                }
            }
            @if entries.is_empty() { p { "负面清单暂无公开条目。" } }
        },
    ))
}
