//! Where a published resource is used for authorized operation: the directory editions that list
//! it, the authorizations whose scope holds it and the registered products made from it — what
//! its public page shows.

use std::collections::HashMap;
use std::sync::RwLock;

use serde::Serialize;
use uuid::Uuid;

use super::Catalog;
use crate::domain::ResourceCode;
use crate::domain::authorization::Authorization;
use crate::domain::product::{Product, ProductStatus};
use crate::error::Result;
use crate::store::{RecordFilter, Table};

/// One published edition of the operation directory, by number and title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EditionRef {
    pub number: u32,
    pub title: String,
}

/// Editions are frozen once published, so which editions list a code is worked out once per new
/// edition (the number of editions tells a stale map), not on every page view.
#[derive(Debug, Default)]
pub(super) struct EditionsByCode {
    editions: i64,
    by_code: HashMap<String, Vec<EditionRef>>,
}

pub(super) type EditionsCache = RwLock<EditionsByCode>;

impl Catalog {
    /// The published editions that list `code`, oldest first.
    pub async fn editions_listing(&self, code: &ResourceCode) -> Result<Vec<EditionRef>> {
        let count = self.store.count(Table::Editions).await?;
        {
            let cached = self.editions_by_code.read().expect("never poisoned");
            if cached.editions == count {
                return Ok(cached
                    .by_code
                    .get(code.as_str())
                    .cloned()
                    .unwrap_or_default());
            }
        }
        let editions = self.editions().await?;
        let mut by_code: HashMap<String, Vec<EditionRef>> = HashMap::new();
        for e in &editions {
            for line in &e.lines {
                by_code
                    .entry(line.code.as_str().to_owned())
                    .or_default()
                    .push(EditionRef {
                        number: e.number,
                        title: e.title.clone(),
                    });
            }
        }
        let found = by_code.get(code.as_str()).cloned().unwrap_or_default();
        *self.editions_by_code.write().expect("never poisoned") = EditionsByCode {
            editions: editions.len() as i64,
            by_code,
        };
        Ok(found)
    }

    /// Public authorizations whose scope holds the resource (announced ones included).
    pub async fn authorizations_using(&self, resource_id: Uuid) -> Result<Vec<Authorization>> {
        let filter = RecordFilter {
            public_only: true,
            ..RecordFilter::default()
        };
        Ok(self
            .authorizations(&filter)
            .await?
            .into_iter()
            .filter(|a| a.plan.resource_ids.contains(&resource_id))
            .map(Authorization::public_view)
            .collect())
    }

    /// Registered products made from the resource.
    pub async fn products_using(&self, resource_id: Uuid) -> Result<Vec<Product>> {
        let filter = RecordFilter {
            public_only: true,
            statuses: vec![ProductStatus::Registered.as_str().to_owned()],
            ..RecordFilter::default()
        };
        Ok(self
            .products(&filter)
            .await?
            .into_iter()
            .filter(|p| p.details.source_resource_ids.contains(&resource_id))
            .collect())
    }
}
