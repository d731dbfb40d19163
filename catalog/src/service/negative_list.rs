//! Keeping the negative list: add, lift, reinstate; and the active entries rule 1 checks against.

use chrono::Utc;
use uuid::Uuid;

use super::entity::{self, from_record};
use super::jurisdiction::{bound_region, require_within};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::negative_list::{NegativeListEntry, NegativeStatus, NewNegativeListEntry};
use crate::domain::resource::Resource;
use crate::error::{CatalogError, Result, Rule};
use crate::store::{RecordFilter, Table, WriteTx};

impl Catalog {
    pub async fn add_negative_entry(
        &self,
        actor: &Actor,
        details: NewNegativeListEntry,
    ) -> Result<NegativeListEntry> {
        actor.require_role(&[Role::DataAdmin], "维护负面清单")?;
        let mut tx = self.store.begin_write().await?;
        // Rule 9: an administration keeps its own region's list; the region is its own.
        let region = bound_region(tx.as_mut(), actor).await?;
        let entry = NegativeListEntry::new(details, region, Utc::now())?;
        entity::insert(tx.as_mut(), actor, "negative_list.add", &entry).await?;
        tx.commit().await?;
        Ok(entry)
    }

    pub async fn lift_negative_entry(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
        if_match: Option<i64>,
    ) -> Result<Versioned<NegativeListEntry>> {
        self.negative_transition(actor, id, if_match, "negative_list.lift", |e| {
            e.lift(reason, Utc::now())
        })
        .await
    }

    pub async fn reinstate_negative_entry(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
        if_match: Option<i64>,
    ) -> Result<Versioned<NegativeListEntry>> {
        self.negative_transition(actor, id, if_match, "negative_list.reinstate", |e| {
            e.reinstate(reason, Utc::now())
        })
        .await
    }

    async fn negative_transition(
        &self,
        actor: &Actor,
        id: Uuid,
        if_match: Option<i64>,
        action: &str,
        apply: impl FnOnce(&mut NegativeListEntry) -> Result<()>,
    ) -> Result<Versioned<NegativeListEntry>> {
        actor.require_role(&[Role::DataAdmin], "维护负面清单")?;
        // The entry's region never changes, so reading it before the transition is safe.
        let entry = self.negative_entry(id).await?.value;
        if let Some(bound) = self.jurisdiction_of(actor).await? {
            match &entry.region {
                Some(region) => require_within(Some(&bound), region, "维护负面清单")?,
                None => {
                    return Err(CatalogError::Forbidden(
                        "该条目适用于全部地区，只能由系统维护".to_string(),
                    ));
                }
            }
        }
        entity::transition(self.store(), actor, id, if_match, action, apply).await
    }

    pub async fn negative_entry(&self, id: Uuid) -> Result<Versioned<NegativeListEntry>> {
        entity::read(self.store(), id).await
    }

    /// The list as a reader may see it: `public_only` hides confidential entries.
    pub async fn negative_list(&self, public_only: bool) -> Result<Vec<NegativeListEntry>> {
        let filter = RecordFilter {
            public_only,
            ..RecordFilter::default()
        };
        self.store
            .list(Table::NegativeList, &filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect()
    }
}

/// All active entries, read inside the write transaction that relies on them.
pub(super) async fn active_entries(tx: &mut dyn WriteTx) -> Result<Vec<NegativeListEntry>> {
    let filter = RecordFilter {
        statuses: vec!["active".to_string()],
        ..RecordFilter::default()
    };
    tx.list(Table::NegativeList, &filter)
        .await?
        .into_iter()
        .map(|r| from_record(r).map(|v| v.value))
        .collect()
}

/// Rule 1: refuse when an active entry excludes the resource; `field` points at the reference.
pub(super) fn refuse_if_negative_listed(
    entries: &[NegativeListEntry],
    resource: &Resource,
    field: &str,
) -> Result<()> {
    match entries
        .iter()
        .find(|e| e.excludes(&resource.code, &resource.content))
    {
        Some(entry) => Err(CatalogError::rule(
            Rule::NegativeList,
            field,
            format!(
                "资源“{}”（{}）在负面清单中（{}，条目 {}），不得纳入运营目录或授权范围",
                resource.content.name,
                resource.code,
                serde_json::to_value(entry.details.reason)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                entry.id
            ),
        )),
        None => Ok(()),
    }
}

impl Catalog {
    /// Active entries of the actor's region whose next review date has passed (the
    /// administration's 待办): how many, and the earliest of those review dates.
    pub async fn negative_reviews_overdue(
        &self,
        actor: &Actor,
        today: chrono::NaiveDate,
    ) -> Result<(usize, Option<chrono::NaiveDate>)> {
        actor.require_role(&[Role::DataAdmin, Role::Auditor], "查看负面清单复核")?;
        let bound = self.jurisdiction_of(actor).await?;
        let kept_here = |e: &NegativeListEntry| match (&bound, &e.region) {
            (None, _) => true,
            (Some(bound), Some(region)) => region.is_within(bound),
            (Some(_), None) => false,
        };
        let filter = RecordFilter {
            statuses: vec![NegativeStatus::Active.as_str().to_string()],
            ..RecordFilter::default()
        };
        let mut due = Vec::new();
        for record in self.store.list(Table::NegativeList, &filter).await? {
            let entry = from_record::<NegativeListEntry>(record)?.value;
            if entry.review_overdue(today) && kept_here(&entry) {
                due.push(entry.details.next_review_on);
            }
        }
        Ok((due.len(), due.iter().min().copied()))
    }
}
