//! Objections during publicity (异议): to a registration (R 12), to an operator selection (C 8.3)
//! and to a secondary developer's admission (GZ 12). Anyone may object by real name with evidence
//! while the publicity runs; the deciding body reviews it (dismissed: publicity resumes with the
//! working days that were left; upheld: the publicized outcome falls).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::organization::require_text;
use crate::calendar::WorkingCalendar;
use crate::error::{CatalogError, Result};

/// A real-name objection during publicity. Identity and contact are never public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewObjection {
    /// 实名: the objector's legal name.
    pub objector_name: String,
    /// ID document number; kept for the reviewer, never published.
    pub objector_id_number: String,
    pub contact: String,
    pub grounds: String,
    /// References of the evidence materials.
    pub evidence: Vec<String>,
}

impl NewObjection {
    /// 实名 with evidence: an identity the reviewer can check, a way to reach the objector.
    pub fn check(&self) -> Result<()> {
        require_text("objector_name", &self.objector_name, 100)?;
        require_text("objector_id_number", &self.objector_id_number, 40)?;
        require_text("contact", &self.contact, 200)?;
        require_text("grounds", &self.grounds, 4000)?;
        if !super::identity::is_objector_id(self.objector_id_number.trim()) {
            return Err(CatalogError::invalid(
                "objector_id_number",
                "身份证号或统一社会信用代码无效，请核对后重新填写（18 位，末位为校验码）",
            ));
        }
        if !super::identity::is_contact(self.contact.trim()) {
            return Err(CatalogError::invalid(
                "contact",
                "请填写有效的电话号码或电子邮箱，以便联系异议人",
            ));
        }
        if self.evidence.iter().all(|e| e.trim().is_empty()) {
            return Err(CatalogError::invalid(
                "evidence",
                "异议须提供必要的证据材料",
            ));
        }
        if self.evidence.len() > 50 {
            return Err(CatalogError::invalid("evidence", "证据材料至多 50 项"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionStatus {
    Pending,
    Upheld,
    Dismissed,
}

impl ObjectionStatus {
    pub fn label(self) -> &'static str {
        match self {
            ObjectionStatus::Pending => "待复核",
            ObjectionStatus::Upheld => "异议成立",
            ObjectionStatus::Dismissed => "异议不成立",
        }
    }
}

/// An objection as its entity (and so the audit chain) keeps it: the grounds and evidence, never
/// who filed it. Name, identity number and contact are personal data of the public (rule 10):
/// kept apart, readable by the deciding body, erased when their retention ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Objection {
    pub id: Uuid,
    pub grounds: String,
    /// References of the evidence materials.
    pub evidence: Vec<String>,
    /// A salted SHA-256 of the objector's identity number: tells repeated objections by one
    /// person apart without naming them.
    #[serde(default)]
    pub objector_ref: String,
    pub filed_on: NaiveDate,
    pub status: ObjectionStatus,
    #[serde(default)]
    pub decision: Option<String>,
    /// Working days of publicity left when it was filed; publicity resumes with these.
    pub publicity_days_left: u32,
}

/// What anyone may read of an objection: the day it was filed and how it was decided; never who
/// filed it, nor the grounds and evidence (rule 10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ObjectionOutcome {
    pub filed_on: NaiveDate,
    pub status: ObjectionStatus,
    /// The deciding body's decision, once made.
    pub decision: Option<String>,
}

impl Objection {
    pub fn outcome(&self) -> ObjectionOutcome {
        ObjectionOutcome {
            filed_on: self.filed_on,
            status: self.status,
            decision: self.decision.clone(),
        }
    }
}

/// The deciding body's decision on one objection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ObjectionDecision {
    pub objection_id: Uuid,
    pub upheld: bool,
    pub decision: String,
}

/// The objections of one publicity: filing inside the window, deciding, and where the window
/// ends after a dismissal.
pub struct Publicity<'a> {
    pub objections: &'a mut Vec<Objection>,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Publicity<'_> {
    /// Check and record an objection filed `today`; `objector_ref` stands for the objector.
    pub fn file(
        &mut self,
        objection: &NewObjection,
        objector_ref: String,
        calendar: &WorkingCalendar,
        today: NaiveDate,
    ) -> Result<Uuid> {
        if today < self.start || today > self.end {
            return Err(CatalogError::invalid(
                "filed_on",
                format!("异议须在公示期内（{} 至 {}）提出", self.start, self.end),
            ));
        }
        objection.check()?;
        let id = Uuid::now_v7();
        self.objections.push(Objection {
            id,
            grounds: objection.grounds.trim().to_string(),
            evidence: objection.evidence.clone(),
            objector_ref,
            filed_on: today,
            status: ObjectionStatus::Pending,
            decision: None,
            publicity_days_left: working_days_between(calendar, today, self.end),
        });
        Ok(id)
    }

    /// Record the decision on a pending objection. Returns the new last day of publicity when
    /// it was dismissed (it resumes the next working day for the days that were left), `None`
    /// when upheld.
    pub fn decide(
        &mut self,
        objection_id: Uuid,
        upheld: bool,
        decision: &str,
        calendar: &WorkingCalendar,
        today: NaiveDate,
    ) -> Result<Option<NaiveDate>> {
        require_text("decision", decision, 4000)?;
        let objection = self
            .objections
            .iter_mut()
            .find(|o| o.id == objection_id && o.status == ObjectionStatus::Pending)
            .ok_or_else(|| CatalogError::not_found("objection", objection_id.to_string()))?;
        objection.decision = Some(decision.trim().to_string());
        if upheld {
            objection.status = ObjectionStatus::Upheld;
            return Ok(None);
        }
        objection.status = ObjectionStatus::Dismissed;
        let left = objection.publicity_days_left.max(1);
        let resume = calendar.add_working_days(today, 1);
        Ok(Some(calendar.add_working_days(resume, left - 1)))
    }
}

/// Working days from `from` through `to`, both included.
fn working_days_between(calendar: &WorkingCalendar, from: NaiveDate, to: NaiveDate) -> u32 {
    let mut left = 0;
    let mut day = from;
    while day <= to {
        if calendar.is_working_day(day) {
            left += 1;
        }
        day = day.succ_opt().expect("far from the end of time");
    }
    left
}
