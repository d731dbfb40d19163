//! 变更登记, 更正登记 and 注销登记 (R 9 (二)–(四)): applications about a coded registration. They
//! run through the same workflow as a first registration (application, 补正, acceptance), are
//! completed by the registrar instead of being coded, and then take effect on the registration
//! they name: a change or correction makes a new version of it (the old text stays readable), a
//! cancellation ends it. A change is publicized first; a cancellation is completed within the
//! policy's working days of acceptance (10, R 9 (四)).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Materials, Registration, RegistrationStatus, RegistrationType};
use crate::domain::organization::require_text;
use crate::error::{CatalogError, Result};

/// R 9 (四): when a registrant must apply for cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum CancellationGround {
    #[serde(rename = "公共数据资源不可复原或灭失")]
    Lost,
    #[serde(rename = "登记主体放弃相关权益或权益期限届满")]
    Relinquished,
    #[serde(rename = "登记主体解散、被撤销、破产或终止存续")]
    Dissolved,
    #[serde(rename = "法律法规规定的其他情形")]
    Other,
}

impl CancellationGround {
    pub const ALL: [CancellationGround; 4] = [
        CancellationGround::Lost,
        CancellationGround::Relinquished,
        CancellationGround::Dissolved,
        CancellationGround::Other,
    ];

    pub fn label(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CancellationRequest {
    pub ground: CancellationGround,
    pub detail: String,
}

impl CancellationRequest {
    pub fn validate(&self) -> Result<()> {
        require_text("detail", &self.detail, 2000)
    }
}

/// A superseded text of a coded registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegistrationVersion {
    pub version: u32,
    pub subject_name: String,
    pub subject_summary: String,
    pub materials: Materials,
    /// The day the next version took effect, and the application that made it.
    pub superseded_on: NaiveDate,
    pub superseded_by: Uuid,
    pub superseded_by_kind: RegistrationType,
}

impl Registration {
    /// Keep the current text as a superseded version and number the next one: a change or a
    /// correction (`by`, of `kind`) is about to take effect.
    pub(super) fn supersede(&mut self, by: Uuid, kind: RegistrationType, today: NaiveDate) {
        self.versions.push(RegistrationVersion {
            version: self.version,
            subject_name: self.subject_name.clone(),
            subject_summary: self.subject_summary.clone(),
            materials: self.materials.clone(),
            superseded_on: today,
            superseded_by: by,
            superseded_by_kind: kind,
        });
        self.version += 1;
    }

    /// Still being handled (so a second application about the same registration must wait).
    pub fn is_open(&self) -> bool {
        matches!(
            self.status,
            RegistrationStatus::Submitted
                | RegistrationStatus::SupplementRequested
                | RegistrationStatus::Accepted
                | RegistrationStatus::Publicized
                | RegistrationStatus::UnderObjection
        )
    }

    /// The registrar completes a change, correction or cancellation application.
    pub fn complete(&mut self, today: NaiveDate, now: DateTime<Utc>) -> Result<()> {
        let label = self.kind.label();
        match self.kind {
            RegistrationType::Initial => {
                return Err(CatalogError::InvalidTransition(
                    "首次登记在公示期满后赋码，不适用办结".to_string(),
                ));
            }
            RegistrationType::Cancellation => {
                self.expect(&[RegistrationStatus::Accepted], "办结注销")?;
            }
            RegistrationType::Correction if self.status == RegistrationStatus::Accepted => {}
            RegistrationType::Change | RegistrationType::Correction => {
                self.expect(&[RegistrationStatus::Publicized], &format!("办结{label}"))?;
                let end = self.publicity_end.unwrap_or(today);
                if today <= end {
                    return Err(CatalogError::invalid(
                        "today",
                        format!("公示期至 {end} 结束，期满后方可办结"),
                    ));
                }
            }
        }
        self.move_to(
            RegistrationStatus::Completed,
            today,
            Some(format!("{label}已办结")),
            now,
        );
        Ok(())
    }

    /// Apply a completed application to this (coded) registration.
    pub fn take_effect(
        &mut self,
        application: &Registration,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if application.amends != Some(self.id)
            || application.status != RegistrationStatus::Completed
        {
            return Err(CatalogError::InvalidTransition(
                "申请未办结或不涉及该登记".to_string(),
            ));
        }
        let label = application.kind.label();
        self.expect(&[RegistrationStatus::Coded], &format!("办理{label}"))?;
        match application.kind {
            RegistrationType::Initial => {
                return Err(CatalogError::InvalidTransition(
                    "首次登记不能作用于其他登记".to_string(),
                ));
            }
            RegistrationType::Cancellation => {
                let request = application.cancellation.as_ref().ok_or_else(|| {
                    CatalogError::InvalidTransition("注销申请缺少注销情形".to_string())
                })?;
                let reason = format!(
                    "依申请注销（{}）：{}",
                    request.ground.label(),
                    request.detail
                );
                self.end_reason = Some(reason.clone());
                self.move_to(RegistrationStatus::Cancelled, today, Some(reason), now);
            }
            RegistrationType::Change | RegistrationType::Correction => {
                self.supersede(application.id, application.kind, today);
                self.subject_name = application.subject_name.clone();
                self.subject_summary = application.subject_summary.clone();
                self.materials = application.materials.clone();
                self.move_to(
                    RegistrationStatus::Coded,
                    today,
                    Some(format!("{label}生效，第 {} 版", self.version)),
                    now,
                );
            }
        }
        Ok(())
    }
}
