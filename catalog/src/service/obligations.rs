//! R 5 and R 9(一): the holder of every resource provided to an active authorization registers
//! it; the first registration is due within the policy's working days of operation starting.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use super::{Actor, Catalog, Role};
use crate::calendar::DateCertainty;
use crate::domain::ResourceCode;
use crate::domain::authorization::AuthorizationStatus;
use crate::domain::registration::{
    Registration, RegistrationStatus, RegistrationSubject, RegistrationType,
};
use crate::error::Result;
use crate::store::RecordFilter;

/// One resource its holder must register, and where that stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RegistrationObligation {
    pub resource_id: Uuid,
    pub code: ResourceCode,
    pub name: String,
    /// The organization holding the resource (数源单位).
    pub holder_id: Uuid,
    /// The earliest active authorization the resource is provided to.
    pub authorization_id: Uuid,
    /// The day operation started, from which the deadline counts.
    pub since: NaiveDate,
    pub due: NaiveDate,
    /// Whether the calendar vouches for `due` (see `DateCertainty`).
    pub certainty: DateCertainty,
    /// The live first registration filed for it, if any.
    pub registration_id: Option<Uuid>,
    pub registration_status: Option<RegistrationStatus>,
    /// Not filed and past the due date.
    pub overdue: bool,
}

/// A first registration that still counts: not refused, withdrawn or terminated.
fn is_live_first_registration(r: &Registration) -> bool {
    r.kind == RegistrationType::Initial
        && !matches!(
            r.status,
            RegistrationStatus::NotAccepted
                | RegistrationStatus::Withdrawn
                | RegistrationStatus::Terminated
        )
}

impl Catalog {
    /// The obligations the actor may see: a provider its own resources', a data administration
    /// or registrar those of its region, an auditor all; oldest deadline first.
    pub async fn registration_obligations(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<Vec<RegistrationObligation>> {
        actor.require_role(
            &[
                Role::Provider,
                Role::DataAdmin,
                Role::Registrar,
                Role::Auditor,
            ],
            "查看资源登记义务",
        )?;
        let bound = self.jurisdiction_of(actor).await?;
        let active = RecordFilter {
            statuses: vec![AuthorizationStatus::Active.as_str().to_string()],
            ..RecordFilter::default()
        };
        // Resource → (since, authorization, its policy's working days), earliest start kept.
        let mut provided: HashMap<Uuid, (NaiveDate, Uuid, u32)> = HashMap::new();
        for a in self.authorizations(&active).await? {
            let Some(since) = a.activated_on.or(a.signed_on) else {
                continue;
            };
            let days = self
                .policy
                .for_region(&a.jurisdiction)
                .first_registration_working_days;
            for id in &a.plan.resource_ids {
                let entry = provided.entry(*id).or_insert((since, a.id, days));
                if since < entry.0 {
                    *entry = (since, a.id, days);
                }
            }
        }
        let mut filed: HashMap<Uuid, Registration> = HashMap::new();
        for r in self.registrations(&RecordFilter::default()).await? {
            if let RegistrationSubject::Resource { resource_id } = r.subject
                && is_live_first_registration(&r)
            {
                filed.insert(resource_id, r);
            }
        }
        let mut holders: HashMap<Uuid, bool> = HashMap::new();
        let mut obligations = Vec::new();
        for (resource_id, (since, authorization_id, days)) in provided {
            let resource = self.resource(resource_id).await?.value;
            let holder = resource.provider_id;
            let visible = match (actor.role, &bound) {
                (Role::Provider, _) => actor.org_id == Some(holder),
                (_, Some(region)) => match holders.get(&holder) {
                    Some(inside) => *inside,
                    None => {
                        let inside = self
                            .organization(holder)
                            .await?
                            .value
                            .region
                            .is_within(region);
                        holders.insert(holder, inside);
                        inside
                    }
                },
                (_, None) => true,
            };
            if !visible {
                continue;
            }
            let due = self.calendar.add_working_days(since, days);
            let registration = filed.get(&resource_id);
            obligations.push(RegistrationObligation {
                resource_id,
                code: resource.code.clone(),
                name: resource.content.name.clone(),
                holder_id: holder,
                authorization_id,
                since,
                due,
                certainty: self.calendar.certainty(due),
                registration_id: registration.map(|r| r.id),
                registration_status: registration.map(|r| r.status),
                overdue: registration.is_none() && today > due,
            });
        }
        obligations.sort_by_key(|o| (o.due, o.resource_id));
        Ok(obligations)
    }
}
