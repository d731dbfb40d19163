//! Batch import of a provider's directory file: every valid row becomes a draft in one
//! transaction (all or nothing), each with its own audit event, like `create_resource` one by one.

use chrono::Utc;
use uuid::Uuid;

use super::entity;
use super::resources::{allocate_code, snapshot};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::organization::{OrgKind, Organization};
use crate::domain::resource::{Resource, ResourceContent};
use crate::error::{CatalogError, Result};

impl Catalog {
    /// Create drafts for `contents` of one provider; the provider itself (or the system) only.
    /// Field paths of errors are prefixed with the content's index, `[i].content.…`;
    /// `progress` hears how many rows are written so far (for a progress bar).
    pub async fn import_drafts(
        &self,
        actor: &Actor,
        provider_id: Uuid,
        contents: Vec<ResourceContent>,
        progress: impl Fn(usize) + Send,
    ) -> Result<Vec<Resource>> {
        actor.require_org(Role::Provider, provider_id, "导入本单位的资源目录")?;
        let mut tx = self.store.begin_write().await?;
        let provider: Versioned<Organization> = entity::load(tx.as_mut(), provider_id)
            .await
            .map_err(|_| CatalogError::invalid("provider_id", "数源单位不存在"))?;
        provider
            .value
            .require_kind(OrgKind::Provider, "provider_id")?;
        let mut out = Vec::with_capacity(contents.len());
        for (i, content) in contents.into_iter().enumerate() {
            let code = allocate_code(tx.as_mut(), &provider.value).await?;
            let resource =
                Resource::new(code, provider_id, content, Utc::now()).map_err(|e| match e {
                    CatalogError::Invalid { field, message } => CatalogError::Invalid {
                        field: format!("[{i}].{field}"),
                        message,
                    },
                    other => other,
                })?;
            entity::insert(tx.as_mut(), actor, "resource.import", &resource).await?;
            snapshot(tx.as_mut(), &resource).await?;
            out.push(resource);
            if out.len() % 500 == 0 {
                progress(out.len());
            }
        }
        progress(out.len());
        tx.commit().await?;
        Ok(out)
    }
}
