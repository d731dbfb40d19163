//! SQLite commits do not checkpoint; the store's background task does. A reader of the database
//! file alone (ignoring the WAL) sees a commit only after that task has copied it over.

use std::time::Duration;

use catalog::store::{SqliteStore, Store};
use sqlx::Row;

async fn blobs_in_main_file(path: &std::path::Path) -> i64 {
    // `immutable=1` reads the database file as it is on disk: no WAL, no locks.
    let url = format!("sqlite://{}?immutable=1", path.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let n = sqlx::query("SELECT count(*) AS n FROM blobs WHERE key = 'checkpoint-probe'")
        .fetch_one(&pool)
        .await
        .unwrap()
        .get("n");
    pool.close().await;
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commits_reach_the_database_file_through_the_background_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mulu.db");
    let store = SqliteStore::open(&path).await.unwrap();
    // Let the first round checkpoint the migrations.
    tokio::time::sleep(Duration::from_millis(1_200)).await;

    let mut tx = store.begin_write().await.unwrap();
    tx.put_blob("checkpoint-probe", b"bytes").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        blobs_in_main_file(&path).await,
        0,
        "the commit itself must not checkpoint"
    );

    let mut waited = Duration::ZERO;
    while blobs_in_main_file(&path).await == 0 {
        assert!(
            waited < Duration::from_secs(10),
            "no checkpoint within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += Duration::from_millis(100);
    }
}
