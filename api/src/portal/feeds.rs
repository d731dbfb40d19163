//! Atom feeds: new publicity notices, directory editions, registration results (coded).

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use catalog::Notices;
use catalog::domain::registration::RegistrationStatus;
use catalog::store::RecordFilter;
use chrono::{DateTime, NaiveDate, Utc};
use maud::{Markup, PreEscaped, html};

use super::layout::{PortalError, PortalResult};
use crate::state::AppState;

struct Entry {
    id: String,
    title: String,
    path: String,
    updated: DateTime<Utc>,
    summary: String,
}

fn midnight(d: Option<NaiveDate>, fallback: DateTime<Utc>) -> DateTime<Utc> {
    d.and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .unwrap_or(fallback)
}

pub async fn feed(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> PortalResult<Response> {
    let (title, mut entries) = match name.as_str() {
        "publicity.atom" => (
            "登记公示",
            registrations(&state, Notices::Current.statuses(), "/publicity").await?,
        ),
        "registrations.atom" => (
            "登记结果",
            registrations(&state, &[RegistrationStatus::Coded], "/products").await?,
        ),
        "editions.atom" => ("授权运营目录版本", editions(&state).await?),
        _ => return Err(PortalError::NotFound),
    };
    entries.sort_by_key(|e| std::cmp::Reverse(e.updated));
    entries.truncate(50);
    let base = state.web.public_base();
    let updated = entries.first().map(|e| e.updated).unwrap_or_else(Utc::now);
    let body: Markup = html! {
        (PreEscaped("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"))
        feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN" {
            title { (title) }
            id { (base) "/feeds/" (name) }
            link rel="self" href=(format!("{base}/feeds/{name}")) {}
            updated { (updated.to_rfc3339()) }
            author { name { "公共数据授权运营目录" } }
            @for e in &entries {
                entry {
                    title { (e.title) }
                    id { (base) "/entries/" (e.id) }
                    link href=(format!("{base}{}", e.path)) {}
                    updated { (e.updated.to_rfc3339()) }
                    summary { (e.summary) }
                }
            }
        }
    };
    Ok((
        [(CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body.into_string(),
    )
        .into_response())
}

async fn registrations(
    state: &AppState,
    statuses: &[RegistrationStatus],
    base: &str,
) -> PortalResult<Vec<super::feeds::Entry>> {
    let filter = RecordFilter {
        statuses: statuses.iter().map(|s| s.as_str().to_string()).collect(),
        public_only: true,
        ..RecordFilter::default()
    };
    let items = state.catalog.registrations(&filter).await?;
    Ok(items
        .iter()
        .filter_map(|r| r.public_view(state.clock.today()))
        .map(|r| {
            let path = match (base, r.subject) {
                (
                    "/products",
                    catalog::domain::registration::RegistrationSubject::Product { product_id },
                ) => format!("/products/{product_id}"),
                (
                    "/products",
                    catalog::domain::registration::RegistrationSubject::Resource { resource_id },
                ) => format!("/resources/{resource_id}"),
                _ => format!("/publicity/{}", r.id),
            };
            Entry {
                id: format!("{}-{}", r.id, r.version),
                title: r.subject_name.clone(),
                path,
                updated: if base == "/publicity" {
                    midnight(r.publicity_start, r.updated_at)
                } else {
                    r.updated_at
                },
                summary: r.subject_summary.clone(),
            }
        })
        .collect())
}

async fn editions(state: &AppState) -> PortalResult<Vec<Entry>> {
    Ok(state
        .catalog
        .editions()
        .await?
        .into_iter()
        .map(|e| Entry {
            id: e.id.to_string(),
            title: e.title.clone(),
            path: format!("/directory/{}", e.number),
            updated: e.published_at,
            summary: format!(
                "第 {} 版，共 {} 条，{} 发布",
                e.number,
                e.lines.len(),
                e.publisher_name
            ),
        })
        .collect())
}
