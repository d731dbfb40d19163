//! The search page: the app's search index as an anonymous viewer (so no draft, ever), facets as
//! filter links with counts, `<mark>` highlights from the index, cursor pagination.

use std::collections::{BTreeMap, HashSet};

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::RegionCode;
use maud::{Markup, html};
use search::{EntityKind, FacetCount, FacetFilters, QueryText, SearchRequest, SortOrder, Viewer};

use super::labels::{domain, facet};
use super::layout::{
    PortalError, PortalResult, count_about, marked, page, rebuilding_notice, thousands,
};
use crate::state::AppState;
use indexer::labels::{kind_label, kind_named, status_label, status_value_label};

/// The one search box (home and search page).
pub fn search_box(q: &str) -> Markup {
    html! {
        form.search role="search" action="/search" method="get" {
            label for="q" { "检索关键词" }
            input #q type="search" name="q" value=(q) placeholder="资源名称、数源单位、代码或拼音" list="q-suggestions" autocomplete="off";
            datalist #q-suggestions {}
            button type="submit" { "检索" }
        }
    }
}

/// Hits a search download holds (the first pages, as ranked).
pub const SEARCH_ROWS: usize = 1000;

/// Filters a page may carry, in link order.
const FILTERS: [&str; 11] = [
    "kind",
    "provider",
    "domain",
    "grade",
    "share_type",
    "open_type",
    "update_frequency",
    "region",
    "status",
    "delivery_form",
    "scene_category",
];

pub(crate) type Params = BTreeMap<String, String>;

fn values(p: &Params, name: &str) -> Vec<String> {
    p.get(name)
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn request(p: &Params) -> Result<SearchRequest, String> {
    let kinds = values(p, "kind")
        .iter()
        .map(|k| {
            k.parse::<EntityKind>()
                .map_err(|_| format!("未知类别“{k}”"))
        })
        .collect::<Result<_, _>>()?;
    let q = QueryText::parse(p.get("q").cloned().unwrap_or_default()).map_err(|e| e.to_string())?;
    Ok(SearchRequest {
        q,
        kinds,
        filters: FacetFilters {
            provider: values(p, "provider"),
            domain: values(p, "domain"),
            grade: values(p, "grade"),
            share_type: values(p, "share_type"),
            open_type: values(p, "open_type"),
            update_frequency: values(p, "update_frequency"),
            region: values(p, "region"),
            status: values(p, "status"),
            delivery_form: values(p, "delivery_form"),
            scene_category: values(p, "scene_category"),
        },
        sort: if p.get("sort").is_some_and(|s| s == "updated") {
            SortOrder::UpdatedDesc
        } else {
            SortOrder::Relevance
        },
        limit: PER_PAGE,
        cursor: p
            .get("cursor")
            .filter(|c| !c.is_empty() && c.len() <= 200)
            .cloned(),
        // The portal is the public's view, whoever is logged in elsewhere.
        viewer: Viewer::Anonymous,
        facets: true,
    })
}

/// The search page filtered to one provider or operator (its facet value is its name).
pub fn by_provider(name: &str) -> String {
    link(&Params::new(), "provider", Some(name))
}

/// Facet values shown before "more".
const FACET_SHOWN: usize = 8;
/// Hits per page.
const PER_PAGE: usize = 20;
/// Earlier pages a page remembers (for "previous"): a cursor is about 40 characters.
const PAGES_REMEMBERED: usize = 50;

/// One facet value: a link that adds the filter, or (when chosen) removes it; with its count,
/// marked 约 when it was estimated from a sample.
fn facet_item(
    p: &Params,
    (name, kinds): (&str, &[EntityKind]),
    chosen: &[String],
    c: &FacetCount,
) -> Markup {
    let FacetCount {
        value,
        count,
        estimated,
    } = c;
    let value = value.as_str();
    let shown = value_label(name, value, kinds);
    html! {
        li {
            @if chosen.iter().any(|c| c == value) {
                a.on href=(link(p, name, None)) aria-current="true" title="取消此筛选" { (shown) " ✕" }
            } @else {
                a href=(link(p, name, Some(value))) { (shown) }
            }
            " " span.count { "(" (count_about(*count, *estimated)) ")" }
        }
    }
}

/// The search page filtered to one facet value (nothing typed).
pub(crate) fn filter_href(name: &str, value: &str) -> String {
    link(&Params::new(), name, Some(value))
}

/// A facet value as people read it; a status by the kinds of entry asked for (all when none).
pub(crate) fn value_label(facet: &str, value: &str, kinds: &[EntityKind]) -> String {
    match facet {
        "kind" => kind_named(value).map_or_else(|| value.to_owned(), |k| kind_label(k).to_owned()),
        "status" => status_value_label(value, kinds),
        "domain" => domain(value),
        "region" => match RegionCode::parse(value) {
            Ok(code) => code
                .own_name()
                .map_or_else(|| code.full_name(), str::to_owned),
            Err(_) => value.to_string(),
        },
        _ => value.to_string(),
    }
}

/// The kinds of entry a page's filter asks for.
pub(crate) fn chosen_kinds(p: &Params) -> Vec<EntityKind> {
    values(p, "kind")
        .iter()
        .filter_map(|k| kind_named(k))
        .collect()
}

/// The region values worth offering, province → prefecture → county: an entry counts under its
/// county, prefecture and province alike, so the list shows one tier at a time — the top tier the
/// results reach (and, when that is one division, the tier below it), or the chosen region with
/// the tier inside it.
pub(crate) fn region_tier<'a>(counts: &'a [FacetCount], chosen: &[String]) -> Vec<&'a FacetCount> {
    let parent = |c: &FacetCount| {
        RegionCode::parse(&c.value)
            .ok()
            .and_then(|code| code.parent())
            .map(|p| p.as_str().to_owned())
    };
    let present: HashSet<&str> = counts.iter().map(|c| c.value.as_str()).collect();
    let top: Vec<&str> = counts
        .iter()
        .filter(|c| parent(c).is_none_or(|p| !present.contains(p.as_str())))
        .map(|c| c.value.as_str())
        .collect();
    let open: Vec<&str> = match (chosen, top.as_slice()) {
        ([one], _) => vec![one.as_str()],
        ([], [only]) => vec![*only],
        _ => Vec::new(),
    };
    counts
        .iter()
        .filter(|c| {
            let p = parent(c);
            chosen.contains(&c.value)
                || ((open.is_empty() || chosen.is_empty()) && top.contains(&c.value.as_str()))
                || p.is_some_and(|p| open.contains(&p.as_str()))
        })
        .collect()
}

/// The search page for `q`.
pub(crate) fn search_href(q: &str) -> String {
    link(&Params::new(), "q", Some(q))
}

/// This page's URL with one parameter set (or removed with `None`), back on the first page.
fn link(p: &Params, name: &str, value: Option<&str>) -> String {
    let mut next = first_page(p);
    match value {
        Some(v) => next.insert(name.to_string(), v.to_string()),
        None => next.remove(name),
    };
    href(next)
}

/// The same search's parameters without its place in the pages.
fn first_page(p: &Params) -> Params {
    let mut params = p.clone();
    for key in ["cursor", "prev", "page"] {
        params.remove(key);
    }
    params
}

fn href(params: Params) -> String {
    href_at("/search", params)
}

fn href_at(path: &str, params: Params) -> String {
    let query: Vec<(String, String)> = params.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    format!("{path}?{}", url_encode(&query))
}

/// The cursors of the pages between the first and this one, oldest first (the first page has
/// none; at most [`PAGES_REMEMBERED`], the oldest forgotten).
fn earlier_pages(p: &Params) -> Vec<String> {
    match p.get("prev") {
        Some(prev) if p.contains_key("cursor") => prev
            .split(',')
            .filter(|c| !c.is_empty())
            .take(PAGES_REMEMBERED)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// This page's number: 1 without a cursor, else as the link that led here says.
fn page_number(p: &Params) -> u64 {
    if !p.contains_key("cursor") {
        return 1;
    }
    p.get("page")
        .and_then(|n| n.parse::<u64>().ok())
        .filter(|n| *n >= 2)
        .unwrap_or(2)
}

/// This page's URL at page `number`, reached by `cursor` (none: the first page) after the pages
/// `earlier`.
fn page_href(p: &Params, cursor: Option<&str>, earlier: &[String], number: u64) -> String {
    let mut next = first_page(p);
    if let Some(c) = cursor.filter(|c| !c.is_empty()) {
        next.insert("cursor".into(), c.to_owned());
        let from = earlier.len().saturating_sub(PAGES_REMEMBERED);
        next.insert("prev".into(), earlier[from..].join(","));
        next.insert("page".into(), number.to_string());
    }
    href(next)
}

/// This search's results as a spreadsheet (`csv` or `xlsx`), from the first hit.
fn download_href(p: &Params, extension: &str) -> String {
    href_at(&format!("/search.{extension}"), first_page(p))
}

/// The same search without one chosen value.
fn without(p: &Params, name: &str, value: &str) -> String {
    let rest: Vec<String> = values(p, name).into_iter().filter(|v| v != value).collect();
    let rest = rest.join(",");
    link(p, name, Some(rest.as_str()).filter(|r| !r.is_empty()))
}

/// The same words, every filter cleared.
fn cleared(p: &Params) -> String {
    let kept: Params = p
        .iter()
        .filter(|(k, _)| k.as_str() == "q" || k.as_str() == "sort")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    href(kept)
}

fn url_encode(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encoding for query values (UTF-8 bytes outside the unreserved set).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<Params>,
) -> PortalResult<Response> {
    let q = p.get("q").cloned().unwrap_or_default();
    let title = if q.is_empty() {
        "检索".to_string()
    } else {
        format!("“{q}”的检索结果")
    };
    let request = match request(&p) {
        Ok(r) => r,
        Err(message) => {
            return Ok(page(
                &title,
                html! { h1 { "检索" } (search_box(&q)) p.alert role="alert" { (message) } },
            )
            .into_response());
        }
    };
    let places = crate::places::named_in(&request.q, !request.filters.region.is_empty());
    let index = state.search.clone();
    let results = crate::cpu::off_the_workers(move || index.search(&request))
        .await
        .map_err(|_| PortalError::Internal("搜索任务异常中止".to_string()))?;
    let results = match results {
        Ok(r) => r,
        // A stale or malformed cursor: start over rather than fail.
        Err(e) => {
            return Ok(page(
                &title,
                html! { h1 { "检索" } (search_box(&q)) p.alert role="alert" { "检索条件无效：" (e.to_string()) } },
            )
            .into_response());
        }
    };
    // Statuses are named by the kinds of entry at hand: those asked for, else those found.
    let kinds = match chosen_kinds(&p) {
        chosen if !chosen.is_empty() => chosen,
        _ => results
            .facets
            .get("kind")
            .into_iter()
            .flatten()
            .filter_map(|c| kind_named(&c.value))
            .collect(),
    };
    // A code typed into the box (资源代码, 统一社会信用代码, 登记查询码) that names one entry
    // goes straight to it.
    if results.exact_code
        && let [only] = results.hits.as_slice()
        && !p.contains_key("cursor")
    {
        return Ok(Redirect::to(&only.url).into_response());
    }
    Ok(page(
        &title,
        html! {
            h1 { (title) }
            (search_box(&q))
            (rebuilding_notice(&results))
            @if let Some(suggestion) = &results.did_you_mean {
                @if results.by_sound {
                    p #respelled { "没有与“" (q) "”完全一致的结果，以下是读音相同的“" a href=(link(&p, "q", Some(suggestion))) { (suggestion) } "”的结果。" }
                } @else {
                    p { "您是不是要找：" a href=(link(&p, "q", Some(suggestion))) { (suggestion) } }
                }
            }
            @let earlier = earlier_pages(&p);
            @let page_number = page_number(&p);
            @let pages = results.total.div_ceil(PER_PAGE as u64).max(1);
            p.muted role="status" { "共找到 " @if results.total_estimated { "约 " } strong #total { (thousands(results.total)) } " 条结果" @if results.relaxed { "（已放宽匹配条件）" } "，第 " span #page { (page_number) } " 页 / 共 " (count_about(pages, results.total_estimated)) " 页" }
            @let chosen: Vec<(&str, String)> = FILTERS.iter().flat_map(|name| values(&p, name).into_iter().map(move |v| (*name, v))).collect();
            @if !chosen.is_empty() {
                nav.chosen aria-label="已选条件" {
                    "已选："
                    @for (name, value) in &chosen {
                        a.tag href=(without(&p, name, value)) title="取消此条件" { (facet(name)) "：" (value_label(name, value, &kinds)) " ✕" }
                    }
                    a #clear-all href=(cleared(&p)) { "清除全部" }
                }
            }
            @if !q.is_empty() {
                @let by_time = p.get("sort").is_some_and(|s| s == "updated");
                nav.sort aria-label="排序" {
                    "排序："
                    a href=(link(&p, "sort", None)) aria-current=[(!by_time).then_some("true")] { "相关度" }
                    " · "
                    a href=(link(&p, "sort", Some("updated"))) aria-current=[by_time.then_some("true")] { "更新时间" }
                }
            }
            @if !places.is_empty() {
                p #places { "只看地区："
                    @for (i, place) in places.iter().enumerate() {
                        @if i > 0 { "、" }
                        a href=(link(&p, "region", Some(place.region.as_str()))) { (place.name) }
                    }
                }
            }
            a.to-filters href="#filters" { "筛选结果" }
            div.layout {
                aside.facets #filters aria-label="筛选" {
                    @if results.facets_estimated {
                        p.muted { "结果较多，标“约”的条数为抽样估计，其余为精确计数。" }
                    }
                    @for name in FILTERS {
                        @if let Some(counts) = results.facets.get(name).filter(|c| !c.is_empty()) {
                            h2 { (facet(name)) }
                            @let chosen = values(&p, name);
                            @let counts: Vec<&FacetCount> = if name == "region" { region_tier(counts, &chosen) } else { counts.iter().collect() };
                            // The first few values; the rest fold away (chosen ones always show).
                            @let (head, tail): (Vec<_>, Vec<_>) = counts.iter().enumerate().partition(|(i, c)| *i < FACET_SHOWN || chosen.contains(&c.value));
                            ul { @for (_, c) in &head { (facet_item(&p, (name, &kinds), &chosen, c)) } }
                            @if !tail.is_empty() {
                                details {
                                    summary { "更多（" (tail.len()) "）" }
                                    ul { @for (_, c) in &tail { (facet_item(&p, (name, &kinds), &chosen, c)) } }
                                }
                            }
                        }
                    }
                }
                section aria-label="检索结果" {
                    ol.hits {
                        @for hit in &results.hits {
                            li {
                                h3 { a href=(hit.url) { (marked(&hit.title_html)) } }
                                p.meta {
                                    span.tag { (kind_label(hit.kind)) }
                                    @for value in [hit.facets.provider.as_deref(), hit.facets.update_frequency.as_deref(), hit.facets.status.as_deref().map(|s| status_label(hit.kind, s).unwrap_or(s))].into_iter().flatten() {
                                        span.muted { " · " (value) }
                                    }
                                }
                                p { (marked(&hit.snippet_html)) }
                            }
                        }
                    }
                    @if results.hits.is_empty() { p { "没有找到相关结果，请换个关键词试试。" } }
                    @else {
                        p.downloads { "下载结果（前 " (SEARCH_ROWS) " 条）："
                            a #download-csv href=(download_href(&p, "csv")) { "CSV" } " · "
                            a #download-xlsx href=(download_href(&p, "xlsx")) { "Excel" }
                        }
                    }
                    @if results.next_cursor.is_some() || p.contains_key("cursor") {
                        nav.pager aria-label="分页" {
                            @if p.contains_key("cursor") {
                                a href=(link(&p, "cursor", None)) { "第一页" }
                                @let (before, back) = earlier.split_at(earlier.len().saturating_sub(1));
                                a rel="prev" href=(page_href(&p, back.first().map(String::as_str), before, page_number.saturating_sub(1))) { "上一页" }
                            }
                            span aria-current="page" { "第 " (page_number) " 页" }
                            @if let Some(cursor) = &results.next_cursor {
                                @let through: Vec<String> = earlier.iter().cloned().chain(p.get("cursor").cloned()).collect();
                                a rel="next" href=(page_href(&p, Some(cursor), &through, page_number.saturating_add(1))) { "下一页" }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each value is marked 约 by its own count's flag: an exact small count beside sampled ones
    /// is shown as it is.
    #[test]
    fn a_facet_value_is_marked_about_only_when_its_count_is_estimated() {
        let shown = |estimated| {
            let c = FacetCount {
                value: "product".into(),
                count: 3,
                estimated,
            };
            facet_item(&Params::new(), ("kind", &[]), &[], &c).into_string()
        };
        assert!(shown(false).contains("(3)"), "{}", shown(false));
        assert!(shown(true).contains("(约 3)"), "{}", shown(true));
    }
}
