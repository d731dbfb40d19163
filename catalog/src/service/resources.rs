//! The directory-entry workflow: draft → submitted → approved | returned → published → withdrawn,
//! with a readable snapshot of every version.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::entity::{self, from_record};
use super::{Actor, Catalog, Role, Versioned, jurisdiction};
use crate::domain::ResourceCode;
use crate::domain::organization::{OrgKind, Organization};
use crate::domain::resource::{Resource, ResourceContent, ResourceStatus};
use crate::error::{CatalogError, Result};
use crate::store::{RecordFilter, Table, VersionRecord, WriteTx};

/// What the public sees of a resource: its latest published version, without internal fields.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PublicResource {
    pub id: Uuid,
    pub code: ResourceCode,
    pub provider_id: Uuid,
    pub version: u32,
    pub content: ResourceContent,
    pub published_at: DateTime<Utc>,
}

impl Catalog {
    pub async fn create_resource(
        &self,
        actor: &Actor,
        provider_id: Uuid,
        content: ResourceContent,
    ) -> Result<Resource> {
        actor.require_org(Role::Provider, provider_id, "编制本单位的资源目录")?;
        let mut tx = self.store.begin_write().await?;
        let provider = load_provider(tx.as_mut(), provider_id).await?;
        let code = allocate_code(tx.as_mut(), &provider).await?;
        let resource = Resource::new(code, provider_id, content, Utc::now())?;
        entity::insert(tx.as_mut(), actor, "resource.create", &resource).await?;
        snapshot(tx.as_mut(), &resource).await?;
        tx.commit().await?;
        Ok(resource)
    }

    pub async fn update_resource(
        &self,
        actor: &Actor,
        id: Uuid,
        content: ResourceContent,
        if_match: Option<i64>,
    ) -> Result<Versioned<Resource>> {
        self.resource_transition(actor, id, if_match, "resource.update", |r| {
            actor.require_org(Role::Provider, r.provider_id, "修改本单位的资源")?;
            r.edit(content, Utc::now())
        })
        .await
    }

    pub async fn submit_resource(
        &self,
        actor: &Actor,
        id: Uuid,
        if_match: Option<i64>,
    ) -> Result<Versioned<Resource>> {
        self.resource_transition(actor, id, if_match, "resource.submit", |r| {
            actor.require_org(Role::Provider, r.provider_id, "提交本单位的资源")?;
            r.submit(Utc::now())
        })
        .await
    }

    pub async fn approve_resource(
        &self,
        actor: &Actor,
        id: Uuid,
        if_match: Option<i64>,
    ) -> Result<Versioned<Resource>> {
        self.resource_transition(actor, id, if_match, "resource.approve", |r| {
            actor.require_role(&[Role::DataAdmin], "审核资源目录")?;
            r.approve(Utc::now())
        })
        .await
    }

    pub async fn return_resource(
        &self,
        actor: &Actor,
        id: Uuid,
        reasons: Vec<String>,
        if_match: Option<i64>,
    ) -> Result<Versioned<Resource>> {
        self.resource_transition(actor, id, if_match, "resource.return", |r| {
            actor.require_role(&[Role::DataAdmin], "退回资源目录")?;
            r.return_for_revision(reasons, Utc::now())
        })
        .await
    }

    pub async fn publish_resource(
        &self,
        actor: &Actor,
        id: Uuid,
        if_match: Option<i64>,
    ) -> Result<Versioned<Resource>> {
        self.resource_transition(actor, id, if_match, "resource.publish", |r| {
            actor.require_role(&[Role::DataAdmin], "发布资源目录")?;
            r.publish(Utc::now())
        })
        .await
    }

    pub async fn withdraw_resource(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
        if_match: Option<i64>,
    ) -> Result<Versioned<Resource>> {
        self.resource_transition(actor, id, if_match, "resource.withdraw", |r| {
            if actor.role != Role::DataAdmin {
                actor.require_org(Role::Provider, r.provider_id, "撤回本单位的资源")?;
            }
            r.withdraw(reason, Utc::now())
        })
        .await
    }

    async fn resource_transition(
        &self,
        actor: &Actor,
        id: Uuid,
        if_match: Option<i64>,
        action: &str,
        apply: impl FnOnce(&mut Resource) -> Result<()>,
    ) -> Result<Versioned<Resource>> {
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<Resource> = entity::load(tx.as_mut(), id).await?;
        jurisdiction::require_org_within(
            tx.as_mut(),
            actor,
            before.value.provider_id,
            "审核或处理目录条目",
        )
        .await?;
        let mut after = before.value.clone();
        apply(&mut after)?;
        let row_version =
            entity::update(tx.as_mut(), actor, action, &before, &after, if_match).await?;
        snapshot(tx.as_mut(), &after).await?;
        tx.commit().await?;
        Ok(Versioned {
            row_version,
            value: after,
        })
    }

    /// The full current state, drafts included: for the owner and reviewers only.
    pub async fn resource(&self, id: Uuid) -> Result<Versioned<Resource>> {
        entity::read(self.store(), id).await
    }

    /// The full current state for those who may see unpublished content: the owning provider,
    /// data administrations and auditors. Anyone else gets `NotFound`, so existence does not leak.
    pub async fn resource_as(&self, actor: &Actor, id: Uuid) -> Result<Versioned<Resource>> {
        let resource = self.resource(id).await?;
        if !may_see_internal(actor, &resource.value) {
            return Err(CatalogError::not_found("resource", id.to_string()));
        }
        if let Some(region) = self.jurisdiction_of(actor).await? {
            let provider = self.organization(resource.value.provider_id).await?.value;
            jurisdiction::require_within(Some(&region), &provider.region, "查看目录条目")?;
        }
        Ok(resource)
    }

    pub async fn resource_versions_as(&self, actor: &Actor, id: Uuid) -> Result<Vec<Resource>> {
        self.resource_as(actor, id).await?;
        self.resource_versions(id).await
    }

    /// Entries of one provider in any state (the provider's own workspace), or, for data
    /// administrations and auditors, of any provider; `statuses` empty means all.
    pub async fn resources_as(
        &self,
        actor: &Actor,
        provider_id: Option<Uuid>,
        statuses: Vec<ResourceStatus>,
        after_id: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<Versioned<Resource>>> {
        let owner = match actor.role {
            Role::System | Role::DataAdmin | Role::Auditor => provider_id,
            Role::Provider => Some(
                actor
                    .org_id
                    .expect("provider actors act for an organization"),
            ),
            _ => {
                return Err(CatalogError::Forbidden(
                    "只有数源单位、数据管理部门和监管部门可以查看未发布的目录".to_string(),
                ));
            }
        };
        // Rule 9: a data administration sees its own region's providers only.
        let owner_in = match self.jurisdiction_of(actor).await? {
            Some(region) => {
                if let Some(provider) = owner {
                    let org = self.organization(provider).await?.value;
                    jurisdiction::require_within(Some(&region), &org.region, "查看目录条目")?;
                }
                Some(self.organizations_within(&region).await?)
            }
            None => None,
        };
        let filter = RecordFilter {
            statuses: statuses.iter().map(|s| s.as_str().to_string()).collect(),
            owner_id: owner.map(|id| id.to_string()),
            owner_in,
            after_id: after_id.map(|id| id.to_string()),
            limit: Some(limit),
            ..RecordFilter::default()
        };
        self.store
            .list(Table::Resources, &filter)
            .await?
            .into_iter()
            .map(from_record)
            .collect()
    }

    /// Every version's last state, oldest first.
    pub async fn resource_versions(&self, id: Uuid) -> Result<Vec<Resource>> {
        self.store
            .versions(&id.to_string())
            .await?
            .into_iter()
            .map(|v| parse_snapshot(v.body))
            .collect()
    }

    pub async fn resource_version(&self, id: Uuid, version: u32) -> Result<Resource> {
        let snapshot = self
            .store
            .version(&id.to_string(), i64::from(version))
            .await?
            .ok_or_else(|| {
                CatalogError::not_found("resource_version", format!("{id}@{version}"))
            })?;
        parse_snapshot(snapshot.body)
    }

    /// The published version of a public resource; `NotFound` for anything the public may not see.
    pub async fn public_resource(&self, id: Uuid) -> Result<PublicResource> {
        let current = self.resource(id).await?.value;
        self.public_view(current).await
    }

    pub async fn public_resources(
        &self,
        after_id: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<PublicResource>> {
        let filter = RecordFilter {
            public_only: true,
            after_id: after_id.map(|id| id.to_string()),
            limit: Some(limit),
            ..RecordFilter::default()
        };
        let mut out = Vec::new();
        for record in self.store.list(Table::Resources, &filter).await? {
            out.push(
                self.public_view(from_record::<Resource>(record)?.value)
                    .await?,
            );
        }
        Ok(out)
    }

    pub(crate) async fn public_view(&self, current: Resource) -> Result<PublicResource> {
        if let Some(view) = PublicResource::of_current(&current) {
            return Ok(view);
        }
        let hidden = || CatalogError::not_found("resource", current.id.to_string());
        if !current.is_public() {
            return Err(hidden());
        }
        let version = current.published_version.ok_or_else(hidden)?;
        let published = self.resource_version(current.id, version).await?;
        Ok(PublicResource::of_version(published, current.published_at))
    }
}

impl PublicResource {
    /// The public view of an entry whose current version is the published one (the common
    /// case, read without a second lookup); `None` otherwise.
    pub fn of_current(current: &Resource) -> Option<PublicResource> {
        (current.is_public() && current.published_version == Some(current.version))
            .then(|| Self::of_version(current.clone(), current.published_at))
    }

    /// The one public view of a published version (rule 8): internal details of data items left
    /// out, "published" at the entry's latest publication.
    fn of_version(published: Resource, published_at: Option<DateTime<Utc>>) -> PublicResource {
        PublicResource {
            id: published.id,
            code: published.code,
            provider_id: published.provider_id,
            version: published.version,
            published_at: published_at.unwrap_or(published.updated_at),
            content: published.content.public_view(),
        }
    }
}

fn may_see_internal(actor: &Actor, resource: &Resource) -> bool {
    match actor.role {
        Role::System | Role::DataAdmin | Role::Auditor => true,
        Role::Provider => actor.org_id == Some(resource.provider_id),
        _ => false,
    }
}

/// The next stable code in the provider's region.
/// The data provider `provider_id` names; a field error when there is none.
pub(super) async fn load_provider(tx: &mut dyn WriteTx, provider_id: Uuid) -> Result<Organization> {
    let provider: Versioned<Organization> = entity::load(tx, provider_id)
        .await
        .map_err(|_| CatalogError::invalid("provider_id", "数源单位不存在"))?;
    provider
        .value
        .require_kind(OrgKind::Provider, "provider_id")?;
    Ok(provider.value)
}

pub(super) async fn allocate_code(
    tx: &mut dyn WriteTx,
    provider: &Organization,
) -> Result<ResourceCode> {
    let region = &provider.region;
    let seq = tx
        .next_sequence(&format!("resource_code:{}", region.as_str()))
        .await?;
    ResourceCode::new(region, seq as u64).map_err(|e| CatalogError::Storage(e.message))
}

pub(super) async fn snapshot(tx: &mut dyn WriteTx, resource: &Resource) -> Result<()> {
    tx.put_version(&VersionRecord {
        resource_id: resource.id.to_string(),
        version: i64::from(resource.version),
        status: resource.status.as_str().to_string(),
        recorded_at: resource.updated_at,
        body: serde_json::to_value(resource).map_err(|e| CatalogError::Storage(e.to_string()))?,
    })
    .await
}

fn parse_snapshot(body: serde_json::Value) -> Result<Resource> {
    serde_json::from_value(body)
        .map_err(|e| CatalogError::Storage(format!("版本快照无法解析：{e}")))
}
