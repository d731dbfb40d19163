//! 开发利用机构注册 (GZ 12): a secondary developer registers itself on the platform with its
//! materials; the data administration publicizes the admission (working days per jurisdiction
//! policy), then admits it, creating its organization, or rejects it with a reason.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::organization::{NewOrganization, OrgKind, require_text};
use super::{RegionCode, Uscc};
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
    Admitted,
    Rejected,
}

impl DeveloperStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeveloperStatus::Applied => "applied",
            DeveloperStatus::Publicized => "publicized",
            DeveloperStatus::Admitted => "admitted",
            DeveloperStatus::Rejected => "rejected",
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

    pub fn reject(&mut self, reason: &str, now: DateTime<Utc>) -> Result<()> {
        if !matches!(
            self.status,
            DeveloperStatus::Applied | DeveloperStatus::Publicized
        ) {
            return Err(CatalogError::InvalidTransition("该申请已办结".into()));
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
            DeveloperStatus::Publicized | DeveloperStatus::Admitted
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
        }
    }
}
