//! gzip and Brotli (tower-http) for whatever carries no secret of a signed-in person. BREACH
//! reads a secret out of compressed sizes when the same answer also reflects text the attacker
//! chose; the workbench and sign-in pages carry CSRF tokens, so a request with the session
//! cookie, or to those pages, is answered uncompressed. API calls with a bearer token are
//! compressed: a browser never attaches that token by itself, so an attacker cannot replay them.

use axum::extract::Request;
use axum::http::header::ACCEPT_ENCODING;
use axum::middleware::Next;
use axum::response::Response;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};

use crate::web::session::{SESSION_COOKIE, cookie};

/// gzip and br for text; not for what is compressed already (xlsx is a zip, samples may be).
pub fn layer() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new().compress_when(
        DefaultPredicate::new()
            .and(NotForContentType::const_new(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ))
            .and(NotForContentType::const_new("application/octet-stream"))
            .and(NotForContentType::const_new("application/zip")),
    )
}

/// Outside [`layer`]: without `Accept-Encoding` the compression layer leaves the answer alone.
pub async fn uncompressed_for_sessions(mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if super::headers::is_private_path(path) || cookie(request.headers(), SESSION_COOKIE).is_some()
    {
        request.headers_mut().remove(ACCEPT_ENCODING);
    }
    next.run(request).await
}
