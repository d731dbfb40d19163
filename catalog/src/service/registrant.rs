//! The registrant's side of registration (R 9–15): its own applications in every state — the
//! 补正 list, a refusal's reason, objection outcomes, the result — and withdrawal before coding.

use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::entity::{self, from_record};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::registration::{Registration, RegistrationSubject};
use crate::error::{CatalogError, Result};
use crate::store::{RecordFilter, Table};

/// Who may act for a registrant: the operator for a product; any role of the holder for a
/// resource (a provider or data administration registers its own resources, R 5).
fn require_registrant(actor: &Actor, registration: &Registration, action: &str) -> Result<()> {
    let role = match registration.subject {
        RegistrationSubject::Product { .. } => Role::Operator,
        RegistrationSubject::Resource { .. } => actor.role,
    };
    actor.require_org(role, registration.registrant_id, action)
}

impl Catalog {
    /// The actor's organization's applications, newest state included, in id order.
    pub async fn own_registrations(
        &self,
        actor: &Actor,
        statuses: Vec<String>,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<Registration>> {
        let org = actor
            .org_id
            .ok_or_else(|| CatalogError::Forbidden("须以所属机构身份查看登记申请".to_string()))?;
        let filter = RecordFilter {
            statuses,
            owner_id: Some(org.to_string()),
            after_id: after.map(|id| id.to_string()),
            limit: Some(limit),
            ..RecordFilter::default()
        };
        self.store
            .list(Table::Registrations, &filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v: Versioned<Registration>| v.value))
            .filter(|r| {
                r.as_ref()
                    .map_or(true, |r| require_registrant(actor, r, "").is_ok())
            })
            .collect()
    }

    /// One of the actor's organization's applications; `NotFound` for anyone else's, so ids of
    /// other registrants' applications are not confirmed.
    pub async fn own_registration(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Versioned<Registration>> {
        let found: Versioned<Registration> = entity::read(self.store(), id).await?;
        require_registrant(actor, &found.value, "查看登记申请")
            .map_err(|_| CatalogError::not_found("registration", id.to_string()))?;
        Ok(found)
    }

    /// Withdraw an application before its code is issued (after coding: cancellation, R 9(四)).
    pub async fn withdraw_registration(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        self.own_registration(actor, id).await?;
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "registration.withdraw",
            |r: &mut Registration| {
                require_registrant(actor, r, "撤回本机构的登记申请")?;
                r.withdraw(reason, today, Utc::now())
            },
        )
        .await
    }

    /// R 15: the registrant applies for renewal within the window before the validity ends;
    /// the registrar then renews.
    pub async fn apply_for_registration_renewal(
        &self,
        actor: &Actor,
        id: Uuid,
        today: NaiveDate,
    ) -> Result<Versioned<Registration>> {
        self.own_registration(actor, id).await?;
        let policy = self.policy.clone();
        entity::transition(
            self.store(),
            actor,
            id,
            None,
            "registration.renewal_apply",
            |r: &mut Registration| {
                require_registrant(actor, r, "为本机构的登记申请续展")?;
                r.apply_for_renewal(policy.for_region(&r.jurisdiction), today, Utc::now())
            },
        )
        .await
    }
}
