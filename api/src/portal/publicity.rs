//! Registration publicity notices (R 12): the current ones, open to objections, and the past
//! ones with their outcomes, as pages and as spreadsheets. The lists come from the catalog's
//! `publicity_notices`, as the API's do.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use axum::extract::{Query, State};
use axum::response::Response;
use catalog::Notices;
use catalog::domain::registration::PublicRegistration;
use maud::{Markup, html};
use uuid::Uuid;

use super::downloads::{Format, download};
use super::layout::{PortalResult, json, page, pager, text};
use super::pages::{After, PAGE, next};
use crate::state::AppState;

/// Rows a download of past notices holds at most (the oldest first, as listed).
const DOWNLOAD_ROWS: usize = 10_000;

/// Registrants' names, each organization read once.
async fn registrant_names(
    state: &AppState,
    notices: &[PublicRegistration],
) -> HashMap<Uuid, String> {
    let mut names = HashMap::new();
    for r in notices {
        if let Entry::Vacant(slot) = names.entry(r.registrant_id) {
            slot.insert(match state.catalog.organization(r.registrant_id).await {
                Ok(o) => o.value.name,
                Err(_) => "—".to_owned(),
            });
        }
    }
    names
}

/// The publicity window, as a person reads it.
pub fn window(r: &PublicRegistration) -> String {
    match r.publicity_start.zip(r.publicity_end) {
        Some((start, end)) => format!("{start} 至 {end}"),
        None => "—".to_owned(),
    }
}

/// What became of it (or where it stands), with the objections' decisions counted.
pub fn outcome(r: &PublicRegistration) -> String {
    let mut out = r
        .publicity
        .map(|o| o.label().to_owned())
        .unwrap_or_else(|| r.status.label().to_owned());
    if !r.objections.is_empty() {
        let decided = r.objections.iter().filter(|o| o.decision.is_some()).count();
        out.push_str(&format!(
            "（收到异议 {} 件，已决定 {decided} 件）",
            r.objections.len()
        ));
    }
    out
}

fn table(notices: &[PublicRegistration], names: &HashMap<Uuid, String>) -> Markup {
    html! {
        div.scroll { table.notices {
            thead { tr {
                th scope="col" { "登记对象" } th scope="col" { "登记类型" } th scope="col" { "申请人" }
                th scope="col" { "公示期" } th scope="col" { "结果" }
            } }
            tbody { @for r in notices { tr {
                td { a href=(format!("/publicity/{}", r.id)) { (r.subject_name) } }
                td { (text(&json(&r.kind))) }
                td { (names.get(&r.registrant_id).map(String::as_str).unwrap_or("—")) }
                td { (window(r)) }
                td { (outcome(r)) }
            } } }
        } }
    }
}

/// What each list says of itself: its title and note, the other list, its downloads.
struct ListPage {
    path: &'static str,
    title: &'static str,
    note: &'static str,
    empty: &'static str,
    other: (&'static str, &'static str),
}

const CURRENT: ListPage = ListPage {
    path: "/publicity",
    title: "登记公示",
    note: "公示期内，任何单位和个人可以实名提出异议。",
    empty: "目前没有处于公示期的登记。",
    other: ("/publicity/past", "往期公示及结果"),
};

const PAST: ListPage = ListPage {
    path: "/publicity/past",
    title: "往期公示",
    note: "公示期已结束的登记及其结果：准予登记、异议成立终止登记或申请人撤回。",
    empty: "暂无往期公示。",
    other: ("/publicity", "当前公示"),
};

async fn list(state: &AppState, which: Notices, after: &After) -> PortalResult<Markup> {
    let l = match which {
        Notices::Current => &CURRENT,
        Notices::Past => &PAST,
    };
    let items = state
        .catalog
        .publicity_notices(which, after.id(), PAGE, state.clock.today())
        .await?;
    let names = registrant_names(state, &items).await;
    Ok(page(
        l.title,
        html! {
            h1 { (l.title) }
            p.muted { (l.note) }
            p.downloads {
                a href=(l.other.0) { (l.other.1) } " · 下载："
                a #download-csv href=(format!("{}.csv", l.path)) { "CSV" } " · "
                a #download-xlsx href=(format!("{}.xlsx", l.path)) { "Excel" }
                @if which == Notices::Current { " · " a href="/feeds/publicity.atom" { "订阅" } }
            }
            @if items.is_empty() { p { (l.empty) } } @else { (table(&items, &names)) }
            (pager(l.path, after.id().is_some(), next(&items, |r| r.id)))
        },
    ))
}

pub async fn publicity(
    State(state): State<AppState>,
    Query(after): Query<After>,
) -> PortalResult<Markup> {
    list(&state, Notices::Current, &after).await
}

pub async fn past(
    State(state): State<AppState>,
    Query(after): Query<After>,
) -> PortalResult<Markup> {
    list(&state, Notices::Past, &after).await
}

const HEADERS: [&str; 8] = [
    "登记对象",
    "登记类型",
    "申请人",
    "公示期",
    "结果",
    "登记结果查询码",
    "有效期",
    "链接",
];

async fn notices_table(state: &AppState, which: Notices, format: Format) -> PortalResult<Response> {
    let today = state.clock.today();
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let batch = state
            .catalog
            .publicity_notices(which, after, 500, today)
            .await?;
        let full = batch.len() == 500;
        after = batch.last().map(|r| r.id);
        all.extend(batch);
        if !full || all.len() >= DOWNLOAD_ROWS {
            break;
        }
    }
    all.truncate(DOWNLOAD_ROWS);
    let names = registrant_names(state, &all).await;
    let base = state.web.public_base();
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|r| {
            vec![
                r.subject_name.clone(),
                text(&json(&r.kind)),
                names.get(&r.registrant_id).cloned().unwrap_or_default(),
                window(r),
                outcome(r),
                r.query_code
                    .as_ref()
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_default(),
                match r.valid_from.zip(r.valid_to) {
                    Some((from, to)) => format!("{from} 至 {to}"),
                    None => String::new(),
                },
                format!("{base}/publicity/{}", r.id),
            ]
        })
        .collect();
    let name = match which {
        Notices::Current => CURRENT.title,
        Notices::Past => PAST.title,
    };
    download(format, name, name, &HEADERS, &rows)
}

pub async fn current_csv(State(state): State<AppState>) -> PortalResult<Response> {
    notices_table(&state, Notices::Current, Format::Csv).await
}

pub async fn current_xlsx(State(state): State<AppState>) -> PortalResult<Response> {
    notices_table(&state, Notices::Current, Format::Xlsx).await
}

pub async fn past_csv(State(state): State<AppState>) -> PortalResult<Response> {
    notices_table(&state, Notices::Past, Format::Csv).await
}

pub async fn past_xlsx(State(state): State<AppState>) -> PortalResult<Response> {
    notices_table(&state, Notices::Past, Format::Xlsx).await
}
