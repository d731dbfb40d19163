//! Secrets of the deployment (e.g. the key search cursors are signed with): random, created by
//! the first node that asks, the same for every node afterwards. Kept in the blob table, outside
//! the audit trail, and never served.

use super::Catalog;
use crate::error::{CatalogError, Result};

impl Catalog {
    /// The deployment's secret called `name` (32 random bytes), created at the first call.
    pub async fn deployment_secret(&self, name: &str) -> Result<Vec<u8>> {
        let key = format!("deployment-secret:{name}");
        if let Some(secret) = self.store.get_blob(&key).await? {
            return Ok(secret);
        }
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh)
            .map_err(|e| CatalogError::Storage(format!("无法生成随机数：{e}")))?;
        let mut tx = self.store.begin_write().await?;
        // Another node that got here first keeps its secret: an existing key is left as it is.
        tx.put_blob(&key, &fresh).await?;
        tx.commit().await?;
        self.store
            .get_blob(&key)
            .await?
            .ok_or_else(|| CatalogError::Storage(format!("部署密钥 {name} 未能保存")))
    }
}
