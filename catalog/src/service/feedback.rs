//! Quality feedback (C 10.6; SD 8): operators report to the implementing body, which refers what
//! is true and reasonable to the provider with an answer due date.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::entity::{self, from_record};
use super::jurisdiction::require_within;
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::feedback::{FeedbackStatus, NewFeedback, QualityFeedback};
use crate::domain::resource::Resource;
use crate::error::{CatalogError, Result};
use crate::store::{RecordFilter, Table};

/// What waits on an actor in the feedback exchange: how many, since when the longest-waiting
/// one has waited, the earliest due day and how many are past it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackQueue {
    pub count: usize,
    pub oldest: Option<DateTime<Utc>>,
    pub earliest_due: Option<NaiveDate>,
    pub overdue: usize,
}

impl FeedbackQueue {
    fn of<'a>(items: impl Iterator<Item = &'a QualityFeedback>, today: NaiveDate) -> Self {
        let mut queue = FeedbackQueue::default();
        for f in items {
            queue.count += 1;
            let since = f.messages.last().map_or(f.created_at, |m| m.at);
            queue.oldest = Some(queue.oldest.map_or(since, |o| o.min(since)));
            if let Some(due) = f
                .answer_due
                .filter(|_| f.status == FeedbackStatus::Referred)
            {
                queue.earliest_due = Some(queue.earliest_due.map_or(due, |d| d.min(due)));
            }
            queue.overdue += usize::from(f.is_overdue(today));
        }
        queue
    }
}

impl Catalog {
    /// An operator reports a problem with a published resource to the implementing body.
    pub async fn report_quality(
        &self,
        actor: &Actor,
        input: NewFeedback,
    ) -> Result<QualityFeedback> {
        actor.require_role(&[Role::Operator, Role::Developer], "提交数据质量反馈")?;
        let reporter = actor
            .org_id
            .ok_or_else(|| CatalogError::Forbidden("须以机构身份反馈".into()))?;
        let resource: Versioned<Resource> = entity::read(self.store(), input.resource_id)
            .await
            .map_err(|_| CatalogError::invalid("resource_id", "资源不存在"))?;
        if !resource.value.is_public() {
            return Err(CatalogError::invalid("resource_id", "只能反馈已发布的资源"));
        }
        let feedback =
            QualityFeedback::new(reporter, resource.value.provider_id, input, Utc::now())?;
        let mut tx = self.store.begin_write().await?;
        entity::insert(tx.as_mut(), actor, "feedback.report", &feedback).await?;
        tx.commit().await?;
        Ok(feedback)
    }

    /// The day a provider's answer falls due when referred (or reopened) on `today`: the
    /// working days of the provider's jurisdiction (SD 8).
    async fn feedback_answer_due(&self, provider_id: Uuid, today: NaiveDate) -> Result<NaiveDate> {
        let region = self.organization(provider_id).await?.value.region;
        let days = self.policy.for_region(&region).feedback_answer_working_days;
        Ok(self.calendar.add_working_days(today, days))
    }

    /// C 10.6: the administration of the provider's region checks a report: true and
    /// reasonable → referred to the provider with its due day; otherwise dismissed with the
    /// reason.
    pub async fn verify_feedback(
        &self,
        actor: &Actor,
        id: Uuid,
        substantiated: bool,
        text: &str,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<QualityFeedback>> {
        actor.require_role(&[Role::DataAdmin], "核实数据质量反馈")?;
        let by = actor
            .org_id
            .ok_or_else(|| CatalogError::Forbidden("须以机构身份核实".into()))?;
        let feedback: Versioned<QualityFeedback> = entity::read(self.store(), id).await?;
        let provider = feedback.value.provider_id;
        let region = self.organization(provider).await?.value.region;
        require_within(
            self.jurisdiction_of(actor).await?.as_ref(),
            &region,
            "核实数据质量反馈",
        )?;
        let due = self.feedback_answer_due(provider, today).await?;
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "feedback.verify",
            |f: &mut QualityFeedback| f.verify(by, substantiated, text, due, Utc::now()),
        )
        .await
    }

    /// The resource's provider answers a referred report.
    pub async fn answer_feedback(
        &self,
        actor: &Actor,
        id: Uuid,
        text: &str,
        if_match: Option<i64>,
    ) -> Result<Versioned<QualityFeedback>> {
        let by = actor.org_id.unwrap_or_default();
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "feedback.answer",
            |f: &mut QualityFeedback| {
                actor.require_org(Role::Provider, f.provider_id, "答复本单位资源的质量反馈")?;
                f.answer(by, text, Utc::now())
            },
        )
        .await
    }

    /// The reporter closes the report, or reopens it with a follow-up that the provider answers
    /// within the same working days again.
    pub async fn conclude_feedback(
        &self,
        actor: &Actor,
        id: Uuid,
        resolved: bool,
        text: &str,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<QualityFeedback>> {
        let by = actor.org_id.unwrap_or_default();
        let feedback: Versioned<QualityFeedback> = entity::read(self.store(), id).await?;
        let due = self
            .feedback_answer_due(feedback.value.provider_id, today)
            .await?;
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "feedback.conclude",
            |f: &mut QualityFeedback| {
                if actor.org_id != Some(f.reporter_id) {
                    return Err(CatalogError::Forbidden("只有反馈方可以确认或追问".into()));
                }
                f.conclude(by, resolved, text, due, Utc::now())
            },
        )
        .await
    }

    /// Feedback the actor takes part in: as reporter or provider; an administration, the
    /// reports about providers inside its region (rule 9); auditors, all of it.
    pub async fn feedback_as(
        &self,
        actor: &Actor,
        filter: RecordFilter,
    ) -> Result<Vec<QualityFeedback>> {
        let all: Vec<QualityFeedback> = self
            .store
            .list(Table::Feedback, &filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect::<Result<_>>()?;
        Ok(match actor.role {
            Role::Auditor | Role::System => all,
            Role::DataAdmin | Role::Registrar => {
                let Some(region) = self.jurisdiction_of(actor).await? else {
                    return Ok(all);
                };
                let inside: HashSet<String> = self
                    .organizations_within(&region)
                    .await?
                    .into_iter()
                    .collect();
                all.into_iter()
                    .filter(|f| inside.contains(&f.provider_id.to_string()))
                    .collect()
            }
            _ => all
                .into_iter()
                .filter(|f| {
                    actor.org_id == Some(f.reporter_id) || actor.org_id == Some(f.provider_id)
                })
                .collect(),
        })
    }

    /// Referred reports about the actor's (a provider's) resources, waiting for its answer.
    pub async fn feedback_awaiting_answer(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<FeedbackQueue> {
        actor.require_role(&[Role::Provider], "查看待答复的质量反馈")?;
        let provider = actor
            .org_id
            .ok_or_else(|| CatalogError::Forbidden("须以机构身份查看".into()))?;
        let filter = RecordFilter {
            statuses: vec![FeedbackStatus::Referred.as_str().to_string()],
            owner_id: Some(provider.to_string()),
            ..RecordFilter::default()
        };
        let waiting = self.feedback_as(actor, filter).await?;
        Ok(FeedbackQueue::of(
            waiting
                .iter()
                .filter(|f| f.provider_id == provider && f.status == FeedbackStatus::Referred),
            today,
        ))
    }

    /// For an administration: reports in its region waiting to be checked, and referred ones
    /// whose provider has not answered (with how many are past due).
    pub async fn feedback_to_oversee(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<(FeedbackQueue, FeedbackQueue)> {
        actor.require_role(&[Role::DataAdmin], "查看待核实的质量反馈")?;
        let filter = RecordFilter {
            statuses: vec![
                FeedbackStatus::Open.as_str().to_string(),
                FeedbackStatus::Referred.as_str().to_string(),
            ],
            ..RecordFilter::default()
        };
        let items = self.feedback_as(actor, filter).await?;
        let with = |status: FeedbackStatus| {
            FeedbackQueue::of(items.iter().filter(move |f| f.status == status), today)
        };
        Ok((with(FeedbackStatus::Open), with(FeedbackStatus::Referred)))
    }
}
