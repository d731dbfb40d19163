//! The public portal: server-rendered Chinese pages over the catalog's public read functions
//! (the same ones the anonymous `/api/v1` routes use), plus Atom feeds and embedded assets.
//! Rule 8: nothing here takes a caller's token into account; every page is what anyone sees.

mod assets;
mod developers;
mod directory;
mod downloads;
mod feeds;
mod home;
pub(crate) mod labels;
pub(crate) mod layout;
mod pages;
mod public;
mod publicity;
mod registrations;
pub(crate) mod search;
mod site;
mod verify;

use axum::Router;
use axum::routing::get;
use uuid::Uuid;

use crate::state::AppState;
use layout::{PortalError, PortalResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/robots.txt", get(site::robots))
        .route("/sitemap.xml", get(site::sitemap_index))
        .route("/sitemap/{file}", get(site::sitemap))
        .route("/favicon.svg", get(site::icon))
        .route("/favicon.ico", get(site::icon))
        .route("/search", get(search::search))
        .route("/developers", get(developers::developers))
        .route("/resources", get(pages::resources))
        .route("/resources/{id}", get(pages::resource))
        .route("/resources/{id}/versions/{n}", get(pages::resource_version))
        .route("/negative-list", get(pages::negative_list))
        .route("/negative-list.csv", get(downloads::negative_list_csv))
        .route("/negative-list.xlsx", get(downloads::negative_list_xlsx))
        .route("/search.csv", get(downloads::search_csv))
        .route("/search.xlsx", get(downloads::search_xlsx))
        .route("/directory", get(directory::editions))
        .route("/directory/diff", get(directory::diff))
        .route("/directory/{edition}", get(directory::edition))
        .route("/publicity", get(publicity::publicity))
        .route("/publicity.csv", get(publicity::current_csv))
        .route("/publicity.xlsx", get(publicity::current_xlsx))
        .route("/publicity/past", get(publicity::past))
        .route("/publicity/past.csv", get(publicity::past_csv))
        .route("/publicity/past.xlsx", get(publicity::past_xlsx))
        .route(
            "/publicity/{id}",
            get(registrations::notice).post(registrations::object),
        )
        .route("/products", get(registrations::products))
        // A registration's public record (search hits link here); the notice page serves it.
        .route("/registrations/{id}", get(registrations::notice))
        .route("/verify", get(verify::verify))
        .route("/products/{id}", get(registrations::product))
        .route("/authorizations", get(public::authorizations))
        .route("/authorizations/{id}", get(public::authorization))
        .route("/disclosures", get(public::disclosures))
        .route("/disclosures/{id}", get(public::disclosure))
        .route("/organizations/{uscc}", get(public::organization))
        .route("/feeds/{feed}", get(feeds::feed))
        .route("/static/{file}", get(assets::asset))
        .layer(axum::middleware::from_fn(layout::remember_path))
}

pub use directory::line_href as directory_line_href;

/// Path ids that do not parse are simply pages that do not exist.
fn uuid(raw: &str) -> PortalResult<Uuid> {
    raw.parse().map_err(|_| PortalError::NotFound)
}

/// The 404 page for any unknown non-API address.
pub async fn fallback() -> axum::response::Response {
    use axum::response::IntoResponse;
    layout::not_found().into_response()
}
