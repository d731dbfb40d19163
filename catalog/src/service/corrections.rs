//! 更正登记 asked for by interested parties (R 9 (三)): filed on the coded registration, decided
//! by the registrar of its jurisdiction.

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::entity;
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::correction::{CorrectionRequest, CorrectionRuling, NewCorrectionRequest};
use crate::domain::registration::Registration;
use crate::error::{CatalogError, Result};
use crate::store::RecordFilter;

/// A correction request with the registration it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CorrectionCase {
    pub registration_id: Uuid,
    pub subject_name: String,
    pub registrant_id: Uuid,
    pub request: CorrectionRequest,
}

impl Catalog {
    /// An organization other than the registrant asks for a correction of a coded registration,
    /// on the registrant's written consent or on evidence.
    pub async fn request_correction(
        &self,
        actor: &Actor,
        registration_id: Uuid,
        request: NewCorrectionRequest,
        today: NaiveDate,
    ) -> Result<CorrectionRequest> {
        actor.require_role(
            &[
                Role::Provider,
                Role::Operator,
                Role::Developer,
                Role::DataAdmin,
            ],
            "申请更正登记",
        )?;
        let applicant = actor
            .org_id
            .ok_or_else(|| CatalogError::Forbidden("须以机构身份申请更正登记".into()))?;
        let mut filed = None;
        entity::transition(
            self.store(),
            actor,
            registration_id,
            None,
            "registration.request_correction",
            |r: &mut Registration| {
                filed = Some(r.request_correction(applicant, request, today, Utc::now())?);
                Ok(())
            },
        )
        .await?;
        filed.ok_or_else(|| CatalogError::Storage("更正申请未写入".into()))
    }

    /// The registrar of the registration's jurisdiction corrects it as requested, or refuses.
    pub async fn decide_correction(
        &self,
        actor: &Actor,
        registration_id: Uuid,
        request_id: Uuid,
        ruling: &CorrectionRuling,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Registration>> {
        let action = if ruling.correct {
            "registration.correct"
        } else {
            "registration.refuse_correction"
        };
        self.registrar_step(actor, registration_id, if_match, action, |r, _| {
            r.decide_correction(request_id, ruling, today, Utc::now())
                .map(|_| ())
        })
        .await
    }

    /// Correction requests the actor may see: its own, and those about its registrations; a
    /// registrar's or administration's, those in its region; an auditor's, all. Pending first.
    pub async fn correction_cases_as(&self, actor: &Actor) -> Result<Vec<CorrectionCase>> {
        let bound = self.jurisdiction_of(actor).await?;
        let mut cases = Vec::new();
        for r in self.registrations(&RecordFilter::default()).await? {
            for request in &r.correction_requests {
                let visible = match actor.role {
                    Role::Auditor | Role::System => true,
                    Role::Registrar => bound.as_ref().is_none_or(|b| r.jurisdiction.is_within(b)),
                    Role::DataAdmin if actor.org_id != Some(request.applicant_id) => {
                        bound.as_ref().is_none_or(|b| r.jurisdiction.is_within(b))
                    }
                    _ => {
                        actor.org_id == Some(request.applicant_id)
                            || actor.org_id == Some(r.registrant_id)
                    }
                };
                if visible {
                    cases.push(CorrectionCase {
                        registration_id: r.id,
                        subject_name: r.subject_name.clone(),
                        registrant_id: r.registrant_id,
                        request: request.clone(),
                    });
                }
            }
        }
        cases.sort_by_key(|c| {
            (
                c.request.decision.is_some(),
                std::cmp::Reverse(c.request.id),
            )
        });
        Ok(cases)
    }
}
