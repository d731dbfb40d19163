//! Batch import: the multi-row writes store exactly what one-by-one creation would (rows,
//! version snapshots, one chained audit event per draft), and a bad row leaves nothing behind.
//! A child of `suite`, so it shares its worlds and fixtures.

use catalog::store::Table;
use catalog::{CatalogError, DraftFeed, FeedOutcome};

use super::World;
use crate::fixtures::{Env, content};

pub async fn batch_import_stores_every_row_version_and_audit_event(env: Env) {
    let w = World::new(&env).await; // 3 events
    let c = &env.catalog;
    let before = c
        .create_resource(&w.p(), w.provider.id, content("导入前"))
        .await
        .unwrap();
    // More than one chunk (2,000) and more than one multi-row statement (1,000).
    let n = 2_345;
    let mut contents: Vec<_> = (0..n).map(|i| content(&format!("批量资源{i}"))).collect();
    // Characters a bulk path must escape (PostgreSQL's COPY text format ends fields at tabs and
    // rows at newlines, and reads backslashes as escapes).
    let tricky = "反斜杠\\ 制表\t 换行\n 回车\r 引号\" \\N 结束";
    // Row 7 is in the first chunk of 2,000 (PostgreSQL: COPY), row 2,100 in the last (INSERTs).
    contents[7].summary = tricky.to_string();
    contents[2_100].summary = tricky.to_string();
    let progress = std::sync::Mutex::new(Vec::new());
    let created = c
        .import_drafts(&w.p(), w.provider.id, contents, |k| {
            progress.lock().unwrap().push(k)
        })
        .await
        .unwrap();
    assert_eq!(created.len(), n);
    assert_eq!(*progress.lock().unwrap(), vec![2_000, n]);
    // Codes continue the provider region's sequence without gaps or repeats.
    let first = before.code.sequence();
    for (i, r) in created.iter().enumerate() {
        assert_eq!(
            r.code.sequence(),
            first + 1 + i as u64,
            "{}",
            r.code.as_str()
        );
        assert_eq!(r.content.name, format!("批量资源{i}"));
    }
    let after = c
        .create_resource(&w.p(), w.provider.id, content("导入后"))
        .await
        .unwrap();
    assert_eq!(after.code.sequence(), first + 1 + n as u64);

    assert_eq!(
        c.store().count(Table::Resources).await.unwrap(),
        n as i64 + 2
    );
    let last = &created[n - 1];
    let stored = c.resource(last.id).await.unwrap();
    assert_eq!(stored.row_version, 1);
    assert_eq!(stored.value, *last);
    let versions = c.resource_versions(last.id).await.unwrap();
    assert_eq!(versions, vec![last.clone()]);

    let events = c
        .store()
        .audit_events_of("resource", 0, 10_000)
        .await
        .unwrap();
    assert_eq!(events.len(), n + 2);
    let imported: Vec<_> = events
        .iter()
        .filter(|e| e.action == "resource.import")
        .collect();
    assert_eq!(imported.len(), n);
    assert_eq!(imported[7].entity_id, created[7].id.to_string());
    assert_eq!(
        imported[7].after.as_ref().unwrap()["content"]["name"],
        "批量资源7"
    );
    assert_eq!(imported[7].actor, format!("provider:{}", w.provider.id));
    assert_eq!(
        imported[7].after.as_ref().unwrap()["content"]["summary"],
        tricky
    );
    assert_eq!(
        c.resource(created[7].id)
            .await
            .unwrap()
            .value
            .content
            .summary,
        tricky
    );
    assert_eq!(
        c.resource_versions(created[7].id).await.unwrap()[0]
            .content
            .summary,
        tricky
    );
    let report = catalog::audit_log::verify_store(c.store()).await.unwrap();
    assert_eq!(
        (report.events, report.first_break),
        (3 + n as i64 + 2, None)
    );
}

pub async fn batch_import_is_all_or_nothing(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let head = c.store().audit_head().await.unwrap();
    let mut contents: Vec<_> = (0..2_100).map(|i| content(&format!("资源{i}"))).collect();
    contents[2_050].name = String::new();
    match c
        .import_drafts(&w.p(), w.provider.id, contents, |_| {})
        .await
    {
        Err(CatalogError::Invalid { field, .. }) => assert_eq!(field, "[2050].content.name"),
        other => panic!("expected an invalid row, got {:?}", other.map(|r| r.len())),
    }
    assert_eq!(c.store().count(Table::Resources).await.unwrap(), 0);
    assert_eq!(c.store().audit_head().await.unwrap(), head);
    // Nor were codes consumed: the next draft gets the first code.
    let r = c
        .create_resource(&w.p(), w.provider.id, content("之后"))
        .await
        .unwrap();
    assert_eq!(r.code.sequence(), 1, "{}", r.code.as_str());

    // Only the provider itself imports for itself.
    let e = c
        .import_drafts(&w.a(), w.provider.id, vec![content("越权")], |_| {})
        .await
        .unwrap_err();
    assert!(matches!(e, CatalogError::Forbidden(_)), "{e:?}");
}

/// A feed of several messages: the drafts are written as the rows arrive (the writer reports
/// progress before the feed ends); a feed that ends without `Commit` leaves nothing, not even a
/// consumed code, and one that commits continues the sequence.
pub async fn fed_import_writes_while_rows_arrive_and_rolls_back_without_commit(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let head = c.store().audit_head().await.unwrap();
    let batch = |from: usize| -> Vec<_> {
        (from..from + 1_500)
            .map(|i| content(&format!("流式资源{i}")))
            .collect()
    };

    // Abandoned after two batches: the second is written before the feed ends.
    let (feed, fed) = tokio::sync::mpsc::channel(1);
    let written = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = written.clone();
    let sender = tokio::spawn(async move {
        feed.send(DraftFeed::Rows(batch(0))).await.unwrap();
        feed.send(DraftFeed::Rows(batch(1_500))).await.unwrap();
        // Wait until the writer has stored rows inside its transaction, then hang up.
        while seen.load(std::sync::atomic::Ordering::SeqCst) < 1_500 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    });
    let outcome = c
        .import_draft_feed(&w.p(), w.provider.id, fed, |n| {
            written.store(n, std::sync::atomic::Ordering::SeqCst)
        })
        .await
        .unwrap();
    sender.await.unwrap();
    assert_eq!(outcome, FeedOutcome::Abandoned);
    assert!(written.load(std::sync::atomic::Ordering::SeqCst) >= 1_500);
    assert_eq!(c.store().count(Table::Resources).await.unwrap(), 0);
    assert_eq!(c.store().audit_head().await.unwrap(), head);

    // Committed: three messages, codes 1..=3000 in row order, then the next draft's is 3001.
    let (feed, fed) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        feed.send(DraftFeed::Rows(batch(0))).await.unwrap();
        feed.send(DraftFeed::Rows(batch(1_500))).await.unwrap();
        feed.send(DraftFeed::Commit).await.unwrap();
    });
    let FeedOutcome::Committed(codes) = c
        .import_draft_feed(&w.p(), w.provider.id, fed, |_| {})
        .await
        .unwrap()
    else {
        panic!("the feed committed");
    };
    let numbers: Vec<u64> = codes.iter().map(|c| c.sequence()).collect();
    assert_eq!(numbers, (1..=3_000).collect::<Vec<_>>());
    assert_eq!(c.store().count(Table::Resources).await.unwrap(), 3_000);
    let next = c
        .create_resource(&w.p(), w.provider.id, content("之后"))
        .await
        .unwrap();
    assert_eq!(next.code.sequence(), 3_001);
    let report = catalog::audit_log::verify_store(c.store()).await.unwrap();
    assert_eq!(report.first_break, None);

    // Only the provider itself feeds its directory.
    let (_feed, fed) = tokio::sync::mpsc::channel(1);
    let e = c
        .import_draft_feed(&w.a(), w.provider.id, fed, |_| {})
        .await
        .unwrap_err();
    assert!(matches!(e, CatalogError::Forbidden(_)), "{e:?}");
}
