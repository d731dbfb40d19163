//! The one place catalog errors become HTTP: RFC 9457 problem+json with a stable `type`, the field
//! path, and a Chinese `detail`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use catalog::CatalogError;
use serde::Serialize;

/// Base of every problem `type` URI; stable, documented per type.
pub const PROBLEM_BASE: &str = "https://mulu.example/problems/";

/// RFC 9457 problem details, with Mulu's extension members `field` and `rule`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Stable URI naming the kind of problem, e.g. `https://mulu.example/problems/rule/negative-list`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short Chinese summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Chinese explanation of this occurrence, for a person to read.
    pub detail: String,
    /// Path of the offending field, e.g. `content.grade.level` or `path`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Number of the rule (DOMAIN.md "Rules the service enforces") that refused the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<u8>,
    /// This occurrence: `urn:uuid:` and the request id the answer's `X-Request-Id` carries
    /// (set by `middleware::request_id` on every problem).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
}

#[derive(Debug)]
/// Boxed: the problem is large, and every fallible handler returns it.
pub struct ApiError(pub Box<Problem>);

impl ApiError {
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        ApiError(Box::new(Problem {
            kind: format!("{PROBLEM_BASE}{slug}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
            rule: None,
            instance: None,
        }))
    }

    pub fn bad_request(field: &str, detail: impl Into<String>) -> Self {
        let mut e = Self::new(
            StatusCode::BAD_REQUEST,
            "invalid-request",
            "请求无效",
            detail,
        );
        e.0.field = Some(field.to_string());
        e
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "未找到", detail)
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "服务暂不可用",
            detail,
        )
    }
}

impl From<CatalogError> for ApiError {
    fn from(e: CatalogError) -> Self {
        let detail = e.to_string();
        match e {
            CatalogError::Invalid { field, message } => {
                let mut p = Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid-value",
                    "字段值无效",
                    message,
                );
                p.0.field = Some(field);
                p
            }
            CatalogError::NotFound { .. } => Self::not_found(detail),
            CatalogError::Conflict(_) => {
                Self::new(StatusCode::CONFLICT, "conflict", "冲突", detail)
            }
            CatalogError::InvalidTransition(_) => Self::new(
                StatusCode::CONFLICT,
                "invalid-transition",
                "当前状态不允许该操作",
                detail,
            ),
            CatalogError::RuleViolation { rule, field, .. } => {
                let mut p = Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &format!("rule/{}", rule.slug()),
                    "违反授权运营规则",
                    detail,
                );
                p.0.field = Some(field);
                p.0.rule = Some(rule.number());
                p
            }
            CatalogError::Forbidden(_) => {
                Self::new(StatusCode::FORBIDDEN, "forbidden", "无权操作", detail)
            }
            CatalogError::Unauthenticated(_) => {
                Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "未认证", detail)
            }
            CatalogError::Storage(_)
            | CatalogError::Database(_)
            | CatalogError::Migration(_)
            | CatalogError::Config(_) => {
                tracing::error!(error = %detail, "internal error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务内部错误",
                    "服务内部错误，请稍后重试",
                )
            }
        }
    }
}

impl From<search::SearchError> for ApiError {
    fn from(e: search::SearchError) -> Self {
        // A well-formed request the index cannot serve (a forged or expired cursor, an unknown
        // facet value): the value is wrong, not the request's shape.
        if e.is_client_error() {
            let mut problem = Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-value",
                "字段值无效",
                e.to_string(),
            );
            problem.0.field = Some(e.field().unwrap_or("query").to_string());
            return problem;
        }
        tracing::error!(error = %e, "search index error");
        Self::unavailable("搜索服务暂时不可用，请稍后重试")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(*self.0)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        // RFC 9110 §15.5.2 and RFC 6750: a 401 names the scheme it wants.
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"mulu\""),
            );
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
