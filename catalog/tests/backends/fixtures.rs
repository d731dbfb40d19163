//! Fresh catalogs per test: a temporary SQLite file, or a fresh PostgreSQL schema.

use std::sync::Arc;

use catalog::domain::organization::{NewOrganization, OrgKind, Organization};
use catalog::domain::resource::{Resource, ResourceContent};
use catalog::domain::{Grade, GradeLevel, OpenType, RegionCode, ShareType, UpdateFrequency, Uscc};
use catalog::store::{PostgresStore, SqliteStore, Store};
use catalog::{Actor, Catalog, Role};
use sqlx::postgres::PgConnectOptions;

pub enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

pub struct Env {
    pub catalog: Catalog,
    pub raw: Raw,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mulu.db");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await.unwrap());
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    Env {
        catalog: Catalog::with_builtin_config(store),
        raw: Raw::Sqlite(raw),
        _dir: Some(dir),
    }
}

pub async fn postgres() -> Option<Env> {
    let Ok(url) = std::env::var("MULU_TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the PostgreSQL half of the suite: set MULU_TEST_DATABASE_URL"
        );
        eprintln!("MULU_TEST_DATABASE_URL not set: skipping the PostgreSQL instance of this test");
        return None;
    };
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let options: PgConnectOptions = url
        .parse::<PgConnectOptions>()
        .unwrap()
        .options([("search_path", schema.as_str())]);
    let store: Arc<dyn Store> =
        Arc::new(PostgresStore::connect_with(options.clone()).await.unwrap());
    let raw = sqlx::PgPool::connect_with(options).await.unwrap();
    Some(Env {
        catalog: Catalog::with_builtin_config(store),
        raw: Raw::Postgres(raw),
        _dir: None,
    })
}

impl Env {
    /// Run a statement behind the service's back, as an intruder or a careless admin would.
    pub async fn exec_raw(&self, sql: &str) -> Result<u64, sqlx::Error> {
        match &self.raw {
            Raw::Sqlite(pool) => sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
            Raw::Postgres(pool) => sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
        }
    }

    pub async fn org(&self, name: &str, region: &str, kinds: &[OrgKind]) -> Organization {
        self.catalog
            .register_organization(
                &Actor::system(),
                NewOrganization {
                    uscc: uscc_for(name, region),
                    name: name.to_string(),
                    region: RegionCode::parse(region).unwrap(),
                    kinds: kinds.iter().copied().collect(),
                    contact: None,
                },
            )
            .await
            .unwrap()
    }

    /// A provider's resource taken through review to published.
    pub async fn published(
        &self,
        provider: &Organization,
        admin: &Organization,
        content: ResourceContent,
    ) -> Resource {
        let p = Actor::new(Role::Provider, provider.id);
        let a = Actor::new(Role::DataAdmin, admin.id);
        let r = self
            .catalog
            .create_resource(&p, provider.id, content)
            .await
            .unwrap();
        self.catalog.submit_resource(&p, r.id, None).await.unwrap();
        self.catalog.approve_resource(&a, r.id, None).await.unwrap();
        self.catalog
            .publish_resource(&a, r.id, None)
            .await
            .unwrap()
            .value
    }
}

/// A valid USCC derived from a name, so each test organization gets a distinct one.
pub fn uscc_for(name: &str, region: &str) -> Uscc {
    let digits: u64 = name
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(131).wrapping_add(u64::from(b)))
        % 1_000_000_000;
    let first17 = format!("12{region}{digits:09}");
    let check = Uscc::compute_check_char(&first17).unwrap();
    Uscc::parse(&format!("{first17}{check}")).unwrap()
}

pub fn content(name: &str) -> ResourceContent {
    ResourceContent {
        name: name.to_string(),
        summary: format!("{name}的摘要"),
        tags: vec!["测试".to_string()],
        domain: Some("S".to_string()),
        theme: Some("公共管理".to_string()),
        category_path: vec!["基础信息".to_string(), "法人".to_string()],
        grade: Grade {
            level: GradeLevel::General,
            sub_level: Some(2),
        },
        share_type: ShareType::Unconditional,
        share_condition: None,
        share_method: None,
        open_type: OpenType::Unconditional,
        open_condition: None,
        update_frequency: UpdateFrequency::Monthly,
        formats: vec!["csv".to_string()],
        record_count: Some(1000),
        storage_size: None,
        coverage_time: None,
        coverage_region: None,
        usage_restrictions: Some("不得用于营销".to_string()),
        quality_notes: None,
        release_date: None,
        related_codes: vec![],
        data_items: vec![],
        source_url: None,
    }
}
