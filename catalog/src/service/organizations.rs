//! Registering and reading organizations.

use chrono::Utc;
use uuid::Uuid;

use super::entity::{self, from_record};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::Uscc;
use crate::domain::organization::{NewOrganization, Organization};
use crate::error::{CatalogError, Result};
use crate::store::{RecordFilter, Table, WriteTx};

impl Catalog {
    pub async fn register_organization(
        &self,
        actor: &Actor,
        input: NewOrganization,
    ) -> Result<Organization> {
        actor.require_role(&[Role::DataAdmin], "登记机构")?;
        let org = Organization::new(input, Utc::now())?;
        let mut tx = self.store.begin_write().await?;
        let bound = super::jurisdiction::bound_region(tx.as_mut(), actor).await?;
        super::jurisdiction::require_within(bound.as_ref(), &org.region, "登记机构")?;
        insert_organization(tx.as_mut(), actor, &org).await?;
        tx.commit().await?;
        Ok(org)
    }

    pub async fn organization(&self, id: Uuid) -> Result<Versioned<Organization>> {
        entity::read(self.store(), id).await
    }

    pub async fn organization_by_uscc(&self, uscc: &Uscc) -> Result<Option<Organization>> {
        self.store
            .get_by_key(Table::Organizations, uscc.as_str())
            .await?
            .map(|r| from_record(r).map(|v| v.value))
            .transpose()
    }

    pub async fn organizations(&self, filter: &RecordFilter) -> Result<Vec<Organization>> {
        self.store
            .list(Table::Organizations, filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect()
    }
}

/// Insert a new organization inside `tx`; one organization per USCC.
pub(super) async fn insert_organization(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    org: &Organization,
) -> Result<()> {
    if tx
        .get_by_key(Table::Organizations, org.uscc.as_str())
        .await?
        .is_some()
    {
        return Err(CatalogError::Conflict(format!(
            "统一社会信用代码 {} 已登记",
            org.uscc
        )));
    }
    entity::insert(tx, actor, "organization.register", org).await
}

impl Catalog {
    /// Rule 9 for reading: the organizations inside the actor's region (every organization for
    /// an unbound overseer), each with how many directory entries (in any state) it provides,
    /// ordered by region then name.
    pub async fn organizations_in_jurisdiction(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(Organization, usize)>> {
        actor.require_role(
            &[Role::DataAdmin, Role::Auditor, Role::System],
            "查看辖区机构",
        )?;
        let region = self.jurisdiction_of(actor).await?;
        let mut orgs: Vec<Organization> = self
            .organizations(&RecordFilter::default())
            .await?
            .into_iter()
            .filter(|o| region.as_ref().is_none_or(|r| o.region.is_within(r)))
            .collect();
        orgs.sort_by(|a, b| {
            (a.region.as_str(), a.name.as_str()).cmp(&(b.region.as_str(), b.name.as_str()))
        });
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        if !orgs.is_empty() {
            let filter = RecordFilter {
                owner_in: Some(orgs.iter().map(|o| o.id.to_string()).collect()),
                ..RecordFilter::default()
            };
            for r in self.store.list(Table::Resources, &filter).await? {
                if let Some(owner) = r.owner_id {
                    *counts.entry(owner).or_default() += 1;
                }
            }
        }
        Ok(orgs
            .into_iter()
            .map(|o| {
                let entries = counts.get(&o.id.to_string()).copied().unwrap_or(0);
                (o, entries)
            })
            .collect())
    }
}
