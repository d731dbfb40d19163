//! Keeping the negative list: add, lift, reinstate; and the active entries rule 1 checks against.

use chrono::Utc;
use uuid::Uuid;

use super::entity::{self, from_record};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::negative_list::{NegativeListEntry, NewNegativeListEntry};
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
        let entry = NegativeListEntry::new(details, Utc::now())?;
        let mut tx = self.store.begin_write().await?;
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
    /// Active entries whose next review date is before `today` (the administration's 待办): how
    /// many, and the earliest of those review dates.
    pub async fn negative_reviews_overdue(
        &self,
        actor: &Actor,
        today: chrono::NaiveDate,
    ) -> Result<(usize, Option<chrono::NaiveDate>)> {
        actor.require_role(&[Role::DataAdmin, Role::Auditor], "查看负面清单复核")?;
        let filter = RecordFilter {
            statuses: vec![
                crate::domain::negative_list::NegativeStatus::Active
                    .as_str()
                    .to_string(),
            ],
            ..RecordFilter::default()
        };
        let due: Vec<chrono::NaiveDate> = self
            .store
            .list(Table::NegativeList, &filter)
            .await?
            .into_iter()
            .map(|r| from_record::<NegativeListEntry>(r).map(|v| v.value))
            .filter_map(|e| match e {
                Ok(e) if e.is_active() && e.details.next_review_on < today => {
                    Some(Ok(e.details.next_review_on))
                }
                Ok(_) => None,
                Err(err) => Some(Err(err)),
            })
            .collect::<Result<_>>()?;
        Ok((due.len(), due.iter().min().copied()))
    }
}
