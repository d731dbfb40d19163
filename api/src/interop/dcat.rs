//! DCAT-AP 3 export: `/catalog.ttl` and `/catalog.jsonld` (Hydra-paged with `page`, `page_size`,
//! `modified_since`) and one document per dataset at `/datasets/{id}.ttl` / `.jsonld` (or
//! `/datasets/{id}` with `Accept`).

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use catalog::store::{PublicOrder, PublicPage};
use serde::Deserialize;
use uuid::Uuid;

use super::ckan_package::owners;
use super::ckan_query::parse_time;
use super::dcat_graph::{DcatGraph, View};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

const DEFAULT_PAGE_SIZE: i64 = 100;
const MAX_PAGE_SIZE: i64 = 1000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/catalog.ttl", get(catalog_turtle))
        .route("/catalog.jsonld", get(catalog_json_ld))
        .route("/datasets/{file}", get(dataset))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Turtle,
    JsonLd,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Turtle => "ttl",
            Format::JsonLd => "jsonld",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Turtle => "text/turtle; charset=utf-8",
            Format::JsonLd => "application/ld+json",
        }
    }

    fn render(self, graph: &DcatGraph) -> ApiResult<Response> {
        let bytes = match self {
            Format::Turtle => graph.to_turtle(),
            Format::JsonLd => graph.to_json_ld(),
        }
        .map_err(|e| {
            tracing::error!(error = %e, "DCAT serialization failed");
            ApiError::unavailable("DCAT 文档生成失败")
        })?;
        let mut response = (StatusCode::OK, bytes).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type()),
        );
        Ok(response)
    }
}

#[derive(Debug, Deserialize)]
struct CatalogQuery {
    /// 1-based page number (default 1).
    page: Option<i64>,
    /// 1–1000 (default 100).
    page_size: Option<i64>,
    /// Only datasets modified at or after this instant (ISO 8601).
    modified_since: Option<String>,
}

async fn catalog_turtle(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CatalogQuery>,
) -> ApiResult<Response> {
    catalog_document(&state, q, Format::Turtle).await
}

async fn catalog_json_ld(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CatalogQuery>,
) -> ApiResult<Response> {
    catalog_document(&state, q, Format::JsonLd).await
}

async fn catalog_document(
    state: &AppState,
    q: CatalogQuery,
    format: Format,
) -> ApiResult<Response> {
    let page = q.page.unwrap_or(1);
    if !(1..=1_000_000).contains(&page) {
        return Err(ApiError::bad_request(
            "page",
            "page 必须是 1 到 1000000 之间的整数",
        ));
    }
    let size = q.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&size) {
        return Err(ApiError::bad_request(
            "page_size",
            format!("page_size 必须在 1 到 {MAX_PAGE_SIZE} 之间"),
        ));
    }
    let since = match q
        .modified_since
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => Some(parse_time(raw).ok_or_else(|| {
            ApiError::bad_request(
                "modified_since",
                "modified_since 应为 ISO 8601 日期或时间，如 2025-01-01T00:00:00Z",
            )
        })?),
    };
    let base = state.web.public_base();
    let found = state
        .catalog
        .public_catalog(
            &[],
            PublicPage {
                modified_since: since,
                order: PublicOrder::IdAsc,
                offset: (page - 1) * size,
                limit: size,
                ..PublicPage::default()
            },
            state.clock.today(),
        )
        .await?;
    let last = ((found.total + size - 1) / size).max(1);
    let link = |n: i64| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("page", &n.to_string());
        query.append_pair("page_size", &size.to_string());
        if let Some(since) = since {
            query.append_pair("modified_since", &since.to_rfc3339());
        }
        format!("{base}/catalog.{}?{}", format.extension(), query.finish())
    };
    let view = View {
        this: link(page),
        first: link(1),
        previous: (page > 1).then(|| link((page - 1).min(last))),
        next: (page < last).then(|| link(page + 1)),
        last: link(last),
        total: found.total,
    };
    let orgs = owners(&state.catalog, &found.entries).await?;
    let mut graph = DcatGraph::new(base);
    // The catalog's dct:modified is the newest change of the whole (filtered) catalog, the same
    // on every page, so merged pages keep a single value.
    let newest = state
        .catalog
        .public_catalog(
            &[],
            PublicPage {
                modified_since: since,
                order: PublicOrder::ModifiedDesc,
                limit: 1,
                ..PublicPage::default()
            },
            state.clock.today(),
        )
        .await?;
    let modified = newest.entries.first().map(|e| e.modified);
    graph.catalog(modified, Some(&view));
    for entry in &found.entries {
        graph.dataset(entry, &orgs, true);
    }
    format.render(&graph)
}

/// `{id}.ttl`, `{id}.jsonld`, or `{id}` negotiated on `Accept` (Turtle unless JSON-LD is asked for).
async fn dataset(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(file): ApiPath<String>,
) -> ApiResult<Response> {
    let (id, format) = match file.rsplit_once('.') {
        Some((id, "ttl")) => (id, Format::Turtle),
        Some((id, "jsonld")) => (id, Format::JsonLd),
        Some(_) => return Err(ApiError::not_found("没有这种格式：请用 .ttl 或 .jsonld")),
        None => {
            let accept = headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let json =
                accept.contains("application/ld+json") || accept.contains("application/json");
            (
                file.as_str(),
                if json { Format::JsonLd } else { Format::Turtle },
            )
        }
    };
    let id = Uuid::parse_str(id).map_err(|_| ApiError::bad_request("id", "数据集 id 应为 UUID"))?;
    let entry = state
        .catalog
        .public_catalog_entry(id, state.clock.today())
        .await?;
    let orgs = owners(&state.catalog, std::slice::from_ref(&entry)).await?;
    let mut graph = DcatGraph::new(state.web.public_base());
    graph.dataset(&entry, &orgs, false);
    format.render(&graph)
}
