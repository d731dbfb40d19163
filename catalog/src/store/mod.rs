//! Storage: one trait, two native sqlx backends (SQLite, PostgreSQL).
//!
//! Entities are stored as rows with a few key columns (for lookups, uniqueness and filters) and the
//! whole entity as a JSON body. Business rules never live here: the `service` layer loads, decides
//! and writes inside one `WriteTx`, so every backend enforces exactly the same rules.

mod postgres;
mod public_page;
mod queries;
mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;

pub use postgres::PostgresStore;
pub use public_page::{PublicOrder, PublicPage};
pub use sqlite::SqliteStore;

use crate::audit::{AuditEvent, CreatedEvent};
use crate::error::Result;

/// The entity tables; every one has the same key columns (see the migrations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Organizations,
    Resources,
    NegativeList,
    Editions,
    Authorizations,
    ApiTokens,
    Products,
    Registrations,
    Demands,
    Feedback,
    Disclosures,
    Developers,
    Listings,
    WebhookEndpoints,
    WebhookDeliveries,
    People,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Organizations => "organizations",
            Table::Resources => "resources",
            Table::NegativeList => "negative_list_entries",
            Table::Editions => "directory_editions",
            Table::Authorizations => "authorizations",
            Table::ApiTokens => "api_tokens",
            Table::Products => "products",
            Table::Registrations => "registrations",
            Table::Demands => "demand_applications",
            Table::Feedback => "quality_feedback",
            Table::Disclosures => "disclosures",
            Table::Developers => "developer_applications",
            Table::Listings => "listings",
            Table::WebhookEndpoints => "webhook_endpoints",
            Table::WebhookDeliveries => "webhook_deliveries",
            Table::People => "people",
        }
    }
}

pub use crate::audit::RawBody;

/// One stored entity. `row_version` increases on every update (optimistic concurrency, ETags).
/// The body is a `Value`, or a `RawBody` on the bulk path.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<B = Value> {
    pub id: String,
    /// The entity's natural unique key (USCC, resource code, edition number…), if it has one.
    pub natural_key: Option<String>,
    /// The organization that owns the entity (provider, operator…), for ownership filters.
    pub owner_id: Option<String>,
    pub status: String,
    /// Visible to anonymous callers (rule 8); computed by the entity, stored for filtering.
    pub public: bool,
    pub row_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub body: B,
}

/// A frozen snapshot of one resource version.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRecord<B = Value> {
    pub resource_id: String,
    pub version: i64,
    pub status: String,
    pub recorded_at: DateTime<Utc>,
    pub body: B,
}

/// Which rows `list` returns, in `created_at, id` order.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    /// Only rows whose status is one of these (all when empty).
    pub statuses: Vec<String>,
    pub owner_id: Option<String>,
    /// Only rows owned by one of these (a jurisdiction's organizations); none when empty.
    pub owner_in: Option<Vec<String>>,
    /// Only rows visible to anonymous callers.
    pub public_only: bool,
    /// Keyset cursor: only rows after this id (ids are time-ordered UUIDv7).
    pub after_id: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Reads outside a transaction see committed data only.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;
    /// Start a write transaction. Writes are serialized (SQLite `BEGIN IMMEDIATE`, PostgreSQL an
    /// advisory transaction lock) so the audit chain has one total order.
    async fn begin_write(&self) -> Result<Box<dyn WriteTx>>;
    async fn get(&self, table: Table, id: &str) -> Result<Option<Record>>;
    async fn get_by_key(&self, table: Table, key: &str) -> Result<Option<Record>>;
    async fn list(&self, table: Table, filter: &RecordFilter) -> Result<Vec<Record>>;
    async fn count(&self, table: Table) -> Result<i64>;
    /// Public rows of several tables as one list: the filtered total and one page of it.
    async fn public_page(&self, q: &PublicPage) -> Result<(i64, Vec<(Table, Record)>)>;
    async fn version(&self, resource_id: &str, version: i64) -> Result<Option<VersionRecord>>;
    async fn versions(&self, resource_id: &str) -> Result<Vec<VersionRecord>>;
    /// Audit events with `seq > after_seq`, oldest first.
    async fn audit_events(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEvent>>;
    /// The newest audit event's sequence number (0 when there is none): the change log's head.
    async fn audit_head(&self) -> Result<i64>;
    /// Events about one entity type with `seq > after_seq`, oldest first: a durable, totally
    /// ordered change log (feeds and the search index follow it).
    async fn audit_events_of(
        &self,
        entity_type: &str,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditEvent>>;
    /// Bytes kept out of the audit trail (samples, webhook secrets); see `WriteTx::put_blob`.
    async fn get_blob(&self, key: &str) -> Result<Option<Vec<u8>>>;
    /// A person's credentials as JSON (kept out of the audit trail); see `WriteTx::put_credentials`.
    async fn get_credentials(&self, person_id: &str) -> Result<Option<String>>;
    async fn insert_session(&self, session: &SessionRecord) -> Result<()>;
    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>>;
    /// Store a session's role, stage, last use and end; an ended session is never revived.
    async fn update_session(&self, session: &SessionRecord) -> Result<()>;
    /// Personal data of the public kept for `subject_id` (a registration), erased rows included.
    async fn personal_of(&self, subject_id: &str) -> Result<Vec<PersonalRecord>>;
    /// Erase every personal record whose retention ended by `now`; returns how many.
    async fn erase_personal_due(&self, now: DateTime<Utc>) -> Result<u64>;
    /// Add page views, `(entity id, views)`, to each entity's count (statistics: no audit event).
    async fn add_views(&self, counts: &[(String, i64)]) -> Result<()>;
    /// The most viewed entities, most first (ties by id).
    async fn most_viewed(&self, limit: i64) -> Result<Vec<(String, i64)>>;
    async fn close(&self);
}

/// Personal data of the public (rule 10), outside the audit chain and erasable.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonalRecord {
    pub key: String,
    pub subject_id: String,
    /// JSON; `None` once erased.
    pub body: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Erased after this instant; `None` while still needed (e.g. an objection not yet decided).
    pub retain_until: Option<DateTime<Utc>>,
    pub erased_at: Option<DateTime<Utc>>,
}

/// A signed-in web session, keyed by the SHA-256 of the cookie's secret.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub id_hash: String,
    pub person_id: String,
    /// The role the person acts in now (one of the roles they hold).
    pub role: String,
    /// How far sign-in has got: see `service::sign_in::SessionStage`.
    pub stage: String,
    /// The token every form of the session carries (CSRF).
    pub csrf: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait WriteTx: Send {
    async fn get(&mut self, table: Table, id: &str) -> Result<Option<Record>>;
    async fn get_by_key(&mut self, table: Table, key: &str) -> Result<Option<Record>>;
    async fn list(&mut self, table: Table, filter: &RecordFilter) -> Result<Vec<Record>>;
    async fn insert(&mut self, table: Table, record: &Record) -> Result<()>;
    /// Replace a row if its stored `row_version` is still `record.row_version - 1`; a `Conflict` otherwise.
    async fn update(&mut self, table: Table, record: &Record) -> Result<()>;
    async fn put_version(&mut self, version: &VersionRecord) -> Result<()>;
    /// Next value of a named counter, starting at 1 (resource codes, edition numbers).
    async fn next_sequence(&mut self, name: &str) -> Result<i64>;
    /// Reserve the next `count` (≥ 1) values of a named counter at once; returns the first.
    async fn reserve_sequence(&mut self, name: &str, count: i64) -> Result<i64>;
    /// Insert new rows in bulk: the same rows `insert` would write one by one.
    async fn insert_many(&mut self, table: Table, records: &[Record<RawBody>]) -> Result<()>;
    /// Store the first versions of new resources in bulk (an existing version is an error).
    async fn put_versions(&mut self, versions: &[VersionRecord<RawBody>]) -> Result<()>;
    /// Store events already chained in memory (see `audit::ChainHead::next_created`), in batches.
    async fn insert_audits(&mut self, events: &[CreatedEvent]) -> Result<()>;
    /// The newest audit event's sequence number and hash.
    async fn last_audit(&mut self) -> Result<Option<(i64, String)>>;
    async fn insert_audit(&mut self, event: &AuditEvent) -> Result<()>;
    /// Store bytes under `key` once; an existing key is left as it is (content addressing).
    async fn put_blob(&mut self, key: &str, bytes: &[u8]) -> Result<()>;
    async fn get_credentials(&mut self, person_id: &str) -> Result<Option<String>>;
    /// Store a person's credentials (replacing earlier ones).
    async fn put_credentials(&mut self, person_id: &str, body: &str) -> Result<()>;
    /// End every open session of a person (lock, password change, role change); returns how many.
    async fn end_sessions_of(&mut self, person_id: &str, at: DateTime<Utc>) -> Result<u64>;
    /// Keep personal data of the public under `key` for `subject_id` (never in the audit trail).
    async fn put_personal(&mut self, key: &str, subject_id: &str, body: &str) -> Result<()>;
    /// Start the retention clock of a personal record: erased after `until`.
    async fn retain_personal_until(&mut self, key: &str, until: DateTime<Utc>) -> Result<()>;
    async fn commit(self: Box<Self>) -> Result<()>;
}

/// Open a store from a URL: `sqlite://path` (or a bare path) or `postgres://…`; runs migrations.
pub async fn open(url: &str) -> Result<std::sync::Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(PostgresStore::connect(url).await?))
    } else {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        Ok(std::sync::Arc::new(
            SqliteStore::open(std::path::Path::new(path)).await?,
        ))
    }
}
