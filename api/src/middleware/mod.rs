//! Cross-cutting request handling: metrics, public rate limits, security headers, 405 bodies,
//! compression, conditional GET, paging links and request ids.

pub mod compression;
pub mod conditional;
pub mod headers;
pub mod method_not_allowed;
pub mod metrics;
pub mod paging;
pub mod rate_limit;
pub mod request_id;
