//! Demand applications: operators and developers ask for resources per scenario; the data
//! administration reviews. Visible to the applicant, administrations and auditors only.

use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::entity::{self, from_record};
use super::negative_list::{active_entries, refuse_if_negative_listed};
use super::{Actor, Catalog, Role, Versioned, jurisdiction};
use crate::domain::demand::{DemandApplication, DemandReview, DemandStatus, NewDemand};
use crate::domain::resource::Resource;
use crate::error::{CatalogError, Result};
use crate::store::{RecordFilter, Table};

impl Catalog {
    /// File a demand: every requested resource must be published and off the negative list.
    pub async fn file_demand(
        &self,
        actor: &Actor,
        request: NewDemand,
    ) -> Result<DemandApplication> {
        actor.require_role(&[Role::Operator, Role::Developer], "提交数据需求申请")?;
        let applicant = actor
            .org_id
            .ok_or_else(|| CatalogError::Forbidden("须以机构身份申请".into()))?;
        let demand = DemandApplication::new(applicant, request, Utc::now())?;
        let mut tx = self.store.begin_write().await?;
        let negative = active_entries(tx.as_mut()).await?;
        for (i, id) in demand.request.resource_ids.iter().enumerate() {
            let field = format!("resource_ids[{i}]");
            let resource: Versioned<Resource> = entity::load(tx.as_mut(), *id)
                .await
                .map_err(|_| CatalogError::invalid(&field, "资源不存在"))?;
            if !resource.value.is_public() {
                return Err(CatalogError::invalid(&field, "只能申请已发布的资源"));
            }
            refuse_if_negative_listed(&negative, &resource.value, &field)?;
        }
        entity::insert(tx.as_mut(), actor, "demand.file", &demand).await?;
        tx.commit().await?;
        Ok(demand)
    }

    /// A data administration over the applicant's region approves (granting the resources
    /// until a day) or rejects, with its opinion.
    pub async fn review_demand(
        &self,
        actor: &Actor,
        id: Uuid,
        review: DemandReview,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<DemandApplication>> {
        actor.require_role(&[Role::DataAdmin], "审核数据需求申请")?;
        let reviewer = actor.org_id.unwrap_or_default();
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<DemandApplication> = entity::load(tx.as_mut(), id).await?;
        jurisdiction::require_org_within(
            tx.as_mut(),
            actor,
            before.value.applicant_id,
            "审核数据需求申请",
        )
        .await?;
        let mut after = before.value.clone();
        after.review(reviewer, review, today, Utc::now())?;
        let row_version = entity::update(
            tx.as_mut(),
            actor,
            "demand.review",
            &before,
            &after,
            if_match,
        )
        .await?;
        tx.commit().await?;
        Ok(Versioned {
            row_version,
            value: after,
        })
    }

    /// SD 17 (where the policy asks for it): has an approved demand of `applicant` granted
    /// `resource_id` for `today`?
    pub(super) async fn demand_grants(
        &self,
        applicant: Uuid,
        resource_id: Uuid,
        today: NaiveDate,
    ) -> Result<bool> {
        let filter = RecordFilter {
            owner_id: Some(applicant.to_string()),
            statuses: vec![DemandStatus::Approved.as_str().to_string()],
            ..RecordFilter::default()
        };
        Ok(self
            .store
            .list(Table::Demands, &filter)
            .await?
            .into_iter()
            .filter_map(|r| from_record::<DemandApplication>(r).ok())
            .any(|d| d.value.grants(applicant, resource_id, today)))
    }

    /// One demand, if the actor may see it: its applicant, the administration over the
    /// applicant's region (rule 9), an auditor.
    pub async fn demand_as(&self, actor: &Actor, id: Uuid) -> Result<Versioned<DemandApplication>> {
        let demand: Versioned<DemandApplication> = entity::read(self.store(), id).await?;
        let visible = match actor.role {
            Role::Auditor | Role::System => true,
            Role::DataAdmin => match self.jurisdiction_of(actor).await? {
                Some(region) => self
                    .organization(demand.value.applicant_id)
                    .await?
                    .value
                    .region
                    .is_within(&region),
                None => true,
            },
            _ => actor.org_id == Some(demand.value.applicant_id),
        };
        if visible {
            Ok(demand)
        } else {
            Err(CatalogError::not_found("demand", id.to_string()))
        }
    }

    /// The applicant's own demands; an administration's, those of applicants in its region
    /// (rule 9); every demand for auditors.
    pub async fn demands_as(
        &self,
        actor: &Actor,
        filter: RecordFilter,
    ) -> Result<Vec<DemandApplication>> {
        let within = match actor.role {
            Role::DataAdmin => match self.jurisdiction_of(actor).await? {
                Some(region) => Some(self.organizations_within(&region).await?),
                None => None,
            },
            _ => None,
        };
        let filter = match actor.role {
            Role::DataAdmin | Role::Auditor | Role::System => filter,
            _ => RecordFilter {
                owner_id: Some(actor.org_id.unwrap_or_default().to_string()),
                ..filter
            },
        };
        let limit = filter.limit.map_or(usize::MAX, |l| l.max(0) as usize);
        let filter = RecordFilter {
            limit: if within.is_some() { None } else { filter.limit },
            ..filter
        };
        Ok(self
            .store
            .list(Table::Demands, &filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect::<Result<Vec<DemandApplication>>>()?
            .into_iter()
            .filter(|d| {
                within
                    .as_ref()
                    .is_none_or(|orgs| orgs.contains(&d.applicant_id.to_string()))
            })
            .take(limit)
            .collect())
    }
}
