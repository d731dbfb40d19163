//! Typed access to the generic record store, with the audit event every write appends.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::Actor;
use crate::audit::{self, AuditEntry};
use crate::audit_log;
use crate::domain::api_token::{ApiToken, TokenStatus};
use crate::domain::authorization::Authorization;
use crate::domain::demand::DemandApplication;
use crate::domain::developer::DeveloperApplication;
use crate::domain::disclosure::{Disclosure, DisclosureStatus};
use crate::domain::edition::DirectoryEdition;
use crate::domain::feedback::QualityFeedback;
use crate::domain::negative_list::NegativeListEntry;
use crate::domain::organization::{OrgStatus, Organization};
use crate::domain::person::Person;
use crate::domain::product::{Product, ProductStatus};
use crate::domain::registration::Registration;
use crate::domain::resource::Resource;
use crate::error::{CatalogError, Result};
use crate::store::{RawBody, Record, Store, Table, WriteTx};

/// What an audit event's entity type means to a person ("negative_list_entry" → 负面清单条目);
/// the type itself when no entity has it.
pub fn entity_type_label(entity_type: &str) -> &str {
    fn of<T: Entity>() -> (&'static str, &'static str) {
        (T::TYPE, T::LABEL)
    }
    use crate::domain::listing::ExchangeListing;
    use crate::domain::webhook::{WebhookDelivery, WebhookEndpoint};
    [
        of::<Organization>(),
        of::<Resource>(),
        of::<NegativeListEntry>(),
        of::<DirectoryEdition>(),
        of::<Authorization>(),
        of::<ApiToken>(),
        of::<Product>(),
        of::<Registration>(),
        of::<DemandApplication>(),
        of::<QualityFeedback>(),
        of::<Disclosure>(),
        of::<DeveloperApplication>(),
        of::<Person>(),
        of::<ExchangeListing>(),
        of::<WebhookEndpoint>(),
        of::<WebhookDelivery>(),
    ]
    .into_iter()
    .find(|(t, _)| *t == entity_type)
    .map_or(entity_type, |(_, label)| label)
}

/// A domain entity kept in one of the store's tables.
pub(crate) trait Entity: Serialize + DeserializeOwned {
    const TABLE: Table;
    /// Name in audit events and error messages.
    const TYPE: &'static str;
    /// What people call it (the audit log's 对象类型).
    const LABEL: &'static str;
    fn id(&self) -> Uuid;
    fn natural_key(&self) -> Option<String> {
        None
    }
    fn owner_id(&self) -> Option<Uuid> {
        None
    }
    fn status(&self) -> &'static str;
    fn is_public(&self) -> bool;
    fn created_at(&self) -> DateTime<Utc>;
    fn updated_at(&self) -> DateTime<Utc>;
}

/// An entity with the row version it was read at (the API's ETag).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Versioned<T> {
    pub row_version: i64,
    #[serde(flatten)]
    pub value: T,
}

fn to_record<T: Entity>(value: &T, row_version: i64) -> Result<Record> {
    Ok(record_with(value, row_version, body_of(value)?))
}

/// The stored body; no text in it may carry control characters or noncharacters (the backstop
/// behind each field's own check, for every entity).
fn body_of<T: Entity>(value: &T) -> Result<serde_json::Value> {
    let body = serde_json::to_value(value).map_err(|e| CatalogError::Storage(e.to_string()))?;
    crate::domain::text::check_json("", &body)?;
    Ok(body)
}

fn record_with<T: Entity, B>(value: &T, row_version: i64, body: B) -> Record<B> {
    Record {
        id: value.id().to_string(),
        natural_key: value.natural_key(),
        owner_id: value.owner_id().map(|id| id.to_string()),
        status: value.status().to_string(),
        public: value.is_public(),
        row_version,
        created_at: value.created_at(),
        updated_at: value.updated_at(),
        body,
    }
}

pub(crate) fn from_record<T: Entity>(record: Record) -> Result<Versioned<T>> {
    let value = serde_json::from_value(record.body).map_err(|e| {
        CatalogError::Storage(format!("{} {} 的存储内容无法解析：{e}", T::TYPE, record.id))
    })?;
    Ok(Versioned {
        row_version: record.row_version,
        value,
    })
}

pub(crate) async fn load<T: Entity>(tx: &mut dyn WriteTx, id: Uuid) -> Result<Versioned<T>> {
    let record = tx
        .get(T::TABLE, &id.to_string())
        .await?
        .ok_or_else(|| CatalogError::not_found(T::TYPE, id.to_string()))?;
    from_record(record)
}

pub(crate) async fn read<T: Entity>(store: &dyn Store, id: Uuid) -> Result<Versioned<T>> {
    let record = store
        .get(T::TABLE, &id.to_string())
        .await?
        .ok_or_else(|| CatalogError::not_found(T::TYPE, id.to_string()))?;
    from_record(record)
}

pub(crate) async fn insert<T: Entity>(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    action: &str,
    value: &T,
) -> Result<()> {
    let record = to_record(value, 1)?;
    tx.insert(T::TABLE, &record).await?;
    audit_log::append(
        tx,
        AuditEntry {
            actor: &actor.audit_name(),
            action,
            entity_type: T::TYPE,
            entity_id: &record.id,
            before: None,
            after: Some(record.body),
        },
    )
    .await?;
    Ok(())
}

/// The record of a new entity with its body in canonical JSON, for bulk creation (see
/// `audit::CreatedEvent`): serialized once, stored as row, version snapshot and audit event.
pub(crate) fn to_created_record<T: Entity>(value: &T) -> Result<Record<RawBody>> {
    let body = audit::canonical_body(&body_of(value)?)?;
    Ok(record_with(value, 1, body))
}

/// Save `after` over `before`. With `if_match`, refuse unless the caller read the current row version.
pub(crate) async fn update<T: Entity>(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    action: &str,
    before: &Versioned<T>,
    after: &T,
    if_match: Option<i64>,
) -> Result<i64> {
    if let Some(expected) = if_match
        && expected != before.row_version
    {
        return Err(CatalogError::Conflict(format!(
            "{} {} 已被修改（当前版本 {}，请求基于版本 {expected}），请重新读取后再提交",
            T::TYPE,
            after.id(),
            before.row_version
        )));
    }
    let record = to_record(after, before.row_version + 1)?;
    tx.update(T::TABLE, &record).await?;
    audit_log::append(
        tx,
        AuditEntry {
            actor: &actor.audit_name(),
            action,
            entity_type: T::TYPE,
            entity_id: &record.id,
            before: Some(
                serde_json::to_value(&before.value)
                    .map_err(|e| CatalogError::Storage(e.to_string()))?,
            ),
            after: Some(record.body),
        },
    )
    .await?;
    Ok(record.row_version)
}

impl Entity for Organization {
    const TABLE: Table = Table::Organizations;
    const TYPE: &'static str = "organization";
    const LABEL: &'static str = "机构";
    fn id(&self) -> Uuid {
        self.id
    }
    fn natural_key(&self) -> Option<String> {
        Some(self.uscc.as_str().to_string())
    }
    fn status(&self) -> &'static str {
        match self.status {
            OrgStatus::Active => "active",
            OrgStatus::Deactivated => "deactivated",
        }
    }
    fn is_public(&self) -> bool {
        self.status == OrgStatus::Active
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl Entity for Resource {
    const TABLE: Table = Table::Resources;
    const TYPE: &'static str = "resource";
    const LABEL: &'static str = "数据资源";
    fn id(&self) -> Uuid {
        self.id
    }
    fn natural_key(&self) -> Option<String> {
        Some(self.code.as_str().to_string())
    }
    fn owner_id(&self) -> Option<Uuid> {
        Some(self.provider_id)
    }
    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn is_public(&self) -> bool {
        Resource::is_public(self)
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    /// A public entry's row is "modified" when its public view last changed (rule 8: the public
    /// catalog's times, `modified_since` filters and orders must not reveal unpublished edits).
    fn updated_at(&self) -> DateTime<Utc> {
        match self.published_at {
            Some(at) if self.is_public() => at,
            _ => self.updated_at,
        }
    }
}

impl Entity for NegativeListEntry {
    const TABLE: Table = Table::NegativeList;
    const TYPE: &'static str = "negative_list_entry";
    const LABEL: &'static str = "负面清单条目";
    fn id(&self) -> Uuid {
        self.id
    }
    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn is_public(&self) -> bool {
        !self.details.confidential
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl Entity for DirectoryEdition {
    const TABLE: Table = Table::Editions;
    const TYPE: &'static str = "directory_edition";
    const LABEL: &'static str = "运营目录版本";
    fn id(&self) -> Uuid {
        self.id
    }
    fn natural_key(&self) -> Option<String> {
        Some(self.number.to_string())
    }
    fn owner_id(&self) -> Option<Uuid> {
        Some(self.publisher_id)
    }
    fn status(&self) -> &'static str {
        "published"
    }
    fn is_public(&self) -> bool {
        true
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.published_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.published_at
    }
}

impl Entity for Authorization {
    const TABLE: Table = Table::Authorizations;
    const TYPE: &'static str = "authorization";
    const LABEL: &'static str = "授权运营";
    fn id(&self) -> Uuid {
        self.id
    }
    fn owner_id(&self) -> Option<Uuid> {
        self.operator_id
    }
    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    /// Announcements invite applications and agreements are disclosed (N 18): all public.
    fn is_public(&self) -> bool {
        true
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl Entity for ApiToken {
    const TABLE: Table = Table::ApiTokens;
    const TYPE: &'static str = "api_token";
    const LABEL: &'static str = "访问令牌";
    fn id(&self) -> Uuid {
        self.id
    }
    fn natural_key(&self) -> Option<String> {
        Some(self.secret_hash.clone())
    }
    /// The person the token belongs to (its organization for tokens issued before people).
    fn owner_id(&self) -> Option<Uuid> {
        Some(self.person_id.unwrap_or(self.org_id))
    }
    fn status(&self) -> &'static str {
        match self.status {
            TokenStatus::Active => "active",
            TokenStatus::Revoked => "revoked",
        }
    }
    fn is_public(&self) -> bool {
        false
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl Entity for Product {
    const TABLE: Table = Table::Products;
    const TYPE: &'static str = "product";
    const LABEL: &'static str = "数据产品";
    fn id(&self) -> Uuid {
        self.id
    }
    fn owner_id(&self) -> Option<Uuid> {
        Some(self.operator_id)
    }
    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    /// Registered products are public (rule 8); drafts and reviews are not.
    fn is_public(&self) -> bool {
        self.status == ProductStatus::Registered
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl Entity for Registration {
    const TABLE: Table = Table::Registrations;
    const TYPE: &'static str = "registration";
    const LABEL: &'static str = "登记";
    fn id(&self) -> Uuid {
        self.id
    }
    fn natural_key(&self) -> Option<String> {
        self.query_code.as_ref().map(|c| c.as_str().to_string())
    }
    fn owner_id(&self) -> Option<Uuid> {
        Some(self.registrant_id)
    }
    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn is_public(&self) -> bool {
        Registration::is_public(self)
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

/// One write transaction: load `id`, apply a domain transition, save with its audit event.
pub(crate) async fn transition<T: Entity + Clone>(
    store: &dyn Store,
    actor: &Actor,
    id: Uuid,
    if_match: Option<i64>,
    action: &str,
    apply: impl FnOnce(&mut T) -> Result<()>,
) -> Result<Versioned<T>> {
    let mut tx = store.begin_write().await?;
    let before: Versioned<T> = load(tx.as_mut(), id).await?;
    let mut after = before.value.clone();
    apply(&mut after)?;
    let row_version = update(tx.as_mut(), actor, action, &before, &after, if_match).await?;
    tx.commit().await?;
    Ok(Versioned {
        row_version,
        value: after,
    })
}

impl Entity for DemandApplication {
    const TABLE: Table = Table::Demands;
    const TYPE: &'static str = "demand";
    const LABEL: &'static str = "数据需求";
    fn id(&self) -> Uuid {
        self.id
    }
    fn owner_id(&self) -> Option<Uuid> {
        Some(self.applicant_id)
    }
    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    /// Demands name an applicant's business plans: never public.
    fn is_public(&self) -> bool {
        false
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl Entity for QualityFeedback {
    const TABLE: Table = Table::Feedback;
    const TYPE: &'static str = "quality_feedback";
    const LABEL: &'static str = "质量反馈";
    fn id(&self) -> Uuid {
        self.id
    }
    /// The provider, who must answer.
    fn owner_id(&self) -> Option<Uuid> {
        Some(self.provider_id)
    }
    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn is_public(&self) -> bool {
        false
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl Entity for Disclosure {
    const TABLE: Table = Table::Disclosures;
    const TYPE: &'static str = "disclosure";
    const LABEL: &'static str = "年度披露";
    fn id(&self) -> Uuid {
        self.id
    }
    fn natural_key(&self) -> Option<String> {
        Some(self.key())
    }
    fn owner_id(&self) -> Option<Uuid> {
        Some(self.discloser_id)
    }
    fn status(&self) -> &'static str {
        match self.status {
            DisclosureStatus::Draft => "draft",
            DisclosureStatus::Published => "published",
        }
    }
    /// Published statements are public (rule 8).
    fn is_public(&self) -> bool {
        self.status == DisclosureStatus::Published
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl Entity for DeveloperApplication {
    const TABLE: Table = Table::Developers;
    const TYPE: &'static str = "developer_application";
    const LABEL: &'static str = "开发利用机构申请";
    fn id(&self) -> Uuid {
        self.id
    }
    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    /// Publicity notices and admissions are public (their contacts are not: see `notice`).
    fn is_public(&self) -> bool {
        DeveloperApplication::is_public(self)
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl Entity for Person {
    const TABLE: Table = Table::People;
    const TYPE: &'static str = "person";
    const LABEL: &'static str = "人员账号";
    fn id(&self) -> Uuid {
        self.id
    }
    fn natural_key(&self) -> Option<String> {
        Some(self.account.as_str().to_string())
    }
    fn owner_id(&self) -> Option<Uuid> {
        Some(self.org_id)
    }
    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn is_public(&self) -> bool {
        false
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}
