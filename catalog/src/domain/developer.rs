//! 开发利用机构注册 (GZ 12): a secondary developer registers itself on the platform with its
//! materials; the data administration publicizes the admission (working days per jurisdiction
//! policy), then admits it, creating its organization, or rejects it with a reason.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::objection::{NewObjection, Objection, ObjectionDecision, Publicity};
use super::organization::{NewOrganization, OrgKind, require_text};
use super::{RegionCode, Uscc};
use crate::calendar::{DateCertainty, WorkingCalendar};
use crate::error::{CatalogError, Result};

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewDeveloper {
    /// The applicant; its kinds are set to `developer` whatever is sent.
    pub organization: NewOrganization,
    /// Qualifications and conditions met (资质条件).
    pub qualifications: String,
    /// What the developer intends to build from registered products.
    pub intended_use: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeveloperStatus {
    Applied,
    Publicized,
    /// Publicity paused while an objection to the admission is reviewed.
    UnderObjection,
    Admitted,
    Rejected,
}

impl DeveloperStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeveloperStatus::Applied => "applied",
            DeveloperStatus::Publicized => "publicized",
            DeveloperStatus::UnderObjection => "under_objection",
            DeveloperStatus::Admitted => "admitted",
            DeveloperStatus::Rejected => "rejected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeveloperStatus::Applied => "待审核",
            DeveloperStatus::Publicized => "公示中",
            DeveloperStatus::UnderObjection => "异议复核中",
            DeveloperStatus::Admitted => "已准入",
            DeveloperStatus::Rejected => "已驳回",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeveloperApplication {
    pub id: Uuid,
    pub applicant: NewOrganization,
    pub qualifications: String,
    pub intended_use: String,
    pub status: DeveloperStatus,
    pub publicity_start: Option<NaiveDate>,
    pub publicity_end: Option<NaiveDate>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The organization created on admission.
    pub organization_id: Option<Uuid>,
    /// Objections to the admission: grounds and decisions, never who objected.
    #[serde(default)]
    pub objections: Vec<Objection>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The publicity notice: no contact details.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicDeveloperNotice {
    pub id: Uuid,
    pub name: String,
    pub uscc: Uscc,
    pub region: RegionCode,
    pub qualifications: String,
    pub intended_use: String,
    pub status: DeveloperStatus,
    pub publicity_start: Option<NaiveDate>,
    pub publicity_end: Option<NaiveDate>,
    /// Objections filed against the admission (their grounds are not public).
    pub objections_filed: usize,
    /// Whether the calendar vouches for `publicity_end` (a provisional or unknown year may
    /// still move it).
    pub publicity_end_certainty: Option<DateCertainty>,
}

impl DeveloperApplication {
    pub fn new(input: NewDeveloper, now: DateTime<Utc>) -> Result<Self> {
        require_text("organization.name", &input.organization.name, 200)?;
        require_text("qualifications", &input.qualifications, 4000)?;
        require_text("intended_use", &input.intended_use, 4000)?;
        let mut applicant = input.organization;
        applicant.kinds = BTreeSet::from([OrgKind::Developer]);
        Ok(DeveloperApplication {
            id: Uuid::now_v7(),
            applicant,
            qualifications: input.qualifications,
            intended_use: input.intended_use,
            status: DeveloperStatus::Applied,
            publicity_start: None,
            publicity_end: None,
            reason: None,
            organization_id: None,
            objections: Vec::new(),
            created_at: now,
            updated_at: now,
        })
    }

    pub fn publicize(
        &mut self,
        start: NaiveDate,
        end: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if self.status != DeveloperStatus::Applied {
            return Err(CatalogError::InvalidTransition(
                "只有待审的注册申请可以公示".into(),
            ));
        }
        self.status = DeveloperStatus::Publicized;
        self.publicity_start = Some(start);
        self.publicity_end = Some(end);
        self.updated_at = now;
        Ok(())
    }

    pub fn admit(
        &mut self,
        today: NaiveDate,
        organization_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        match (self.status, self.publicity_end) {
            (DeveloperStatus::Publicized, Some(end)) if today > end => {
                self.status = DeveloperStatus::Admitted;
                self.organization_id = Some(organization_id);
                self.updated_at = now;
                Ok(())
            }
            (DeveloperStatus::Publicized, Some(end)) => Err(CatalogError::InvalidTransition(
                format!("公示期至 {end} 结束，期满后方可准入"),
            )),
            _ => Err(CatalogError::InvalidTransition(
                "只有公示中的申请可以准入".into(),
            )),
        }
    }

    /// Anyone may object to the admission, by real name with evidence, while its publicity
    /// runs; the publicity pauses until the administration decides.
    pub fn file_objection(
        &mut self,
        objection: &NewObjection,
        objector_ref: String,
        calendar: &WorkingCalendar,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Uuid> {
        let (DeveloperStatus::Publicized, Some(start), Some(end)) =
            (self.status, self.publicity_start, self.publicity_end)
        else {
            return Err(CatalogError::InvalidTransition(
                "只有公示中的注册申请可以提出异议".into(),
            ));
        };
        let id = Publicity {
            objections: &mut self.objections,
            start,
            end,
        }
        .file(objection, objector_ref, calendar, today)?;
        self.status = DeveloperStatus::UnderObjection;
        self.updated_at = now;
        Ok(id)
    }

    /// Dismissed, the publicity resumes for the working days that were left; upheld, the
    /// application is rejected with the decision as its reason.
    pub fn decide_objection(
        &mut self,
        decision: &ObjectionDecision,
        calendar: &WorkingCalendar,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (DeveloperStatus::UnderObjection, Some(start), Some(end)) =
            (self.status, self.publicity_start, self.publicity_end)
        else {
            return Err(CatalogError::InvalidTransition(
                "该注册申请没有待复核的异议".into(),
            ));
        };
        let resumed = Publicity {
            objections: &mut self.objections,
            start,
            end,
        }
        .decide(
            decision.objection_id,
            decision.upheld,
            &decision.decision,
            calendar,
            today,
        )?;
        match resumed {
            Some(end) => {
                self.status = DeveloperStatus::Publicized;
                self.publicity_end = Some(end);
            }
            None => {
                self.status = DeveloperStatus::Rejected;
                self.reason = Some(format!("异议成立：{}", decision.decision.trim()));
            }
        }
        self.updated_at = now;
        Ok(())
    }

    pub fn reject(&mut self, reason: &str, now: DateTime<Utc>) -> Result<()> {
        if !matches!(
            self.status,
            DeveloperStatus::Applied | DeveloperStatus::Publicized
        ) {
            return Err(CatalogError::InvalidTransition(
                "该申请已办结或有待复核的异议".into(),
            ));
        }
        require_text("reason", reason, 2000)?;
        self.status = DeveloperStatus::Rejected;
        self.reason = Some(reason.to_string());
        self.updated_at = now;
        Ok(())
    }

    pub fn is_public(&self) -> bool {
        matches!(
            self.status,
            DeveloperStatus::Publicized
                | DeveloperStatus::UnderObjection
                | DeveloperStatus::Admitted
        )
    }

    pub fn notice(&self) -> PublicDeveloperNotice {
        PublicDeveloperNotice {
            id: self.id,
            name: self.applicant.name.clone(),
            uscc: self.applicant.uscc.clone(),
            region: self.applicant.region.clone(),
            qualifications: self.qualifications.clone(),
            intended_use: self.intended_use.clone(),
            status: self.status,
            publicity_start: self.publicity_start,
            publicity_end: self.publicity_end,
            objections_filed: self.objections.len(),
            publicity_end_certainty: None,
        }
    }
}
