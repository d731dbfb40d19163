//! After signing: filing (备案), suspension and resumption (SD 38), renewal (N 14(九); LY), scope
//! changes as new agreement versions, the destruction record (C 8.6; GZ 30), evaluations and
//! operator reports — each step by the party the seeds name, with the numbers from the policy.

use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::authorizations::{check_scope, check_term, require_implementing_body};
use super::jurisdiction::{bound_region, require_within};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::agreement::{
    AgreementTerms, NewDestruction, NewEvaluation, NewFiling, NewOperatorReport, NewSuspension,
};
use crate::domain::authorization::Authorization;
use crate::error::{CatalogError, Result};

impl Catalog {
    /// The whole record (applicants, renewal, reports) for its parties: a data administration
    /// over its jurisdiction, its operator, 监管. Others read `public_authorization`.
    pub async fn authorization_as(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Versioned<Authorization>> {
        actor.require_role(
            &[Role::DataAdmin, Role::Operator, Role::Auditor],
            "查看授权运营完整记录",
        )?;
        let record = self.authorization(id).await?;
        let a = &record.value;
        match actor.role {
            Role::Operator if a.operator_id.is_none() || a.operator_id != actor.org_id => Err(
                CatalogError::Forbidden("只能查看本机构作为运营机构的授权".to_string()),
            ),
            Role::DataAdmin => {
                let bound = self.jurisdiction_of(actor).await?;
                require_within(bound.as_ref(), &a.jurisdiction, "查看授权运营完整记录")?;
                Ok(record)
            }
            _ => Ok(record),
        }
    }

    /// The implementing body records a filing with the higher administration.
    pub async fn record_filing(
        &self,
        actor: &Actor,
        id: Uuid,
        filing: NewFiling,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        let who = actor.clone();
        self.authorization_step(actor, id, if_match, "authorization.file", move |_, a| {
            Box::pin(async move {
                require_implementing_body(&who, a)?;
                a.record_filing(filing, today, Utc::now())
            })
        })
        .await
    }

    /// SD 38: the implementing body suspends access until the operator rectifies.
    pub async fn suspend_authorization(
        &self,
        actor: &Actor,
        id: Uuid,
        suspension: NewSuspension,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        let who = actor.clone();
        self.authorization_step(actor, id, if_match, "authorization.suspend", move |_, a| {
            Box::pin(async move {
                require_implementing_body(&who, a)?;
                a.suspend(suspension, today, Utc::now())
            })
        })
        .await
    }

    /// Rectified in time: the implementing body opens access again.
    pub async fn resume_authorization(
        &self,
        actor: &Actor,
        id: Uuid,
        rectification: String,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        let who = actor.clone();
        self.authorization_step(actor, id, if_match, "authorization.resume", move |_, a| {
            Box::pin(async move {
                require_implementing_body(&who, a)?;
                a.resume(&rectification, today, Utc::now())
            })
        })
        .await
    }

    /// The operator applies to renew, where the jurisdiction allows renewal, within its window.
    pub async fn apply_for_renewal(
        &self,
        actor: &Actor,
        id: Uuid,
        proposed_end: NaiveDate,
        today: NaiveDate,
    ) -> Result<Versioned<Authorization>> {
        let who = actor.clone();
        let policy = self.policy.clone();
        self.authorization_step(
            actor,
            id,
            None,
            "authorization.renewal_apply",
            move |_, a| {
                Box::pin(async move {
                    require_operator(&who, a)?;
                    let rules = policy.for_region(&a.jurisdiction);
                    if !rules.agreement_renewal {
                        return Err(CatalogError::InvalidTransition(format!(
                            "{}规定授权期限届满后应重新选择运营机构，不办理续约",
                            rules.name
                        )));
                    }
                    a.apply_for_renewal(
                        proposed_end,
                        rules.renewal_application_months,
                        today,
                        Utc::now(),
                    )
                })
            },
        )
        .await
    }

    /// The implementing body signs the renewal as a new agreement version; the renewed term
    /// is held to rule 3 from its own start.
    pub async fn approve_renewal(
        &self,
        actor: &Actor,
        id: Uuid,
        terms: AgreementTerms,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        let who = actor.clone();
        let policy = self.policy.clone();
        self.authorization_step(actor, id, if_match, "authorization.renew", move |tx, a| {
            Box::pin(async move {
                require_implementing_body(&who, a)?;
                let rules = policy.for_region(&a.jurisdiction);
                if let (Some(renewal), Some(start)) = (&a.renewal, a.plan.term_end.succ_opt()) {
                    check_term(rules, start, renewal.proposed_end)?;
                }
                // What is renewed is what the directory lists now.
                a.scope = check_scope(tx, rules, &a.jurisdiction, &a.plan.resource_ids).await?;
                a.approve_renewal(terms, today, Utc::now())
            })
        })
        .await
    }

    pub async fn refuse_renewal(
        &self,
        actor: &Actor,
        id: Uuid,
        answer: String,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        let who = actor.clone();
        self.authorization_step(
            actor,
            id,
            if_match,
            "authorization.renewal_refuse",
            move |_, a| {
                Box::pin(async move {
                    require_implementing_body(&who, a)?;
                    a.refuse_renewal(&answer, Utc::now())
                })
            },
        )
        .await
    }

    /// A new scope, drawn from the current operation directory, as a new agreement version.
    pub async fn change_authorization_scope(
        &self,
        actor: &Actor,
        id: Uuid,
        resource_ids: Vec<Uuid>,
        terms: AgreementTerms,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        let who = actor.clone();
        let policy = self.policy.clone();
        self.authorization_step(actor, id, if_match, "authorization.scope", move |tx, a| {
            Box::pin(async move {
                require_implementing_body(&who, a)?;
                let rules = policy.for_region(&a.jurisdiction);
                let scope = check_scope(tx, rules, &a.jurisdiction, &resource_ids).await?;
                a.change_scope(resource_ids, scope, terms, today, Utc::now())
            })
        })
        .await
    }

    /// Once access closed, the implementing body records the supervised destruction.
    pub async fn record_destruction(
        &self,
        actor: &Actor,
        id: Uuid,
        record: NewDestruction,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        let who = actor.clone();
        let policy = self.policy.clone();
        self.authorization_step(
            actor,
            id,
            if_match,
            "authorization.destruction",
            move |_, a| {
                Box::pin(async move {
                    require_implementing_body(&who, a)?;
                    let months = policy
                        .for_region(&a.jurisdiction)
                        .destruction_log_retention_months;
                    a.record_destruction(record, months, today, Utc::now())
                })
            },
        )
        .await
    }

    /// A data administration over the authorization's jurisdiction records the year's
    /// evaluation (C 12.1; GZ 23; SD 35: 县级以上数据管理部门).
    pub async fn record_evaluation(
        &self,
        actor: &Actor,
        id: Uuid,
        evaluation: NewEvaluation,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        actor.require_role(&[Role::DataAdmin], "评价授权运营成效")?;
        let who = actor.clone();
        self.authorization_step(
            actor,
            id,
            if_match,
            "authorization.evaluate",
            move |tx, a| {
                Box::pin(async move {
                    let bound = bound_region(tx, &who).await?;
                    require_within(bound.as_ref(), &a.jurisdiction, "评价授权运营成效")?;
                    a.record_evaluation(evaluation, today, Utc::now())
                })
            },
        )
        .await
    }

    /// The operator reports on a year of operation to the implementing body.
    pub async fn submit_operator_report(
        &self,
        actor: &Actor,
        id: Uuid,
        report: NewOperatorReport,
        today: NaiveDate,
    ) -> Result<Versioned<Authorization>> {
        let who = actor.clone();
        self.authorization_step(actor, id, None, "authorization.report", move |_, a| {
            Box::pin(async move {
                require_operator(&who, a)?;
                a.submit_report(report, today, Utc::now())
            })
        })
        .await
    }
}

/// Only the selected operator acts on its own authorization.
fn require_operator(actor: &Actor, a: &Authorization) -> Result<()> {
    let operator = a
        .operator_id
        .ok_or_else(|| CatalogError::InvalidTransition("尚未选定运营机构".to_string()))?;
    actor.require_org(Role::Operator, operator, "办理本机构的授权运营")
}
