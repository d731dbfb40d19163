//! Where a published resource is used for authorized operation: the directory editions that list
//! it, the authorizations whose scope holds it and the registered products made from it — what
//! its public page shows.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use serde::Serialize;
use uuid::Uuid;

use super::Catalog;
use super::head_cache::HeadCache;
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

/// Where one resource is used: the public authorizations whose scope holds it and the registered
/// products made from it, each list in the order the store gives.
#[derive(Debug, Clone, Default)]
pub struct ResourceUse {
    pub authorizations: Vec<Authorization>,
    pub products: Vec<Product>,
}

/// Every used resource's uses.
type ResourceUses = HashMap<Uuid, ResourceUse>;

pub(super) type ResourceUsesCache = HeadCache<(), ResourceUses>;

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

    /// The public authorizations whose scope holds the resource (announced ones included) and
    /// the registered products made from it.
    pub async fn uses_of_resource(&self, resource_id: Uuid) -> Result<ResourceUse> {
        Ok(self
            .resource_uses()
            .await?
            .get(&resource_id)
            .cloned()
            .unwrap_or_default())
    }

    /// Every resource's public authorizations and registered products, built from one read of
    /// each after a write (a resource page is read far more often than either changes).
    async fn resource_uses(&self) -> Result<Arc<ResourceUses>> {
        let head = self.store.audit_head().await?;
        self.resource_uses
            .get_or_build(head, (), || async {
                let mut uses = ResourceUses::default();
                let public = RecordFilter {
                    public_only: true,
                    ..RecordFilter::default()
                };
                for a in self.authorizations(&public).await? {
                    let a = Authorization::public_view(a);
                    for id in &a.plan.resource_ids {
                        uses.entry(*id).or_default().authorizations.push(a.clone());
                    }
                }
                let registered = RecordFilter {
                    statuses: vec![ProductStatus::Registered.as_str().to_owned()],
                    ..public
                };
                for p in self.products(&registered).await? {
                    for id in &p.details.source_resource_ids {
                        uses.entry(*id).or_default().products.push(p.clone());
                    }
                }
                Ok(uses)
            })
            .await
    }
}
