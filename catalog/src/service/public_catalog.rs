//! The public catalog as one list for exports and harvesting APIs (DCAT-AP, CKAN): published
//! resources (their published version) and registered products, paged with a filtered total.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::PublicProduct;
use super::entity::from_record;
use super::{Catalog, PublicResource};
use crate::domain::ResourceCode;
use crate::domain::product::Product;
use crate::domain::resource::Resource;
use crate::error::{CatalogError, Result};
use crate::store::{PublicPage, Record, Table};
use chrono::NaiveDate;

/// What a public catalog entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicKind {
    Resource,
    Product,
}

impl PublicKind {
    fn table(self) -> Table {
        match self {
            PublicKind::Resource => Table::Resources,
            PublicKind::Product => Table::Products,
        }
    }
}

/// One public entry with the row's times: `modified` is when the entry last changed (the value
/// `modified_since` filters on), `created` when it was first recorded.
#[derive(Debug, Clone)]
pub struct PublicEntry {
    pub item: PublicItem,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub enum PublicItem {
    Resource(PublicResource),
    Product(PublicProduct),
}

impl PublicEntry {
    pub fn id(&self) -> Uuid {
        match &self.item {
            PublicItem::Resource(r) => r.id,
            PublicItem::Product(p) => p.product.id,
        }
    }

    /// The organization that publishes the entry (provider or operator).
    pub fn owner(&self) -> Uuid {
        match &self.item {
            PublicItem::Resource(r) => r.provider_id,
            PublicItem::Product(p) => p.product.operator_id,
        }
    }
}

/// A page of the public catalog: the total of the filtered set and this page's entries.
#[derive(Debug, Clone)]
pub struct PublicCatalogPage {
    pub total: i64,
    pub entries: Vec<PublicEntry>,
}

impl Catalog {
    /// Public entries of `kinds` (both when empty) matching `page`'s filters; its `tables` are
    /// replaced by the kinds' tables, so nothing non-public can be asked for.
    pub async fn public_catalog(
        &self,
        kinds: &[PublicKind],
        page: PublicPage,
        today: NaiveDate,
    ) -> Result<PublicCatalogPage> {
        let kinds = if kinds.is_empty() {
            &[PublicKind::Resource, PublicKind::Product][..]
        } else {
            kinds
        };
        let page = PublicPage {
            tables: kinds.iter().map(|k| k.table()).collect(),
            ..page
        };
        let (total, rows) = self.store.public_page(&page).await?;
        let mut entries: Vec<Option<PublicEntry>> = Vec::with_capacity(rows.len());
        let mut products = Vec::new();
        let mut slots = Vec::new();
        for (table, record) in rows {
            if table == Table::Resources {
                entries.push(Some(self.public_entry(table, record, today).await?));
            } else {
                slots.push((entries.len(), record.created_at, record.updated_at));
                products.push(from_record::<Product>(record)?.value);
                entries.push(None);
            }
        }
        // Products are paired with their registrations in one pass for the whole page.
        let paired = self.with_registrations(products, today).await?;
        for ((slot, created, modified), product) in slots.into_iter().zip(paired) {
            entries[slot] = Some(PublicEntry {
                item: PublicItem::Product(product),
                created,
                modified,
            });
        }
        Ok(PublicCatalogPage {
            total,
            entries: entries.into_iter().flatten().collect(),
        })
    }

    /// One public entry by id, resource or product; `NotFound` for anything not public.
    pub async fn public_catalog_entry(&self, id: Uuid, today: NaiveDate) -> Result<PublicEntry> {
        for table in [Table::Resources, Table::Products] {
            if let Some(record) = self.store.get(table, &id.to_string()).await?
                && record.public
            {
                return self.public_entry(table, record, today).await;
            }
        }
        Err(CatalogError::not_found("dataset", id.to_string()))
    }

    /// A public resource by its code (CKAN addresses packages by name).
    pub async fn public_catalog_entry_by_code(&self, code: &ResourceCode) -> Result<PublicEntry> {
        match self
            .store
            .get_by_key(Table::Resources, code.as_str())
            .await?
        {
            // Resources only: `today` matters to products.
            Some(record) if record.public => {
                self.public_entry(Table::Resources, record, NaiveDate::MIN)
                    .await
            }
            _ => Err(CatalogError::not_found("dataset", code.as_str())),
        }
    }

    async fn public_entry(
        &self,
        table: Table,
        record: Record,
        today: NaiveDate,
    ) -> Result<PublicEntry> {
        let (created, modified) = (record.created_at, record.updated_at);
        let item = match table {
            Table::Resources => {
                let current = from_record::<Resource>(record)?.value;
                PublicItem::Resource(self.public_view(current).await?)
            }
            _ => {
                let product = from_record::<Product>(record)?.value;
                let mut paired = self.with_registrations(vec![product], today).await?;
                PublicItem::Product(paired.remove(0))
            }
        };
        Ok(PublicEntry {
            item,
            created,
            modified,
        })
    }
}
