//! DCAT-AP 3 export: `/catalog.ttl` and `/catalog.jsonld` (Hydra-paged with `page`, `page_size`,
//! `modified_since`) and one document per dataset at `/datasets/{id}.ttl` / `.jsonld` (or
//! `/datasets/{id}` with `Accept`).

use std::collections::{BTreeSet, HashMap};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use catalog::store::{PublicOrder, PublicPage};
use catalog::{PublicEntry, PublicItem, PublicKind};
use serde::Deserialize;
use uuid::Uuid;

use super::ckan_package::owners;
use super::ckan_query::parse_time;
use super::dcat_graph::{DcatGraph, Related, View};
use super::landing_page;
use super::negotiate::{Representation, negotiate, vary_on_accept};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use crate::page_limit::PageLimit;
use crate::state::AppState;

const DEFAULT_PAGE_SIZE: usize = 100;
const MAX_PAGE_SIZE: usize = 1000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/catalog.ttl", get(catalog_turtle))
        .route("/catalog.jsonld", get(catalog_json_ld))
        .route("/datasets/{file}", get(dataset))
}

/// A graph as the Turtle or JSON-LD answer.
pub(super) fn rdf_response(graph: &DcatGraph, format: Representation) -> ApiResult<Response> {
    let (bytes, content_type) = match format {
        Representation::JsonLd => (graph.to_json_ld(), "application/ld+json"),
        _ => (graph.to_turtle(), "text/turtle; charset=utf-8"),
    };
    let bytes = bytes.map_err(|e| {
        tracing::error!(error = %e, "DCAT serialization failed");
        ApiError::unavailable("DCAT 文档生成失败")
    })?;
    let mut response = (StatusCode::OK, bytes).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(response)
}

fn extension(format: Representation) -> &'static str {
    match format {
        Representation::JsonLd => "jsonld",
        _ => "ttl",
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
    catalog_document(&state, q, Representation::Turtle).await
}

async fn catalog_json_ld(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CatalogQuery>,
) -> ApiResult<Response> {
    catalog_document(&state, q, Representation::JsonLd).await
}

async fn catalog_document(
    state: &AppState,
    q: CatalogQuery,
    format: Representation,
) -> ApiResult<Response> {
    let page = q.page.unwrap_or(1);
    if !(1..=1_000_000).contains(&page) {
        return Err(ApiError::bad_request(
            "page",
            "page 必须是 1 到 1000000 之间的整数",
        ));
    }
    let size = PageLimit::parse(
        q.page_size,
        DEFAULT_PAGE_SIZE,
        1..=MAX_PAGE_SIZE,
        "page_size",
    )?
    .as_i64();
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
        format!("{base}/catalog.{}?{}", extension(format), query.finish())
    };
    let view = View {
        this: link(page),
        first: link(1),
        previous: (page > 1).then(|| link((page - 1).min(last))),
        next: (page < last).then(|| link(page + 1)),
        last: link(last),
        total: found.total,
    };
    let related = related(state, &found.entries).await?;
    let mut graph = DcatGraph::new(base);
    // The catalog's dct:modified is the newest change of the whole (filtered) catalog, the same
    // on every page, so merged pages keep a single value; dct:issued is when the oldest entry
    // of the whole catalog entered it.
    let newest = edge_entry(state, since, PublicOrder::ModifiedDesc).await?;
    let oldest = edge_entry(state, None, PublicOrder::CreatedAsc).await?;
    graph.catalog(
        oldest.map(|e| e.created),
        newest.map(|e| e.modified),
        Some(&view),
    );
    for entry in &found.entries {
        graph.dataset(entry, &related, true);
    }
    rdf_response(&graph, format)
}

/// The publishers of `entries` and the sections of the published resources their products are
/// built from.
async fn related(state: &AppState, entries: &[PublicEntry]) -> ApiResult<Related> {
    let sources: BTreeSet<String> = entries
        .iter()
        .filter_map(|e| match &e.item {
            PublicItem::Product(p) => Some(&p.product.details.source_resource_ids),
            PublicItem::Resource(_) => None,
        })
        .flatten()
        .map(Uuid::to_string)
        .collect();
    let mut sections = HashMap::new();
    if !sources.is_empty() {
        let found = state
            .catalog
            .public_catalog(
                &[PublicKind::Resource],
                PublicPage {
                    limit: sources.len() as i64,
                    ids: Some(sources.into_iter().collect()),
                    ..PublicPage::default()
                },
                state.clock.today(),
            )
            .await?;
        for entry in found.entries {
            if let PublicItem::Resource(r) = entry.item
                && let Some(letter) = r.content.domain
            {
                sections.insert(r.id, letter);
            }
        }
    }
    Ok(Related {
        owners: owners(&state.catalog, entries).await?,
        sections,
    })
}

/// The first entry of the public catalog in an order.
async fn edge_entry(
    state: &AppState,
    since: Option<chrono::DateTime<chrono::Utc>>,
    order: PublicOrder,
) -> ApiResult<Option<PublicEntry>> {
    let found = state
        .catalog
        .public_catalog(
            &[],
            PublicPage {
                modified_since: since,
                order,
                limit: 1,
                ..PublicPage::default()
            },
            state.clock.today(),
        )
        .await?;
    Ok(found.entries.into_iter().next())
}

/// `{id}.ttl`, `{id}.jsonld`, or `{id}` negotiated on `Accept`: Turtle unless JSON-LD is asked
/// for, and a person's browser is sent to the entry's page.
async fn dataset(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(file): ApiPath<String>,
) -> ApiResult<Response> {
    let (id, format, negotiated) = match file.rsplit_once('.') {
        Some((id, "ttl")) => (id, Representation::Turtle, false),
        Some((id, "jsonld")) => (id, Representation::JsonLd, false),
        Some(_) => return Err(ApiError::not_found("没有这种格式：请用 .ttl 或 .jsonld")),
        None => (
            file.as_str(),
            negotiate(
                &headers,
                &[
                    Representation::Turtle,
                    Representation::JsonLd,
                    Representation::Html,
                ],
            )?,
            true,
        ),
    };
    let id = Uuid::parse_str(id).map_err(|_| ApiError::bad_request("id", "数据集 id 应为 UUID"))?;
    let entry = state
        .catalog
        .public_catalog_entry(id, state.clock.today())
        .await?;
    let base = state.web.public_base();
    let response = if format == Representation::Html {
        Redirect::to(&landing_page(base, &entry)).into_response()
    } else {
        let related = related(&state, std::slice::from_ref(&entry)).await?;
        let mut graph = DcatGraph::new(base);
        graph.dataset(&entry, &related, false);
        rdf_response(&graph, format)?
    };
    Ok(if negotiated {
        vary_on_accept(response)
    } else {
        response
    })
}
