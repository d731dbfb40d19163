//! `Link: <…>; rel="next"` (RFC 8288) on every page of a listing that has a next page, so a
//! client can follow pages without knowing the parameter: the handler names the parameter and
//! its value ([`NextPage`]), this layer writes the link from the request's own address.

use std::convert::Infallible;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::LINK;
use axum::middleware::Next;
use axum::response::{IntoResponseParts, Response, ResponseParts};

/// Where the next page starts: `after=<id>` for keyset listings, `cursor=<token>` for search.
/// A handler returns it (or `Option<NextPage>`) among its response parts.
#[derive(Debug, Clone)]
pub struct NextPage {
    pub param: &'static str,
    pub value: String,
}

impl IntoResponseParts for NextPage {
    type Error = Infallible;

    fn into_response_parts(self, mut parts: ResponseParts) -> Result<ResponseParts, Infallible> {
        parts.extensions_mut().insert(self);
        Ok(parts)
    }
}

pub async fn link(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let mut response = next.run(request).await;
    if let Some(page) = response.extensions_mut().remove::<NextPage>() {
        let target = format!("{path}?{}", with_param(query.as_deref(), &page));
        if let Ok(value) = HeaderValue::from_str(&format!("<{target}>; rel=\"next\"")) {
            response.headers_mut().append(LINK, value);
        }
    }
    response
}

/// The request's query with `param` set to the next page's value (percent-encoded, so the link
/// stays ASCII whatever the query was).
fn with_param(query: Option<&str>, page: &NextPage) -> String {
    let kept = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(key, _)| key != page.param)
        .collect::<Vec<_>>();
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    out.extend_pairs(kept);
    out.append_pair(page.param, &page.value);
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_replaces_the_cursor_and_keeps_the_rest() {
        let page = NextPage {
            param: "after",
            value: "7".into(),
        };
        assert_eq!(with_param(None, &page), "after=7");
        assert_eq!(
            with_param(Some("limit=5&after=3&q=%E4%BA%A4%E9%80%9A"), &page),
            "limit=5&q=%E4%BA%A4%E9%80%9A&after=7"
        );
    }
}
