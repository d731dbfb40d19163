//! Change, correction and cancellation applications (R 9 (二)–(四)) and their effect on the
//! coded registration they name, each step one write transaction.

use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::entity;
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::amendment::CancellationRequest;
use crate::domain::registration::{
    NewRegistration, Registration, RegistrationStatus, RegistrationSubject, RegistrationType,
};
use crate::error::{CatalogError, Result};
use crate::store::RecordFilter;

impl Catalog {
    /// A change or correction must name a coded first registration of the same subject, by the
    /// same registrant, with no other application about it still open.
    pub(super) async fn check_amendment(
        &self,
        input: &NewRegistration,
        registrant_id: Uuid,
    ) -> Result<()> {
        let target_id = input.amends.ok_or_else(|| {
            CatalogError::invalid("amends", "变更登记、更正登记和注销登记须指明所涉登记")
        })?;
        let target: Registration = entity::read(self.store(), target_id)
            .await
            .map_err(|_| CatalogError::invalid("amends", "所涉登记不存在"))?
            .value;
        self.check_target(&target, registrant_id, "amends").await?;
        if target.subject != input.subject {
            return Err(CatalogError::invalid(
                "subject",
                "申请的登记对象须与所涉登记一致",
            ));
        }
        Ok(())
    }

    async fn check_target(
        &self,
        target: &Registration,
        registrant_id: Uuid,
        field: &str,
    ) -> Result<()> {
        if target.registrant_id != registrant_id {
            return Err(CatalogError::Forbidden(
                "只有原登记主体可以申请变更、更正或注销".into(),
            ));
        }
        if target.kind != RegistrationType::Initial || target.status != RegistrationStatus::Coded {
            return Err(CatalogError::invalid(
                field,
                format!(
                    "登记“{}”当前状态为{}，只有已赋码的登记可以变更、更正或注销",
                    target.subject_name,
                    target.status.label()
                ),
            ));
        }
        let mine = RecordFilter {
            owner_id: Some(registrant_id.to_string()),
            ..RecordFilter::default()
        };
        let open = self
            .registrations(&mine)
            .await?
            .into_iter()
            .any(|r| r.amends == Some(target.id) && r.is_open());
        if open {
            return Err(CatalogError::Conflict(format!(
                "登记“{}”已有办理中的变更、更正或注销申请，请待其办结",
                target.subject_name
            )));
        }
        Ok(())
    }

    /// 注销登记 on the registrant's application, with its R 9 (四) ground. The registrar accepts
    /// it (3 working days) and completes it within 10 working days of acceptance.
    pub async fn apply_for_cancellation(
        &self,
        actor: &Actor,
        registration_id: Uuid,
        request: CancellationRequest,
        today: NaiveDate,
    ) -> Result<Registration> {
        request.validate()?;
        let target: Registration = entity::read(self.store(), registration_id).await?.value;
        let role = match target.subject {
            RegistrationSubject::Product { .. } => Role::Operator,
            RegistrationSubject::Resource { .. } if actor.role == Role::DataAdmin => {
                Role::DataAdmin
            }
            RegistrationSubject::Resource { .. } => Role::Provider,
        };
        actor.require_org(role, target.registrant_id, "申请注销本机构的登记")?;
        self.check_target(&target, target.registrant_id, "registration")
            .await?;
        let policy = self.policy.for_region(&target.jurisdiction).clone();
        let mut application = Registration::submit(
            NewRegistration {
                subject: target.subject,
                kind: RegistrationType::Cancellation,
                amends: Some(target.id),
                // The materials on file describe what is being cancelled.
                materials: target.materials.clone(),
            },
            target.registrant_id,
            target.authorization_id,
            target.jurisdiction.clone(),
            target.subject_name.clone(),
            target.subject_summary.clone(),
            None,
            &policy,
            &self.calendar,
            today,
            Utc::now(),
        )?;
        application.cancellation = Some(request);
        let mut tx = self.store.begin_write().await?;
        entity::insert(
            tx.as_mut(),
            actor,
            "registration.apply_cancellation",
            &application,
        )
        .await?;
        tx.commit().await?;
        Ok(application)
    }

    /// The registrar completes a change, correction or cancellation application; in the same
    /// transaction the registration it names gets a new version, or is cancelled.
    pub async fn complete_registration_application(
        &self,
        actor: &Actor,
        id: Uuid,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        actor.require_role(&[Role::Registrar], "办理登记")?;
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<Registration> = entity::load(tx.as_mut(), id).await?;
        let bound = super::jurisdiction::bound_region(tx.as_mut(), actor).await?;
        super::jurisdiction::require_within(
            bound.as_ref(),
            &before.value.jurisdiction,
            "办理登记",
        )?;
        let mut application = before.value.clone();
        application.complete(today, Utc::now())?;
        let target_id = application
            .amends
            .ok_or_else(|| CatalogError::InvalidTransition("申请未指明所涉登记".into()))?;
        let target_before: Versioned<Registration> = entity::load(tx.as_mut(), target_id).await?;
        let mut target = target_before.value.clone();
        target.take_effect(&application, today, Utc::now())?;
        let row_version = entity::update(
            tx.as_mut(),
            actor,
            "registration.complete",
            &before,
            &application,
            if_match,
        )
        .await?;
        // The action exchanges see in the feed for the registration itself.
        let effect = match application.kind {
            RegistrationType::Cancellation => "registration.cancel",
            RegistrationType::Correction => "registration.correct",
            _ => "registration.change",
        };
        entity::update(tx.as_mut(), actor, effect, &target_before, &target, None).await?;
        tx.commit().await?;
        Ok(Versioned {
            row_version,
            value: application,
        })
    }
}
