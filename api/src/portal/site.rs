//! What crawlers and browsers ask a site for: robots.txt, a sitemap (an index of the sections and
//! of every public resource, 1,000 to a file), and the icon.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use search::{EntityKind, ListingRequest, ListingSort, Viewer, package_id};

use super::layout::{PortalError, PortalResult, not_found};
use crate::state::AppState;

/// Resources per sitemap file (the protocol allows 50,000; a page of the index's listing is 1,000).
const PER_SITEMAP: usize = search::MAX_LISTING_LIMIT;

/// The public sections, as the navigation lists them (not the search: robots.txt keeps crawlers
/// out of its endless combinations).
const SECTIONS: [&str; 9] = [
    "/",
    "/resources",
    "/directory",
    "/negative-list",
    "/publicity",
    "/products",
    "/authorizations",
    "/disclosures",
    "/developers",
];

const ICON: &str = include_str!("../../static/favicon.svg");

fn text(kind: &'static str, body: String) -> Response {
    (
        [
            (CONTENT_TYPE, kind),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

pub async fn robots(State(state): State<AppState>) -> Response {
    let base = state.web.public_base();
    text(
        "text/plain; charset=utf-8",
        format!(
            "User-agent: *\nDisallow: /workbench\nDisallow: /signin\nDisallow: /account\nDisallow: /api/\nDisallow: /search\n\nSitemap: {base}/sitemap.xml\n"
        ),
    )
}

/// The sitemap index: the sections, then one file per 1,000 public resources.
pub async fn sitemap_index(State(state): State<AppState>) -> PortalResult<Response> {
    let total = public_resources(&state, 0, 0).await?.total as usize;
    let base = state.web.public_base();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    xml.push_str(&format!(
        "<sitemap><loc>{base}/sitemap/sections.xml</loc></sitemap>\n"
    ));
    for n in 0..total.div_ceil(PER_SITEMAP) {
        xml.push_str(&format!(
            "<sitemap><loc>{base}/sitemap/resources-{n}.xml</loc></sitemap>\n"
        ));
    }
    xml.push_str("</sitemapindex>\n");
    Ok(text("application/xml; charset=utf-8", xml))
}

/// One file of the sitemap: `sections.xml` or `resources-{n}.xml`.
pub async fn sitemap(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> PortalResult<Response> {
    let base = state.web.public_base().to_owned();
    let paths: Vec<String> = if file == "sections.xml" {
        SECTIONS.iter().map(|s| (*s).to_owned()).collect()
    } else {
        let n: usize = file
            .strip_prefix("resources-")
            .and_then(|rest| rest.strip_suffix(".xml"))
            .and_then(|n| n.parse().ok())
            .ok_or(PortalError::NotFound)?;
        let offset = n.checked_mul(PER_SITEMAP).ok_or(PortalError::NotFound)?;
        let page = public_resources(&state, offset, PER_SITEMAP).await?;
        if page.ids.is_empty() {
            return Ok(not_found().into_response());
        }
        page.ids
            .iter()
            .map(|id| format!("/resources/{}", package_id(id)))
            .collect()
    };
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        // Ids are uuids and sections are fixed: nothing to escape.
        xml.push_str(&format!("<url><loc>{base}{path}</loc></url>\n"));
    }
    xml.push_str("</urlset>\n");
    Ok(text("application/xml; charset=utf-8", xml))
}

/// Public resources in a stable order (by id), `limit` from `offset`.
async fn public_resources(
    state: &AppState,
    offset: usize,
    limit: usize,
) -> PortalResult<search::ListingResults> {
    let index = state.search.clone();
    let request = ListingRequest {
        kinds: vec![EntityKind::Resource],
        viewer: Viewer::Anonymous,
        sort: ListingSort::IdAsc,
        offset,
        limit,
        ..ListingRequest::default()
    };
    let found = crate::cpu::off_the_workers(move || index.listing(&request))
        .await
        .map_err(|_| PortalError::Internal("站点地图任务异常中止".into()))?;
    Ok(found?)
}

pub async fn icon() -> Response {
    (
        [
            (CONTENT_TYPE, "image/svg+xml"),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        ICON,
    )
        .into_response()
}
