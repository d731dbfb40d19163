//! Registrations coded per month, over the public registrations: the portal's chart. Worked out
//! again only after a write (the audit chain's head tells), not on every home page view.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Datelike;

use super::Catalog;
use super::head_cache::HeadCache;
use crate::error::Result;
use crate::store::RecordFilter;

/// Coded registrations by (year, month) of coding.
pub(super) type CodedByMonthCache = HeadCache<(), BTreeMap<(i32, u32), usize>>;

impl Catalog {
    /// How many public registrations were coded in each month (year, month), those ended since
    /// included: each was a result when it was issued.
    pub async fn coded_by_month(&self) -> Result<Arc<BTreeMap<(i32, u32), usize>>> {
        let head = self.store.audit_head().await?;
        self.coded_by_month
            .get_or_build(head, (), || async {
                let filter = RecordFilter {
                    public_only: true,
                    ..RecordFilter::default()
                };
                let mut counts = BTreeMap::new();
                for r in self.registrations(&filter).await? {
                    if let Some(on) = r.coded_on() {
                        *counts.entry((on.year(), on.month())).or_default() += 1;
                    }
                }
                Ok(counts)
            })
            .await
    }
}
