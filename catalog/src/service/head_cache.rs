//! Views derived from many rows (the portal's monthly chart, who uses a resource, each product's
//! latest registration result) are worked out again only after a write, not on every page view.
//! The audit chain's head tells: every write appends an event in its own transaction, on whichever
//! node made it, so an unchanged head means unchanged rows.

use std::future::Future;
use std::sync::{Arc, RwLock};

use crate::error::Result;

/// One derived value, as of one audit head and one key (e.g. the day public views are taken on).
pub(super) struct HeadCache<K, T> {
    slot: RwLock<Option<(i64, K, Arc<T>)>>,
}

impl<K, T> Default for HeadCache<K, T> {
    fn default() -> Self {
        HeadCache {
            slot: RwLock::new(None),
        }
    }
}

impl<K: PartialEq, T> HeadCache<K, T> {
    /// The value for (`head`, `key`), built by `build` when the cached one is older. `head` must be
    /// read before `build` reads the rows: a write in between then only makes the value look
    /// older than it is (built again next time), never newer.
    pub async fn get_or_build<F, Fut>(&self, head: i64, key: K, build: F) -> Result<Arc<T>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        if let Some((cached_head, cached_key, value)) = &*self.slot.read().expect("never poisoned")
            && *cached_head == head
            && *cached_key == key
        {
            return Ok(value.clone());
        }
        let value = Arc::new(build().await?);
        *self.slot.write().expect("never poisoned") = Some((head, key, value.clone()));
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::HeadCache;

    #[tokio::test]
    async fn builds_again_only_when_the_head_or_key_moves() {
        let cache: HeadCache<u32, usize> = HeadCache::default();
        let builds = std::sync::atomic::AtomicUsize::new(0);
        let build = || async { Ok(builds.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1) };
        assert_eq!(*cache.get_or_build(7, 1, build).await.unwrap(), 1);
        assert_eq!(
            *cache.get_or_build(7, 1, build).await.unwrap(),
            1,
            "same head"
        );
        assert_eq!(
            *cache.get_or_build(8, 1, build).await.unwrap(),
            2,
            "a write"
        );
        assert_eq!(
            *cache.get_or_build(8, 2, build).await.unwrap(),
            3,
            "another day"
        );
    }
}
