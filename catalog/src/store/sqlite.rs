//! The embedded default: SQLite in WAL mode; every write transaction starts with `BEGIN IMMEDIATE`
//! so writers queue on the database lock (with a busy timeout) instead of failing mid-transaction.
//! Commits do not checkpoint: a background task copies the WAL into the database file, so a
//! writer's commit never pays for copying everything committed before it (SQLite's own advice
//! for applications that care about commit latency).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};

use crate::store::Backend;

/// Pages of new databases. A bulk import is one large transaction, and SQLite looks up every page
/// it spills to the WAL in the WAL's hash tables, which grow with the transaction: the cost is
/// quadratic in the number of frames. Larger pages mean fewer frames: writing a million entries
/// took 124 s at 4 KiB, 78 s at 16 KiB, 48 s at 64 KiB. But every small transaction writes whole
/// pages too: the demo load's 2,300 small transactions took 4–6 s at 4 KiB, ~5 s at 16 KiB and
/// 7–10 s at 64 KiB. 16 KiB is the balance for a service whose daily writes are small
/// (BENCHMARKS.md, session 11). An existing database keeps the page size it was created with.
const PAGE_SIZE: u32 = 16_384;
/// Page cache per connection, in KiB (SQLite's convention for negative `cache_size`): 2,048 pages.
const CACHE_KIB: i64 = 32 * 1024;

/// How often the background task checkpoints the WAL.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

pub struct SqliteStore {
    pool: SqlitePool,
    checkpointer: tokio::task::JoinHandle<()>,
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.checkpointer.abort();
    }
}

impl SqliteStore {
    /// Open (creating if needed) the database file and apply migrations.
    pub async fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                CatalogError::Storage(format!("无法创建数据目录 {}：{e}", dir.display()))
            })?;
        }
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .create_if_missing(true)
            .page_size(PAGE_SIZE)
            .pragma("cache_size", (-CACHE_KIB).to_string())
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            .pragma("wal_autocheckpoint", "0");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        let checkpointer = tokio::spawn(checkpoint_periodically(pool.clone()));
        Ok(SqliteStore { pool, checkpointer })
    }

    async fn begin_serialized(&self) -> Result<sqlx::Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

/// PASSIVE checkpoints never wait for readers or writers; what they cannot copy yet is copied by
/// a later round, and the last connection to close checkpoints whatever is left.
async fn checkpoint_periodically(pool: SqlitePool) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %e, "WAL checkpoint failed; retrying next round");
        }
    }
}

crate::store::queries::shared_queries!(Sqlite, SqliteStore, Backend::Sqlite);

// Bulk writes: multi-row INSERTs, one statement per thousand rows.
use self::{
    insert_audits_values as insert_audits, insert_many_values as insert_many,
    put_versions_values as put_versions,
};
