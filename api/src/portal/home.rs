//! The home page as a portal: what the catalog holds (counts by kind, resources by industry,
//! provider, region, open type and grade, each a link into the search), the newest resources, and
//! the two boxes people come with: words to search and a query code to verify. Every number is
//! the search index's count of what the public may see, so it is what the link then finds.

use std::collections::BTreeMap;

use axum::extract::State;
use maud::{Markup, html};
use search::{EntityKind, FacetCount, SearchRequest, SearchResults, SortOrder, Viewer};

use super::labels::facet;
use super::layout::{
    PortalResult, count_about, day_of, page, rebuilding_notice, site_name, thousands,
};
use super::search::{filter_href, region_tier, search_box, value_label};
use crate::state::AppState;
use crate::web::stats;

/// Values shown per browse list (the rest are one click away in the search's facets).
const BROWSE_SHOWN: usize = 10;
/// Newest resources listed.
const NEWEST: usize = 8;
/// Entries in the most-viewed list.
const MOST_VIEWED: usize = 8;
/// Months in the registrations chart, ending with the latest that had a registration coded.
const MONTHS: usize = 12;

/// The public view of everything, or of resources, with facet counts.
fn overview(kinds: Vec<EntityKind>, limit: usize) -> SearchRequest {
    SearchRequest {
        kinds,
        sort: SortOrder::UpdatedDesc,
        limit,
        viewer: Viewer::Anonymous,
        facets: true,
        ..SearchRequest::default()
    }
}

pub async fn home(State(state): State<AppState>) -> PortalResult<Markup> {
    let index = state.search.clone();
    let (everything, resources) = crate::cpu::off_the_workers(move || {
        Ok::<_, search::SearchError>((
            index.search(&overview(Vec::new(), 0))?,
            index.search(&overview(vec![EntityKind::Resource], NEWEST))?,
        ))
    })
    .await
    .map_err(|_| super::layout::PortalError::Internal("首页统计任务异常中止".into()))??;
    // This node's latest views first, so the list is as fresh as the page that shows it.
    if let Err(e) = state.views.flush(&state.catalog).await {
        tracing::warn!(error = %e, "浏览次数写入失败，下次重试");
    }
    let most_viewed = state.catalog.most_viewed_resources(MOST_VIEWED).await?;
    let coded = state.catalog.coded_by_month().await?;
    let by_month: BTreeMap<(i32, u32), Vec<usize>> =
        coded.iter().map(|(month, n)| (*month, vec![*n])).collect();
    let months = stats::month_rows(&by_month, 1, MONTHS);
    let name = site_name();
    Ok(page(
        "首页",
        html! {
            h1 { (name) }
            p.muted { "检索已发布的公共数据资源、运营目录、登记结果与公示公告。" }
            (rebuilding_notice(&everything))
            div.boxes {
                (search_box(""))
                form.verify role="search" method="get" action="/verify" aria-label="登记结果查询" {
                    label for="code" { "登记结果查询码" }
                    input #code name="code" type="text" autocomplete="off" placeholder="登记证书上的查询码";
                    button type="submit" { "核验" }
                }
            }
            (counts(&everything))
            h2 { "浏览数据资源" }
            div.browse {
                (browse(&resources, "domain", "按行业"))
                (browse(&resources, "provider", "按数源单位"))
                (browse(&resources, "region", "按地区"))
                (browse(&resources, "open_type", "按开放类型"))
                (browse(&resources, "grade", "按分级"))
            }
            section #newest aria-labelledby="newest-h" {
                h2 #newest-h { "最新发布的数据资源" }
                ol.newest {
                    @for hit in &resources.hits {
                        li { a href=(hit.url) { (hit.title) } " " span.muted { (day_of(hit.updated_at)) } }
                    }
                }
                p { a href=(filter_href("kind", "resource")) { "全部数据资源（" (thousands(resources.total)) "）" } }
            }
            @if !most_viewed.is_empty() {
                section #most-viewed aria-labelledby="most-viewed-h" {
                    h2 #most-viewed-h { "浏览最多的数据资源" }
                    ol.newest {
                        @for (r, views) in &most_viewed {
                            li {
                                a href=(format!("/resources/{}", r.id)) { (r.content.name) }
                                " " span.muted { "浏览 " (thousands(*views)) " 次" }
                            }
                        }
                    }
                }
            }
            @if !months.is_empty() {
                section #registrations-by-month aria-labelledby="by-month-h" {
                    h2 #by-month-h { "登记结果（按月）" }
                    (stats::bar_chart("chart-coded", "每月赋码的登记", &["赋码登记"], &months))
                    details { summary { "查看数字" }
                        (stats::table("table-coded", "每月赋码的登记", "月份", &["赋码登记"], &months, true))
                    }
                    p { a href="/publicity/past" { "往期公示及结果" } }
                }
            }
            h2 { "订阅" }
            ul {
                li { a href="/feeds/publicity.atom" { "公示公告（Atom）" } }
                li { a href="/feeds/editions.atom" { "目录版本（Atom）" } }
                li { a href="/feeds/registrations.atom" { "登记结果（Atom）" } }
            }
        },
    ))
}

/// A facet value's count, marked 约 when sampled.
fn about(c: &FacetCount) -> String {
    count_about(c.count, c.estimated)
}

/// How many public entries of each kind, each a link to them.
fn counts(everything: &SearchResults) -> Markup {
    let kinds = everything.facets.get("kind").cloned().unwrap_or_default();
    html! {
        section #counts aria-labelledby="counts-h" {
            h2 #counts-h { "目录概况" }
            dl.counts {
                @for c in &kinds {
                    div {
                        dt { a href=(filter_href("kind", &c.value)) { (value_label("kind", &c.value, &[])) } }
                        dd { (about(c)) }
                    }
                }
            }
        }
    }
}

/// One facet of the resources as a list of links with a bar each (a `<meter>`: read out as a
/// number, drawn without script or inline style).
fn browse(resources: &SearchResults, name: &str, title: &str) -> Markup {
    let all = resources.facets.get(name).cloned().unwrap_or_default();
    let shown: Vec<&FacetCount> = if name == "region" {
        region_tier(&all, &[])
    } else {
        all.iter().collect()
    };
    let shown = &shown[..shown.len().min(BROWSE_SHOWN)];
    let max = shown.iter().map(|c| c.count).max().unwrap_or(1).max(1);
    let id = format!("browse-{name}");
    html! {
        @if !shown.is_empty() {
            section.browse-list aria-labelledby=(id) {
                h3 #(id) title=(facet(name)) { (title) }
                ul {
                    @for c in shown {
                        li {
                            a href=(resource_filter(name, &c.value)) {
                                (value_label(name, &c.value, &[]))
                            }
                            meter min="0" max=(max) value=(c.count) { (c.count) }
                            span.count { (about(c)) }
                        }
                    }
                }
            }
        }
    }
}

/// The search for resources with one facet value.
fn resource_filter(name: &str, value: &str) -> String {
    format!("{}&kind=resource", filter_href(name, value))
}
