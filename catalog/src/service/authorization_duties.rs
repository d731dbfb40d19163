//! What each authorization still owes, with its due date from the policy: filings (N 11, N 13;
//! SD 12; LY), rectification (SD 38), a renewal decision, the destruction record (C 8.6; GZ 30),
//! operator reports (SD 24; LY 七(二)2) and evaluations (C 12.1; GZ 23; SD 35).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use uuid::Uuid;

use super::{Actor, Catalog, Role};
use crate::calendar::{DateCertainty, WorkingCalendar};
use crate::domain::agreement::{FilingKind, RenewalStatus, years_of_operation};
use crate::domain::authorization::{Authorization, AuthorizationStatus};
use crate::error::Result;
use crate::policy::JurisdictionPolicy;
use crate::store::RecordFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DutyKind {
    /// Not owed but awaited: the selection's publicity ends, then the agreement may be signed.
    PublicityEnds,
    PlanFiling,
    AgreementFiling,
    TerminationFiling,
    Rectification,
    RenewalDecision,
    Destruction,
    OperatorReport,
    Evaluation,
}

impl DutyKind {
    pub fn label(self) -> &'static str {
        match self {
            DutyKind::PublicityEnds => "选定结果公示期满后签订协议",
            DutyKind::PlanFiling => "实施方案备案",
            DutyKind::AgreementFiling => "授权运营协议备案",
            DutyKind::TerminationFiling => "协议终止备案",
            DutyKind::Rectification => "限期整改",
            DutyKind::RenewalDecision => "续约申请待审核",
            DutyKind::Destruction => "监督数据销毁并登记",
            DutyKind::OperatorReport => "年度运营报告",
            DutyKind::Evaluation => "年度运营成效评价",
        }
    }
}

/// One thing an authorization still owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuthorizationDuty {
    pub authorization_id: Uuid,
    pub plan_name: String,
    pub kind: DutyKind,
    pub label: String,
    /// The organization that owes it: the implementing body, or the operator.
    pub owner_id: Uuid,
    /// The year a report or an evaluation is for.
    pub year: Option<i32>,
    /// `None` where the policy sets no deadline.
    pub due: Option<NaiveDate>,
    /// Whether the calendar vouches for a working-day `due`.
    pub certainty: DateCertainty,
    pub overdue: bool,
}

struct Duties<'a> {
    a: &'a Authorization,
    calendar: &'a WorkingCalendar,
    today: NaiveDate,
    out: Vec<AuthorizationDuty>,
}

impl Duties<'_> {
    fn push(
        &mut self,
        kind: DutyKind,
        owner: Option<Uuid>,
        year: Option<i32>,
        due: Option<NaiveDate>,
        working_days: bool,
    ) {
        let Some(owner_id) = owner else { return };
        let certainty = match (due, working_days) {
            (Some(day), true) => self.calendar.certainty(day),
            _ => DateCertainty::Official,
        };
        self.out.push(AuthorizationDuty {
            authorization_id: self.a.id,
            plan_name: self.a.plan.plan_name.clone(),
            kind,
            label: match year {
                Some(y) => format!("{y} 年度{}", kind.label()),
                None => kind.label().to_string(),
            },
            owner_id,
            year,
            due,
            certainty,
            overdue: kind != DutyKind::PublicityEnds && due.is_some_and(|d| self.today > d),
        });
    }

    fn after(&self, from: NaiveDate, days: Option<u32>) -> Option<NaiveDate> {
        days.map(|d| self.calendar.add_working_days(from, d))
    }
}

/// The duties of one authorization on `today`.
pub fn duties_of(
    a: &Authorization,
    policy: &JurisdictionPolicy,
    calendar: &WorkingCalendar,
    today: NaiveDate,
) -> Vec<AuthorizationDuty> {
    let body = Some(a.plan.implementing_body_id);
    let filed = |kind: FilingKind, version: Option<u32>| {
        a.filings
            .iter()
            .any(|f| f.kind == kind && f.agreement_version == version)
    };
    let mut d = Duties {
        a,
        calendar,
        today,
        out: Vec::new(),
    };
    if a.status == AuthorizationStatus::Publicized {
        d.push(DutyKind::PublicityEnds, body, None, a.publicity_end, true);
    }
    if !filed(FilingKind::Plan, None) {
        let approved = a.plan.plan_approved_on.unwrap_or(a.created_at.date_naive());
        let due = d.after(approved, policy.plan_filing_working_days);
        d.push(DutyKind::PlanFiling, body, None, due, true);
    }
    if let Some(current) = a.agreements.last()
        && !filed(FilingKind::Agreement, Some(current.version))
    {
        let due = d.after(current.signed_on, policy.agreement_filing_working_days);
        d.push(DutyKind::AgreementFiling, body, None, due, true);
    }
    if a.status.is_final() {
        let closed = a
            .termination
            .as_ref()
            .map(|t| t.on)
            .or_else(|| a.history.last().map(|c| c.at.date_naive()))
            .unwrap_or(today);
        if !filed(FilingKind::Termination, None) {
            let due = d.after(closed, policy.termination_filing_working_days);
            d.push(DutyKind::TerminationFiling, body, None, due, true);
        }
        if a.destruction.is_none() && a.activated_on.is_some() {
            d.push(DutyKind::Destruction, body, None, None, false);
        }
    }
    if let Some(suspension) = a.current_suspension() {
        d.push(
            DutyKind::Rectification,
            a.operator_id,
            None,
            Some(suspension.rectify_by),
            false,
        );
    }
    if a.renewal
        .as_ref()
        .is_some_and(|r| r.status == RenewalStatus::Pending)
    {
        d.push(
            DutyKind::RenewalDecision,
            body,
            None,
            Some(a.plan.term_end),
            false,
        );
    }
    for year in years_of_operation(a, today) {
        if year < today.year() && !a.reports.iter().any(|r| r.report.year == year) {
            let due = policy.operator_report_due.in_year(year + 1);
            d.push(
                DutyKind::OperatorReport,
                a.operator_id,
                Some(year),
                due,
                false,
            );
        }
        if !a.evaluations.iter().any(|e| e.evaluation.year == year) {
            let due = policy.evaluation_due.in_year(year);
            d.push(DutyKind::Evaluation, body, Some(year), due, false);
        }
    }
    d.out
}

impl Catalog {
    /// The duties the actor may see, soonest first: an operator its own, a data administration
    /// those of authorizations in its region, an auditor all.
    pub async fn authorization_duties(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<Vec<AuthorizationDuty>> {
        actor.require_role(
            &[Role::Operator, Role::DataAdmin, Role::Auditor],
            "查看授权运营待办事项",
        )?;
        let bound = self.jurisdiction_of(actor).await?;
        let mut duties = Vec::new();
        for a in self.authorizations(&RecordFilter::default()).await? {
            let visible = match (actor.role, &bound) {
                (Role::Operator, _) => a.operator_id.is_some() && a.operator_id == actor.org_id,
                (_, Some(region)) => a.jurisdiction.is_within(region),
                (_, None) => true,
            };
            if !visible {
                continue;
            }
            let policy = self.policy.for_region(&a.jurisdiction);
            duties.extend(
                duties_of(&a, policy, &self.calendar, today)
                    .into_iter()
                    .filter(|d| actor.role != Role::Operator || Some(d.owner_id) == actor.org_id),
            );
        }
        duties.sort_by_key(|d| (d.due.is_none(), d.due, d.authorization_id));
        Ok(duties)
    }
}
