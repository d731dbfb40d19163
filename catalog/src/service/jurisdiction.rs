//! Rule 9: a data administration or registrar acts only inside its own region (GB/T 2260
//! prefix). The region is read from the actor's organization as stored, never from a request.

use uuid::Uuid;

use super::entity;
use super::{Actor, Catalog, Versioned};
use crate::domain::RegionCode;
use crate::domain::organization::Organization;
use crate::error::{CatalogError, Result};
use crate::store::{RecordFilter, Table, WriteTx};

/// The region an actor is bound to: its organization's, for the jurisdictional roles; `None`
/// (unbound) for everyone else, whose own checks are by organization.
pub(super) async fn bound_region(
    tx: &mut dyn WriteTx,
    actor: &Actor,
) -> Result<Option<RegionCode>> {
    if !actor.role.is_jurisdictional() {
        return Ok(None);
    }
    let org_id = actor
        .org_id
        .ok_or_else(|| CatalogError::Forbidden("须以所属机构身份办理".to_string()))?;
    let org: Versioned<Organization> = entity::load(tx, org_id).await?;
    Ok(Some(org.value.region))
}

/// Refuse unless `subject` lies inside `bound` (when the actor is bound at all).
pub(super) fn require_within(
    bound: Option<&RegionCode>,
    subject: &RegionCode,
    action: &str,
) -> Result<()> {
    match bound {
        Some(region) if !subject.is_within(region) => Err(CatalogError::Forbidden(format!(
            "{action}超出本机构辖区：本机构辖区为{}，对象属于{}",
            region.as_str(),
            subject.as_str()
        ))),
        _ => Ok(()),
    }
}

/// Refuse unless the organization `subject_org` lies inside the actor's jurisdiction.
pub(super) async fn require_org_within(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    subject_org: Uuid,
    action: &str,
) -> Result<()> {
    let Some(region) = bound_region(tx, actor).await? else {
        return Ok(());
    };
    let org: Versioned<Organization> = entity::load(tx, subject_org).await?;
    require_within(Some(&region), &org.value.region, action)
}

impl Catalog {
    /// `bound_region` outside a write transaction.
    pub async fn jurisdiction_of(&self, actor: &Actor) -> Result<Option<RegionCode>> {
        if !actor.role.is_jurisdictional() {
            return Ok(None);
        }
        let org_id = actor
            .org_id
            .ok_or_else(|| CatalogError::Forbidden("须以所属机构身份办理".to_string()))?;
        Ok(Some(self.organization(org_id).await?.value.region))
    }

    /// The ids of the organizations inside `region`, for listing filters.
    pub(super) async fn organizations_within(&self, region: &RegionCode) -> Result<Vec<String>> {
        Ok(self
            .store
            .list(Table::Organizations, &RecordFilter::default())
            .await?
            .into_iter()
            .filter_map(|r| entity::from_record::<Organization>(r).ok())
            .filter(|o| o.value.region.is_within(region))
            .map(|o| o.value.id.to_string())
            .collect())
    }
}
