//! How often each public entry's page is read: the portal's 最多浏览. Counts are statistics, not
//! records: a node adds what it counted in batches, outside the audit chain (a page view is not a
//! write anyone made), and only public entries are ever shown.

use std::collections::HashMap;

use uuid::Uuid;

use super::{Catalog, PublicResource};
use crate::error::{CatalogError, Result};

impl Catalog {
    /// Add the page views a node counted since it last did.
    pub async fn record_views(&self, counts: &HashMap<Uuid, u64>) -> Result<()> {
        if counts.is_empty() {
            return Ok(());
        }
        let mut batch: Vec<(String, i64)> = counts
            .iter()
            .map(|(id, n)| (id.to_string(), i64::try_from(*n).unwrap_or(i64::MAX)))
            .collect();
        // One order on every node: concurrent batches lock rows alike and never deadlock.
        batch.sort();
        self.store.add_views(&batch).await
    }

    /// The `limit` most viewed entries that are public now, most first, with their views. An
    /// entry withdrawn since it was read is left out (and the next one shown).
    pub async fn most_viewed_resources(&self, limit: usize) -> Result<Vec<(PublicResource, u64)>> {
        // Room for entries no longer public without a second query in the common case.
        let candidates = self.store.most_viewed(limit as i64 * 2 + 10).await?;
        let mut shown = Vec::with_capacity(limit);
        for (id, views) in candidates {
            if shown.len() == limit {
                break;
            }
            let Ok(id) = Uuid::parse_str(&id) else {
                continue;
            };
            match self.public_resource(id).await {
                Ok(resource) => shown.push((resource, u64::try_from(views).unwrap_or(0))),
                Err(CatalogError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(shown)
    }
}
