//! What the public pages show, to take away as a spreadsheet: the negative list, a search's
//! results and (from `directory.rs`) an edition, each as CSV and xlsx (`importers::template` writes them: every cell text, formulas
//! neutralized).

use axum::extract::{Query, State};
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use catalog::domain::negative_list::{NegativeScope, NegativeTarget};
use importers::template::{table_csv, table_xlsx};

use super::layout::{PortalError, PortalResult, day_of, json, text};
use super::search::{Params, SEARCH_ROWS, request, value_label};
use crate::routes::samples::rfc5987;
use crate::state::AppState;
use indexer::labels::{kind_label, status_label};

/// A table in the format its path names (`csv` or `xlsx`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

pub fn download(
    format: Format,
    sheet: &str,
    file: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> PortalResult<Response> {
    let (bytes, kind, extension) = match format {
        Format::Csv => (table_csv(headers, rows), "text/csv; charset=utf-8", "csv"),
        Format::Xlsx => (
            table_xlsx(sheet, headers, rows).map_err(|e| PortalError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    let disposition = format!(
        "attachment; filename=\"mulu.{extension}\"; filename*=UTF-8''{}",
        rfc5987(&format!("{file}.{extension}"))
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

const NEGATIVE_HEADERS: [&str; 10] = [
    "对象",
    "类型",
    "范围",
    "限制条件",
    "理由",
    "法律依据",
    "批准机关",
    "批准日期",
    "下次评估日期",
    "状态",
];

/// The public entries of the negative list, as the page shows them.
pub async fn negative_list(state: &AppState, format: Format) -> PortalResult<Response> {
    let entries = state.catalog.negative_list(true).await?;
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let d = &e.details;
            vec![
                match &d.target {
                    NegativeTarget::Resource { code } => {
                        format!("{}（{}）", d.target.label(), code.as_str())
                    }
                    _ => d.target.label(),
                },
                text(&json(&d.kind)),
                match &d.scope {
                    NegativeScope::WholeResource => "整个资源".to_owned(),
                    NegativeScope::DataItems(items) => format!("信息项：{}", items.join("、")),
                },
                d.conditions.clone().unwrap_or_default(),
                text(&json(&d.reason)),
                d.legal_basis.clone(),
                d.approved_by.clone(),
                d.approved_on.to_string(),
                d.next_review_on.to_string(),
                e.status.label().to_owned(),
            ]
        })
        .collect();
    download(format, "负面清单", "负面清单", &NEGATIVE_HEADERS, &rows)
}

pub async fn negative_list_csv(State(state): State<AppState>) -> PortalResult<Response> {
    negative_list(&state, Format::Csv).await
}

pub async fn negative_list_xlsx(State(state): State<AppState>) -> PortalResult<Response> {
    negative_list(&state, Format::Xlsx).await
}

const SEARCH_HEADERS: [&str; 8] = [
    "名称",
    "类别",
    "数源单位",
    "地区",
    "更新频率",
    "状态",
    "更新时间",
    "链接",
];

/// A search's first [`SEARCH_ROWS`] hits as the search page ranks them, for anyone.
async fn search(state: &AppState, p: Params, format: Format) -> PortalResult<Response> {
    let mut req = request(&p).map_err(|_| PortalError::NotFound)?;
    req.limit = search::MAX_LIMIT;
    req.facets = false;
    req.cursor = None;
    let index = state.search.clone();
    let hits = crate::cpu::off_the_workers(move || {
        let mut hits = Vec::new();
        loop {
            let page = index.search(&req)?;
            hits.extend(page.hits);
            match page.next_cursor {
                Some(next) if hits.len() < SEARCH_ROWS => req.cursor = Some(next),
                _ => break,
            }
        }
        hits.truncate(SEARCH_ROWS);
        Ok::<_, search::SearchError>(hits)
    })
    .await
    .map_err(|_| PortalError::Internal("检索下载任务异常中止".into()))??;
    let base = state.web.public_base().to_owned();
    let rows: Vec<Vec<String>> = hits
        .into_iter()
        .map(|h| {
            let f = &h.facets;
            vec![
                h.title,
                kind_label(h.kind).to_owned(),
                f.provider.clone().unwrap_or_default(),
                f.region
                    .as_deref()
                    .map(|r| value_label("region", r, &[]))
                    .unwrap_or_default(),
                f.update_frequency.clone().unwrap_or_default(),
                f.status
                    .as_deref()
                    .map(|s| status_label(h.kind, s).unwrap_or(s).to_owned())
                    .unwrap_or_default(),
                day_of(h.updated_at),
                format!("{base}{}", h.url),
            ]
        })
        .collect();
    download(format, "检索结果", "检索结果", &SEARCH_HEADERS, &rows)
}

pub async fn search_csv(
    State(state): State<AppState>,
    Query(p): Query<Params>,
) -> PortalResult<Response> {
    search(&state, p, Format::Csv).await
}

pub async fn search_xlsx(
    State(state): State<AppState>,
    Query(p): Query<Params>,
) -> PortalResult<Response> {
    search(&state, p, Format::Xlsx).await
}
