//! Mulu's catalog: domain types, the rules of authorized operation, workflows and storage.
//!
//! Layering: `domain` holds values that parse and pure state transitions; `policy` and `calendar`
//! hold what a deployment sets (term limits, publicity days, working days); `service` runs each
//! write as one transaction over a `store` backend, checks the rules and who may act (the `Actor`:
//! person, organization, role, region), and appends its audit event in the same transaction
//! (`audit` is the hash chain itself, `audit_log` the chain kept in a store). Modules depend one
//! way: `scripts/modgraph.py` fails the test run on a cycle.

pub mod audit;
pub mod audit_log;
pub mod calendar;
pub mod domain;
pub mod error;
pub mod policy;
pub mod service;
pub mod store;

pub use error::{CatalogError, Result};
pub use service::{
    Actor, Catalog, EditionLineRequest, EditionRequest, FeedItem, FeedPage, PublicResource, Role,
    Versioned,
};
pub use service::{
    ActorName, NewSession, Objector, PrivacyPolicy, SessionStage, SignInPolicy, SignedIn,
    TotpEnrollment, constant_time_eq,
};
pub use service::{
    AuditPage, AuditQuery, entity_type_label, feed_action_label, require_audit_reader,
};
pub use service::{AuthorizationDuty, AuthorizationView, CorrectionCase, DutyKind, FeedbackQueue};
pub use service::{ClaimedDelivery, DeliveryQuery, DraftFeed, FeedOutcome, SampleDownload};
pub use service::{EditionPreview, RefusedLine, RegistrationObligation, UncertainDeadline};
pub use service::{EditionRef, Notices, ProductView, ResourceUse, ScopeCandidate};
pub use service::{PublicCatalogPage, PublicEntry, PublicItem, PublicKind, PublicProduct};
