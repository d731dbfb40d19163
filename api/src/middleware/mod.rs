//! Cross-cutting request handling: metrics, public rate limits, security headers, 405 bodies.

pub mod headers;
pub mod method_not_allowed;
pub mod metrics;
pub mod rate_limit;
