//! Every answer names its request: `X-Request-Id` (the caller's own when it sends a UUID, as a
//! proxy does, otherwise a new one), the same id in the log span and, on a problem document,
//! `instance: urn:uuid:<id>` (RFC 9457 §3.1.5), so a person can quote what went wrong and the
//! operator can find it in the log.

use axum::body::{Body, HttpBody as _};
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use uuid::Uuid;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Problems are small, but an import's carries its row report (about 200 KiB at most): bodies
/// up to this size get the `instance`; a larger one passes on as it is.
const LARGEST_PROBLEM: u64 = 4 * 1024 * 1024;

pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| Uuid::parse_str(v.trim()).ok())
        .unwrap_or_else(Uuid::now_v7);
    let header = HeaderValue::from_str(&id.to_string()).expect("a UUID is a valid header value");
    request.headers_mut().insert(REQUEST_ID, header.clone());
    let mut response = next.run(request).await;
    if is_problem(&response) {
        response = with_instance(response, id).await;
    }
    response.headers_mut().insert(REQUEST_ID, header);
    response
}

fn is_problem(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"))
}

async fn with_instance(response: Response, id: Uuid) -> Response {
    let (mut parts, body) = response.into_parts();
    let Some(size) = body.size_hint().exact().filter(|s| *s <= LARGEST_PROBLEM) else {
        return Response::from_parts(parts, body);
    };
    let bytes = match axum::body::to_bytes(body, size as usize).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "reading a problem document to name its request");
            return Response::from_parts(parts, Body::empty());
        }
    };
    let Ok(serde_json::Value::Object(mut problem)) = serde_json::from_slice(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    problem
        .entry("instance")
        .or_insert_with(|| format!("urn:uuid:{id}").into());
    let bytes = serde_json::to_vec(&problem).expect("a JSON object serializes");
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}
