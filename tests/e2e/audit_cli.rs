//! `mulu audit verify` passes on an honest database and names the first edited event otherwise.

use std::process::Command;

use crate::server::{MULU, Server};

fn verify(data_dir: &std::path::Path) -> (Option<i32>, String) {
    let out = Command::new(MULU)
        .args(["audit", "verify", "--data-dir"])
        .arg(data_dir)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

#[tokio::test]
async fn editing_one_audit_row_by_hand_fails_verification() {
    let dir = tempfile::tempdir().unwrap();
    drop(Server::start_demo(dir.path()));
    let (code, out) = verify(dir.path());
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("审计链完整"), "{out}");

    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("mulu.db").display()
    ))
    .await
    .unwrap();
    sqlx::query("UPDATE audit_events SET actor = 'intruder' WHERE seq = 7")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let (code, out) = verify(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("第 7 号事件"), "{out}");
}
