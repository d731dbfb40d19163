//! Cross-cutting request handling: metrics, public rate limits.

pub mod metrics;
pub mod rate_limit;
