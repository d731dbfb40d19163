//! PostgreSQL, for larger and multi-node deployments. Write transactions take one transaction-scoped
//! advisory lock so the audit chain keeps a single total order across every node.

mod copy;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

use self::copy::{insert_audits, insert_many, put_versions};
use crate::store::Backend;

/// Arbitrary constant naming Mulu's write lock (`pg_advisory_xact_lock`).
const WRITE_LOCK_KEY: i64 = 0x6d75_6c75; // "mulu"

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> Result<Self> {
        let options: PgConnectOptions = url.parse()?;
        Self::connect_with(options).await
    }

    /// Connect with explicit options (tests use this to pin a `search_path` schema).
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PostgresStore { pool })
    }

    async fn begin_serialized(&self) -> Result<sqlx::Transaction<'static, Postgres>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK_KEY)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

crate::store::queries::shared_queries!(Postgres, PostgresStore, Backend::Postgres);
