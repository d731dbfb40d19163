//! Secondary-developer registration (GZ 12): self-registration, publicity, admission.

use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::authorizations::publicity_end;
use super::entity::{self, from_record};
use super::organizations::insert_organization;
use super::{Actor, Catalog, Role, Versioned, jurisdiction};
use crate::domain::developer::{DeveloperApplication, NewDeveloper, PublicDeveloperNotice};
use crate::domain::objection::ObjectionDecision;
use crate::domain::organization::Organization;
use crate::error::{CatalogError, Result};
use crate::store::{RecordFilter, Table};

impl Catalog {
    /// Anyone may apply; nothing is public until the administration publicizes it.
    pub async fn apply_as_developer(&self, input: NewDeveloper) -> Result<DeveloperApplication> {
        let application = DeveloperApplication::new(input, Utc::now())?;
        let mut tx = self.store.begin_write().await?;
        if tx
            .get_by_key(Table::Organizations, application.applicant.uscc.as_str())
            .await?
            .is_some()
        {
            return Err(CatalogError::Conflict(format!(
                "统一社会信用代码 {} 已登记为机构，请联系数据管理部门增加开发利用机构身份",
                application.applicant.uscc
            )));
        }
        let public = Actor::public();
        entity::insert(tx.as_mut(), &public, "developer.apply", &application).await?;
        tx.commit().await?;
        Ok(application)
    }

    /// Publicize from the next working day for the jurisdiction's number of working days.
    pub async fn publicize_developer(
        &self,
        actor: &Actor,
        id: Uuid,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<DeveloperApplication>> {
        self.developer_application_as(actor, id).await?;
        let calendar = self.calendar.clone();
        let policy = self.policy.clone();
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "developer.publicize",
            |a: &mut DeveloperApplication| {
                let days = policy
                    .for_region(&a.applicant.region)
                    .operator_publicity_working_days;
                let start = calendar.add_working_days(today, 1);
                let end = publicity_end(&calendar, start, days);
                a.publicize(start, end, Utc::now())
            },
        )
        .await
    }

    /// After publicity: admit, creating the developer's organization in the same transaction.
    pub async fn admit_developer(
        &self,
        actor: &Actor,
        id: Uuid,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<DeveloperApplication>> {
        self.developer_application_as(actor, id).await?;
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<DeveloperApplication> = entity::load(tx.as_mut(), id).await?;
        let org = Organization::new(before.value.applicant.clone(), Utc::now())?;
        let mut after = before.value.clone();
        after.admit(today, org.id, Utc::now())?;
        insert_organization(tx.as_mut(), actor, &org).await?;
        let row_version = entity::update(
            tx.as_mut(),
            actor,
            "developer.admit",
            &before,
            &after,
            if_match,
        )
        .await?;
        tx.commit().await?;
        Ok(Versioned {
            row_version,
            value: after,
        })
    }

    pub async fn reject_developer(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
        if_match: Option<i64>,
    ) -> Result<Versioned<DeveloperApplication>> {
        self.developer_application_as(actor, id).await?;
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "developer.reject",
            |a: &mut DeveloperApplication| a.reject(reason, Utc::now()),
        )
        .await
    }

    /// The objection step of `decide_admission_objection`.
    pub(super) async fn decide_admission_objection_step(
        &self,
        actor: &Actor,
        id: Uuid,
        decision: ObjectionDecision,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<DeveloperApplication>> {
        self.developer_application_as(actor, id).await?;
        let calendar = self.calendar.clone();
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "developer.decide_objection",
            |a: &mut DeveloperApplication| {
                a.decide_objection(&decision, &calendar, today, Utc::now())
            },
        )
        .await
    }

    /// One application, for a data administration whose region contains the applicant's
    /// (rule 9): the only one that may publicize, admit or reject it.
    pub async fn developer_application_as(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<DeveloperApplication> {
        actor.require_role(&[Role::DataAdmin], "办理开发利用机构注册")?;
        let application: Versioned<DeveloperApplication> = entity::read(self.store(), id).await?;
        let bound = self.jurisdiction_of(actor).await?;
        jurisdiction::require_within(
            bound.as_ref(),
            &application.value.applicant.region,
            "办理开发利用机构注册",
        )?;
        Ok(application.value)
    }

    /// The applications of the actor's region (rule 9), a page after `filter.after_id`.
    pub async fn developer_applications_as(
        &self,
        actor: &Actor,
        filter: RecordFilter,
    ) -> Result<Vec<DeveloperApplication>> {
        actor.require_role(&[Role::DataAdmin], "查看开发利用机构注册申请")?;
        let bound = self.jurisdiction_of(actor).await?;
        let limit = filter.limit.map_or(usize::MAX, |l| l.max(0) as usize);
        let all = self
            .developer_applications(RecordFilter {
                limit: None,
                ..filter
            })
            .await?;
        Ok(all
            .into_iter()
            .filter(|a| {
                bound
                    .as_ref()
                    .is_none_or(|region| a.applicant.region.is_within(region))
            })
            .take(limit)
            .collect())
    }

    /// Every application (administrations).
    pub async fn developer_applications(
        &self,
        filter: RecordFilter,
    ) -> Result<Vec<DeveloperApplication>> {
        self.store
            .list(Table::Developers, &filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect()
    }

    /// Publicity notices and admissions, without contacts.
    pub async fn developer_notices(
        &self,
        filter: RecordFilter,
    ) -> Result<Vec<PublicDeveloperNotice>> {
        let filter = RecordFilter {
            public_only: true,
            ..filter
        };
        Ok(self
            .developer_applications(filter)
            .await?
            .iter()
            .map(|a| PublicDeveloperNotice {
                publicity_end_certainty: a.publicity_end.map(|end| self.calendar.certainty(end)),
                ..a.notice()
            })
            .collect())
    }
}
