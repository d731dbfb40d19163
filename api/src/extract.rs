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
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            "body".to_string()
        } else {
            path
        };
        ApiError::bad_request(&field, format!("请求体无效：{}", e.into_inner()))
    })
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
