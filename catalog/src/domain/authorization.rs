//! Authorizations (授权运营): the implementation plan (N 9), the agreement (N 14) and its lifecycle.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::organization::require_text;
use super::{Grade, RegionCode, ResourceCode};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizationStatus {
    Announced,
    Applied,
    Selected,
    Publicized,
    Signed,
    Active,
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
            AuthorizationStatus::Signed => "signed",
            AuthorizationStatus::Active => "active",
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
            AuthorizationStatus::Signed => "已签约",
            AuthorizationStatus::Active => "运营中",
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Termination {
    pub reason: TerminationReason,
    pub detail: String,
    pub on: NaiveDate,
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
    pub operator_id: Option<Uuid>,
    pub status: AuthorizationStatus,
    #[serde(default)]
    pub publicity_start: Option<NaiveDate>,
    #[serde(default)]
    pub signed_on: Option<NaiveDate>,
    /// The day operation started: resources are provided from it, and first registrations of
    /// them fall due counting from it (R 9(一)).
    #[serde(default)]
    pub activated_on: Option<NaiveDate>,
    #[serde(default)]
    pub termination: Option<Termination>,
    pub history: Vec<StatusChange>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Authorization {
    /// What the public sees (rule 8; N 18 discloses the authorized party, content, scope and
    /// term): everything but the list of applicants, which names every company that applied.
    pub fn public_view(mut self) -> Self {
        self.applicants.clear();
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
            operator_id: None,
            status: AuthorizationStatus::Announced,
            publicity_start: None,
            signed_on: None,
            activated_on: None,
            termination: None,
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

    fn move_to(&mut self, status: AuthorizationStatus, note: Option<String>, now: DateTime<Utc>) {
        self.status = status;
        self.history.push(StatusChange {
            status,
            at: now,
            note,
        });
        self.updated_at = now;
    }

    /// An operator applies while the announcement is open (C 8.2).
    pub fn apply(&mut self, operator_id: Uuid, now: DateTime<Utc>) -> Result<()> {
        self.expect(
            &[AuthorizationStatus::Announced, AuthorizationStatus::Applied],
            "受理申请",
        )?;
        if self.applicants.contains(&operator_id) {
            return Err(CatalogError::Conflict("该运营机构已提交申请".to_string()));
        }
        self.applicants.push(operator_id);
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
        self.operator_id = Some(operator_id);
        self.move_to(AuthorizationStatus::Selected, None, now);
        Ok(())
    }

    pub fn publicize(&mut self, start: NaiveDate, now: DateTime<Utc>) -> Result<()> {
        self.expect(&[AuthorizationStatus::Selected], "公示")?;
        self.publicity_start = Some(start);
        self.move_to(AuthorizationStatus::Publicized, None, now);
        Ok(())
    }

    /// Signing needs the publicity period to have run: `publicity_end` is its last day.
    pub fn sign(
        &mut self,
        signed_on: NaiveDate,
        publicity_end: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[AuthorizationStatus::Publicized], "签订协议")?;
        if signed_on <= publicity_end {
            return Err(CatalogError::InvalidTransition(format!(
                "公示期至{publicity_end}结束，期满后方可签订协议"
            )));
        }
        self.signed_on = Some(signed_on);
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
