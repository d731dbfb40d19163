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
