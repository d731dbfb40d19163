//! Authorizations: announcement to agreement to expiry or termination, under rules 1, 3 and 5.

use std::future::Future;
use std::pin::Pin;

use chrono::{Months, NaiveDate, Utc};
use uuid::Uuid;

use super::directory::{check_grade, current_edition_over};
use super::entity::{self, from_record};
use super::negative_list::{active_entries, refuse_if_negative_listed};
use super::registrations::flag_registrations_of;
use super::{Actor, Catalog, Role, Versioned};
use crate::calendar::WorkingCalendar;
use crate::domain::RegionCode;
use crate::domain::agreement::AgreementTerms;
use crate::domain::authorization::{
    Authorization, NewAuthorization, NewTermination, OperatorApplication, ScopeLine,
};
use crate::domain::edition::DirectoryEdition;
use crate::domain::negative_list::NegativeListEntry;
use crate::domain::objection::ObjectionDecision;
use crate::domain::organization::{OrgKind, Organization};
use crate::domain::resource::{Resource, ResourceStatus};
use crate::error::{CatalogError, Result, Rule};
use crate::policy::{JurisdictionPolicy, PolicySet};
use crate::store::{RecordFilter, Table, WriteTx};

/// The future of one authorization step, borrowing the transaction and the entity being changed.
pub(super) type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

impl Catalog {
    pub async fn announce_authorization(
        &self,
        actor: &Actor,
        plan: NewAuthorization,
    ) -> Result<Authorization> {
        actor.require_org(
            Role::DataAdmin,
            plan.implementing_body_id,
            "发布授权运营公告",
        )?;
        plan.validate()?;
        let mut tx = self.store.begin_write().await?;
        let body: Versioned<Organization> = entity::load(tx.as_mut(), plan.implementing_body_id)
            .await
            .map_err(|_| CatalogError::invalid("implementing_body_id", "实施机构不存在"))?;
        body.value
            .require_kind(OrgKind::DataAdmin, "implementing_body_id")?;
        // Rules 3 and 9: the policy is the implementing body's region's, never the request's.
        let jurisdiction = body.value.region.clone();
        let policy = self.policy.for_region(&jurisdiction);
        check_term(policy, plan.term_start, plan.term_end)?;
        let scope = check_scope(tx.as_mut(), policy, &jurisdiction, &plan.resource_ids).await?;
        let authorization = Authorization::announce(plan, jurisdiction, scope, Utc::now())?;
        entity::insert(tx.as_mut(), actor, "authorization.announce", &authorization).await?;
        tx.commit().await?;
        Ok(authorization)
    }

    /// An operator applies with its C 7.2 declarations and materials, inside the period.
    pub async fn apply_for_authorization(
        &self,
        actor: &Actor,
        id: Uuid,
        operator_id: Uuid,
        application: OperatorApplication,
        today: NaiveDate,
    ) -> Result<Versioned<Authorization>> {
        actor.require_org(Role::Operator, operator_id, "以本机构名义申请授权运营")?;
        self.authorization_step(actor, id, None, "authorization.apply", |tx, a| {
            Box::pin(async move {
                let operator: Versioned<Organization> = entity::load(tx, operator_id)
                    .await
                    .map_err(|_| CatalogError::invalid("operator_id", "运营机构不存在"))?;
                operator
                    .value
                    .require_kind(OrgKind::Operator, "operator_id")?;
                a.apply(operator_id, application, today, Utc::now())
            })
        })
        .await
    }

    pub async fn select_operator(
        &self,
        actor: &Actor,
        id: Uuid,
        operator_id: Uuid,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        self.admin_step(actor, id, if_match, "authorization.select", move |a| {
            a.select(operator_id, Utc::now())
        })
        .await
    }

    /// Publicize the selection from `start` for the jurisdiction's working days (C 8.3).
    pub async fn publicize_selection(
        &self,
        actor: &Actor,
        id: Uuid,
        start: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        let calendar = self.calendar.clone();
        let policy = self.policy.clone();
        self.admin_step(actor, id, if_match, "authorization.publicize", move |a| {
            let days = policy
                .for_region(&a.jurisdiction)
                .operator_publicity_working_days;
            a.publicize(start, publicity_end(&calendar, start, days), Utc::now())
        })
        .await
    }

    /// The implementing body decides an objection to its selection (C 8.3).
    pub(super) async fn decide_selection_objection_step(
        &self,
        actor: &Actor,
        id: Uuid,
        decision: ObjectionDecision,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        let calendar = self.calendar.clone();
        let policy = self.policy.clone();
        self.admin_step(
            actor,
            id,
            if_match,
            "authorization.decide_objection",
            move |a| {
                backfill_publicity_end(a, &calendar, &policy);
                a.decide_objection(&decision, &calendar, today, Utc::now())
            },
        )
        .await
    }

    /// Sign after the publicity period (working days per jurisdiction policy), with what N 14
    /// requires of the agreement; re-checks rules 1 and 2.
    pub async fn sign_agreement(
        &self,
        actor: &Actor,
        id: Uuid,
        signed_on: NaiveDate,
        terms: AgreementTerms,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        let calendar = self.calendar.clone();
        let policy = self.policy.clone();
        let who = actor.clone();
        self.authorization_step(actor, id, if_match, "authorization.sign", move |tx, a| {
            Box::pin(async move {
                require_implementing_body(&who, a)?;
                let rules = policy.for_region(&a.jurisdiction);
                // The directory or the negative list may have changed since the announcement.
                a.scope = check_scope(tx, rules, &a.jurisdiction, &a.plan.resource_ids).await?;
                backfill_publicity_end(a, &calendar, &policy);
                a.sign(signed_on, terms, Utc::now())
            })
        })
        .await
    }

    pub async fn activate_authorization(
        &self,
        actor: &Actor,
        id: Uuid,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        let who = actor.clone();
        let policy = self.policy.clone();
        self.authorization_step(
            actor,
            id,
            if_match,
            "authorization.activate",
            move |tx, a| {
                Box::pin(async move {
                    require_implementing_body(&who, a)?;
                    let rules = policy.for_region(&a.jurisdiction);
                    a.scope = check_scope(tx, rules, &a.jurisdiction, &a.plan.resource_ids).await?;
                    a.activate(today, Utc::now())
                })
            },
        )
        .await
    }

    pub async fn terminate_authorization(
        &self,
        actor: &Actor,
        id: Uuid,
        termination: NewTermination,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Authorization>> {
        let who = actor.clone();
        self.authorization_step(
            actor,
            id,
            if_match,
            "authorization.terminate",
            move |tx, a| {
                Box::pin(async move {
                    require_implementing_body(&who, a)?;
                    a.terminate(termination.on(today), Utc::now())?;
                    close_access(tx, a).await
                })
            },
        )
        .await
    }

    /// Move every authorization whose term ran out by `today` to `expired`; returns their ids.
    pub async fn expire_due_authorizations(&self, today: NaiveDate) -> Result<Vec<Uuid>> {
        let mut expired = Vec::new();
        for a in self.authorizations(&RecordFilter::default()).await? {
            if a.is_due_to_expire(today) {
                self.authorization_step(
                    &Actor::system(),
                    a.id,
                    None,
                    "authorization.expire",
                    move |tx, a| {
                        Box::pin(async move {
                            a.expire(today, Utc::now())?;
                            close_access(tx, a).await
                        })
                    },
                )
                .await?;
                expired.push(a.id);
            }
        }
        Ok(expired)
    }

    /// Rule 5 (and the scope half of rule 4): may `operator_id` operate `resource_id` on `today`?
    /// Only through an active authorization of its own whose term covers the day.
    pub async fn check_operator_access(
        &self,
        operator_id: Uuid,
        resource_id: Uuid,
        today: NaiveDate,
    ) -> Result<()> {
        let filter = RecordFilter {
            owner_id: Some(operator_id.to_string()),
            ..RecordFilter::default()
        };
        let own = self.authorizations(&filter).await?;
        if let Some(a) = own
            .iter()
            .find(|a| a.grants(operator_id, resource_id, today))
        {
            // SD 17; LY 四: where the policy asks, the resource is obtained through an approved
            // demand application as well.
            let policy = self.policy.for_region(&a.jurisdiction);
            if policy.demand_before_access
                && !self.demand_grants(operator_id, resource_id, today).await?
            {
                return Err(CatalogError::rule(
                    Rule::ProductScope,
                    "resource_id",
                    format!(
                        "{}规定运营机构须经数据需求申请审核通过后方可获取该资源，且在批准的期限内",
                        policy.name
                    ),
                ));
            }
            return Ok(());
        }
        // SD 38: access is closed while the operator rectifies.
        if let Some((a, suspension)) = own.iter().find_map(|a| {
            a.current_suspension()
                .filter(|_| a.plan.resource_ids.contains(&resource_id))
                .map(|s| (a, s))
        }) {
            return Err(CatalogError::rule(
                Rule::AccessClosed,
                "resource_id",
                format!(
                    "授权“{}”已暂停，运营机构须在{}前完成整改，期间不得获取该资源",
                    a.plan.plan_name, suspension.rectify_by
                ),
            ));
        }
        let closed = own.iter().find(|a| {
            a.plan.resource_ids.contains(&resource_id)
                && (a.status.is_final() || today > a.plan.term_end)
        });
        Err(match closed {
            Some(a) => CatalogError::rule(
                Rule::AccessClosed,
                "resource_id",
                format!(
                    "授权“{}”已{}，运营机构对该资源的访问已关闭",
                    a.plan.plan_name,
                    if a.status.is_final() {
                        a.status.label()
                    } else {
                        "到期"
                    }
                ),
            ),
            None => CatalogError::rule(
                Rule::ProductScope,
                "resource_id",
                "该资源不在运营机构有效授权的范围内",
            ),
        })
    }

    pub async fn authorization(&self, id: Uuid) -> Result<Versioned<Authorization>> {
        entity::read(self.store(), id).await
    }

    /// One authorization as the public sees it (`Authorization::public_view`).
    pub async fn public_authorization(&self, id: Uuid) -> Result<Authorization> {
        Ok(self.authorization(id).await?.value.public_view())
    }

    /// Authorizations as the public sees them.
    pub async fn public_authorizations(&self, filter: &RecordFilter) -> Result<Vec<Authorization>> {
        Ok(self
            .authorizations(filter)
            .await?
            .into_iter()
            .map(Authorization::public_view)
            .collect())
    }

    pub async fn authorizations(&self, filter: &RecordFilter) -> Result<Vec<Authorization>> {
        self.store
            .list(Table::Authorizations, filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect()
    }

    async fn admin_step(
        &self,
        actor: &Actor,
        id: Uuid,
        if_match: Option<i64>,
        action: &str,
        apply: impl FnOnce(&mut Authorization) -> Result<()> + Send + 'static,
    ) -> Result<Versioned<Authorization>> {
        let who = actor.clone();
        self.authorization_step(actor, id, if_match, action, move |_, a| {
            Box::pin(async move {
                require_implementing_body(&who, a)?;
                apply(a)
            })
        })
        .await
    }

    /// Load, apply an (async, transaction-aware) step, save with audit, commit.
    pub(super) async fn authorization_step<F>(
        &self,
        actor: &Actor,
        id: Uuid,
        if_match: Option<i64>,
        action: &str,
        apply: F,
    ) -> Result<Versioned<Authorization>>
    where
        F: for<'a> FnOnce(&'a mut dyn WriteTx, &'a mut Authorization) -> StepFuture<'a>,
    {
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<Authorization> = entity::load(tx.as_mut(), id).await?;
        let mut after = before.value.clone();
        apply(tx.as_mut(), &mut after).await?;
        let row_version =
            entity::update(tx.as_mut(), actor, action, &before, &after, if_match).await?;
        tx.commit().await?;
        Ok(Versioned {
            row_version,
            value: after,
        })
    }
}

/// Rule 5: the operator's registrations under this authorization are flagged with it.
async fn close_access(tx: &mut dyn WriteTx, a: &Authorization) -> Result<()> {
    match a.operator_id {
        Some(operator) => flag_registrations_of(tx, a.id, operator).await,
        None => Ok(()),
    }
}

pub(super) fn require_implementing_body(actor: &Actor, a: &Authorization) -> Result<()> {
    actor.require_org(
        Role::DataAdmin,
        a.plan.implementing_body_id,
        "办理本机构的授权运营",
    )
}

/// Rule 3 (N 14; GZ 9; LY 二(二)): the agreement term may not exceed the jurisdiction's limit.
/// Both ends count as days of the term, so a 5-year term from 2026-01-01 ends on 2030-12-31.
pub(super) fn check_term(
    policy: &JurisdictionPolicy,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<()> {
    let limit = start
        .checked_add_months(Months::new(12 * policy.max_agreement_years))
        .and_then(|d| d.pred_opt())
        .ok_or_else(|| CatalogError::invalid("term_start", "日期超出范围"))?;
    if end > limit {
        return Err(CatalogError::rule(
            Rule::TermLimit,
            "term_end",
            format!(
                "运营期限 {start} 至 {end} 超过{}规定的最长 {} 年（最晚至 {limit}）",
                policy.name, policy.max_agreement_years
            ),
        ));
    }
    Ok(())
}

/// Rules 1 and 2 on a scope (C 6.2; C 6.1): every resource is a line of the operation directory
/// in force over the implementing body's region, is not withdrawn, is not negative-listed now,
/// and passes the body's grade policy with its line's condition. The lines, with their
/// conditions, become the authorization's scope.
pub(super) async fn check_scope(
    tx: &mut dyn WriteTx,
    policy: &JurisdictionPolicy,
    region: &RegionCode,
    resource_ids: &[Uuid],
) -> Result<Vec<ScopeLine>> {
    let negative = active_entries(tx).await?;
    let edition = current_edition_over(tx, region).await?;
    let mut scope = Vec::with_capacity(resource_ids.len());
    for (i, id) in resource_ids.iter().enumerate() {
        let field = format!("resource_ids[{i}]");
        let resource: Versioned<Resource> = entity::load(tx, *id)
            .await
            .map_err(|_| CatalogError::invalid(&field, "资源不存在"))?;
        scope.push(scope_line(
            policy,
            &negative,
            edition.as_ref(),
            &resource.value,
            &field,
        )?);
    }
    Ok(scope)
}

/// Rules 1 and 2 on one resource of a scope: its line of the directory in force, or the refusal.
pub(super) fn scope_line(
    policy: &JurisdictionPolicy,
    negative: &[NegativeListEntry],
    edition: Option<&DirectoryEdition>,
    resource: &Resource,
    field: &str,
) -> Result<ScopeLine> {
    refuse_if_negative_listed(negative, resource, field)?;
    let Some((number, line)) = edition.and_then(|e| {
        e.lines
            .iter()
            .find(|l| l.resource_id == resource.id)
            .map(|l| (e.number, l))
    }) else {
        return Err(CatalogError::rule(
            Rule::GradeLimit,
            field,
            format!(
                "资源“{}”（{}）不在现行运营目录中，不得纳入授权范围（C 6.2）",
                resource.content.name, resource.code
            ),
        ));
    };
    if resource.status == ResourceStatus::Withdrawn {
        return Err(CatalogError::invalid(
            field,
            format!("资源“{}”已撤回，不得纳入授权范围", resource.content.name),
        ));
    }
    // What is authorized is what the directory lists: the line's (published) version.
    check_grade(
        policy,
        (&line.name, line.grade.level),
        line.condition.as_deref(),
        field,
        field,
    )?;
    Ok(ScopeLine {
        resource_id: resource.id,
        code: line.code.clone(),
        name: line.name.clone(),
        edition: number,
        grade: line.grade,
        condition: line.condition.clone(),
        // The negative list as it stands now, not as it stood for the edition.
        withheld_items: negative
            .iter()
            .flat_map(|e| e.withheld_items(&resource.code, &resource.content))
            .collect(),
        restrictions: negative
            .iter()
            .filter_map(|e| e.restriction(&resource.code, &resource.content))
            .collect(),
    })
}

/// Selections publicized before the end was kept: the end their start and policy give.
pub(super) fn backfill_publicity_end(
    a: &mut Authorization,
    calendar: &WorkingCalendar,
    policy: &PolicySet,
) {
    if a.publicity_end.is_none() {
        let days = policy
            .for_region(&a.jurisdiction)
            .operator_publicity_working_days;
        a.publicity_end = a
            .publicity_start
            .map(|start| publicity_end(calendar, start, days));
    }
}

/// The last day of a publicity period of `days` working days starting on `start`.
pub(super) fn publicity_end(calendar: &WorkingCalendar, start: NaiveDate, days: u32) -> NaiveDate {
    let first = if calendar.is_working_day(start) {
        start
    } else {
        calendar.add_working_days(start, 1)
    };
    calendar.add_working_days(first, days.saturating_sub(1))
}
