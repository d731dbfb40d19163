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

/// One edition's page, or (`3.csv`, `3.xlsx`) its lines as a spreadsheet.
pub async fn edition(
    State(state): State<AppState>,
    Path(raw): Path<String>,
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
                caption.muted { "共 " (e.lines.len()) " 条" }
                (line_head())
                tbody { @for l in &e.lines { (line_row(l, "")) } }
            } }
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
