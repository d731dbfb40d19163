//! The signed-in web: sign-in (password, second factor, single sign-on), the account pages and
//! the workbench (工作台). Pages parse the form, call one `catalog` method with the person as
//! actor, and render the result or the catalog's Chinese error; no rule lives here.

mod audit_page;
mod authorizations_page;
mod choices;
pub mod config;
mod dashboards;
mod demands_page;
mod directory_admin;
mod disclosures_page;
pub(crate) mod entries;
mod feed_page;
mod feedback_page;
mod forms;
pub mod import_jobs;
mod imports_page;
mod listings_page;
pub mod oidc;
mod oidc_routes;
mod organizations_page;
mod pages;
mod people;
mod products_page;
mod region_select;
mod registrant_page;
mod registrar_page;
mod registration_parts;
pub mod session;
mod sign_in;
pub(crate) mod stats;
mod upload;
mod webhooks_page;
mod workbench;

/// The workbench's upload address: it takes the import body limit, like `POST /api/v1/imports`.
pub const WORKBENCH_UPLOAD_PATH: &str = "/workbench/imports";

/// Workbench addresses that take a signed document (hashed as it streams in, never kept whole):
/// they take the import body limit too.
pub fn is_document_upload(path: &str) -> bool {
    path.strip_prefix(authorizations_page::PATH)
        .is_some_and(|rest| rest.ends_with("/sign"))
}

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub use config::{SharedWebConfig, WebConfig};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signin", get(sign_in::form).post(sign_in::submit))
        .route(
            "/signin/second-factor",
            get(sign_in::second_factor_form).post(sign_in::second_factor),
        )
        .route("/signin/oidc", get(oidc_routes::start))
        .route("/signin/oidc/callback", get(oidc_routes::callback))
        .route("/signout", post(sign_in::sign_out))
        .route(
            "/account/password",
            get(sign_in::password_form).post(sign_in::change_password),
        )
        .route(
            "/account/second-factor",
            get(sign_in::enroll_form).post(sign_in::enroll),
        )
        .route("/workbench", get(workbench::home))
        .route("/workbench/role", post(workbench::switch_role))
        .route(
            "/workbench/tokens",
            get(workbench::tokens).post(workbench::issue_token),
        )
        .route(
            "/workbench/tokens/{id}/revoke",
            post(workbench::revoke_token),
        )
        .route(
            "/workbench/resources",
            get(entries::list).post(entries::create),
        )
        .route("/workbench/resources/new", get(entries::new_form))
        .route("/workbench/resources/{id}", get(entries::show))
        .route(
            "/workbench/resources/{id}/edit",
            get(entries::edit_form).post(entries::update),
        )
        .route("/workbench/resources/{id}/{action}", post(entries::act))
        .route("/workbench/resources/export.xlsx", get(entries::export))
        .route(
            "/workbench/resources/bulk",
            get(entries::bulk_result).post(entries::bulk),
        )
        .route("/workbench/feedback", get(feedback_page::list))
        .route(
            authorizations_page::PATH,
            get(authorizations_page::list).post(authorizations_page::announce),
        )
        .route(
            "/workbench/authorizations/new",
            get(authorizations_page::new_form),
        )
        .route(
            "/workbench/authorizations/{id}",
            get(authorizations_page::detail).post(authorizations_page::act),
        )
        .route(
            "/workbench/authorizations/{id}/sign",
            post(authorizations_page::sign),
        )
        .route(
            demands_page::PATH,
            get(demands_page::list).post(demands_page::file),
        )
        .route(
            "/workbench/demands/{id}",
            get(demands_page::detail).post(demands_page::review),
        )
        .route(
            disclosures_page::PATH,
            get(disclosures_page::list).post(disclosures_page::draft),
        )
        .route(
            "/workbench/disclosures/{id}",
            get(disclosures_page::detail).post(disclosures_page::act),
        )
        .route(
            listings_page::PATH,
            get(listings_page::list).post(listings_page::report),
        )
        .route("/workbench/listings/{id}", post(listings_page::update))
        .route(
            webhooks_page::PATH,
            get(webhooks_page::list).post(webhooks_page::register),
        )
        .route(
            "/workbench/webhooks/{id}",
            get(webhooks_page::detail).post(webhooks_page::act),
        )
        .route(
            products_page::PATH,
            get(products_page::list).post(products_page::create),
        )
        .route("/workbench/products/new", get(products_page::new_form))
        .route(
            "/workbench/products/{id}",
            get(products_page::detail).post(products_page::act),
        )
        .route(
            "/workbench/products/{id}/edit",
            get(products_page::edit_form).post(products_page::update),
        )
        .route(
            "/workbench/products/{id}/sample",
            post(products_page::upload_sample),
        )
        .route("/workbench/feed", get(feed_page::list))
        .route("/workbench/audit", get(audit_page::list))
        .route("/workbench/audit/verify", get(audit_page::verify))
        .route("/workbench/audit/export.ndjson", get(audit_page::export))
        .route("/workbench/audit/export.xlsx", get(audit_page::export_xlsx))
        .route("/workbench/my-registrations", get(registrant_page::list))
        .route(
            "/workbench/my-registrations/{id}",
            get(registrant_page::detail).post(registrant_page::act),
        )
        .route("/workbench/registrations", get(registrar_page::list))
        .route(
            "/workbench/registrations/{id}",
            get(registrar_page::detail).post(registrar_page::act),
        )
        .route("/workbench/feedback/{id}", post(feedback_page::act))
        .route(
            WORKBENCH_UPLOAD_PATH,
            get(imports_page::form).post(imports_page::upload),
        )
        .route("/workbench/imports/jobs/{id}", get(imports_page::job))
        .route(
            "/workbench/negative-list",
            get(directory_admin::negative_list).post(directory_admin::add_negative),
        )
        .route(
            "/workbench/negative-list/{id}/{change}",
            post(directory_admin::change_negative),
        )
        .route(
            "/workbench/editions",
            get(directory_admin::editions).post(directory_admin::publish_edition),
        )
        .route("/workbench/people", get(people::list).post(people::create))
        .route("/workbench/people/{id}", get(people::show))
        .route("/workbench/people/{id}/{action}", post(people::act))
        .route(
            "/workbench/organizations",
            get(organizations_page::list).post(organizations_page::register),
        )
}
