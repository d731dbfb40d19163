//! Batch import of a provider's directory (GZ 6 接口/模板导入): the filled template (.xlsx or
//! .csv) or a JSON Lines corpus file is the request body; every valid row becomes a draft of the
//! caller's organization in one transaction, or nothing is written and the report (row, column,
//! Chinese message of the first problems, every problem counted by kind) comes back as a 422
//! problem. A file over one of `importers::limits::Limits` (a zip bomb, a sheet declaring a
//! million rows …) is refused with 413 before it is unpacked. The empty templates are public
//! downloads.

use std::sync::OnceLock;

use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::Limited;
use importers::report::{ImportMode, ImportReport, SourceFormat, import_prepared, prepare};
use importers::template::{csv_template, xlsx_template};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{As, Providers};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::openapi::Problems;
use crate::state::AppState;

/// Where files are uploaded; the one route with a larger body limit.
const UPLOAD_PATH: &str = "/api/v1/imports";
/// Largest upload: a directory of ~100,000 rows as xlsx, or the whole open-data corpus as JSONL.
pub const IMPORT_BODY_LIMIT: usize = 64 * 1024 * 1024;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        // Uploads are bounded by `body_limit` (64 MiB); axum's own 2 MiB default for forms would
        // refuse a browser's form upload first, with a message naming the wrong limit.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .routes(routes!(xlsx))
        .routes(routes!(csv))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// Import the valid rows and report the rest (default: all or nothing).
    partial: Option<bool>,
    /// Validate and report only; nothing is written.
    dry_run: Option<bool>,
}

/// A refused import: the problem, and the report (the first problems, all of them counted).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportProblem {
    #[serde(flatten)]
    pub problem: Problem,
    pub report: ImportReport,
}

/// A browser form's upload: the file in the part named `file`, and no other part.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // describes the multipart body; the handler reads the parts itself
struct UploadForm {
    /// The template (.xlsx / .csv) or JSON Lines file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Import a directory file as drafts of the caller's organization. The body is the file itself:
/// a filled template (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`,
/// `text/csv`) or open-data corpus records (`application/x-ndjson`, optionally `application/gzip`);
/// with `application/octet-stream` the kind is recognized from the bytes. A browser form may send
/// it as `multipart/form-data` in a part named `file` (its type or file name tells the kind).
/// Up to 64 MiB.
/// All or nothing unless `partial=true`: a file with any problem is refused with 422 and the
/// report (the first 1,000 problems, every problem counted by sheet and column), and nothing is
/// written. A file over the import limits (unpacked size, compression ratio, shared strings,
/// declared or used rows and columns, text; see README "Security") is refused with 413 before it
/// is unpacked. 201 when drafts were created, 200 for a clean dry run.
#[utoipa::path(post, path = "/api/v1/imports", operation_id = "import_directory", tag = "workspace",
    security(("bearer" = ["provider"])), params(ImportQuery),
    request_body(description = "模板文件（.xlsx / .csv）或 JSON Lines 目录记录本身，\
                                Content-Type 可写明具体类型；或以表单上传（multipart/form-data，字段名 file）",
                 content((inline(crate::openapi::Binary) = "application/octet-stream"), (UploadForm = "multipart/form-data"))),
    responses(Problems,
        (status = 201, body = ImportReport, description = "已创建草稿（partial 时报告中含被拒绝的行）"),
        (status = 200, body = ImportReport, description = "试运行：文件无问题，未写入"),
        (status = 413, body = ImportProblem, content_type = "application/problem+json",
         description = "文件超过导入上限（请求体、解压后大小、压缩比、行数、列数等），未写入任何数据"),
        (status = 422, body = ImportProblem, content_type = "application/problem+json",
         description = "文件有问题，未写入任何数据；report 列出前 1000 个问题的行、列与说明，并按列统计全部问题")))]
async fn upload(
    State(state): State<AppState>,
    As(actor, _): As<Providers>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    request: Request,
) -> ApiResult<Response> {
    let provider_id = actor
        .org_id
        .ok_or_else(|| ApiError::bad_request("Authorization", "令牌未关联机构"))?;
    let media_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("?").to_owned());
    let (bytes, declared) = match media_type {
        Some(m) if is_multipart(&m) => form_file(request, &state).await?,
        other => {
            let declared = match other {
                Some(m) => declared_format(&m)?,
                None => None,
            };
            // Bounded by `body_limit` below; a longer body fails here.
            let bytes = to_bytes(request.into_body(), usize::MAX)
                .await
                .map_err(|_| too_large())?;
            (bytes, declared)
        }
    };
    let format = declared.unwrap_or_else(|| SourceFormat::sniff(&bytes));
    // At most `import_gate::CONCURRENT_IMPORTS` files are read and held at once; the permit is released when
    // this one is written (or, should the request time out, when its reading ends).
    let permit = crate::import_gate::IMPORTS
        .acquire()
        .await
        .map_err(|_| ApiError::unavailable("导入暂不可用，请重试"))?;
    // Reading a large workbook is CPU work: keep it off the async workers.
    let prepared = tokio::task::spawn_blocking(move || {
        let prepared = prepare(&bytes, format, "上传文件");
        drop(bytes);
        (prepared, permit)
    });
    let (prepared, _permit) = prepared
        .await
        .map_err(|_| ApiError::unavailable("文件解析中断，请重试"))?;
    let too_large = prepared.parsed.too_large.is_some();
    let mode = ImportMode {
        partial: q.partial.unwrap_or(false),
        dry_run: q.dry_run.unwrap_or(false),
    };
    let report =
        import_prepared(&state.catalog, &actor, provider_id, prepared, mode, |_| {}).await?;
    if too_large {
        return Ok(refused(report, StatusCode::PAYLOAD_TOO_LARGE));
    }
    if report.imported == 0 && report.problem_count > 0 {
        return Ok(refused(report, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let status = if report.imported > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)).into_response())
}

fn is_multipart(media_type: &str) -> bool {
    media_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
}

fn declared_format(media_type: &str) -> ApiResult<Option<SourceFormat>> {
    SourceFormat::from_media_type(media_type).map_err(|detail| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "不支持的内容类型",
            detail,
        )
    })
}

/// The file of a form upload: the part named `file`, its kind from its file name's extension,
/// else from the part's type, else (`None`) from the bytes. Browsers guess part types (Windows
/// sends `application/vnd.ms-excel` for a .csv), so an unknown one is no reason to refuse.
async fn form_file(
    request: Request,
    state: &AppState,
) -> ApiResult<(axum::body::Bytes, Option<SourceFormat>)> {
    let bad_form = |detail: String| ApiError::bad_request("file", detail);
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|e| bad_form(format!("表单无法读取：{}", e.body_text())))?;
    loop {
        let field = form.next_field().await.map_err(|e| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => too_large(),
            _ => bad_form(format!("表单无法读取：{}", e.body_text())),
        })?;
        let Some(field) = field else {
            return Err(bad_form("表单中没有名为 file 的文件字段".to_string()));
        };
        if field.name() != Some("file") {
            continue;
        }
        let by_name = field.file_name().and_then(SourceFormat::from_name);
        let by_type = field
            .content_type()
            .and_then(|m| SourceFormat::from_media_type(m).ok().flatten());
        let bytes = field.bytes().await.map_err(|e| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => too_large(),
            _ => bad_form(format!("文件无法读取：{}", e.body_text())),
        })?;
        return Ok((bytes, by_name.or(by_type)));
    }
}

/// A refused file: 413 when it is over a limit, 422 when it has problems.
fn refused(report: ImportReport, status: StatusCode) -> Response {
    let whole_file = report.problems.iter().find(|p| p.row == 0);
    let detail = match whole_file {
        Some(p) if status == StatusCode::PAYLOAD_TOO_LARGE => {
            format!("文件超过导入上限，未写入任何数据：{}", p.message)
        }
        Some(p) if report.problem_count == 1 => format!("文件无法导入：{}", p.message),
        _ => {
            let listed = if report.problems.len() < report.problem_count {
                format!("，报告列出前 {} 个", report.problems.len())
            } else {
                String::new()
            };
            format!(
                "文件中 {} 行有问题（共 {} 个问题{listed}），未写入任何数据；\
                 请按报告逐项修改后重新上传",
                report.rejected, report.problem_count
            )
        }
    };
    let (slug, title) = if status == StatusCode::PAYLOAD_TOO_LARGE {
        ("import-too-large", "导入文件超过上限")
    } else {
        ("import-rejected", "导入文件有问题")
    };
    let ApiError(mut problem) = ApiError::new(status, slug, title, detail);
    problem.field = Some("body".to_string());
    let problem = *problem;
    let mut response = (status, Json(ImportProblem { problem, report })).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        "请求体过大",
        format!(
            "导入文件不能超过 {} MiB；请拆分后分批导入",
            IMPORT_BODY_LIMIT / 1024 / 1024
        ),
    )
}

/// The body limit of every request: `default`, and `IMPORT_BODY_LIMIT` for uploads (imports,
/// and signed agreements, which are hashed as they stream). A declared length over the limit is
/// refused before reading; a longer body fails when it is read.
pub async fn body_limit(State(default): State<usize>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let limit = if path == UPLOAD_PATH
        || path == crate::web::WORKBENCH_UPLOAD_PATH
        || crate::web::is_document_upload(path)
    {
        IMPORT_BODY_LIMIT
    } else {
        default
    };
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let mut e = too_large();
        if limit != IMPORT_BODY_LIMIT {
            e.0.detail = format!("请求体不能超过 {} KiB", limit / 1024);
        }
        return e.into_response();
    }
    next.run(request.map(|body| Body::new(Limited::new(body, limit))))
        .await
}

/// A template served as a download.
fn attachment(bytes: &'static [u8], content_type: &'static str, file_name: &str) -> Response {
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"directory-template\"; filename*=UTF-8''{}",
        percent(file_name)
    )) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

fn percent(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The empty directory template as an Excel workbook: the resource sheet, the data-item sheet,
/// drop-downs of every enumerated column and a guide. Public.
#[utoipa::path(get, path = "/api/v1/import-templates/directory.xlsx", operation_id = "directory_template_xlsx",
    tag = "workspace",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               body = inline(crate::openapi::Binary)), Problems))]
async fn xlsx() -> ApiResult<Response> {
    static TEMPLATE: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    let bytes = TEMPLATE
        .get_or_init(|| xlsx_template().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| {
            tracing::error!(error = %e, "xlsx template");
            ApiError::unavailable("模板暂时无法生成")
        })?;
    Ok(attachment(bytes, XLSX, "资源目录导入模板.xlsx"))
}

/// The resource sheet of the template as CSV (UTF-8 with BOM, so Excel opens it in Chinese),
/// with one example row. Public.
#[utoipa::path(get, path = "/api/v1/import-templates/directory.csv", operation_id = "directory_template_csv",
    tag = "workspace",
    responses((status = 200, content_type = "text/csv", body = String), Problems))]
async fn csv() -> Response {
    static TEMPLATE: OnceLock<Vec<u8>> = OnceLock::new();
    let bytes = TEMPLATE.get_or_init(csv_template);
    attachment(bytes, "text/csv; charset=utf-8", "资源目录导入模板.csv")
}
