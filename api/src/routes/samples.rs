//! Product samples (样例数据, GZ 17): the operator uploads the bytes as the request body; anyone
//! downloads them once the product is registered.

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG, HeaderName, HeaderValue,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use catalog::domain::product::Product;
use catalog::domain::sample::{MediaType, too_large_message};
use catalog::error::AtField;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::{As, Caller, Operators};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery, Tagged, if_match};
use crate::openapi::Problems;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .routes(routes!(download))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SampleQuery {
    /// File name offered with the download, e.g. `样例.csv`.
    file_name: Option<String>,
}

/// Upload (or replace) a product's sample: the body is the file, `Content-Type` its media type.
/// At most the jurisdiction's `sample_max_bytes` (1 MiB by default); larger bodies get 413.
#[utoipa::path(operation_id = "upload_sample", put, path = "/api/v1/operator/products/{id}/sample", tag = "registration",
    security(("bearer" = ["operator"])),
    request_body(content = inline(crate::openapi::Binary), content_type = "application/octet-stream",
                 description = "样例数据本身；Content-Type 写明其类型，如 text/csv"),
    params(("id" = Uuid, Path, description = "产品 id"), SampleQuery,
           ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#, description = "此前响应的 ETag")),
    responses((status = 200, body = Product, headers(("ETag" = String))), Problems))]
async fn upload(
    State(state): State<AppState>,
    As(actor, _): As<Operators>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<SampleQuery>,
    body: Body,
) -> ApiResult<Tagged<Product>> {
    let tag = if_match(&headers)?;
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::bad_request("Content-Type", "须用 Content-Type 写明样例数据的类型")
        })
        .and_then(|v| {
            MediaType::parse(v)
                .at("Content-Type")
                .map_err(ApiError::from)
        })?;
    let limit = state.catalog.sample_limit(id).await?;
    // Read at most the limit: a larger body is refused without being buffered.
    let bytes = to_bytes(body, usize::try_from(limit).unwrap_or(usize::MAX))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "样例数据过大",
                too_large_message(limit + 1, limit),
            )
        })?;
    let product = state
        .catalog
        .upload_sample(&actor, id, content_type, q.file_name, &bytes, tag)
        .await?;
    Ok(Tagged::ok(product))
}

/// Download a product's sample: public once the product is registered (before that, for its
/// operator and the reviewing implementing body). The ETag is the SHA-256 of the bytes. Caches
/// may keep a registered product's sample for 5 minutes, never an unregistered one's.
#[utoipa::path(operation_id = "download_sample", get, path = "/api/v1/products/{id}/sample", tag = "public",
    params(("id" = Uuid, Path, description = "产品 id")),
    responses((status = 200, content_type = "application/octet-stream", body = inline(crate::openapi::Binary),
               headers(("ETag" = String, description = "样例数据的 SHA-256"))), Problems))]
async fn download(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let download = state.catalog.sample(actor.as_ref(), id).await?;
    let sample = download.sample;
    let caching = if download.public {
        "public, max-age=300"
    } else {
        "private, no-store"
    };
    let header = |v: String| HeaderValue::from_str(&v).ok();
    let disposition = match &sample.file_name {
        Some(name) => format!("attachment; filename*=UTF-8''{}", rfc5987(name)),
        None => "attachment".to_string(),
    };
    let mut response = download.bytes.into_response();
    let h = response.headers_mut();
    for (name, value) in [
        (
            CONTENT_TYPE,
            header(sample.content_type.as_str().to_string()),
        ),
        (ETAG, header(format!("\"{}\"", sample.sha256))),
        (CONTENT_DISPOSITION, header(disposition)),
        (CACHE_CONTROL, header(caching.into())),
        // Samples are the operator's bytes: never let a browser run them on our origin (the
        // security-headers middleware adds `nosniff`; this policy replaces its page policy).
        (
            HeaderName::from_static("content-security-policy"),
            header("sandbox; default-src 'none'; frame-ancestors 'none'".into()),
        ),
    ] {
        if let Some(value) = value {
            h.insert(name, value);
        }
    }
    Ok(response)
}

/// Percent-encode a file name for `filename*` (RFC 5987): unreserved characters stay.
pub(crate) fn rfc5987(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
