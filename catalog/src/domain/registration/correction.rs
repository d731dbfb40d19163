//! 更正登记 on an interested party's application (R 9 (三)): “登记主体、利害关系人认为已登记信息有误
//! 的，可以申请更正登记。经登记主体书面同意或有证据证明登记信息确有错误的，登记机构对有关错误信息予以
//! 更正。” The request is kept on the registration it is about (never public: it may name the
//! applicant's evidence); the registrar corrects only on the registrant's written consent or on
//! evidence, and the correction becomes a new version of the registration.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Registration, RegistrationStatus, RegistrationType};
use crate::domain::authorization::agreement::DocumentRef;
use crate::domain::organization::require_text;
use crate::error::{CatalogError, Result};

/// What the request rests on (R 9 (三)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionBasis {
    /// 登记主体书面同意
    RegistrantConsent,
    /// 有证据证明登记信息确有错误
    Evidence,
}

impl CorrectionBasis {
    pub fn label(self) -> &'static str {
        match self {
            CorrectionBasis::RegistrantConsent => "登记主体书面同意",
            CorrectionBasis::Evidence => "证据证明登记信息确有错误",
        }
    }
}

/// What an interested party files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewCorrectionRequest {
    /// Which registered information is wrong, and why.
    pub errors: String,
    /// The corrected public name, when the name is wrong.
    #[serde(default)]
    pub subject_name: Option<String>,
    /// The corrected public summary, when the summary is wrong.
    #[serde(default)]
    pub subject_summary: Option<String>,
    pub basis: CorrectionBasis,
    /// The consent letter or the evidence, by file name and SHA-256 (at least one).
    pub documents: Vec<DocumentRef>,
}

impl NewCorrectionRequest {
    pub fn check(&self) -> Result<()> {
        require_text("errors", &self.errors, 4000)?;
        if let Some(name) = &self.subject_name {
            require_text("subject_name", name, 200)?;
        }
        if let Some(summary) = &self.subject_summary {
            require_text("subject_summary", summary, 4000)?;
        }
        if self.subject_name.is_none() && self.subject_summary.is_none() {
            return Err(CatalogError::invalid(
                "subject_name",
                "须写明更正后的登记数据名称或内容简介",
            ));
        }
        if self.documents.is_empty() {
            return Err(CatalogError::invalid(
                "documents",
                "须附登记主体的书面同意或证明登记信息有误的证据",
            ));
        }
        if self.documents.len() > 20 {
            return Err(CatalogError::invalid("documents", "附件最多 20 份"));
        }
        for (i, d) in self.documents.iter().enumerate() {
            d.check(&format!("documents[{i}]"))?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionRequestStatus {
    Pending,
    Corrected,
    Refused,
}

impl CorrectionRequestStatus {
    pub fn label(self) -> &'static str {
        match self {
            CorrectionRequestStatus::Pending => "待登记机构审查",
            CorrectionRequestStatus::Corrected => "已更正",
            CorrectionRequestStatus::Refused => "不予更正",
        }
    }
}

/// What the registrar rules on a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CorrectionRuling {
    /// true: correct as requested (a new version of the registration); false: refuse.
    pub correct: bool,
    /// The consent or evidence found sufficient, or why not.
    pub reason: String,
}

/// The registrar's decision on a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CorrectionDecision {
    pub corrected: bool,
    pub reason: String,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CorrectionRequest {
    pub id: Uuid,
    /// The interested party (an organization other than the registrant).
    pub applicant_id: Uuid,
    pub filed_on: NaiveDate,
    pub request: NewCorrectionRequest,
    pub status: CorrectionRequestStatus,
    #[serde(default)]
    pub decision: Option<CorrectionDecision>,
}

impl Registration {
    /// An interested party asks for a correction of this coded registration.
    pub fn request_correction(
        &mut self,
        applicant_id: Uuid,
        request: NewCorrectionRequest,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<CorrectionRequest> {
        request.check()?;
        if applicant_id == self.registrant_id {
            return Err(CatalogError::invalid(
                "registration",
                "登记主体本身请以更正登记申请办理",
            ));
        }
        self.expect(&[RegistrationStatus::Coded], "申请更正")?;
        if self
            .correction_requests
            .iter()
            .any(|r| r.applicant_id == applicant_id && r.status == CorrectionRequestStatus::Pending)
        {
            return Err(CatalogError::Conflict(
                "本机构对该登记已有待审查的更正申请，请待其办结".into(),
            ));
        }
        let filed = CorrectionRequest {
            id: Uuid::now_v7(),
            applicant_id,
            filed_on: today,
            request,
            status: CorrectionRequestStatus::Pending,
            decision: None,
        };
        self.correction_requests.push(filed.clone());
        self.updated_at = now;
        Ok(filed)
    }

    /// The registrar decides: corrects (a new version, as for the registrant's own correction)
    /// or refuses, with the reason either way. Correcting needs what R 9 (三) asks: the
    /// registrant's written consent, or evidence the registrar accepts (`reason` states it).
    pub fn decide_correction(
        &mut self,
        request_id: Uuid,
        ruling: &CorrectionRuling,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<CorrectionRequest> {
        let (correct, reason) = (ruling.correct, ruling.reason.as_str());
        require_text("reason", reason, 2000)?;
        let at = self
            .correction_requests
            .iter()
            .position(|r| r.id == request_id)
            .ok_or_else(|| CatalogError::invalid("request", "该登记没有此更正申请"))?;
        if self.correction_requests[at].status != CorrectionRequestStatus::Pending {
            return Err(CatalogError::InvalidTransition("该更正申请已办结".into()));
        }
        if correct {
            self.expect(&[RegistrationStatus::Coded], "更正")?;
            let asked = self.correction_requests[at].request.clone();
            self.supersede(request_id, RegistrationType::Correction, today);
            if let Some(name) = asked.subject_name {
                self.subject_name = name;
            }
            if let Some(summary) = asked.subject_summary {
                self.subject_summary = summary;
            }
            self.move_to(
                RegistrationStatus::Coded,
                today,
                Some(format!(
                    "依利害关系人申请更正（{}），第 {} 版",
                    asked.basis.label(),
                    self.version
                )),
                now,
            );
        } else {
            self.updated_at = now;
        }
        let request = &mut self.correction_requests[at];
        request.status = if correct {
            CorrectionRequestStatus::Corrected
        } else {
            CorrectionRequestStatus::Refused
        };
        request.decision = Some(CorrectionDecision {
            corrected: correct,
            reason: reason.to_string(),
            on: today,
        });
        Ok(request.clone())
    }
}
