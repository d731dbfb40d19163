//! Registrations coded per month, over the public registrations: the portal's chart. Worked out
//! again only after a write (the audit chain's head tells), not on every home page view.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use chrono::Datelike;

use super::Catalog;
use crate::error::Result;
use crate::store::RecordFilter;

/// Coded registrations by (year, month) of coding, as of one audit head.
#[derive(Debug, Default)]
pub(super) struct CodedByMonth {
    head: Option<i64>,
    counts: Arc<BTreeMap<(i32, u32), usize>>,
}

pub(super) type CodedByMonthCache = RwLock<CodedByMonth>;

impl Catalog {
    /// How many public registrations were coded in each month (year, month), those ended since
    /// included: each was a result when it was issued.
    pub async fn coded_by_month(&self) -> Result<Arc<BTreeMap<(i32, u32), usize>>> {
        let head = self.store.audit_head().await?;
        {
            let cached = self.coded_by_month.read().expect("never poisoned");
            if cached.head == Some(head) {
                return Ok(cached.counts.clone());
            }
        }
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
        let counts = Arc::new(counts);
        *self.coded_by_month.write().expect("never poisoned") = CodedByMonth {
            head: Some(head),
            counts: counts.clone(),
        };
        Ok(counts)
    }
}
