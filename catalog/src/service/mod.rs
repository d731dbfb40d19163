//! Workflows: each public method is one write transaction that loads, applies a domain transition,
//! checks the rules, saves and appends its audit event, or a read that applies visibility.

mod actor;
mod agreements;
mod amendments;
mod audit_trail;
mod authorization_duties;
mod authorization_views;
mod authorizations;
mod corrections;
mod deadlines;
mod demands;
mod developers;
mod directory;
mod disclosures;
mod entity;
mod feed;
mod feedback;
mod head_cache;
mod imports;
mod jurisdiction;
mod listings;
mod negative_list;
mod objectors;
mod obligations;
mod organizations;
mod page_views;
mod people;
mod product_changes;
mod product_views;
mod products;
mod public_catalog;
mod public_products;
mod publicity;
mod registrant;
mod registration_stats;
mod registrations;
mod resource_uses;
mod resources;
mod samples;
mod secrets;
mod sign_in;
mod tokens;
mod webhooks;

use std::sync::Arc;

pub use actor::{Actor, ActorName, Role};
pub use audit_trail::{AuditPage, AuditQuery, require_audit_reader};
pub use authorization_duties::{AuthorizationDuty, DutyKind, duties_of};
pub use authorization_views::{AuthorizationView, ScopeCandidate};
pub use corrections::CorrectionCase;
pub use deadlines::UncertainDeadline;
pub use directory::{EditionLineRequest, EditionPreview, EditionRequest, RefusedLine};
pub use entity::{Versioned, entity_type_label};
pub use feed::{FeedItem, FeedPage, feed_action_label};
pub use feedback::FeedbackQueue;
pub use imports::{DraftFeed, FeedOutcome};
pub use objectors::{Objector, PrivacyPolicy};
pub use obligations::RegistrationObligation;
pub use product_views::ProductView;
pub use public_catalog::{PublicCatalogPage, PublicEntry, PublicItem, PublicKind};
pub use public_products::PublicProduct;
pub use publicity::Notices;
pub use resource_uses::{EditionRef, ResourceUse};
pub use resources::PublicResource;
pub use samples::SampleDownload;
pub use sign_in::{
    NewSession, SessionStage, SignInPolicy, SignedIn, TotpEnrollment, constant_time_eq,
};
pub use webhooks::{ClaimedDelivery, DeliveryQuery};

use crate::calendar::WorkingCalendar;
use crate::policy::PolicySet;
use crate::store::Store;

/// The catalog service: a store, the deployment's jurisdiction policies, and the rules.
#[derive(Clone)]
pub struct Catalog {
    store: Arc<dyn Store>,
    policy: Arc<PolicySet>,
    calendar: Arc<WorkingCalendar>,
    sign_in: Arc<SignInPolicy>,
    privacy: Arc<PrivacyPolicy>,
    editions_by_code: Arc<resource_uses::EditionsCache>,
    coded_by_month: Arc<registration_stats::CodedByMonthCache>,
    resource_uses: Arc<resource_uses::ResourceUsesCache>,
    registration_results: Arc<public_products::RegistrationResultsCache>,
}

impl Catalog {
    pub fn new(store: Arc<dyn Store>, policy: PolicySet, calendar: WorkingCalendar) -> Self {
        Catalog {
            store,
            policy: Arc::new(policy),
            calendar: Arc::new(calendar),
            sign_in: Arc::new(SignInPolicy::default()),
            privacy: Arc::new(PrivacyPolicy::default()),
            editions_by_code: Arc::default(),
            coded_by_month: Arc::default(),
            resource_uses: Arc::default(),
            registration_results: Arc::default(),
        }
    }

    /// The same catalog with the deployment's sign-in numbers.
    pub fn with_sign_in_policy(mut self, policy: SignInPolicy) -> Self {
        self.sign_in = Arc::new(policy);
        self
    }

    /// A catalog with the shipped policy and calendar.
    pub fn with_builtin_config(store: Arc<dyn Store>) -> Self {
        Self::new(store, PolicySet::builtin(), WorkingCalendar::builtin())
    }

    pub fn calendar(&self) -> &WorkingCalendar {
        &self.calendar
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    pub fn policy(&self) -> &PolicySet {
        &self.policy
    }
}
