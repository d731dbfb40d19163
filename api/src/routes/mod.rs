//! HTTP routes. Handlers stay thin: parse, call `catalog`, shape the response.

mod admin;
mod agreements;
mod amendments;
pub(crate) mod audit;
mod authorizations;
mod demands;
mod developers;
mod directory;
mod disclosures;
mod exchange;
mod exports;
mod health;
mod imports;
mod people;
mod products;
mod public;
mod registrant;
mod registrations;
mod resources;
pub(crate) mod samples;
mod search;

use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::state::AppState;

pub use imports::{IMPORT_BODY_LIMIT, body_limit};

/// Every documented operation; the OpenAPI document is collected from these.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::routes())
        .merge(public::routes())
        .merge(directory::routes())
        .merge(resources::routes())
        .merge(admin::routes())
        .merge(people::routes())
        .merge(authorizations::routes())
        .merge(agreements::routes())
        .merge(audit::routes())
        .merge(registrations::routes())
        .merge(registrant::routes())
        .merge(products::routes())
        .merge(demands::routes())
        .merge(exchange::routes())
        .merge(disclosures::routes())
        .merge(developers::routes())
        .merge(amendments::routes())
        .merge(samples::routes())
        .merge(search::routes())
        .merge(imports::routes())
        .merge(exports::routes())
}

/// The whole OpenAPI document, as the running server serves it.
pub fn document() -> serde_json::Value {
    let (_, api) = api_router().split_for_parts();
    crate::openapi::finish(api)
}

/// The document as committed in `openapi/openapi.json` (pretty JSON, trailing newline).
pub fn document_json() -> String {
    let mut json =
        serde_json::to_string_pretty(&document()).expect("an OpenAPI document always serializes");
    json.push('\n');
    json
}

/// The API plus its document at `/api/v1/openapi.json` and Swagger UI (vendored) at `/docs`.
pub fn router(state: AppState) -> Router {
    let (api, document) = api_router().split_for_parts();
    let document = crate::openapi::finish(document);
    api.with_state(state.clone())
        .merge(SwaggerUi::new("/docs").external_url_unchecked("/api/v1/openapi.json", document))
        .merge(crate::interop::router().with_state(state.clone()))
        .merge(crate::web::router().with_state(state.clone()))
        .merge(crate::portal::router().with_state(state))
        .fallback(fallback)
}

/// Unknown API addresses get a problem document; anything else the portal's Chinese 404 page.
async fn fallback(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        ApiError::not_found("没有这个地址").into_response()
    } else {
        crate::portal::fallback().await
    }
}
