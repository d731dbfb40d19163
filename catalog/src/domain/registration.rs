//! Registration (登记, R 8–15, 20): application, 补正, acceptance, formal review, publicity with
//! objections, the query code, renewal, expiry, cancellation and revocation. All clocks count
//! working days on the deployment's calendar.

pub mod amendment;
pub mod correction;

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::QueryCode;
use super::objection::Publicity;
use super::organization::require_text;
use crate::calendar::WorkingCalendar;
use crate::error::{CatalogError, Result};
use crate::policy::JurisdictionPolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RegistrationSubject {
    Resource { resource_id: Uuid },
    Product { product_id: Uuid },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum RegistrationType {
    #[serde(rename = "首次登记")]
    Initial,
    #[serde(rename = "变更登记")]
    Change,
    #[serde(rename = "更正登记")]
    Correction,
    /// Filed through `apply_for_cancellation`, which carries the R 9 (四) ground.
    #[serde(rename = "注销登记")]
    Cancellation,
}

impl RegistrationType {
    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            RegistrationType::Initial => "首次登记",
            RegistrationType::Change => "变更登记",
            RegistrationType::Correction => "更正登记",
            RegistrationType::Cancellation => "注销登记",
        }
    }
}

impl RevocationReason {
    pub const ALL: [RevocationReason; 4] = [
        RevocationReason::FalseMaterials,
        RevocationReason::ForgedResult,
        RevocationReason::Misuse,
        RevocationReason::OtherViolation,
    ];

    /// The R 20 wording.
    pub fn label(self) -> &'static str {
        match self {
            RevocationReason::FalseMaterials => "隐瞒事实或提供虚假材料",
            RevocationReason::ForgedResult => "篡改伪造登记结果",
            RevocationReason::Misuse => "非法使用或不当获利",
            RevocationReason::OtherViolation => "其他违法情形",
        }
    }
}

/// The application materials of R 9 (一).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Materials {
    /// 主体信息
    pub registrant_info: String,
    /// 数据合法合规性来源
    pub legal_source: String,
    /// 数据资源情况
    pub resource_info: String,
    /// 存证情况: reference of the evidence record made before applying (R 7)
    pub evidence_ref: String,
    pub evidence_on: NaiveDate,
    /// 产品和服务信息 (product registrations)
    #[serde(default)]
    pub product_info: Option<String>,
    /// 应用场景信息
    #[serde(default)]
    pub scenario_info: Option<String>,
    /// 数据安全风险评估
    pub risk_assessment: String,
}

impl Materials {
    /// Each material with the name R 9 (一) gives it, for pages.
    pub fn labelled(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("主体信息", self.registrant_info.clone()),
            ("数据合法合规性来源", self.legal_source.clone()),
            ("数据资源情况", self.resource_info.clone()),
            (
                "存证情况",
                format!("{}（{}）", self.evidence_ref, self.evidence_on),
            ),
        ];
        if let Some(v) = &self.product_info {
            out.push(("产品和服务信息", v.clone()));
        }
        if let Some(v) = &self.scenario_info {
            out.push(("应用场景信息", v.clone()));
        }
        out.push(("数据安全风险评估", self.risk_assessment.clone()));
        out
    }

    fn validate(&self, subject: &RegistrationSubject, submitted_on: NaiveDate) -> Result<()> {
        require_text("materials.registrant_info", &self.registrant_info, 2000)?;
        require_text("materials.legal_source", &self.legal_source, 2000)?;
        require_text("materials.resource_info", &self.resource_info, 4000)?;
        require_text("materials.evidence_ref", &self.evidence_ref, 200)?;
        require_text("materials.risk_assessment", &self.risk_assessment, 4000)?;
        if self.evidence_on > submitted_on {
            return Err(CatalogError::invalid(
                "materials.evidence_on",
                "存证应在申请登记之前完成（R 7）",
            ));
        }
        if let RegistrationSubject::Product { .. } = subject {
            for (field, value) in [
                ("materials.product_info", &self.product_info),
                ("materials.scenario_info", &self.scenario_info),
            ] {
                require_text(field, value.as_deref().unwrap_or(""), 4000)?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    Submitted,
    SupplementRequested,
    NotAccepted,
    Accepted,
    Publicized,
    UnderObjection,
    Terminated,
    Coded,
    Cancelled,
    Revoked,
    /// A change, correction or cancellation application that took effect on its registration.
    Completed,
    /// Withdrawn by the registrant before a code was issued.
    Withdrawn,
}

impl RegistrationStatus {
    /// Every state, in the lifecycle's order.
    pub const ALL: [RegistrationStatus; 12] = [
        RegistrationStatus::Submitted,
        RegistrationStatus::SupplementRequested,
        RegistrationStatus::NotAccepted,
        RegistrationStatus::Accepted,
        RegistrationStatus::Publicized,
        RegistrationStatus::UnderObjection,
        RegistrationStatus::Terminated,
        RegistrationStatus::Coded,
        RegistrationStatus::Cancelled,
        RegistrationStatus::Revoked,
        RegistrationStatus::Completed,
        RegistrationStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationStatus::Submitted => "submitted",
            RegistrationStatus::SupplementRequested => "supplement_requested",
            RegistrationStatus::NotAccepted => "not_accepted",
            RegistrationStatus::Accepted => "accepted",
            RegistrationStatus::Publicized => "publicized",
            RegistrationStatus::UnderObjection => "under_objection",
            RegistrationStatus::Terminated => "terminated",
            RegistrationStatus::Coded => "coded",
            RegistrationStatus::Cancelled => "cancelled",
            RegistrationStatus::Revoked => "revoked",
            RegistrationStatus::Completed => "completed",
            RegistrationStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RegistrationStatus::Submitted => "已申请",
            RegistrationStatus::SupplementRequested => "待补正",
            RegistrationStatus::NotAccepted => "不予受理",
            RegistrationStatus::Accepted => "已受理",
            RegistrationStatus::Publicized => "公示中",
            RegistrationStatus::UnderObjection => "异议复核中",
            RegistrationStatus::Terminated => "已终止",
            RegistrationStatus::Coded => "已赋码",
            RegistrationStatus::Cancelled => "已注销",
            RegistrationStatus::Revoked => "已撤销",
            RegistrationStatus::Completed => "已办结",
            RegistrationStatus::Withdrawn => "已撤回",
        }
    }
}

pub use super::objection::{
    NewObjection, Objection, ObjectionDecision, ObjectionOutcome, ObjectionStatus,
};

/// R 20 grounds for revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum RevocationReason {
    #[serde(rename = "隐瞒事实或提供虚假材料")]
    FalseMaterials,
    #[serde(rename = "篡改伪造登记结果")]
    ForgedResult,
    #[serde(rename = "非法使用或不当获利")]
    Misuse,
    #[serde(rename = "其他违法情形")]
    OtherViolation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegistrationEvent {
    pub status: RegistrationStatus,
    pub on: NaiveDate,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Registration {
    pub id: Uuid,
    pub subject: RegistrationSubject,
    pub kind: RegistrationType,
    /// The registration a change or correction amends.
    #[serde(default)]
    pub amends: Option<Uuid>,
    pub registrant_id: Uuid,
    /// The authorization a product registration depends on (rule 5).
    #[serde(default)]
    pub authorization_id: Option<Uuid>,
    /// Whose policy applies (publicity days, validity years).
    pub jurisdiction: super::RegionCode,
    /// Public name of the subject (公示内容: 登记数据名称).
    pub subject_name: String,
    /// Public summary (公示内容: 数据内容简介).
    pub subject_summary: String,
    pub materials: Materials,
    pub status: RegistrationStatus,
    pub submitted_on: NaiveDate,
    pub acceptance_due: NaiveDate,
    #[serde(default)]
    pub supplement_items: Vec<String>,
    #[serde(default)]
    pub accepted_on: Option<NaiveDate>,
    #[serde(default)]
    pub review_due: Option<NaiveDate>,
    #[serde(default)]
    pub publicity_start: Option<NaiveDate>,
    #[serde(default)]
    pub publicity_end: Option<NaiveDate>,
    #[serde(default)]
    pub objections: Vec<Objection>,
    /// Set once any objection was filed; shown on the coded result.
    #[serde(default)]
    pub objection_flag: bool,
    #[serde(default)]
    pub query_code: Option<QueryCode>,
    /// A code issued by a national or provincial platform, kept beside ours.
    #[serde(default)]
    pub external_code: Option<String>,
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// The latest date validity may reach (the agreement term end for products in an authorization).
    #[serde(default)]
    pub validity_cap: Option<NaiveDate>,
    /// Rule 5: the authorization behind the product ended; the result is flagged.
    #[serde(default)]
    pub access_closed: bool,
    /// The day the registrant applied for renewal (R 15), until the registrar renews.
    #[serde(default)]
    pub renewal_applied_on: Option<NaiveDate>,
    #[serde(default)]
    pub end_reason: Option<String>,
    pub history: Vec<RegistrationEvent>,
    /// 1 at coding; each change or correction that takes effect adds one.
    #[serde(default = "first_version")]
    pub version: u32,
    /// The texts superseded by changes and corrections, oldest first.
    #[serde(default)]
    pub versions: Vec<amendment::RegistrationVersion>,
    /// Cancellation applications: completed within the policy's working days of acceptance.
    #[serde(default)]
    pub completion_due: Option<NaiveDate>,
    #[serde(default)]
    pub cancellation: Option<amendment::CancellationRequest>,
    /// Interested parties' correction requests (R 9 (三)); never public.
    #[serde(default)]
    pub correction_requests: Vec<correction::CorrectionRequest>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn first_version() -> u32 {
    1
}

/// What a registrant files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewRegistration {
    pub subject: RegistrationSubject,
    pub kind: RegistrationType,
    #[serde(default)]
    pub amends: Option<Uuid>,
    pub materials: Materials,
}

impl Registration {
    #[allow(clippy::too_many_arguments)]
    pub fn submit(
        input: NewRegistration,
        registrant_id: Uuid,
        authorization_id: Option<Uuid>,
        jurisdiction: super::RegionCode,
        subject_name: String,
        subject_summary: String,
        validity_cap: Option<NaiveDate>,
        policy: &JurisdictionPolicy,
        calendar: &WorkingCalendar,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        input.materials.validate(&input.subject, today)?;
        if input.kind != RegistrationType::Initial && input.amends.is_none() {
            return Err(CatalogError::invalid(
                "amends",
                "变更登记、更正登记和注销登记须指明所涉登记",
            ));
        }
        Ok(Registration {
            id: Uuid::now_v7(),
            subject: input.subject,
            kind: input.kind,
            amends: input.amends,
            registrant_id,
            authorization_id,
            jurisdiction,
            subject_name,
            subject_summary,
            materials: input.materials,
            status: RegistrationStatus::Submitted,
            submitted_on: today,
            acceptance_due: calendar
                .add_working_days(today, policy.registration_acceptance_working_days),
            supplement_items: Vec::new(),
            accepted_on: None,
            review_due: None,
            publicity_start: None,
            publicity_end: None,
            objections: Vec::new(),
            objection_flag: false,
            query_code: None,
            external_code: None,
            valid_from: None,
            valid_to: None,
            validity_cap,
            access_closed: false,
            renewal_applied_on: None,
            end_reason: None,
            history: vec![RegistrationEvent {
                status: RegistrationStatus::Submitted,
                on: today,
                note: None,
            }],
            version: 1,
            versions: Vec::new(),
            completion_due: None,
            cancellation: None,
            correction_requests: Vec::new(),
            created_at: now,
            updated_at: now,
        })
    }

    pub(super) fn expect(&self, allowed: &[RegistrationStatus], action: &str) -> Result<()> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(CatalogError::InvalidTransition(format!(
                "登记“{}”当前状态为{}，不能{action}",
                self.subject_name,
                self.status.label()
            )))
        }
    }

    pub(super) fn move_to(
        &mut self,
        status: RegistrationStatus,
        on: NaiveDate,
        note: Option<String>,
        now: DateTime<Utc>,
    ) {
        self.status = status;
        self.history.push(RegistrationEvent { status, on, note });
        self.updated_at = now;
    }

    /// 补正: ask for all missing items at once (R 10).
    pub fn request_supplement(
        &mut self,
        items: Vec<String>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[RegistrationStatus::Submitted], "要求补正")?;
        let items: Vec<String> = items
            .into_iter()
            .map(|i| i.trim().to_string())
            .filter(|i| !i.is_empty())
            .collect();
        if items.is_empty() {
            return Err(CatalogError::invalid("items", "须一次性列明需补正的材料"));
        }
        self.supplement_items = items;
        self.move_to(RegistrationStatus::SupplementRequested, today, None, now);
        Ok(())
    }

    /// Resubmission restarts the acceptance clock (R 10).
    pub fn resubmit(
        &mut self,
        materials: Materials,
        policy: &JurisdictionPolicy,
        calendar: &WorkingCalendar,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[RegistrationStatus::SupplementRequested], "重新提交")?;
        materials.validate(&self.subject, today)?;
        self.materials = materials;
        self.supplement_items.clear();
        self.submitted_on = today;
        self.acceptance_due =
            calendar.add_working_days(today, policy.registration_acceptance_working_days);
        self.move_to(
            RegistrationStatus::Submitted,
            today,
            Some("补正后重新提交".to_string()),
            now,
        );
        Ok(())
    }

    pub fn accept(
        &mut self,
        policy: &JurisdictionPolicy,
        calendar: &WorkingCalendar,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[RegistrationStatus::Submitted], "受理")?;
        self.accepted_on = Some(today);
        if self.kind == RegistrationType::Cancellation {
            // R 9 (四): no formal review or publicity; completed within 10 working days.
            self.completion_due =
                Some(calendar.add_working_days(today, policy.cancellation_working_days));
        } else {
            self.review_due =
                Some(calendar.add_working_days(today, policy.formal_review_working_days));
        }
        self.move_to(RegistrationStatus::Accepted, today, None, now);
        Ok(())
    }

    /// The registrant withdraws its application before a code is issued; a notice already
    /// publicized stays public, marked withdrawn.
    pub fn withdraw(&mut self, reason: &str, today: NaiveDate, now: DateTime<Utc>) -> Result<()> {
        self.expect(
            &[
                RegistrationStatus::Submitted,
                RegistrationStatus::SupplementRequested,
                RegistrationStatus::Accepted,
                RegistrationStatus::Publicized,
                RegistrationStatus::UnderObjection,
            ],
            "撤回申请（赋码后请申请注销）",
        )?;
        require_text("reason", reason, 2000)?;
        self.end_reason = Some(format!("申请人撤回：{}", reason.trim()));
        self.move_to(
            RegistrationStatus::Withdrawn,
            today,
            Some(reason.trim().to_string()),
            now,
        );
        Ok(())
    }

    pub fn refuse(&mut self, reason: &str, today: NaiveDate, now: DateTime<Utc>) -> Result<()> {
        self.expect(&[RegistrationStatus::Submitted], "不予受理")?;
        require_text("reason", reason, 2000)?;
        self.end_reason = Some(reason.trim().to_string());
        self.move_to(
            RegistrationStatus::NotAccepted,
            today,
            Some(reason.trim().to_string()),
            now,
        );
        Ok(())
    }

    /// Formal review passed: publicize for the policy's working days from the next working day.
    pub fn publicize(
        &mut self,
        policy: &JurisdictionPolicy,
        calendar: &WorkingCalendar,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[RegistrationStatus::Accepted], "公示")?;
        if self.kind == RegistrationType::Cancellation {
            return Err(CatalogError::InvalidTransition(
                "注销登记不经公示，受理后直接办结".to_string(),
            ));
        }
        let start = calendar.add_working_days(today, 1);
        let days = policy.registration_publicity_working_days.max(1);
        self.publicity_start = Some(start);
        self.publicity_end = Some(calendar.add_working_days(start, days - 1));
        self.move_to(RegistrationStatus::Publicized, today, None, now);
        Ok(())
    }

    /// Anyone may object, by real name with evidence, while the publicity runs (R 12).
    /// `objector_ref` is the salted hash that stands for the objector.
    pub fn file_objection(
        &mut self,
        objection: &NewObjection,
        objector_ref: String,
        calendar: &WorkingCalendar,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Uuid> {
        self.expect(&[RegistrationStatus::Publicized], "提出异议")?;
        let (Some(start), Some(end)) = (self.publicity_start, self.publicity_end) else {
            return Err(CatalogError::InvalidTransition("登记尚未公示".to_string()));
        };
        let id = Publicity {
            objections: &mut self.objections,
            start,
            end,
        }
        .file(objection, objector_ref, calendar, today)?;
        self.objection_flag = true;
        self.move_to(RegistrationStatus::UnderObjection, today, None, now);
        Ok(id)
    }

    /// Upheld ends the registration; dismissed resumes the publicity for the days that were left.
    pub fn decide_objection(
        &mut self,
        objection_id: Uuid,
        upheld: bool,
        decision: &str,
        calendar: &WorkingCalendar,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[RegistrationStatus::UnderObjection], "复核异议")?;
        let (Some(start), Some(end)) = (self.publicity_start, self.publicity_end) else {
            return Err(CatalogError::InvalidTransition("登记尚未公示".to_string()));
        };
        let resumed = Publicity {
            objections: &mut self.objections,
            start,
            end,
        }
        .decide(objection_id, upheld, decision, calendar, today)?;
        let decision = decision.trim().to_string();
        match resumed {
            None => {
                self.end_reason = Some(format!("异议成立：{decision}"));
                self.move_to(RegistrationStatus::Terminated, today, Some(decision), now);
            }
            Some(end) => {
                self.publicity_end = Some(end);
                self.move_to(
                    RegistrationStatus::Publicized,
                    today,
                    Some(format!("异议不成立，公示恢复：{decision}")),
                    now,
                );
            }
        }
        Ok(())
    }

    /// After publicity without a standing objection: issue the query code (R 13). Validity is the
    /// policy's years from today, or the cap (agreement term end) if that comes first (R 15).
    pub fn issue_code(
        &mut self,
        code: QueryCode,
        policy: &JurisdictionPolicy,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[RegistrationStatus::Publicized], "赋码")?;
        if self.kind != RegistrationType::Initial {
            return Err(CatalogError::InvalidTransition(
                "变更、更正和注销登记不另行赋码：请办结申请，结果记入原登记".to_string(),
            ));
        }
        // Rule 5 (C 8.6; GZ 30): once the authorization behind the product ended, nothing of
        // it may be coded.
        if self.access_closed {
            return Err(CatalogError::rule(
                crate::error::Rule::AccessClosed,
                "registration",
                "所依据的授权运营已终止或到期，数据访问已关闭，不能赋码",
            ));
        }
        let end = self
            .publicity_end
            .expect("publicized registrations have an end");
        if today <= end {
            return Err(CatalogError::invalid(
                "today",
                format!("公示期至 {end} 结束，期满后方可赋码"),
            ));
        }
        let full = years_after(today, policy.registration_validity_years)?;
        self.valid_from = Some(today);
        self.valid_to = Some(self.validity_cap.map_or(full, |cap| cap.min(full)));
        self.query_code = Some(code);
        self.move_to(RegistrationStatus::Coded, today, None, now);
        Ok(())
    }

    /// R 15: the registrant applies for renewal (续展) in the window before expiry.
    pub fn apply_for_renewal(
        &mut self,
        policy: &JurisdictionPolicy,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[RegistrationStatus::Coded], "申请续展")?;
        let valid_to = self.valid_to.expect("coded registrations have validity");
        let opens = valid_to - chrono::Days::new(u64::from(policy.renewal_window_days));
        if today < opens || today > valid_to {
            return Err(CatalogError::invalid(
                "today",
                format!(
                    "续展须在有效期届满前 {} 日内（{opens} 至 {valid_to}）申请",
                    policy.renewal_window_days
                ),
            ));
        }
        self.refuse_if_access_closed()?;
        if self.renewal_applied_on.is_some() {
            return Err(CatalogError::Conflict(
                "续展申请已提交，待登记机构办理".into(),
            ));
        }
        self.renewal_applied_on = Some(today);
        self.move_to(
            RegistrationStatus::Coded,
            today,
            Some("登记主体申请续展".to_string()),
            now,
        );
        Ok(())
    }

    fn refuse_if_access_closed(&self) -> Result<()> {
        if self.access_closed {
            return Err(CatalogError::rule(
                crate::error::Rule::AccessClosed,
                "registration",
                "授权已终止或到期，登记结果不能续展",
            ));
        }
        Ok(())
    }

    /// The registrar renews on the registrant's timely application: up to the policy's years
    /// from the day after expiry, capped by the agreement's term (R 15).
    pub fn renew(
        &mut self,
        policy: &JurisdictionPolicy,
        today: NaiveDate,
        new_cap: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[RegistrationStatus::Coded], "续展")?;
        let valid_to = self.valid_to.expect("coded registrations have validity");
        if self.renewal_applied_on.is_none() {
            return Err(CatalogError::InvalidTransition(format!(
                "登记主体未在有效期届满前 {} 日内申请续展（R 15）",
                policy.renewal_window_days
            )));
        }
        self.refuse_if_access_closed()?;
        let next_start = valid_to.succ_opt().expect("far from the end of time");
        let full = years_after(next_start, policy.registration_validity_years)?;
        self.validity_cap = new_cap.or(self.validity_cap);
        let renewed = self.validity_cap.map_or(full, |cap| cap.min(full));
        if renewed <= valid_to {
            return Err(CatalogError::invalid(
                "validity_cap",
                "授权运营期限不足以续展",
            ));
        }
        self.valid_to = Some(renewed);
        self.renewal_applied_on = None;
        self.move_to(
            RegistrationStatus::Coded,
            today,
            Some(format!("续展至 {renewed}")),
            now,
        );
        Ok(())
    }

    /// Past its validity with no renewal application pending (one filed in time waits for the
    /// registrar's decision).
    pub fn is_due_to_expire(&self, today: NaiveDate) -> bool {
        self.status == RegistrationStatus::Coded
            && self.renewal_applied_on.is_none()
            && self.valid_to.is_some_and(|v| today > v)
    }

    /// Expiry without renewal: the registrar cancels (R 15).
    pub fn expire(&mut self, today: NaiveDate, now: DateTime<Utc>) -> Result<()> {
        if !self.is_due_to_expire(today) {
            return Err(CatalogError::InvalidTransition(
                "登记结果未到期".to_string(),
            ));
        }
        self.end_reason = Some("有效期届满未续展".to_string());
        self.move_to(
            RegistrationStatus::Cancelled,
            today,
            self.end_reason.clone(),
            now,
        );
        Ok(())
    }

    /// 注销 on the registrant's application (R 9 (四)).
    pub fn cancel(&mut self, reason: &str, today: NaiveDate, now: DateTime<Utc>) -> Result<()> {
        self.expect(&[RegistrationStatus::Coded], "注销")?;
        require_text("reason", reason, 2000)?;
        self.end_reason = Some(reason.trim().to_string());
        self.move_to(
            RegistrationStatus::Cancelled,
            today,
            Some(reason.trim().to_string()),
            now,
        );
        Ok(())
    }

    /// 撤销 (R 20).
    pub fn revoke(
        &mut self,
        reason: RevocationReason,
        detail: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[RegistrationStatus::Coded], "撤销")?;
        require_text("detail", detail, 2000)?;
        let label = serde_json::to_value(reason)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        self.end_reason = Some(format!("{label}：{}", detail.trim()));
        self.move_to(
            RegistrationStatus::Revoked,
            today,
            self.end_reason.clone(),
            now,
        );
        Ok(())
    }

    /// Deadlines passed without the registrar acting (R 10, R 11).
    /// The working-day deadlines still running in the current state, by name: the dates a
    /// registrar or registrant waits on (R 10, 12, 13; cancellation per policy).
    pub fn running_deadlines(&self) -> Vec<(&'static str, NaiveDate)> {
        let mut running = Vec::new();
        match self.status {
            RegistrationStatus::Submitted => running.push(("acceptance", self.acceptance_due)),
            RegistrationStatus::Accepted => {
                running.extend(self.review_due.map(|d| ("formal_review", d)));
                running.extend(self.completion_due.map(|d| ("cancellation", d)));
            }
            RegistrationStatus::Publicized => {
                running.extend(self.publicity_end.map(|d| ("publicity", d)));
            }
            _ => {}
        }
        running
    }

    /// The next date the registrar works against, and what falls due on it.
    pub fn next_deadline(&self) -> Option<(&'static str, NaiveDate)> {
        match self.status {
            RegistrationStatus::Submitted => Some(("受理", self.acceptance_due)),
            RegistrationStatus::Accepted if self.kind == RegistrationType::Cancellation => {
                self.completion_due.map(|d| ("办结注销", d))
            }
            RegistrationStatus::Accepted => self.review_due.map(|d| ("形式审查", d)),
            RegistrationStatus::Publicized => self.publicity_end.map(|d| ("公示期满", d)),
            RegistrationStatus::Coded => self.valid_to.map(|d| ("有效期届满", d)),
            _ => None,
        }
    }

    pub fn overdue(&self, today: NaiveDate) -> Vec<&'static str> {
        let mut late = Vec::new();
        if self.status == RegistrationStatus::Submitted && today > self.acceptance_due {
            late.push("acceptance");
        }
        if self.status == RegistrationStatus::Accepted && self.review_due.is_some_and(|d| today > d)
        {
            late.push("formal_review");
        }
        if self.status == RegistrationStatus::Accepted
            && self.completion_due.is_some_and(|d| today > d)
        {
            late.push("cancellation");
        }
        late
    }

    /// Visible to the public: publicity notices and coded (or ended-after-coding) results.
    /// Whether the result stands on `today`: the one notion of "in force" that coding,
    /// verification, listings, the feed and every public surface use (rule 5: C 8.6, GZ 30;
    /// validity R 15; revocation R 20).
    pub fn standing(&self, today: NaiveDate) -> Standing {
        let ended_on = || self.history.last().map(|e| e.on);
        match self.status {
            RegistrationStatus::Revoked => Standing::Ended {
                on: ended_on(),
                reason: self
                    .end_reason
                    .clone()
                    .unwrap_or_else(|| "登记结果已撤销".to_string()),
            },
            RegistrationStatus::Cancelled => Standing::Ended {
                on: ended_on(),
                reason: self
                    .end_reason
                    .clone()
                    .unwrap_or_else(|| "登记结果已注销".to_string()),
            },
            RegistrationStatus::Coded if self.access_closed => Standing::Ended {
                on: None,
                reason: "所依据的授权运营已终止或到期，数据访问已关闭，登记结果不再有效"
                    .to_string(),
            },
            RegistrationStatus::Coded => match self.valid_to {
                Some(to) if today <= to => Standing::InForce { valid_to: to },
                Some(to) => Standing::Ended {
                    on: to.succ_opt(),
                    reason: format!("有效期已于 {to} 届满"),
                },
                None => Standing::NotCoded,
            },
            _ => Standing::NotCoded,
        }
    }

    /// The day its query code was issued (its history's coding step), if it was.
    pub fn coded_on(&self) -> Option<NaiveDate> {
        self.history
            .iter()
            .find(|e| e.status == RegistrationStatus::Coded)
            .map(|e| e.on)
    }

    pub fn in_force(&self, today: NaiveDate) -> bool {
        matches!(self.standing(today), Standing::InForce { .. })
    }

    pub fn is_public(&self) -> bool {
        matches!(
            self.status,
            RegistrationStatus::Publicized
                | RegistrationStatus::UnderObjection
                | RegistrationStatus::Coded
                | RegistrationStatus::Cancelled
                | RegistrationStatus::Revoked
                | RegistrationStatus::Completed
                | RegistrationStatus::Withdrawn
                | RegistrationStatus::Terminated
        ) && self.publicity_start.is_some()
    }

    /// Where its publicity stands on `today` (R 12): `None` before it was ever publicized.
    pub fn publicity_outcome(&self, today: NaiveDate) -> Option<PublicityOutcome> {
        let (start, end) = self.publicity_start.zip(self.publicity_end)?;
        Some(match self.status {
            RegistrationStatus::Publicized if today < start => PublicityOutcome::NotStarted,
            RegistrationStatus::Publicized if today <= end => PublicityOutcome::Running,
            RegistrationStatus::Publicized => PublicityOutcome::Closed,
            RegistrationStatus::UnderObjection => PublicityOutcome::UnderObjection,
            RegistrationStatus::Terminated => PublicityOutcome::Terminated,
            RegistrationStatus::Withdrawn => PublicityOutcome::Withdrawn,
            _ => PublicityOutcome::Registered,
        })
    }
}

/// A publicity notice's state for the public (R 12): running, paused by an objection, or how it
/// ended. Current notices take objections; past ones show their outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicityOutcome {
    NotStarted,
    Running,
    /// Paused while an objection is reviewed.
    UnderObjection,
    /// The period ran out; the registration body has not decided yet.
    Closed,
    /// Registered after the publicity (coded; it may have ended since).
    Registered,
    /// An objection was upheld and the registration terminated.
    Terminated,
    Withdrawn,
}

impl PublicityOutcome {
    pub fn label(self) -> &'static str {
        match self {
            PublicityOutcome::NotStarted => "公示尚未开始",
            PublicityOutcome::Running => "公示中",
            PublicityOutcome::UnderObjection => "异议复核中，公示暂停",
            PublicityOutcome::Closed => "公示期满，待办结",
            PublicityOutcome::Registered => "公示期满，准予登记",
            PublicityOutcome::Terminated => "异议成立，终止登记",
            PublicityOutcome::Withdrawn => "申请人已撤回",
        }
    }

    /// A notice still in its publicity (listed as current, open or soon open to objections).
    pub fn is_current(self) -> bool {
        matches!(
            self,
            PublicityOutcome::NotStarted
                | PublicityOutcome::Running
                | PublicityOutcome::UnderObjection
        )
    }
}

/// The last day of a period of `years` years starting on `from`.
fn years_after(from: NaiveDate, years: u32) -> Result<NaiveDate> {
    from.checked_add_months(Months::new(12 * years))
        .and_then(|d| d.pred_opt())
        .ok_or_else(|| CatalogError::invalid("today", "日期超出范围"))
}

/// Whether a registration result stands on a given day (`Registration::standing`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Standing {
    /// No result yet: in process, or refused or withdrawn before coding.
    NotCoded,
    /// Coded, within its validity, its authorization still open.
    InForce { valid_to: NaiveDate },
    /// Revoked, cancelled, expired, or flagged because access closed (rule 5).
    Ended {
        /// The day it ended, where the record knows it.
        on: Option<NaiveDate>,
        reason: String,
    },
}

impl Standing {
    /// The `state` tag as serialized, for vocabularies (CKAN extras, DCAT concepts).
    pub fn slug(&self) -> &'static str {
        match self {
            Standing::NotCoded => "not_coded",
            Standing::InForce { .. } => "in_force",
            Standing::Ended { .. } => "ended",
        }
    }

    /// 有效 / 已失效 / 未赋码, for pages.
    pub fn label(&self) -> &'static str {
        match self {
            Standing::NotCoded => "尚未赋码",
            Standing::InForce { .. } => "有效",
            Standing::Ended { .. } => "已失效",
        }
    }
}

/// What the public sees (R 12 公示内容, R 13 results): no materials, no objector identities.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PublicRegistration {
    pub id: Uuid,
    pub subject: RegistrationSubject,
    pub kind: RegistrationType,
    /// The registration a change or correction amends.
    pub amends: Option<Uuid>,
    pub registrant_id: Uuid,
    pub subject_name: String,
    pub subject_summary: String,
    pub status: RegistrationStatus,
    pub publicity_start: Option<NaiveDate>,
    pub publicity_end: Option<NaiveDate>,
    pub objections_filed: usize,
    pub objection_flag: bool,
    /// Each objection's filing day and decision, in filing order (never who, nor why).
    pub objections: Vec<ObjectionOutcome>,
    /// Where the publicity stands on the day of this view, or how it ended.
    pub publicity: Option<PublicityOutcome>,
    pub query_code: Option<QueryCode>,
    pub external_code: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub access_closed: bool,
    pub end_reason: Option<String>,
    /// Whether the result stands on the day this view was made.
    pub standing: Standing,
    /// 1 at coding; each change or correction that took effect adds one.
    pub version: u32,
    pub updated_at: DateTime<Utc>,
}

impl Registration {
    /// `None` unless the registration is public; its standing as of `today`.
    pub fn public_view(&self, today: NaiveDate) -> Option<PublicRegistration> {
        self.is_public().then(|| PublicRegistration {
            id: self.id,
            subject: self.subject,
            kind: self.kind,
            amends: self.amends,
            registrant_id: self.registrant_id,
            subject_name: self.subject_name.clone(),
            subject_summary: self.subject_summary.clone(),
            status: self.status,
            publicity_start: self.publicity_start,
            publicity_end: self.publicity_end,
            objections_filed: self.objections.len(),
            objection_flag: self.objection_flag,
            objections: self.objections.iter().map(Objection::outcome).collect(),
            publicity: self.publicity_outcome(today),
            query_code: self.query_code.clone(),
            external_code: self.external_code.clone(),
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            access_closed: self.access_closed,
            end_reason: self.end_reason.clone(),
            standing: self.standing(today),
            version: self.version,
            updated_at: self.updated_at,
        })
    }
}
