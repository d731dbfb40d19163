//! The directory as a spreadsheet in the import template's layout (every state the caller may
//! see, as `GET /api/v1/workspace/resources` lists them), to edit and import again. Cells are
//! written by `importers::template`, which keeps formulas out of every spreadsheet Mulu writes.

use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use catalog::domain::resource::{ResourceContent, ResourceStatus};
use importers::template::directory_csv;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::samples::rfc5987;
use crate::auth::{As, CatalogReaders};
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::openapi::Problems;
use crate::state::AppState;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(xlsx))
        .routes(routes!(csv))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// Only this provider's entries.
    provider_id: Option<Uuid>,
    /// Only entries in this state.
    status: Option<ResourceStatus>,
}

/// The entries the caller may see, oldest first, at most 10,000 (shared with the workbench's
/// download, `crate::web::entries::export_entries`).
async fn entries(
    state: &AppState,
    actor: &catalog::Actor,
    q: &ExportQuery,
) -> ApiResult<Vec<ResourceContent>> {
    crate::web::entries::export_entries(state, actor, q.provider_id, q.status).await
}

/// A private download: never kept by a cache.
fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"directory-export\"; filename*=UTF-8''{}",
        rfc5987(file_name)
    )) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    response
}

/// The directory entries the caller may see as the import template's workbook: the resource
/// sheet, the data-item sheet, drop-downs and guide (at most 10,000 entries). Text that a
/// spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`) is written with a
/// leading `'`.
#[utoipa::path(get, path = "/api/v1/workspace/exports/directory.xlsx", operation_id = "directory_export_xlsx",
    tag = "workspace", security(("bearer" = ["provider", "data_admin", "auditor"])), params(ExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               body = inline(crate::openapi::Binary)), Problems))]
async fn xlsx(
    State(state): State<AppState>,
    As(actor, _): As<CatalogReaders>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let bytes = crate::web::entries::export_xlsx(&state, &actor, q.provider_id, q.status).await?;
    Ok(download(bytes, XLSX, "资源目录导出.xlsx"))
}

/// The directory entries the caller may see as the template's resource sheet in CSV (UTF-8 with
/// BOM; data items only in the xlsx export), cells neutralized as in the xlsx export.
#[utoipa::path(get, path = "/api/v1/workspace/exports/directory.csv", operation_id = "directory_export_csv",
    tag = "workspace", security(("bearer" = ["provider", "data_admin", "auditor"])), params(ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String), Problems))]
async fn csv(
    State(state): State<AppState>,
    As(actor, _): As<CatalogReaders>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let entries = entries(&state, &actor, &q).await?;
    Ok(download(
        directory_csv(&entries),
        "text/csv; charset=utf-8",
        "资源目录导出.csv",
    ))
}
