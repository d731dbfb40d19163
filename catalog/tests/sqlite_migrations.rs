//! Migration 0009 rebuilds `resources` and `resource_versions` without the `json_valid` check: a
//! database written before it keeps every row, its foreign key and its no-delete triggers.

use std::path::Path;

use catalog::store::SqliteStore;
use sqlx::Row;
use sqlx::migrate::Migrator;

const MIGRATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite");

/// A database at the schema just before migration `version`.
async fn database_before(path: &Path, version: &str) {
    let older = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(MIGRATIONS).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        if name.as_str() < version {
            std::fs::copy(entry.path(), older.path().join(&name)).unwrap();
        }
    }
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    Migrator::new(older.path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    for sql in [
        "INSERT INTO resources VALUES ('r1', '5105000001', 'o1', 'draft', 0, 1, 't0', 't1', '{\"a\":1}')",
        "INSERT INTO resource_versions VALUES ('r1', 1, 'draft', 't1', '{\"a\":1}')",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    pool.close().await;
}

#[tokio::test]
async fn rebuilding_resources_without_the_json_check_keeps_rows_keys_and_triggers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mulu.db");
    database_before(&path, "0009").await;
    // Opening the store applies the remaining migrations.
    let store = SqliteStore::open(&path).await.unwrap();
    drop(store);

    let url = format!("sqlite://{}", path.display());
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            url.parse::<sqlx::sqlite::SqliteConnectOptions>()
                .unwrap()
                .foreign_keys(true),
        )
        .await
        .unwrap();
    let body: String = sqlx::query("SELECT body FROM resources WHERE id = 'r1'")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get("body");
    assert_eq!(body, "{\"a\":1}");
    let versions: i64 = sqlx::query("SELECT count(*) AS n FROM resource_versions")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get("n");
    assert_eq!(versions, 1);
    let schema: Vec<String> = sqlx::query(
        "SELECT sql FROM sqlite_schema WHERE tbl_name IN ('resources', 'resource_versions')",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .filter_map(|r| r.get::<Option<String>, _>("sql"))
    .collect();
    assert!(
        schema.iter().all(|s| !s.contains("json_valid")),
        "{schema:?}"
    );
    assert!(!schema.iter().any(|s| s.contains("_old")), "{schema:?}");
    // As before: resources with its three indexes and trigger, versions with its trigger.
    assert_eq!(schema.len(), 7, "{schema:?}");

    for (sql, why) in [
        ("DELETE FROM resources WHERE id = 'r1'", "rule 6"),
        ("DELETE FROM resource_versions", "rule 6"),
        (
            "INSERT INTO resource_versions VALUES ('missing', 1, 'draft', 't', '{}')",
            "FOREIGN KEY",
        ),
        (
            "INSERT INTO resources VALUES ('r2', '5105000001', 'o1', 'draft', 0, 1, 't', 't', '{}')",
            "UNIQUE",
        ),
    ] {
        let err = sqlx::query(sql).execute(&pool).await.unwrap_err();
        assert!(err.to_string().contains(why), "{sql}: {err}");
    }
}
