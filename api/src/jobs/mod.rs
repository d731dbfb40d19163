//! The background jobs `mulu serve` runs beside the HTTP server. Each keeps its state in the
//! database, so a restart resumes it and several nodes may run it at once.
//!
//! | job | what it does | when |
//! |---|---|---|
//! | [`webhooks`] | queues feed changes for exchanges' endpoints, delivers them signed, retries | polls every few seconds |
//! | [`housekeeping`] | date-driven transitions: expired authorizations and registrations, erased objector identities | at start, then hourly |
//! | [`page_views`] | adds the page views this node counted to the database (the portal's 最多浏览) | every minute |
//!
//! The search index follows the change log in its own task (`crate::indexer`).

pub mod housekeeping;
pub mod page_views;
pub mod webhooks;
