//! A 405 says why (axum answers it with an empty body): a problem document naming the methods
//! the address takes for the API, the portal's Chinese page elsewhere; the `Allow` header stays.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

pub async fn explain(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if response.status() != StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    // axum adds `Allow` further out, so the methods are named by the header, not here.
    let detail = "该地址不支持此请求方法，可用的方法见响应头 Allow".to_string();
    let mut explained = if api {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "请求方法不被允许",
            detail,
        )
        .into_response()
    } else {
        let page = crate::portal::layout::page(
            "请求方法不被允许",
            maud::html! { h1 { "请求方法不被允许" } p { (detail) } p { a href="/" { "返回首页" } } },
        );
        (StatusCode::METHOD_NOT_ALLOWED, page).into_response()
    };
    // Keep what the router said (Allow, and whatever else it set), with the new body's type.
    let content_type = explained.headers().get(header::CONTENT_TYPE).cloned();
    let (mut parts, _) = response.into_parts();
    if let Some(content_type) = content_type {
        parts.headers.insert(header::CONTENT_TYPE, content_type);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    *explained.headers_mut() = parts.headers;
    explained
}
