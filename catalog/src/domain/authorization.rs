//! Authorizations (授权运营): the implementation plan (N 9), the agreement (N 14) and its lifecycle.

pub mod agreement;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use self::agreement::{
    Agreement, AgreementChange, AgreementTerms, DestructionRecord, Evaluation, Filing,
    OperatorReport, RenewalRequest, Suspension,
};
use super::objection::{NewObjection, Objection, ObjectionDecision, Publicity};
use super::organization::require_text;
use super::{Grade, RegionCode, ResourceCode};
use crate::calendar::WorkingCalendar;
use crate::error::{CatalogError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum AuthorizationMode {
    #[serde(rename = "整体授权")]
    Whole,
    #[serde(rename = "分领域授权")]
    ByDomain,
    #[serde(rename = "依场景授权")]
    ByScenario,
}

impl AuthorizationMode {
    /// Every value, in the order forms list them.
    pub const ALL: [AuthorizationMode; 3] = [
        AuthorizationMode::Whole,
        AuthorizationMode::ByDomain,
        AuthorizationMode::ByScenario,
    ];
}

/// C 7.1 operator types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum OperatorType {
    #[serde(rename = "综合")]
    Comprehensive,
    #[serde(rename = "领域")]
    Domain,
    #[serde(rename = "场景")]
    Scenario,
}

impl OperatorType {
    /// Every value, in the order forms list them.
    pub const ALL: [OperatorType; 3] = [
        OperatorType::Comprehensive,
        OperatorType::Domain,
        OperatorType::Scenario,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizationStatus {
    Announced,
    Applied,
    Selected,
    Publicized,
    /// Publicity paused while an objection to the selection is reviewed (C 8.3).
    UnderObjection,
    Signed,
    Active,
    /// Access closed while the operator rectifies (SD 38).
    Suspended,
    Expired,
    Terminated,
}

impl AuthorizationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorizationStatus::Announced => "announced",
            AuthorizationStatus::Applied => "applied",
            AuthorizationStatus::Selected => "selected",
            AuthorizationStatus::Publicized => "publicized",
            AuthorizationStatus::UnderObjection => "under_objection",
            AuthorizationStatus::Signed => "signed",
            AuthorizationStatus::Active => "active",
            AuthorizationStatus::Suspended => "suspended",
            AuthorizationStatus::Expired => "expired",
            AuthorizationStatus::Terminated => "terminated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuthorizationStatus::Announced => "已公告",
            AuthorizationStatus::Applied => "已申请",
            AuthorizationStatus::Selected => "已选定",
            AuthorizationStatus::Publicized => "公示中",
            AuthorizationStatus::UnderObjection => "异议复核中",
            AuthorizationStatus::Signed => "已签约",
            AuthorizationStatus::Active => "运营中",
            AuthorizationStatus::Suspended => "暂停整改",
            AuthorizationStatus::Expired => "已到期",
            AuthorizationStatus::Terminated => "已终止",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            AuthorizationStatus::Expired | AuthorizationStatus::Terminated
        )
    }
}

/// Termination grounds, C 8.6 a–e.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum TerminationReason {
    /// a) 约定的运营期限届满而未进行续约
    #[serde(rename = "期限届满未续约")]
    TermEndedWithoutRenewal,
    /// b) 违反协议或管理要求，责令整改而未能按期完成
    #[serde(rename = "违约未按期整改")]
    BreachNotRemedied,
    /// c) 发生数据泄露等重大网络安全、数据安全事件
    #[serde(rename = "重大安全事件")]
    MajorSecurityIncident,
    /// d) 法律法规与地方、部门管理规定的其他情形
    #[serde(rename = "法律法规规定")]
    RequiredByLaw,
    /// e) 协议约定的其他终止条件
    #[serde(rename = "协议约定")]
    AgreedCondition,
}

impl TerminationReason {
    /// Every value, in the order forms list them.
    pub const ALL: [TerminationReason; 5] = [
        TerminationReason::TermEndedWithoutRenewal,
        TerminationReason::BreachNotRemedied,
        TerminationReason::MajorSecurityIncident,
        TerminationReason::RequiredByLaw,
        TerminationReason::AgreedCondition,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Termination {
    pub reason: TerminationReason,
    pub detail: String,
    /// The day it was terminated, by the service's clock.
    pub on: NaiveDate,
}

/// What the implementing body states when it terminates (C 8.6); the service dates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewTermination {
    pub reason: TerminationReason,
    pub detail: String,
}

impl NewTermination {
    pub fn on(self, on: NaiveDate) -> Termination {
        Termination {
            reason: self.reason,
            detail: self.detail,
            on,
        }
    }
}

/// N 12: how the operator is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum SelectionMethod {
    #[serde(rename = "公开招标")]
    OpenTender,
    #[serde(rename = "邀请招标")]
    InvitedTender,
    #[serde(rename = "谈判")]
    Negotiation,
    #[serde(rename = "遴选")]
    Selection,
}

impl SelectionMethod {
    /// Every value, in the order forms list them.
    pub const ALL: [SelectionMethod; 4] = [
        SelectionMethod::OpenTender,
        SelectionMethod::InvitedTender,
        SelectionMethod::Negotiation,
        SelectionMethod::Selection,
    ];
}

/// C 8.1: what the announcement states — mode and scope are the plan's; the conditions, the
/// review process and criteria, and the application period are stated here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Announcement {
    pub selection_method: SelectionMethod,
    /// 申报条件
    pub application_conditions: String,
    /// 评审流程
    pub review_process: String,
    /// 评审标准
    pub review_criteria: String,
    /// The last day applications are taken (申报期间).
    pub applications_close_on: NaiveDate,
    /// C 7.2 g): a special qualification the scope needs (e.g. 测绘资质), if any.
    #[serde(default)]
    pub special_qualification: Option<String>,
}

/// C 7.2 a)–g): what an applicant declares it meets, with materials to show it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Qualification {
    /// a) 熟悉数据管理规定，近 3 年未发生网络安全或数据安全事件
    NoSecurityIncidents,
    /// b) 合法合规经营，近 1 年未受数据相关或其他重大行政处罚
    NoPenalties,
    /// c) 落实数据安全负责人和管理部门，建立内部管理和安全保障制度
    SecurityOrganization,
    /// d) 软硬件与网络环境符合 GB/T 25058-2019 等级保护三级
    ProtectionLevelThree,
    /// e) 与授权范围相匹配的技术团队与开发经验
    TechnicalCapability,
    /// f) 成熟的数据管理和安全保障能力
    DataSecurityCapability,
    /// g) 特定领域的特定资质（公告要求时）
    SpecialQualification,
}

impl Qualification {
    /// a)–f), which every applicant must meet.
    pub const REQUIRED: [Qualification; 6] = [
        Qualification::NoSecurityIncidents,
        Qualification::NoPenalties,
        Qualification::SecurityOrganization,
        Qualification::ProtectionLevelThree,
        Qualification::TechnicalCapability,
        Qualification::DataSecurityCapability,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Qualification::NoSecurityIncidents => "近 3 年未发生网络安全或数据安全事件（C 7.2 a）",
            Qualification::NoPenalties => "近 1 年未受数据相关或其他重大行政处罚（C 7.2 b）",
            Qualification::SecurityOrganization => "数据安全负责人、管理部门和制度（C 7.2 c）",
            Qualification::ProtectionLevelThree => "等级保护三级环境（C 7.2 d）",
            Qualification::TechnicalCapability => "相匹配的技术团队与开发经验（C 7.2 e）",
            Qualification::DataSecurityCapability => "数据管理和安全保障能力（C 7.2 f）",
            Qualification::SpecialQualification => "特定资质（C 7.2 g）",
        }
    }
}

/// An operator's application (C 8.2: 书面申请与支持材料).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OperatorApplication {
    /// The C 7.2 conditions the applicant declares it meets.
    pub declarations: Vec<Qualification>,
    /// References of the supporting materials.
    pub materials: Vec<String>,
}

/// An application as the authorization keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Application {
    pub operator_id: Uuid,
    #[serde(flatten)]
    pub application: OperatorApplication,
    pub applied_on: NaiveDate,
}

/// What a data administration files when it announces an authorization (实施方案 + 协议 draft).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewAuthorization {
    /// 实施方案名称
    pub plan_name: String,
    pub implementing_body_id: Uuid,
    pub mode: AuthorizationMode,
    pub operator_type: OperatorType,
    pub scope_description: String,
    pub resource_ids: Vec<Uuid>,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    #[serde(default)]
    pub planned_products: Vec<String>,
    pub platform: String,
    /// The day the plan was approved (三重一大, N 13; SD 12: by the government at its level),
    /// from which its filing falls due; the announcement day when not given.
    #[serde(default)]
    pub plan_approved_on: Option<NaiveDate>,
    /// What the announcement states (C 8.1); required of every new plan (absent only on plans
    /// announced before it was kept).
    #[serde(default)]
    pub announcement: Option<Announcement>,
}

impl NewAuthorization {
    pub fn validate(&self) -> Result<()> {
        require_text("plan_name", &self.plan_name, 200)?;
        require_text("scope_description", &self.scope_description, 4000)?;
        require_text("platform", &self.platform, 200)?;
        if self.resource_ids.is_empty() {
            return Err(CatalogError::invalid(
                "resource_ids",
                "授权范围至少包含一项数据资源",
            ));
        }
        let Some(announcement) = &self.announcement else {
            return Err(CatalogError::invalid(
                "announcement",
                "公告须写明选择方式、申报条件、评审流程、评审标准和申报截止日（C 8.1）",
            ));
        };
        require_text(
            "announcement.application_conditions",
            &announcement.application_conditions,
            4000,
        )?;
        require_text(
            "announcement.review_process",
            &announcement.review_process,
            4000,
        )?;
        require_text(
            "announcement.review_criteria",
            &announcement.review_criteria,
            4000,
        )?;
        if let Some(special) = &announcement.special_qualification {
            require_text("announcement.special_qualification", special, 200)?;
        }
        if self.term_end <= self.term_start {
            return Err(CatalogError::invalid(
                "term_end",
                "运营期限结束日期必须晚于开始日期",
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusChange {
    pub status: AuthorizationStatus,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub note: Option<String>,
}

/// One resource of a scope as the current operation directory lists it (rule 2; C 6.2): the
/// edition it was taken from and the conditions it may be operated under, which bind the
/// operator and every product made from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScopeLine {
    pub resource_id: Uuid,
    pub code: ResourceCode,
    pub name: String,
    /// The edition of the operation directory that lists the resource.
    pub edition: u32,
    pub grade: Grade,
    /// The directory line's condition (required for 重要数据 by policy).
    #[serde(default)]
    pub condition: Option<String>,
    /// Data items withheld by the negative list.
    #[serde(default)]
    pub withheld_items: Vec<String>,
    /// Conditions of restricting (限制) negative-list entries.
    #[serde(default)]
    pub restrictions: Vec<String>,
}

/// Materials one application may attach, and qualifications it may declare.
pub const MAX_MATERIALS: usize = 50;
pub const MAX_DECLARATIONS: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Authorization {
    pub id: Uuid,
    #[serde(flatten)]
    pub plan: NewAuthorization,
    /// The jurisdiction whose policy applies: always the implementing body's region, never what
    /// a request says (rules 3 and 9).
    pub jurisdiction: RegionCode,
    /// The resources of `resource_ids` as the current operation directory lists them, checked
    /// when announced and again when signed. Empty on authorizations recorded before scopes.
    #[serde(default)]
    pub scope: Vec<ScopeLine>,
    /// Applicants, in application order; one of them is selected.
    #[serde(default)]
    pub applicants: Vec<Uuid>,
    /// Their applications: declarations and materials (C 8.2); not public.
    #[serde(default)]
    pub applications: Vec<Application>,
    pub operator_id: Option<Uuid>,
    pub status: AuthorizationStatus,
    #[serde(default)]
    pub publicity_start: Option<NaiveDate>,
    /// The last day of the selection's publicity, moved on when a dismissed objection paused it.
    #[serde(default)]
    pub publicity_end: Option<NaiveDate>,
    /// Objections to the selection (C 8.3): grounds and decisions, never who objected.
    #[serde(default)]
    pub objections: Vec<Objection>,
    #[serde(default)]
    pub signed_on: Option<NaiveDate>,
    /// The day operation started: resources are provided from it, and first registrations of
    /// them fall due counting from it (R 9(一)).
    #[serde(default)]
    pub activated_on: Option<NaiveDate>,
    #[serde(default)]
    pub termination: Option<Termination>,
    /// The agreement's versions, oldest first; the last is in force (N 14).
    #[serde(default)]
    pub agreements: Vec<Agreement>,
    /// Filings with the higher administration (备案).
    #[serde(default)]
    pub filings: Vec<Filing>,
    /// Suspensions for rectification, oldest first (SD 38).
    #[serde(default)]
    pub suspensions: Vec<Suspension>,
    /// The operator's latest renewal application.
    #[serde(default)]
    pub renewal: Option<RenewalRequest>,
    /// The record of the data's destruction once access closed (C 8.6; GZ 30).
    #[serde(default)]
    pub destruction: Option<DestructionRecord>,
    /// Yearly evaluations of the operator (C 12.1; GZ 23; SD 35).
    #[serde(default)]
    pub evaluations: Vec<Evaluation>,
    /// The operator's yearly reports (SD 24; LY 七(二)2); not public.
    #[serde(default)]
    pub reports: Vec<OperatorReport>,
    pub history: Vec<StatusChange>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Authorization {
    /// What the public sees (rule 8; N 18 discloses the authorized party, content, scope and
    /// term): everything but the list of applicants, which names every company that applied,
    /// and the objections' grounds and evidence, which may name people; their count and
    /// outcomes stay.
    pub fn public_view(mut self) -> Self {
        self.applicants.clear();
        self.applications.clear();
        self.reports.clear();
        self.renewal = None;
        for objection in &mut self.objections {
            objection.grounds.clear();
            objection.evidence.clear();
            objection.objector_ref.clear();
        }
        self
    }

    /// The conditions the scope attaches to these resources, each prefixed with its resource's
    /// name: the directory line's condition, then any 限制 entries.
    pub fn conditions_of(&self, resource_ids: &[Uuid]) -> Vec<String> {
        self.scope
            .iter()
            .filter(|line| resource_ids.contains(&line.resource_id))
            .flat_map(|line| {
                line.condition
                    .iter()
                    .chain(line.restrictions.iter())
                    .map(move |c| format!("{}：{c}", line.name))
            })
            .collect()
    }

    pub fn announce(
        plan: NewAuthorization,
        jurisdiction: RegionCode,
        scope: Vec<ScopeLine>,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        plan.validate()?;
        Ok(Authorization {
            id: Uuid::now_v7(),
            plan,
            jurisdiction,
            scope,
            applicants: Vec::new(),
            applications: Vec::new(),
            operator_id: None,
            status: AuthorizationStatus::Announced,
            publicity_start: None,
            publicity_end: None,
            objections: Vec::new(),
            signed_on: None,
            activated_on: None,
            termination: None,
            agreements: Vec::new(),
            filings: Vec::new(),
            suspensions: Vec::new(),
            renewal: None,
            destruction: None,
            evaluations: Vec::new(),
            reports: Vec::new(),
            history: vec![StatusChange {
                status: AuthorizationStatus::Announced,
                at: now,
                note: None,
            }],
            created_at: now,
            updated_at: now,
        })
    }

    fn expect(&self, allowed: &[AuthorizationStatus], action: &str) -> Result<()> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(CatalogError::InvalidTransition(format!(
                "授权“{}”当前状态为{}，不能{action}",
                self.plan.plan_name,
                self.status.label()
            )))
        }
    }

    pub(super) fn move_to(
        &mut self,
        status: AuthorizationStatus,
        note: Option<String>,
        now: DateTime<Utc>,
    ) {
        self.status = status;
        self.history.push(StatusChange {
            status,
            at: now,
            note,
        });
        self.updated_at = now;
    }

    /// An operator applies, with its declarations and materials, while the announcement's
    /// application period runs (C 8.1, 8.2).
    pub fn apply(
        &mut self,
        operator_id: Uuid,
        application: OperatorApplication,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(
            &[AuthorizationStatus::Announced, AuthorizationStatus::Applied],
            "受理申请",
        )?;
        if let Some(close) = self
            .plan
            .announcement
            .as_ref()
            .map(|a| a.applications_close_on)
            && today > close
        {
            return Err(CatalogError::InvalidTransition(format!(
                "申报期已于{close}截止"
            )));
        }
        if application.materials.iter().all(|m| m.trim().is_empty()) {
            return Err(CatalogError::invalid(
                "materials",
                "申请须附书面申请与支持材料（C 8.2）",
            ));
        }
        if application.materials.len() > MAX_MATERIALS {
            return Err(CatalogError::invalid(
                "materials",
                format!("材料至多 {MAX_MATERIALS} 项"),
            ));
        }
        if application.declarations.len() > MAX_DECLARATIONS {
            return Err(CatalogError::invalid(
                "declarations",
                format!("资格声明至多 {MAX_DECLARATIONS} 项"),
            ));
        }
        for (i, m) in application.materials.iter().enumerate() {
            require_text(&format!("materials[{i}]"), m, 500)?;
        }
        if self.applicants.contains(&operator_id) {
            return Err(CatalogError::Conflict("该运营机构已提交申请".to_string()));
        }
        self.applicants.push(operator_id);
        self.applications.push(Application {
            operator_id,
            application,
            applied_on: today,
        });
        self.move_to(AuthorizationStatus::Applied, None, now);
        Ok(())
    }

    pub fn select(&mut self, operator_id: Uuid, now: DateTime<Utc>) -> Result<()> {
        self.expect(&[AuthorizationStatus::Applied], "选定运营机构")?;
        if !self.applicants.contains(&operator_id) {
            return Err(CatalogError::invalid(
                "operator_id",
                "只能从已提交申请的运营机构中选定",
            ));
        }
        // C 7.2: the selected applicant meets a)–f), and g) when the announcement asks for it.
        if let Some(announcement) = &self.plan.announcement {
            let declared = self
                .applications
                .iter()
                .find(|a| a.operator_id == operator_id)
                .map(|a| a.application.declarations.as_slice())
                .unwrap_or_default();
            let special = announcement
                .special_qualification
                .as_ref()
                .map(|_| Qualification::SpecialQualification);
            let missing: Vec<&str> = Qualification::REQUIRED
                .into_iter()
                .chain(special)
                .filter(|q| !declared.contains(q))
                .map(Qualification::label)
                .collect();
            if !missing.is_empty() {
                return Err(CatalogError::invalid(
                    "operator_id",
                    format!("该申请人未声明满足运营机构资格条件：{}", missing.join("；")),
                ));
            }
        }
        self.operator_id = Some(operator_id);
        self.move_to(AuthorizationStatus::Selected, None, now);
        Ok(())
    }

    /// Publicize the selection from `start` through `end` (C 8.3).
    pub fn publicize(
        &mut self,
        start: NaiveDate,
        end: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[AuthorizationStatus::Selected], "公示")?;
        self.publicity_start = Some(start);
        self.publicity_end = Some(end);
        self.move_to(AuthorizationStatus::Publicized, None, now);
        Ok(())
    }

    fn publicity(&mut self) -> Result<Publicity<'_>> {
        let (Some(start), Some(end)) = (self.publicity_start, self.publicity_end) else {
            return Err(CatalogError::InvalidTransition(
                "选定结果尚未公示".to_string(),
            ));
        };
        Ok(Publicity {
            objections: &mut self.objections,
            start,
            end,
        })
    }

    /// Anyone may object to the selection, by real name with evidence, while its publicity runs
    /// (C 8.3); the publicity pauses until the implementing body decides.
    pub fn file_objection(
        &mut self,
        objection: &NewObjection,
        objector_ref: String,
        calendar: &WorkingCalendar,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Uuid> {
        self.expect(&[AuthorizationStatus::Publicized], "提出异议")?;
        let id = self
            .publicity()?
            .file(objection, objector_ref, calendar, today)?;
        self.move_to(AuthorizationStatus::UnderObjection, None, now);
        Ok(id)
    }

    /// C 8.3: dismissed, the publicity resumes for the working days that were left; upheld, the
    /// selection falls: the operator leaves the applicants and another may be selected.
    pub fn decide_objection(
        &mut self,
        decision: &ObjectionDecision,
        calendar: &WorkingCalendar,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[AuthorizationStatus::UnderObjection], "复核异议")?;
        let resumed = self.publicity()?.decide(
            decision.objection_id,
            decision.upheld,
            &decision.decision,
            calendar,
            today,
        )?;
        let text = decision.decision.trim();
        match resumed {
            Some(end) => {
                self.publicity_end = Some(end);
                self.move_to(
                    AuthorizationStatus::Publicized,
                    Some(format!("异议不成立，公示恢复至{end}：{text}")),
                    now,
                );
            }
            None => {
                let fallen = self.operator_id.take();
                self.applicants.retain(|a| Some(*a) != fallen);
                self.publicity_start = None;
                self.publicity_end = None;
                let status = if self.applicants.is_empty() {
                    AuthorizationStatus::Announced
                } else {
                    AuthorizationStatus::Applied
                };
                self.move_to(status, Some(format!("异议成立，撤销选定结果：{text}")), now);
            }
        }
        Ok(())
    }

    /// Signing needs the publicity period to have run without a pending objection (C 8.4); the
    /// agreement states what N 14 requires and becomes version 1.
    pub fn sign(
        &mut self,
        signed_on: NaiveDate,
        terms: AgreementTerms,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[AuthorizationStatus::Publicized], "签订协议")?;
        terms.check()?;
        let end = self
            .publicity_end
            .ok_or_else(|| CatalogError::InvalidTransition("尚未公示，不能签订协议".to_string()))?;
        if signed_on <= end {
            return Err(CatalogError::InvalidTransition(format!(
                "公示期至{end}结束，期满后方可签订协议"
            )));
        }
        self.signed_on = Some(signed_on);
        let start = self.plan.term_start;
        self.push_agreement(AgreementChange::Signed, terms, signed_on, start);
        self.move_to(AuthorizationStatus::Signed, None, now);
        Ok(())
    }

    pub fn activate(&mut self, today: NaiveDate, now: DateTime<Utc>) -> Result<()> {
        self.expect(&[AuthorizationStatus::Signed], "启动运营")?;
        if today < self.plan.term_start || today > self.plan.term_end {
            return Err(CatalogError::invalid(
                "today",
                format!(
                    "不在运营期限内（{} 至 {}）",
                    self.plan.term_start, self.plan.term_end
                ),
            ));
        }
        self.activated_on = Some(today);
        self.move_to(AuthorizationStatus::Active, None, now);
        Ok(())
    }

    /// True when the term has run out by `today` and the authorization is not yet final.
    pub fn is_due_to_expire(&self, today: NaiveDate) -> bool {
        !self.status.is_final() && today > self.plan.term_end
    }

    pub fn expire(&mut self, today: NaiveDate, now: DateTime<Utc>) -> Result<()> {
        if !self.is_due_to_expire(today) {
            return Err(CatalogError::InvalidTransition(format!(
                "授权“{}”未到期（至{}）",
                self.plan.plan_name, self.plan.term_end
            )));
        }
        self.move_to(
            AuthorizationStatus::Expired,
            Some("运营期限届满".to_string()),
            now,
        );
        Ok(())
    }

    pub fn terminate(&mut self, termination: Termination, now: DateTime<Utc>) -> Result<()> {
        require_text("detail", &termination.detail, 2000)?;
        if self.status.is_final() {
            return Err(CatalogError::InvalidTransition(format!(
                "授权“{}”已{}",
                self.plan.plan_name,
                self.status.label()
            )));
        }
        let note = Some(termination.detail.clone());
        self.termination = Some(termination);
        self.move_to(AuthorizationStatus::Terminated, note, now);
        Ok(())
    }

    /// Does this authorization, today, let `operator_id` operate `resource_id`?
    pub fn grants(&self, operator_id: Uuid, resource_id: Uuid, today: NaiveDate) -> bool {
        self.status == AuthorizationStatus::Active
            && self.operator_id == Some(operator_id)
            && self.plan.resource_ids.contains(&resource_id)
            && today >= self.plan.term_start
            && today <= self.plan.term_end
    }
}
