//! Request extractors whose failures are problem+json with a field path.

use axum::Json;
use axum::body::Bytes;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::header::{CONTENT_TYPE, ETAG, IF_MATCH};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use catalog::Versioned;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult};

/// A JSON body; a type or value error names the exact path, e.g. `content.grade.level`.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_json_media_type);
        if !is_json {
            return Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "不支持的内容类型",
                "请求体必须是 JSON：Content-Type 应为 application/json（或 application/*+json）",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError::new(
                e.status(),
                "body-unreadable",
                "请求体无法读取",
                e.body_text(),
            )
        })?;
        parse_json(&bytes).map(Body)
    }
}

/// Whether a `Content-Type` names JSON: `application/json` or a structured `application/*+json`
/// (RFC 6839), any case, parameters such as `charset` ignored. `application/jsonx`, `text/json`
/// and the like are not JSON.
pub fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let Some(subtype) = essence.strip_prefix("application/") else {
        return false;
    };
    subtype == "json"
        || subtype.strip_suffix("+json").is_some_and(|prefix| {
            !prefix.is_empty()
                && prefix
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.".contains(&b))
        })
}

/// Parse JSON, naming the path of the first bad value.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).or_else(|first| {
        // JSON Schema counts `2026.0` as an integer; serde does not. Read such numbers as the
        // integers they are and try once more, keeping the first error if that changes nothing.
        let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
            return Err(body_error(first));
        };
        if !integral_floats_as_integers(&mut value) {
            return Err(body_error(first));
        }
        serde_path_to_error::deserialize(value).map_err(body_error)
    })
}

/// Text that is not JSON is a malformed request (400); JSON whose values the types refuse — a
/// wrong type, a missing member, a code with a wrong check character, an unknown grade — is
/// well-formed content that cannot be processed (422, RFC 9110 §15.5.21), with the field path.
fn body_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = e.path().to_string();
    let field = if path == "." {
        "body".to_string()
    } else {
        path
    };
    let inner = e.into_inner();
    let detail = format!("请求体无效：{inner}");
    match inner.classify() {
        serde_json::error::Category::Data => {
            let mut problem = ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-value",
                "字段值无效",
                detail,
            );
            problem.0.field = Some(field);
            problem
        }
        _ => ApiError::bad_request(&field, detail),
    }
}

/// Rewrites every float with no fractional part that fits an `i64` as an integer; says whether
/// anything changed.
fn integral_floats_as_integers(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            let fits = f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64;
            if fits {
                *value = Value::from(f as i64);
            }
            fits
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, v| integral_floats_as_integers(v) | changed),
        Value::Object(map) => map
            .values_mut()
            .fold(false, |changed, v| integral_floats_as_integers(v) | changed),
        _ => false,
    }
}

/// `If-Match: "<row_version>"` for optimistic concurrency; absent means "whatever is current".
pub fn if_match(headers: &HeaderMap) -> ApiResult<Option<i64>> {
    let Some(value) = headers.get(IF_MATCH) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse().ok())
        .map(Some)
        .ok_or_else(|| ApiError::bad_request("If-Match", "If-Match 应为此前响应的 ETag，如 \"3\""))
}

/// The ETag for a row version.
pub fn etag(row_version: i64) -> String {
    format!("\"{row_version}\"")
}

/// A path parameter whose parse failure is a 400 problem naming the parameter.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| ApiPath(v))
            .map_err(|e| {
                let field = match &e {
                    PathRejection::FailedToDeserializePathParams(inner) => match inner.kind() {
                        ErrorKind::ParseErrorAtKey { key, .. }
                        | ErrorKind::InvalidUtf8InPathParam { key }
                        | ErrorKind::DeserializeError { key, .. } => format!("path.{key}"),
                        _ => "path".to_string(),
                    },
                    _ => "path".to_string(),
                };
                ApiError::bad_request(&field, format!("路径参数无效：{}", e.body_text()))
            })
    }
}

/// Query parameters whose parse failure is a 400 problem.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| ApiError::bad_request("query", format!("查询参数无效：{}", e.body_text())))
    }
}

/// An entity with its row version as the `ETag`, for a later `If-Match`.
pub struct Tagged<T> {
    pub status: StatusCode,
    pub entity: Versioned<T>,
}

impl<T> Tagged<T> {
    pub fn ok(entity: Versioned<T>) -> Self {
        Tagged {
            status: StatusCode::OK,
            entity,
        }
    }

    pub fn created(entity: Versioned<T>) -> Self {
        Tagged {
            status: StatusCode::CREATED,
            entity,
        }
    }
}

impl<T: Serialize> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.entity.value)).into_response();
        if let Ok(value) = etag(self.entity.row_version).parse() {
            response.headers_mut().insert(ETAG, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::is_json_media_type;

    #[test]
    fn only_json_media_types_are_json() {
        for yes in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/merge-patch+json",
            "application/problem+json ; charset=UTF-8",
        ] {
            assert!(is_json_media_type(yes), "{yes}");
        }
        for no in [
            "application/jsonx",
            "application/json-seq",
            "application/x-json",
            "application/+json",
            "text/json",
            "text/plain",
            "application/x-www-form-urlencoded",
            "",
            "application/json\u{0}",
            "multipart/form-data; boundary=application/json",
        ] {
            assert!(!is_json_media_type(no), "{no}");
        }
    }
}
