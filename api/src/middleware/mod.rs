//! Cross-cutting request handling: metrics, public rate limits, security headers.

pub mod headers;
pub mod metrics;
pub mod rate_limit;
