//! Page views of public entries, counted in memory and added to the database in batches
//! (`Catalog::record_views`): by the job in `jobs::page_views` every minute, and before the home
//! page reads the most viewed. Crawlers (a user agent naming itself a bot, spider or crawler) are
//! not counted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use axum::http::header::USER_AGENT;
use catalog::{Catalog, CatalogError};
use uuid::Uuid;

/// Views counted on this node since the last batch.
#[derive(Clone, Default)]
pub struct ViewCounter {
    pending: Arc<Mutex<HashMap<Uuid, u64>>>,
}

impl ViewCounter {
    /// One view of the public entry `id` by the client that sent `headers`.
    pub fn count(&self, id: Uuid, headers: &HeaderMap) {
        if is_crawler(headers) {
            return;
        }
        *self
            .pending
            .lock()
            .expect("never poisoned")
            .entry(id)
            .or_default() += 1;
    }

    /// Add what was counted to the database. A failed batch is put back for the next one.
    pub async fn flush(&self, catalog: &Catalog) -> Result<(), CatalogError> {
        let batch = std::mem::take(&mut *self.pending.lock().expect("never poisoned"));
        if let Err(e) = catalog.record_views(&batch).await {
            let mut pending = self.pending.lock().expect("never poisoned");
            for (id, n) in batch {
                *pending.entry(id).or_default() += n;
            }
            return Err(e);
        }
        Ok(())
    }
}

fn is_crawler(headers: &HeaderMap) -> bool {
    let Some(agent) = headers.get(USER_AGENT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let agent = agent.to_ascii_lowercase();
    ["bot", "spider", "crawler"]
        .iter()
        .any(|word| agent.contains(word))
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header::USER_AGENT};

    use super::{ViewCounter, is_crawler};

    #[test]
    fn crawlers_are_not_counted() {
        let mut headers = HeaderMap::new();
        assert!(!is_crawler(&headers));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static("Mozilla/5.0 (Windows NT 10.0)"),
        );
        assert!(!is_crawler(&headers));
        headers.insert(USER_AGENT, HeaderValue::from_static("Baiduspider/2.0"));
        assert!(is_crawler(&headers));
        let counter = ViewCounter::default();
        counter.count(uuid::Uuid::nil(), &headers);
        assert!(counter.pending.lock().unwrap().is_empty());
    }
}
