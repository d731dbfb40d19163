//! The directory as a spreadsheet in the import template's layout (every state the caller may
//! see, as `GET /api/v1/workspace/resources` lists them), to edit and import again. Cells are
//! written by `importers::template`, which keeps formulas out of every spreadsheet Mulu writes.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use catalog::domain::resource::{ResourceContent, ResourceStatus};
use importers::template::{directory_csv, directory_xlsx};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::samples::rfc5987;
use crate::auth::{As, CatalogReaders};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::openapi::Problems;
use crate::state::AppState;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// Entries one export holds; a larger directory is exported per provider or state.
const MAX_ENTRIES: usize = 10_000;
/// Entries read per database query.
const PAGE: i64 = 500;

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

/// The entries the caller may see, oldest first, at most `MAX_ENTRIES`.
async fn entries(
    state: &AppState,
    actor: &catalog::Actor,
    q: &ExportQuery,
) -> ApiResult<Vec<ResourceContent>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = state
            .catalog
            .resources_as(
                actor,
                q.provider_id,
                q.status.into_iter().collect(),
                after,
                PAGE,
            )
            .await?;
        let full = page.len() as i64 == PAGE;
        after = page.last().map(|r| r.value.id);
        out.extend(page.into_iter().map(|r| r.value.content));
        if out.len() > MAX_ENTRIES {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "export-too-large",
                "导出条目过多",
                format!(
                    "一次最多导出 {MAX_ENTRIES} 条目录，请按数源单位（provider_id）或状态（status）分批导出"
                ),
            ));
        }
        if !full {
            return Ok(out);
        }
    }
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
               body = Vec<u8>), Problems))]
async fn xlsx(
    State(state): State<AppState>,
    As(actor, _): As<CatalogReaders>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let entries = entries(&state, &actor, &q).await?;
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "xlsx export");
        ApiError::unavailable("导出文件暂时无法生成")
    };
    // Thousands of rows: built off the request threads.
    let bytes = match tokio::task::spawn_blocking(move || directory_xlsx(&entries)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => return Err(failed(&e)),
        Err(e) => return Err(failed(&e)),
    };
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
