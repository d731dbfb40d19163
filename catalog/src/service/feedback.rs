//! Quality feedback between operators and providers, overseen by the administration.

use chrono::Utc;
use uuid::Uuid;

use super::entity::{self, from_record};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::feedback::{NewFeedback, QualityFeedback};
use crate::domain::resource::Resource;
use crate::error::{CatalogError, Result};
use crate::store::{RecordFilter, Table};

impl Catalog {
    /// An operator reports a problem with a published resource; its provider must answer.
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

    /// The resource's provider answers.
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

    /// The reporter closes the report, or reopens it with a follow-up.
    pub async fn conclude_feedback(
        &self,
        actor: &Actor,
        id: Uuid,
        resolved: bool,
        text: &str,
        if_match: Option<i64>,
    ) -> Result<Versioned<QualityFeedback>> {
        let by = actor.org_id.unwrap_or_default();
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
                f.conclude(by, resolved, text, Utc::now())
            },
        )
        .await
    }

    /// Feedback the actor takes part in (as reporter or provider); all of it for overseers.
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
            Role::DataAdmin | Role::Auditor | Role::System => all,
            _ => all
                .into_iter()
                .filter(|f| {
                    actor.org_id == Some(f.reporter_id) || actor.org_id == Some(f.provider_id)
                })
                .collect(),
        })
    }
}

impl Catalog {
    /// Open feedback about the actor's (a provider's) resources, waiting for its answer: how
    /// many, and when the longest-waiting one was reported or reopened. Feedback carries no
    /// due date.
    pub async fn feedback_awaiting_answer(
        &self,
        actor: &Actor,
    ) -> Result<(usize, Option<chrono::DateTime<Utc>>)> {
        actor.require_role(&[Role::Provider], "查看待答复的质量反馈")?;
        let provider = actor
            .org_id
            .ok_or_else(|| CatalogError::Forbidden("须以机构身份查看".into()))?;
        let filter = RecordFilter {
            statuses: vec![
                crate::domain::feedback::FeedbackStatus::Open
                    .as_str()
                    .to_string(),
            ],
            owner_id: Some(provider.to_string()),
            ..RecordFilter::default()
        };
        let waiting: Vec<chrono::DateTime<Utc>> = self
            .feedback_as(actor, filter)
            .await?
            .into_iter()
            .filter(|f| {
                f.provider_id == provider
                    && f.status == crate::domain::feedback::FeedbackStatus::Open
            })
            .map(|f| f.messages.last().map_or(f.created_at, |m| m.at))
            .collect();
        Ok((waiting.len(), waiting.iter().min().copied()))
    }
}
