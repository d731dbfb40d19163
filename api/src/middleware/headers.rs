//! Security headers on every response: a Content-Security-Policy that lets pages load scripts,
//! styles and everything else from Mulu only and never be framed, `X-Content-Type-Options:
//! nosniff`, a same-origin `Referrer-Policy`, and `Cache-Control: no-store` on whatever answers a
//! signed-in caller (a bearer token or the session cookie) or belongs to sign-in and the
//! workbench. A header a handler set itself is kept (a sample's sandbox policy, the public
//! caching of the portal's assets and of registered products' samples).

use axum::extract::Request;
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::web::session::{SESSION_COOKIE, cookie};

/// Everything from Mulu's own origin only; no inline scripts or styles, no plugins, no framing,
/// forms post only back to Mulu.
pub const POLICY: &str = "default-src 'self'; object-src 'none'; frame-ancestors 'none'; \
                          base-uri 'self'; form-action 'self'";

/// The vendored Swagger UI at `/docs`: its stylesheet draws icons from `data:` images and its
/// components set inline styles; scripts still come only from Mulu (nothing from outside).
pub const DOCS_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
                               style-src 'self' 'unsafe-inline'; object-src 'none'; \
                               frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// Paths of the signed-in web (sign-in steps, account, workbench): never cached.
pub(crate) fn is_private_path(path: &str) -> bool {
    ["/signin", "/signout", "/account", "/workbench"]
        .iter()
        .any(|p| path == *p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/')))
}

/// A caller who sent credentials: the answer may be theirs alone.
fn is_authenticated(headers: &HeaderMap) -> bool {
    headers.contains_key(AUTHORIZATION) || cookie(headers, SESSION_COOKIE).is_some()
}

fn is_docs_path(path: &str) -> bool {
    path == "/docs" || path.starts_with("/docs/")
}

pub async fn secure(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let no_store = is_private_path(path) || is_authenticated(request.headers());
    let policy = if is_docs_path(path) {
        DOCS_POLICY
    } else {
        POLICY
    };
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    for (name, value) in [
        (CONTENT_SECURITY_POLICY, policy),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (X_FRAME_OPTIONS, "DENY"),
        (REFERRER_POLICY, "same-origin"),
    ] {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    }
    if no_store {
        h.entry(CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_paths() {
        for p in [
            "/signin",
            "/signin/second-factor",
            "/signout",
            "/account/password",
            "/workbench",
            "/workbench/tokens/1/revoke",
        ] {
            assert!(is_private_path(p), "{p}");
        }
        for p in [
            "/",
            "/signing",
            "/workbenches",
            "/search",
            "/api/v1/resources",
        ] {
            assert!(!is_private_path(p), "{p}");
        }
    }

    #[test]
    fn credentials_make_a_request_private() {
        let mut h = HeaderMap::new();
        assert!(!is_authenticated(&h));
        h.insert("cookie", HeaderValue::from_static("mulu_form=x"));
        assert!(!is_authenticated(&h));
        h.insert("cookie", HeaderValue::from_static("a=b; mulu_session=s"));
        assert!(is_authenticated(&h));
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer mulu_x"));
        assert!(is_authenticated(&h));
    }
}
