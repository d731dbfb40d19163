//! Interoperability outside `/api/v1` (and outside its OpenAPI document): the DCAT-AP 3 export of
//! the public catalog and a read-only CKAN Action API for harvesters. Both show only what rule 8
//! makes public: published resources (their published version) and registered products.

mod ckan;
pub(crate) use ckan::{is_action_path, too_many_requests};
mod ckan_package;
mod ckan_query;
mod dcat;
mod dcat_graph;
mod linked_data;
mod negotiate;
mod period;
pub(crate) mod vocab;

use axum::Router;
use catalog::PublicEntry;
use catalog::PublicItem;
use catalog::domain::organization::Organization;
use uuid::Uuid;

use crate::state::AppState;

/// The CKAN Action API, the DCAT export and the addresses its IRIs name.
pub fn router() -> Router<AppState> {
    ckan::routes()
        .merge(dcat::routes())
        .merge(linked_data::routes())
}

/// CKAN `name` of a package: the resource code lowercased (`440300-00000123-i`), or
/// `product-` and the product id without hyphens; both match `[a-z0-9_-]{2,100}`.
pub(crate) fn package_name(entry: &PublicEntry) -> String {
    match &entry.item {
        PublicItem::Resource(r) => r.code.as_str().to_ascii_lowercase(),
        PublicItem::Product(p) => format!("product-{}", p.product.id.simple()),
    }
}

/// What a package name or id refers to.
pub(crate) enum PackageRef {
    Id(Uuid),
    Code(catalog::domain::ResourceCode),
}

pub(crate) fn parse_package_ref(raw: &str) -> Option<PackageRef> {
    let raw = raw.trim();
    if let Ok(id) = Uuid::parse_str(raw) {
        return Some(PackageRef::Id(id));
    }
    if let Some(hex) = raw.strip_prefix("product-") {
        return Uuid::try_parse(hex).ok().map(PackageRef::Id);
    }
    catalog::domain::ResourceCode::parse(&raw.to_ascii_uppercase())
        .ok()
        .map(PackageRef::Code)
}

/// CKAN `name` of an organization: its USCC lowercased (18 characters of `[0-9a-z]`).
pub(crate) fn org_name(org: &Organization) -> String {
    org.uscc.as_str().to_ascii_lowercase()
}

/// Public landing page of an entry in the portal.
pub(crate) fn landing_page(base: &str, entry: &PublicEntry) -> String {
    match &entry.item {
        PublicItem::Resource(r) => format!("{base}/resources/{}", r.id),
        PublicItem::Product(p) => format!("{base}/products/{}", p.product.id),
    }
}
