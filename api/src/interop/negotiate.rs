//! Content negotiation for the linked-data addresses (`/catalog`, `/datasets/{id}`, `/vocab/…`):
//! the representation the client's `Accept` ranks highest among those offered (RFC 9110 §12.5.1,
//! the most specific media range decides a type's quality); none acceptable is a 406.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use mime::Mime;

use crate::error::ApiError;

/// What a linked-data address can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    Html,
    Turtle,
    JsonLd,
}

impl Representation {
    /// The media types that select it; the first is the one it is served as.
    fn media_types(self) -> &'static [&'static str] {
        match self {
            Representation::Html => &["text/html", "application/xhtml+xml"],
            Representation::Turtle => &["text/turtle"],
            Representation::JsonLd => &["application/ld+json", "application/json"],
        }
    }
}

/// The offered representation the request's `Accept` prefers; ties go to the earlier offer, no
/// `Accept` (or an empty one) takes the first.
pub fn negotiate(
    headers: &HeaderMap,
    offered: &[Representation],
) -> Result<Representation, ApiError> {
    let accept: Vec<(Mime, f32)> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(media_range)
        .collect();
    if accept.is_empty() {
        return Ok(offered[0]);
    }
    let mut best: Option<(Representation, f32)> = None;
    for &representation in offered {
        let quality = representation
            .media_types()
            .iter()
            .filter_map(|t| t.parse::<Mime>().ok())
            .filter_map(|t| quality(&accept, &t))
            .fold(0.0_f32, f32::max);
        if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
            best = Some((representation, quality));
        }
    }
    best.map(|(r, _)| r).ok_or_else(|| {
        let types: Vec<&str> = offered.iter().map(|r| r.media_types()[0]).collect();
        ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "not-acceptable",
            "无法提供所要求的格式",
            format!(
                "此地址只提供以下格式：{}（请相应设置 Accept 请求头）",
                types.join("、")
            ),
        )
    })
}

/// Marks an answer that depends on `Accept`: caches keep one per representation.
pub fn vary_on_accept(mut response: Response) -> Response {
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept"));
    response
}

/// One media range with its quality (`q`, default 1); unparsable ranges are ignored.
fn media_range(raw: &str) -> Option<(Mime, f32)> {
    let range: Mime = raw.trim().parse().ok()?;
    let q = match range.get_param("q") {
        None => 1.0,
        Some(q) => q
            .as_str()
            .parse::<f32>()
            .ok()
            .filter(|q| (0.0..=1.0).contains(q))?,
    };
    Some((range, q))
}

/// The quality the most specific matching range gives a type, `None` when no range matches.
fn quality(accept: &[(Mime, f32)], offered: &Mime) -> Option<f32> {
    accept
        .iter()
        .filter_map(|(range, q)| {
            let specificity = if range.type_() == mime::STAR {
                0
            } else if range.type_() != offered.type_() {
                return None;
            } else if range.subtype() == mime::STAR {
                1
            } else if range.subtype() == offered.subtype() {
                2
            } else {
                return None;
            };
            Some((specificity, *q))
        })
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map(|(_, q)| q)
}

#[cfg(test)]
mod tests {
    use super::Representation::{Html, JsonLd, Turtle};
    use super::*;

    fn pick(accept: Option<&str>, offered: &[Representation]) -> Option<Representation> {
        let mut headers = HeaderMap::new();
        if let Some(a) = accept {
            headers.insert(header::ACCEPT, a.parse().unwrap());
        }
        negotiate(&headers, offered).ok()
    }

    #[test]
    fn the_client_ranking_decides() {
        let all = [Html, Turtle, JsonLd];
        assert_eq!(pick(None, &all), Some(Html));
        assert_eq!(pick(Some("*/*"), &all), Some(Html));
        assert_eq!(pick(Some("text/turtle"), &all), Some(Turtle));
        assert_eq!(pick(Some("application/ld+json"), &all), Some(JsonLd));
        assert_eq!(
            pick(Some("text/html;q=0.5, text/turtle;q=0.9"), &all),
            Some(Turtle)
        );
        // A browser's Accept.
        assert_eq!(
            pick(
                Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                &all
            ),
            Some(Html)
        );
        // The most specific range decides: text/* is acceptable, text/html is not.
        assert_eq!(pick(Some("text/*, text/html;q=0"), &all), Some(Turtle));
        assert_eq!(pick(Some("text/turtle"), &[Turtle, JsonLd]), Some(Turtle));
    }

    #[test]
    fn nothing_acceptable_is_406() {
        assert_eq!(pick(Some("application/pdf"), &[Html, Turtle]), None);
        assert_eq!(pick(Some("text/html;q=0"), &[Html]), None);
        let err = negotiate(
            &HeaderMap::from_iter([(header::ACCEPT, "image/png".parse().unwrap())]),
            &[Turtle, JsonLd],
        )
        .unwrap_err();
        assert_eq!(err.0.status, 406);
        assert!(err.0.detail.contains("text/turtle"));
        // Unparsable ranges are ignored, not fatal.
        assert_eq!(
            pick(Some("garbage;;, text/turtle"), &[Turtle]),
            Some(Turtle)
        );
    }
}
