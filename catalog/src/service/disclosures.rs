//! Disclosures: implementing bodies and operators draft, publish and correct their annual
//! statements; the public reads the published ones.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::entity::{self, from_record};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::authorization::AuthorizationStatus;
use crate::domain::disclosure::{
    DiscloserRole, Disclosure, DisclosureContent, DisclosureObligation, NewDisclosure,
};
use crate::error::{CatalogError, Result};
use crate::policy::MonthDay;
use crate::store::{RecordFilter, Table};

/// Who may state what: implementing bodies (data administrations) and operators.
fn require_discloser(actor: &Actor, content: &DisclosureContent) -> Result<Uuid> {
    let role = match content {
        DisclosureContent::ImplementingBody { .. } => Role::DataAdmin,
        DisclosureContent::Operator { .. } => Role::Operator,
    };
    let org = actor
        .org_id
        .ok_or_else(|| CatalogError::Forbidden("须以机构身份披露".into()))?;
    actor.require_org(role, org, "发布本机构的信息披露")?;
    Ok(org)
}

impl Catalog {
    pub async fn draft_disclosure(
        &self,
        actor: &Actor,
        input: NewDisclosure,
        today: NaiveDate,
    ) -> Result<Disclosure> {
        let discloser = require_discloser(actor, &input.content)?;
        let due_day = self.disclosure_due_of(discloser).await?;
        let disclosure = Disclosure::new(discloser, input, due_day, today, Utc::now())?;
        let mut tx = self.store.begin_write().await?;
        if tx
            .get_by_key(Table::Disclosures, &disclosure.key())
            .await?
            .is_some()
        {
            return Err(CatalogError::Conflict(format!(
                "{} 年度的该类信息披露已存在，请更正原披露",
                disclosure.year
            )));
        }
        entity::insert(tx.as_mut(), actor, "disclosure.draft", &disclosure).await?;
        tx.commit().await?;
        Ok(disclosure)
    }

    /// Edit a draft, or correct a published statement (new version, old text kept).
    pub async fn revise_disclosure(
        &self,
        actor: &Actor,
        id: Uuid,
        content: DisclosureContent,
        if_match: Option<i64>,
    ) -> Result<Versioned<Disclosure>> {
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "disclosure.revise",
            |d: &mut Disclosure| {
                if require_discloser(actor, &d.content)? != d.discloser_id {
                    return Err(CatalogError::Forbidden("只能修改本机构的信息披露".into()));
                }
                d.revise(content, Utc::now())
            },
        )
        .await
    }

    pub async fn publish_disclosure(
        &self,
        actor: &Actor,
        id: Uuid,
        if_match: Option<i64>,
    ) -> Result<Versioned<Disclosure>> {
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "disclosure.publish",
            |d: &mut Disclosure| {
                if require_discloser(actor, &d.content)? != d.discloser_id {
                    return Err(CatalogError::Forbidden("只能发布本机构的信息披露".into()));
                }
                d.publish(Utc::now())
            },
        )
        .await
    }

    /// Published disclosures, for everyone.
    pub async fn public_disclosures(&self, filter: RecordFilter) -> Result<Vec<Disclosure>> {
        let filter = RecordFilter {
            public_only: true,
            ..filter
        };
        self.store
            .list(Table::Disclosures, &filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect()
    }

    /// One disclosure: published ones for everyone, drafts for their discloser.
    pub async fn disclosure_as(
        &self,
        actor: Option<&Actor>,
        id: Uuid,
    ) -> Result<Versioned<Disclosure>> {
        let d: Versioned<Disclosure> = entity::read(self.store(), id).await?;
        let own = actor.is_some_and(|a| a.org_id == Some(d.value.discloser_id));
        if d.value.status == crate::domain::disclosure::DisclosureStatus::Published || own {
            Ok(d)
        } else {
            Err(CatalogError::not_found("disclosure", id.to_string()))
        }
    }

    /// The discloser's own statements in every state.
    pub async fn own_disclosures(&self, actor: &Actor) -> Result<Vec<Disclosure>> {
        let filter = RecordFilter {
            owner_id: Some(actor.org_id.unwrap_or_default().to_string()),
            ..RecordFilter::default()
        };
        self.store
            .list(Table::Disclosures, &filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect()
    }

    /// Who owes a statement for `year` and where each stands (N 18–19): the implementing body
    /// and the operator of every authorization signed and in force at some point of that year.
    pub async fn disclosure_obligations(
        &self,
        year: i32,
        today: NaiveDate,
    ) -> Result<Vec<DisclosureObligation>> {
        if !(2000..=9999).contains(&year) {
            return Err(CatalogError::invalid("year", "年度应在 2000 至 9999 之间"));
        }
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Err(CatalogError::invalid("year", "年度无效"));
        };
        let mut owed: BTreeMap<(Uuid, DiscloserRole), Vec<Uuid>> = BTreeMap::new();
        for a in self.authorizations(&RecordFilter::default()).await? {
            let in_force = matches!(
                a.status,
                AuthorizationStatus::Signed
                    | AuthorizationStatus::Active
                    | AuthorizationStatus::Expired
                    | AuthorizationStatus::Terminated
            ) && a.signed_on.is_some_and(|s| s <= last)
                && a.plan.term_start <= last
                && a.plan.term_end >= first;
            if !in_force {
                continue;
            }
            owed.entry((a.plan.implementing_body_id, DiscloserRole::ImplementingBody))
                .or_default()
                .push(a.id);
            if let Some(operator) = a.operator_id {
                owed.entry((operator, DiscloserRole::Operator))
                    .or_default()
                    .push(a.id);
            }
        }
        let statements: Vec<Disclosure> = self
            .store
            .list(Table::Disclosures, &RecordFilter::default())
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect::<Result<_>>()?;
        let mut obligations = Vec::with_capacity(owed.len());
        for ((discloser, role), authorizations) in owed {
            let due_day = self.disclosure_due_of(discloser).await?;
            obligations.extend(DisclosureObligation::assess(
                discloser,
                role,
                (year, due_day),
                authorizations,
                &statements,
                today,
            ));
        }
        Ok(obligations)
    }

    /// The day of the next year a discloser's annual statements are due: its region's policy.
    async fn disclosure_due_of(&self, discloser: Uuid) -> Result<MonthDay> {
        let org = self.organization(discloser).await?.value;
        Ok(self.policy.for_region(&org.region).annual_disclosure_due)
    }
}
