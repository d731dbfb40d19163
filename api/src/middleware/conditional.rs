//! Conditional GET (RFC 9110 §13.1.2): a successful GET or HEAD whose body is in memory carries a
//! weak ETag made from its bytes (unless the handler set its own, such as a version or a
//! sample's SHA-256), and an `If-None-Match` that names the current tag is answered 304 without
//! the body. Streams of unknown length (exports) pass untouched.

use axum::body::Body;
use axum::body::HttpBody as _;
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// Bodies above this size are sent without a tag rather than held to hash.
const LARGEST_TAGGED: u64 = 16 * 1024 * 1024;

pub async fn revalidate(request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let if_none_match = request.headers().get(IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let response = match response.headers().contains_key(ETAG) {
        true => response,
        false => match tagged(response).await {
            Ok(response) => response,
            Err(problem) => return problem.into_response(),
        },
    };
    match (if_none_match, response.headers().get(ETAG)) {
        (Some(wanted), Some(current)) if matches(&wanted, current) => not_modified(response),
        _ => response,
    }
}

async fn tagged(response: Response) -> Result<Response, ApiError> {
    let (mut parts, body) = response.into_parts();
    let Some(size) = body.size_hint().exact().filter(|s| *s <= LARGEST_TAGGED) else {
        return Ok(Response::from_parts(parts, body));
    };
    let bytes = axum::body::to_bytes(body, size as usize)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "reading a response body to tag it");
            ApiError::unavailable("响应生成失败，请重试")
        })?;
    let digest = Sha256::digest(&bytes);
    let tag = format!("W/\"{}\"", hex::encode(&digest[..16]));
    parts.headers.insert(
        ETAG,
        HeaderValue::from_str(&tag).expect("hex is a valid header value"),
    );
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

/// Weak comparison (RFC 9110 §8.8.3.2), as `If-None-Match` asks: `W/` is ignored on both sides.
fn matches(wanted: &HeaderValue, current: &HeaderValue) -> bool {
    let (Ok(wanted), Ok(current)) = (wanted.to_str(), current.to_str()) else {
        return false;
    };
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    let current = opaque(current);
    wanted
        .split(',')
        .any(|tag| tag.trim() == "*" || opaque(tag) == current)
}

/// 304 keeps the headers a cache updates from (ETag, Cache-Control, Vary, …) and drops the body.
fn not_modified(response: Response) -> Response {
    let (mut parts, _) = response.into_parts();
    parts.status = StatusCode::NOT_MODIFIED;
    parts.headers.remove(CONTENT_LENGTH);
    parts.headers.remove(CONTENT_TYPE);
    Response::from_parts(parts, Body::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_comparison_and_lists() {
        let current = HeaderValue::from_static("W/\"abc\"");
        for wanted in ["W/\"abc\"", "\"abc\"", "\"x\", W/\"abc\"", "*"] {
            assert!(
                matches(&HeaderValue::from_static(wanted), &current),
                "{wanted}"
            );
        }
        for wanted in ["W/\"abd\"", "abc", ""] {
            assert!(
                !matches(&HeaderValue::from_static(wanted), &current),
                "{wanted}"
            );
        }
    }
}
