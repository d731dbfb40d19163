//! The audit chain and the change feed under concurrent writers.

use catalog::domain::organization::OrgKind;
use catalog::{Actor, CatalogError, Role};

use crate::fixtures::{Env, content};

use super::*;

pub async fn every_write_is_audited_and_tampering_is_detected(env: Env) {
    let w = World::new(&env).await; // 3 events
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("公交线路"))
        .await; // 4 events
    c.publish_edition(&w.a(), w.admin.id, lines(&[r.id]))
        .await
        .unwrap(); // 1 event
    let _ = c.approve_resource(&w.a(), r.id, None).await; // refused: no event
    let events = c.store().audit_events(0, 100).await.unwrap();
    assert_eq!(events.len(), 8);
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        &actions[3..],
        [
            "resource.create",
            "resource.submit",
            "resource.approve",
            "resource.publish",
            "directory.publish_edition"
        ]
    );
    let approve = &events[5];
    assert_eq!(approve.actor, format!("data_admin:{}", w.admin.id));
    assert_eq!(approve.before.as_ref().unwrap()["status"], "submitted");
    assert_eq!(approve.after.as_ref().unwrap()["status"], "approved");

    let report = catalog::audit_log::verify_store(c.store()).await.unwrap();
    assert_eq!((report.events, report.first_break), (8, None));

    env.exec_raw("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 5")
        .await
        .unwrap();
    let report = catalog::audit_log::verify_store(c.store()).await.unwrap();
    let broken = report.first_break.expect("the edit is detected");
    assert_eq!(broken.seq, 5);
    assert_eq!(
        report.events, 4,
        "events before the edited one still verify"
    );
}

pub async fn concurrent_writers_keep_one_audit_chain(env: Env) {
    let w = World::new(&env).await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let c = env.catalog.clone();
        let p = w.p();
        let provider = w.provider.id;
        tasks.push(tokio::spawn(async move {
            let r = c
                .create_resource(&p, provider, content(&format!("并发资源{i}")))
                .await
                .unwrap();
            c.submit_resource(&p, r.id, None).await.unwrap();
            r.code
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 16, "every concurrent writer got its own code");
    let report = catalog::audit_log::verify_store(env.catalog.store())
        .await
        .unwrap();
    assert_eq!(report.first_break, None);
    assert_eq!(report.events, 3 + 32);
}

/// Four registrations run to a code and a cancellation concurrently while an exchange pages the
/// feed two items at a time: it sees each of the eight changes exactly once, in sequence order.
pub async fn feed_sees_every_change_once_under_concurrent_writers(env: Env) {
    let w = World::new(&env).await;
    let registrar_org = env.org("登记中心", "510000", &[OrgKind::Registrar]).await;
    let reg = Actor::new(Role::Registrar, registrar_org.id);
    let mut products = Vec::new();
    for _ in 0..4 {
        products.push(reviewed_product(&env, &w).await.1);
    }
    let c = env.catalog.clone();
    let consumer = {
        let c = c.clone();
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut after = 0;
            while seen.len() < 8 {
                let page = c.registration_feed(after, 2, None).await.unwrap();
                assert!(page.next >= after);
                after = page.next;
                seen.extend(
                    page.items
                        .into_iter()
                        .map(|i| (i.seq, i.registration.id, i.action)),
                );
                tokio::task::yield_now().await;
            }
            (seen, after)
        })
    };
    let writers: Vec<_> = products
        .into_iter()
        .map(|product_id| {
            let (c, reg, operator) = (c.clone(), reg.clone(), w.o());
            tokio::spawn(async move {
                let r = c
                    .submit_registration(&operator, application(product_id), d("2026-09-21"))
                    .await
                    .unwrap();
                c.accept_registration(&reg, r.id, d("2026-09-22"), None)
                    .await
                    .unwrap();
                c.publicize_registration(&reg, r.id, d("2026-09-29"), None)
                    .await
                    .unwrap();
                c.issue_query_code(&reg, r.id, None, d("2026-10-20"), None)
                    .await
                    .unwrap();
                c.cancel_registration(&reg, r.id, "运营机构申请注销", d("2026-11-02"), None)
                    .await
                    .unwrap();
                r.id
            })
        })
        .collect();
    let mut ids = Vec::new();
    for writer in writers {
        ids.push(writer.await.unwrap());
    }
    let (seen, after) = tokio::time::timeout(std::time::Duration::from_secs(60), consumer)
        .await
        .expect("the consumer sees all eight changes")
        .unwrap();
    assert_eq!(seen.len(), 8, "{seen:?}");
    assert!(
        seen.windows(2).all(|p| p[0].0 < p[1].0),
        "in sequence order"
    );
    for id in &ids {
        let actions: Vec<&str> = seen
            .iter()
            .filter(|(_, r, _)| r == id)
            .map(|(_, _, a)| a.as_str())
            .collect();
        assert_eq!(
            actions,
            vec!["registration.issue_code", "registration.cancel"]
        );
    }
    let rest = c.registration_feed(after, 10, None).await.unwrap();
    assert!(
        rest.items.is_empty(),
        "nothing seen twice: {:?}",
        rest.items
    );
}

/// 32 writers on one entry: with If-Match exactly one of a stale round wins and the rest are
/// conflicts (never a lock error); retrying on conflict, no update is lost.
pub async fn thirty_two_writers_lose_no_update(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = c
        .create_resource(&w.p(), w.provider.id, content("并发编辑"))
        .await
        .unwrap();
    let start = c.resource(r.id).await.unwrap();
    let stale_round = (0..32).map(|i| {
        let (c, p, mut content) = (c.clone(), w.p(), start.value.content.clone());
        content.tags = vec![format!("stale{i}")];
        async move {
            c.update_resource(&p, r.id, content, Some(start.row_version))
                .await
        }
    });
    let results = futures_util::future::join_all(stale_round.map(tokio::spawn)).await;
    let (mut won, mut conflicts) = (0, 0);
    for result in results {
        match result.unwrap() {
            Ok(_) => won += 1,
            Err(CatalogError::Conflict(_)) => conflicts += 1,
            Err(e) => panic!("a stale writer must get a conflict, not {e:?}"),
        }
    }
    assert_eq!((won, conflicts), (1, 31));

    let retrying = (0..32).map(|i| {
        let (c, p) = (c.clone(), w.p());
        async move {
            loop {
                let current = c.resource(r.id).await.unwrap();
                let mut content = current.value.content.clone();
                content.tags.push(format!("t{i}"));
                match c
                    .update_resource(&p, r.id, content, Some(current.row_version))
                    .await
                {
                    Ok(_) => return,
                    Err(CatalogError::Conflict(_)) => tokio::task::yield_now().await,
                    Err(e) => panic!("writer {i}: {e:?}"),
                }
            }
        }
    });
    for t in futures_util::future::join_all(retrying.map(tokio::spawn)).await {
        t.unwrap();
    }
    let tags = c.resource(r.id).await.unwrap().value.content.tags;
    for i in 0..32 {
        assert!(
            tags.contains(&format!("t{i}")),
            "update {i} was lost: {tags:?}"
        );
    }
    let report = catalog::audit_log::verify_store(c.store()).await.unwrap();
    assert_eq!(report.first_break, None);
}
