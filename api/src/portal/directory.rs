//! Operation-directory editions: the list, one frozen edition, the diff between two.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use catalog::domain::edition::EditionLine;
use maud::{Markup, html};
use serde::Deserialize;

use super::downloads::{Format, download};
use super::labels::domain;
use super::layout::{PortalError, PortalResult, date, page, text};
use crate::state::AppState;

pub async fn editions(State(state): State<AppState>) -> PortalResult<Markup> {
    let editions = state.catalog.editions().await?;
    let numbers: Vec<u32> = editions.iter().map(|e| e.number).collect();
    Ok(page(
        "授权运营目录",
        html! {
            h1 { "授权运营目录" }
            @if editions.is_empty() { p { "尚未发布目录。" } }
            div.scroll { table {
                caption.muted { "已发布的目录版本" }
                thead { tr { th scope="col" { "版本" } th scope="col" { "标题" } th scope="col" { "发布单位" } th scope="col" { "发布日期" } th scope="col" { "条目数" } } }
                tbody {
                    @for e in editions.iter().rev() {
                        tr {
                            td { "第 " (e.number) " 版" }
                            td { a href=(format!("/directory/{}", e.number)) { (e.title) } }
                            td { (e.publisher_name) }
                            td { (date(&e.published_at)) }
                            td { (e.lines.len()) }
                        }
                    }
                }
            } }
            @if numbers.len() >= 2 {
                h2 { "比较两个版本" }
                form.compare action="/directory/diff" method="get" {
                    label for="from" { "旧版本" }
                    select #from name="from" { @for n in &numbers { option value=(n) selected[*n == numbers[numbers.len() - 2]] { "第 " (n) " 版" } } }
                    label for="to" { "新版本" }
                    select #to name="to" { @for n in &numbers { option value=(n) selected[*n == numbers[numbers.len() - 1]] { "第 " (n) " 版" } } }
                    button type="submit" { "比较" }
                }
            }
        },
    ))
}

/// The columns of an edition's table, on the page and in its downloads.
pub const LINE_COLUMNS: [&str; 10] = [
    "资源代码",
    "名称",
    "类型",
    "数源单位",
    "格式",
    "更新频率",
    "分级",
    "共享类型",
    "开放类型",
    "使用限制与条件",
];

fn kind_of(l: &EditionLine) -> String {
    [l.domain.as_deref().map(domain), l.theme.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
}

fn conditions_of(l: &EditionLine) -> String {
    let mut out = l.usage_restrictions.clone().unwrap_or_default();
    if let Some(c) = &l.condition {
        if !out.is_empty() {
            out.push('；');
        }
        out.push_str(&format!("运营条件：{c}"));
    }
    if !l.withheld_items.is_empty() {
        out.push_str(&format!(
            " 不予开放的信息项：{}",
            l.withheld_items.join("、")
        ));
    }
    out
}

/// One line as the downloads write it, in [`LINE_COLUMNS`] order.
pub fn line_cells(l: &EditionLine) -> Vec<String> {
    vec![
        l.code.as_str().to_owned(),
        l.name.clone(),
        kind_of(l),
        l.provider_name.clone(),
        l.formats.join("、"),
        l.update_frequency.to_string(),
        l.grade.to_string(),
        l.share_type.to_string(),
        l.open_type.to_string(),
        conditions_of(l),
    ]
}

fn line_row(l: &EditionLine, class: &str) -> Markup {
    let kind = kind_of(l);
    html! {
        tr class=(class) id=(l.code.as_str()) {
            td { a href=(format!("/resources/{}", l.resource_id)) { (l.code.as_str()) } }
            td { (l.name) }
            td { (kind) }
            td { (l.provider_name) }
            td { (l.formats.join("、")) }
            td { (l.update_frequency) }
            td { (l.grade) }
            td { (l.share_type) }
            td { (l.open_type) }
            td { (conditions_of(l)) }
        }
    }
}

fn line_head() -> Markup {
    html! { thead { tr { @for c in LINE_COLUMNS { th scope="col" { (c) } } } } }
}

/// Lines on one page of an edition (a provincial directory runs to thousands).
const LINES_PER_PAGE: usize = 200;

/// Which page of an edition: by number, or the one holding a resource code (links from a
/// resource or an authorization name the code; the fragment then scrolls to its line).
#[derive(Debug, Default, Deserialize)]
pub struct EditionQuery {
    page: Option<String>,
    code: Option<String>,
}

pub use indexer::directory_line_href as line_href;

/// The page to show (1-based) and how many there are: the one holding the asked code, else the
/// asked page within range, else the first.
fn page_of(codes: &[&str], q: &EditionQuery) -> (usize, usize) {
    let pages = codes.len().div_ceil(LINES_PER_PAGE).max(1);
    let by_code = q
        .code
        .as_deref()
        .and_then(|code| codes.iter().position(|c| *c == code))
        .map(|i| i / LINES_PER_PAGE + 1);
    let by_number = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<usize>().ok())
        .map(|p| p.clamp(1, pages));
    (by_code.or(by_number).unwrap_or(1), pages)
}

fn edition_pager(number: u32, page: usize, pages: usize) -> Markup {
    let href = |p: usize| format!("/directory/{number}?page={p}");
    html! {
        @if pages > 1 {
            nav.pager aria-label="分页" {
                @if page > 1 { a rel="prev" href=(href(page - 1)) { "上一页" } }
                @for p in 1..=pages {
                    @if p == page { span aria-current="page" { (p) } }
                    @else if p == 1 || p == pages || p.abs_diff(page) <= 2 { a href=(href(p)) { (p) } }
                    @else if p.abs_diff(page) == 3 { span { "…" } }
                }
                @if page < pages { a rel="next" href=(href(page + 1)) { "下一页" } }
            }
        }
    }
}

/// One edition's page, or (`3.csv`, `3.xlsx`) its lines as a spreadsheet.
pub async fn edition(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(q): Query<EditionQuery>,
) -> PortalResult<Response> {
    let (number, format) = match raw.split_once('.') {
        Some((n, "csv")) => (n, Some(Format::Csv)),
        Some((n, "xlsx")) => (n, Some(Format::Xlsx)),
        Some(_) => return Err(PortalError::NotFound),
        None => (raw.as_str(), None),
    };
    let number: u32 = number.parse().map_err(|_| PortalError::NotFound)?;
    let e = state.catalog.edition(number).await?;
    if let Some(format) = format {
        let rows: Vec<Vec<String>> = e.lines.iter().map(line_cells).collect();
        let name = format!("授权运营目录第{}版", e.number);
        return download(format, &name, &name, &LINE_COLUMNS, &rows);
    }
    let codes: Vec<&str> = e.lines.iter().map(|l| l.code.as_str()).collect();
    let (at, pages) = page_of(&codes, &q);
    let shown = &e.lines[(at - 1) * LINES_PER_PAGE..(at * LINES_PER_PAGE).min(e.lines.len())];
    Ok(page(
        &e.title,
        html! {
            h1 { (e.title) }
            p.muted { "第 " (e.number) " 版 · " (e.publisher_name) " · 发布于 " (date(&e.published_at)) }
            @if let Some(note) = &e.note { p { (note) } }
            @if e.number > 1 {
                p { a href=(format!("/directory/diff?from={}&to={}", e.number - 1, e.number)) { "与上一版比较" } }
            }
            p.downloads { "下载本版：" a #download-csv href=(format!("/directory/{}.csv", e.number)) { "CSV" } " · " a #download-xlsx href=(format!("/directory/{}.xlsx", e.number)) { "Excel" } }
            div.scroll { table {
                caption.muted {
                    "共 " (super::layout::thousands(e.lines.len() as u64)) " 条"
                    @if pages > 1 { "，第 " (at) " / " (pages) " 页" }
                }
                (line_head())
                tbody { @for l in shown { (line_row(l, "")) } }
            } }
            (edition_pager(e.number, at, pages))
        },
    )
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
}

pub async fn diff(
    State(state): State<AppState>,
    Query(q): Query<DiffQuery>,
) -> PortalResult<Markup> {
    let number = |s: &Option<String>| s.as_deref().and_then(|s| s.parse::<u32>().ok());
    let (Some(from), Some(to)) = (number(&q.from), number(&q.to)) else {
        return Err(PortalError::NotFound);
    };
    let d = state.catalog.edition_diff(from, to).await?;
    let title = format!("第 {from} 版与第 {to} 版的差异");
    Ok(page(
        &title,
        html! {
            h1 { (title) }
            p {
                "新增 " strong { (d.added.len()) } " 条，删除 " strong { (d.removed.len()) } " 条，变更 " strong { (d.changed.len()) } " 条。 "
                a href=(format!("/directory/{from}")) { "第 " (from) " 版" } " · "
                a href=(format!("/directory/{to}")) { "第 " (to) " 版" }
            }
            h2 { "新增条目" }
            @if d.added.is_empty() { p { "无" } } @else {
                div.scroll { table { (line_head()) tbody { @for l in &d.added { (line_row(l, "added")) } } } }
            }
            h2 { "删除条目" }
            @if d.removed.is_empty() { p { "无" } } @else {
                div.scroll { table { (line_head()) tbody { @for l in &d.removed { (line_row(l, "removed")) } } } }
            }
            h2 { "变更条目" }
            @if d.changed.is_empty() { p { "无" } } @else {
                div.scroll { table {
                    thead { tr { th scope="col" { "资源代码" } th scope="col" { "名称" } th scope="col" { "字段" } th scope="col" { "原内容" } th scope="col" { "新内容" } } }
                    tbody {
                        @for c in &d.changed {
                            @for (i, f) in c.changes.iter().enumerate() {
                                tr.changed {
                                    @if i == 0 {
                                        td rowspan=(c.changes.len()) { (c.code.as_str()) }
                                        td rowspan=(c.changes.len()) { (c.name) }
                                    }
                                    td { (super::labels::label(&f.field)) }
                                    td { del { (text(&f.before)) } }
                                    td { ins { (text(&f.after)) } }
                                }
                            }
                        }
                    }
                } }
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(page: Option<&str>, code: Option<&str>) -> EditionQuery {
        EditionQuery {
            page: page.map(String::from),
            code: code.map(String::from),
        }
    }

    #[test]
    fn a_long_edition_opens_at_the_page_of_the_asked_line() {
        let owned: Vec<String> = (0..450).map(|i| format!("C{i}")).collect();
        let codes: Vec<&str> = owned.iter().map(String::as_str).collect();
        assert_eq!(page_of(&codes, &query(None, None)), (1, 3));
        assert_eq!(page_of(&codes, &query(Some("2"), None)), (2, 3));
        // Out of range or not a number: clamped, or the first page.
        assert_eq!(page_of(&codes, &query(Some("99"), None)), (3, 3));
        assert_eq!(page_of(&codes, &query(Some("0"), None)), (1, 3));
        assert_eq!(page_of(&codes, &query(Some("二"), None)), (1, 3));
        // A code wins over a page number; line 399 is the last of page 2, 400 the first of 3.
        assert_eq!(page_of(&codes, &query(Some("1"), Some("C399"))), (2, 3));
        assert_eq!(page_of(&codes, &query(None, Some("C400"))), (3, 3));
        assert_eq!(page_of(&codes, &query(None, Some("nope"))), (1, 3));
        assert_eq!(page_of(&[], &query(Some("5"), None)), (1, 1));
    }
}
