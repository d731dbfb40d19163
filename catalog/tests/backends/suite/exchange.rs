//! Exchange interface, samples and registration amendments: the behaviours both backends show.
//! A child of `suite`, so it shares its worlds and fixtures.

use std::time::Duration;

use catalog::domain::amendment::{CancellationGround, CancellationRequest};
use catalog::domain::disclosure::{DisclosureContent, NewDisclosure};
use catalog::domain::listing::{ListingStatus, ListingUpdate, NewListing};
use catalog::domain::organization::OrgKind;
use catalog::domain::registration::{
    NewRegistration, RegistrationStatus, RegistrationSubject, RegistrationType, RevocationReason,
};
use catalog::domain::sample::MediaType;
use catalog::domain::webhook::{
    Attempt, DeliveryStatus, EndpointUpdate, EndpointUrl, NewEndpoint, RetryPolicy, Targets,
};
use catalog::store::RecordFilter;
use catalog::{Actor, CatalogError, DeliveryQuery, Role};
use chrono::Utc;
use uuid::Uuid;

use super::{World, application, code_registration, d, materials, reviewed_product};
use crate::fixtures::Env;

fn registrar(org: &catalog::domain::organization::Organization) -> Actor {
    Actor::new(Role::Registrar, org.id)
}

/// A product registration taken to its query code on 2026-10-20; (registration, product).
async fn coded(env: &Env, w: &World, reg: &Actor) -> (Uuid, Uuid) {
    let (_, product_id, _) = reviewed_product(env, w).await;
    (code_registration(env, w, reg, product_id).await, product_id)
}

fn ground() -> CancellationRequest {
    CancellationRequest {
        ground: CancellationGround::Relinquished,
        detail: "运营机构放弃该产品的运营".to_string(),
    }
}

pub async fn cancellation_applications_complete_within_ten_working_days(env: Env) {
    let w = World::new(&env).await;
    let reg = registrar(&env.org("登记中心", "510000", &[OrgKind::Registrar]).await);
    let other = env
        .org("另一运营公司", "510500", &[OrgKind::Operator])
        .await;
    let c = &env.catalog;
    let (target, _) = coded(&env, &w, &reg).await;

    let foreign = c
        .apply_for_cancellation(
            &Actor::new(Role::Operator, other.id),
            target,
            ground(),
            d("2026-10-30"),
        )
        .await;
    assert!(
        matches!(foreign, Err(CatalogError::Forbidden(_))),
        "{foreign:?}"
    );
    let blank = c
        .apply_for_cancellation(
            &w.o(),
            target,
            CancellationRequest {
                ground: CancellationGround::Other,
                detail: " ".into(),
            },
            d("2026-10-30"),
        )
        .await;
    assert!(
        matches!(blank, Err(CatalogError::Invalid { ref field, .. }) if field == "detail"),
        "{blank:?}"
    );
    let app = c
        .apply_for_cancellation(&w.o(), target, ground(), d("2026-10-30"))
        .await
        .unwrap();
    assert_eq!(
        (app.kind, app.amends, app.status),
        (
            RegistrationType::Cancellation,
            Some(target),
            RegistrationStatus::Submitted
        )
    );
    assert!(
        matches!(
            c.apply_for_cancellation(&w.o(), target, ground(), d("2026-10-30"))
                .await,
            Err(CatalogError::Conflict(_))
        ),
        "one open application per registration"
    );
    // Filing a 注销登记 through the general form is refused: the ground is required.
    let mut plain = application(Uuid::now_v7());
    plain.kind = RegistrationType::Cancellation;
    plain.amends = Some(target);
    assert!(matches!(
        c.submit_registration(&w.o(), plain, d("2026-10-30")).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "kind"
    ));

    // Accepted Monday 11-02: due 10 working days later, Monday 11-16.
    let accepted = c
        .accept_registration(&reg, app.id, d("2026-11-02"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(accepted.completion_due, Some(d("2026-11-16")));
    assert_eq!(
        accepted.next_deadline(),
        Some(("办结注销", d("2026-11-16"))),
        "an accepted cancellation waits for completion, not formal review"
    );
    assert_eq!(accepted.review_due, None, "no formal review");
    assert!(accepted.overdue(d("2026-11-16")).is_empty());
    assert_eq!(accepted.overdue(d("2026-11-17")), vec!["cancellation"]);
    assert!(matches!(
        c.publicize_registration(&reg, app.id, d("2026-11-03"), None)
            .await,
        Err(CatalogError::InvalidTransition(_))
    ));
    assert!(matches!(
        c.issue_query_code(&reg, app.id, None, d("2026-11-03"), None)
            .await,
        Err(CatalogError::InvalidTransition(_))
    ));
    assert!(matches!(
        c.complete_registration_application(&w.o(), app.id, d("2026-11-05"), None)
            .await,
        Err(CatalogError::Forbidden(_))
    ));
    let done = c
        .complete_registration_application(&reg, app.id, d("2026-11-05"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(done.status, RegistrationStatus::Completed);
    let cancelled = c.registration(target).await.unwrap().value;
    assert_eq!(cancelled.status, RegistrationStatus::Cancelled);
    assert!(matches!(
        cancelled.standing(d("2026-11-06")),
        catalog::domain::registration::Standing::Ended { .. }
    ));
    assert!(
        cancelled
            .end_reason
            .as_deref()
            .unwrap()
            .contains("放弃相关权益"),
        "{:?}",
        cancelled.end_reason
    );
    // Exchanges see the cancellation in the feed; the application itself is not a feed item.
    let feed = c.registration_feed(0, 100, None).await.unwrap();
    let actions: Vec<(&str, Uuid)> = feed
        .items
        .iter()
        .map(|i| (i.action.as_str(), i.registration.id))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("registration.issue_code", target),
            ("registration.cancel", target)
        ]
    );
    let report = catalog::audit_log::verify_store(c.store()).await.unwrap();
    assert_eq!(report.first_break, None);
}

pub async fn changes_and_corrections_make_new_versions(env: Env) {
    let w = World::new(&env).await;
    let reg = registrar(&env.org("登记中心", "510000", &[OrgKind::Registrar]).await);
    let c = &env.catalog;
    let (target, product_id) = coded(&env, &w, &reg).await;
    let code = c.registration(target).await.unwrap().value.query_code;

    let mut changed = materials();
    changed.resource_info = "公交刷卡数据，按小时汇总".to_string();
    let change = NewRegistration {
        subject: RegistrationSubject::Product { product_id },
        kind: RegistrationType::Change,
        amends: Some(target),
        materials: changed.clone(),
    };
    // The amended registration must be a coded one of the same subject.
    let wrong_subject = NewRegistration {
        amends: Some(target),
        ..application(reviewed_product(&env, &w).await.1)
    };
    let wrong_subject = NewRegistration {
        kind: RegistrationType::Change,
        ..wrong_subject
    };
    let refused = c
        .submit_registration(&w.o(), wrong_subject, d("2026-11-02"))
        .await;
    assert!(refused.is_err(), "{refused:?}");
    let app = c
        .submit_registration(&w.o(), change.clone(), d("2026-11-02"))
        .await
        .unwrap();
    let chained = NewRegistration {
        amends: Some(app.id),
        ..change.clone()
    };
    assert!(matches!(
        c.submit_registration(&w.o(), chained, d("2026-11-02")).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "amends"
    ));
    c.accept_registration(&reg, app.id, d("2026-11-03"), None)
        .await
        .unwrap();
    // A change is publicized (11-05 … 11-18) before it takes effect.
    assert!(
        c.complete_registration_application(&reg, app.id, d("2026-11-04"), None)
            .await
            .is_err()
    );
    let p = c
        .publicize_registration(&reg, app.id, d("2026-11-04"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(p.publicity_end, Some(d("2026-11-18")));
    assert!(
        c.complete_registration_application(&reg, app.id, d("2026-11-18"), None)
            .await
            .is_err(),
        "not before publicity ends"
    );
    c.complete_registration_application(&reg, app.id, d("2026-11-19"), None)
        .await
        .unwrap();
    let v2 = c.registration(target).await.unwrap().value;
    assert_eq!(v2.status, RegistrationStatus::Coded);
    assert_eq!(v2.version, 2);
    assert_eq!(v2.query_code, code, "the query code stays");
    assert_eq!(v2.materials, changed);
    assert_eq!(v2.versions.len(), 1);
    assert_eq!(
        v2.versions[0].materials,
        materials(),
        "the old text stays readable"
    );
    assert_eq!(v2.versions[0].superseded_by, app.id);

    // A correction needs no publicity: accepted, then completed.
    let mut corrected = changed.clone();
    corrected.legal_source = "授权运营协议（2026）第1号（更正）".to_string();
    let fix = c
        .submit_registration(
            &w.o(),
            NewRegistration {
                kind: RegistrationType::Correction,
                materials: corrected.clone(),
                ..change
            },
            d("2026-11-19"),
        )
        .await
        .unwrap();
    c.accept_registration(&reg, fix.id, d("2026-11-20"), None)
        .await
        .unwrap();
    c.complete_registration_application(&reg, fix.id, d("2026-11-23"), None)
        .await
        .unwrap();
    let v3 = c.registration(target).await.unwrap().value;
    assert_eq!((v3.version, v3.versions.len()), (3, 2));
    assert_eq!(v3.materials, corrected);
    let feed = c.registration_feed(0, 100, None).await.unwrap();
    let seen: Vec<(&str, u32)> = feed
        .items
        .iter()
        .map(|i| (i.action.as_str(), i.registration.version))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("registration.issue_code", 1),
            ("registration.change", 2),
            ("registration.correct", 3)
        ]
    );
}

fn listing(registration_id: Uuid, listing_ref: &str, price_fen: u64) -> NewListing {
    NewListing {
        registration_id,
        listing_ref: listing_ref.to_string(),
        status: ListingStatus::Listed,
        price_fen,
        url: Some("https://dex.example.cn/p/1".to_string()),
    }
}

pub async fn listings_need_coded_registrations_and_stay_with_their_exchange(env: Env) {
    let w = World::new(&env).await;
    let reg = registrar(&env.org("登记中心", "510000", &[OrgKind::Registrar]).await);
    let ex_a = env
        .org("甲数据交易所", "510000", &[OrgKind::Exchange])
        .await;
    let ex_b = env
        .org("乙数据交易所", "510000", &[OrgKind::Exchange])
        .await;
    let (a, b) = (
        Actor::new(Role::Exchange, ex_a.id),
        Actor::new(Role::Exchange, ex_b.id),
    );
    let c = &env.catalog;
    let (target, product_id) = coded(&env, &w, &reg).await;
    let today = d("2026-10-21");

    assert!(matches!(
        c.report_listing(&w.o(), listing(target, "X-1", 100), today)
            .await,
        Err(CatalogError::Forbidden(_))
    ));
    let over = c
        .report_listing(&a, listing(target, "SZ-0001", 90_000), today)
        .await;
    assert!(
        matches!(over, Err(CatalogError::Invalid { ref field, .. }) if field == "price_fen"),
        "above the 80 000 fen ceiling: {over:?}"
    );
    let uncoded = c
        .submit_registration(
            &w.o(),
            application(reviewed_product(&env, &w).await.1),
            today,
        )
        .await
        .unwrap();
    assert!(matches!(
        c.report_listing(&a, listing(uncoded.id, "SZ-0002", 100), today).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "registration_id"
    ));
    let l = c
        .report_listing(&a, listing(target, "SZ-0001", 60_000), today)
        .await
        .unwrap();
    assert_eq!(l.product_id, product_id);
    assert!(matches!(
        c.report_listing(&a, listing(target, "SZ-0001", 60_000), today)
            .await,
        Err(CatalogError::Conflict(_))
    ));
    // Another exchange may list the same product under the same ref, but not edit A's listing.
    c.report_listing(&b, listing(target, "SZ-0001", 70_000), today)
        .await
        .unwrap();
    let update = |status, price_fen| ListingUpdate {
        status,
        price_fen,
        url: None,
    };
    assert!(matches!(
        c.update_listing(&b, l.id, update(ListingStatus::Suspended, 0), today, None)
            .await,
        Err(CatalogError::Forbidden(_))
    ));
    let cut = c
        .update_listing(&a, l.id, update(ListingStatus::Listed, 55_000), today, None)
        .await
        .unwrap()
        .value;
    assert_eq!((cut.price_fen, cut.history.len()), (55_000, 2));
    let on_product = c.product_listings(product_id).await.unwrap();
    assert_eq!(on_product.len(), 2);
    assert_eq!(c.own_listings(&a).await.unwrap().len(), 1);

    // Revoked: the listing can only come off the market, and then it is final.
    c.revoke_registration(
        &reg,
        target,
        RevocationReason::FalseMaterials,
        "存证材料不实",
        d("2026-10-22"),
        None,
    )
    .await
    .unwrap();
    let revoked = c.registration(target).await.unwrap().value;
    assert!(
        matches!(
            revoked.standing(d("2026-10-23")),
            catalog::domain::registration::Standing::Ended { ref reason, .. } if reason.contains("存证材料不实")
        ),
        "{:?}",
        revoked.standing(d("2026-10-23"))
    );
    assert!(matches!(
        c.update_listing(&a, l.id, update(ListingStatus::Listed, 50_000), today, None)
            .await,
        Err(CatalogError::InvalidTransition(_))
    ));
    c.update_listing(
        &a,
        l.id,
        update(ListingStatus::Delisted, 55_000),
        today,
        None,
    )
    .await
    .unwrap();
    assert!(matches!(
        c.update_listing(
            &a,
            l.id,
            update(ListingStatus::Delisted, 55_000),
            today,
            None
        )
        .await,
        Err(CatalogError::InvalidTransition(_))
    ));
}

pub async fn samples_are_limited_hashed_and_public_once_registered(env: Env) {
    let w = World::new(&env).await;
    let reg = registrar(&env.org("登记中心", "510000", &[OrgKind::Registrar]).await);
    let other = env
        .org("另一运营公司", "510500", &[OrgKind::Operator])
        .await;
    let c = &env.catalog;
    let (_, product_id, _) = reviewed_product(&env, &w).await;
    let csv = MediaType::parse("text/csv").unwrap();
    let bytes = "日期,线路,刷卡次数\n2026-09-01,1路,1024\n"
        .repeat(20)
        .into_bytes();

    assert_eq!(c.sample_limit(product_id).await.unwrap(), 1024 * 1024);
    let big = vec![b'x'; 1024 * 1024 + 1];
    let refused = c
        .upload_sample(&w.o(), product_id, csv.clone(), None, &big, None)
        .await;
    assert!(
        matches!(refused, Err(CatalogError::Invalid { ref message, .. }) if message.contains("超过大小上限")),
        "{refused:?}"
    );
    assert!(matches!(
        c.upload_sample(
            &Actor::new(Role::Operator, other.id),
            product_id,
            csv.clone(),
            None,
            &bytes,
            None
        )
        .await,
        Err(CatalogError::Forbidden(_))
    ));
    let p = c
        .upload_sample(
            &w.o(),
            product_id,
            csv,
            Some("样例.csv".into()),
            &bytes,
            None,
        )
        .await
        .unwrap()
        .value;
    let sample = p.sample.clone().unwrap();
    assert_eq!(sample.size, bytes.len() as u64);
    assert_eq!(sample.sha256.len(), 64);
    // Not public before registration; the operator and the reviewing body see it.
    assert!(matches!(
        c.sample(None, product_id).await,
        Err(CatalogError::NotFound { .. })
    ));
    assert_eq!(
        c.sample(Some(&w.o()), product_id).await.unwrap().bytes,
        bytes
    );
    assert_eq!(
        c.sample(Some(&w.a()), product_id).await.unwrap().bytes,
        bytes
    );

    code_registration(&env, &w, &reg, product_id).await;
    let public = c.sample(None, product_id).await.unwrap();
    assert_eq!(public.bytes, bytes);
    assert_eq!(public.sample.content_type.as_str(), "text/csv");
    // The audit trail records the hash, never the bytes; the bytes cannot be deleted.
    let events = c.store().audit_events(0, 10_000).await.unwrap();
    assert!(events.iter().any(|e| e.action == "product.upload_sample"
        && e.after.as_ref().unwrap()["sample"]["sha256"] == sample.sha256.as_str()));
    assert!(env.exec_raw("DELETE FROM blobs").await.is_err());
}

pub async fn webhook_deliveries_are_queued_once_claimed_once_and_retried(env: Env) {
    let w = World::new(&env).await;
    let reg = registrar(&env.org("登记中心", "510000", &[OrgKind::Registrar]).await);
    let ex = env
        .org("甲数据交易所", "510000", &[OrgKind::Exchange])
        .await;
    let ex_b = env
        .org("乙数据交易所", "510000", &[OrgKind::Exchange])
        .await;
    let (a, b) = (
        Actor::new(Role::Exchange, ex.id),
        Actor::new(Role::Exchange, ex_b.id),
    );
    let c = &env.catalog;
    // Changes before the endpoint exists are in the feed, not pushed.
    let (before, _) = coded(&env, &w, &reg).await;
    let secret = "s3cret-0123456789-abcdef";
    let new = |url: &str| NewEndpoint {
        url: EndpointUrl::parse(url).unwrap(),
        secret: secret.to_string(),
        description: Some("主推送".into()),
    };
    assert!(matches!(
        c.register_webhook(&w.o(), new("https://a.example.cn/h"), Targets::PublicOnly)
            .await,
        Err(CatalogError::Forbidden(_))
    ));
    let short = NewEndpoint {
        secret: "short".into(),
        ..new("https://a.example.cn/h")
    };
    assert!(matches!(
        c.register_webhook(&a, short, Targets::PublicOnly).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "secret"
    ));
    // A loopback receiver only where the deployment allows private targets.
    assert!(matches!(
        c.register_webhook(&a, new("http://127.0.0.1:9/hook"), Targets::PublicOnly)
            .await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "url"
    ));
    let endpoint = c
        .register_webhook(&a, new("http://127.0.0.1:9/hook"), Targets::AnyAddress)
        .await
        .unwrap();

    // Two registrations coded and one cancelled while the queue runs concurrently.
    let writer = {
        let (env_c, w_o, reg) = (c.clone(), w.o(), reg.clone());
        let products = vec![
            reviewed_product(&env, &w).await.1,
            reviewed_product(&env, &w).await.1,
        ];
        tokio::spawn(async move {
            for product_id in products {
                let r = env_c
                    .submit_registration(&w_o, application(product_id), d("2026-09-21"))
                    .await
                    .unwrap();
                env_c
                    .accept_registration(&reg, r.id, d("2026-09-22"), None)
                    .await
                    .unwrap();
                env_c
                    .publicize_registration(&reg, r.id, d("2026-09-29"), None)
                    .await
                    .unwrap();
                env_c
                    .issue_query_code(&reg, r.id, None, d("2026-10-20"), None)
                    .await
                    .unwrap();
            }
            env_c
                .cancel_registration(&reg, before, "依申请注销", d("2026-11-02"), None)
                .await
                .unwrap();
        })
    };
    let mut queued = 0;
    while !writer.is_finished() {
        queued += c.enqueue_webhook_deliveries(2).await.unwrap();
        tokio::task::yield_now().await;
    }
    writer.await.unwrap();
    queued += c.enqueue_webhook_deliveries(100).await.unwrap();
    queued += c.enqueue_webhook_deliveries(100).await.unwrap();
    assert_eq!(
        queued, 3,
        "two codings and one cancellation, each queued once"
    );
    let log = c
        .webhook_deliveries(&a, endpoint.id, DeliveryQuery::default())
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().map(|d| d.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "registration.issue_code",
            "registration.issue_code",
            "registration.cancel"
        ]
    );
    assert!(log.windows(2).all(|p| p[0].seq < p[1].seq));
    assert!(matches!(
        c.webhook_deliveries(&b, endpoint.id, DeliveryQuery::default())
            .await,
        Err(CatalogError::NotFound { .. })
    ));

    // Claimed once; a failure schedules the retry after the backoff; success ends it.
    let retry = RetryPolicy {
        base: Duration::from_secs(30),
        max_delay: Duration::from_secs(600),
        max_attempts: 2,
    };
    let now = Utc::now();
    let first = log[0].id;
    let claimed = c
        .claim_webhook_delivery(first, now, Duration::from_secs(60))
        .await
        .unwrap()
        .expect("due");
    assert_eq!(claimed.secret, secret.as_bytes());
    assert_eq!(claimed.url, "http://127.0.0.1:9/hook");
    assert!(
        c.claim_webhook_delivery(first, now, Duration::from_secs(60))
            .await
            .unwrap()
            .is_none(),
        "leased to the first sender"
    );
    let failed = c
        .record_webhook_attempt(
            first,
            Attempt {
                at: now,
                status_code: Some(503),
                error: None,
                duration_ms: 3,
            },
            &retry,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(failed.status, DeliveryStatus::Pending);
    let next = failed.next_attempt_at.unwrap();
    assert!(next > now + chrono::Duration::seconds(25), "{next}");
    let due: Vec<Uuid> = c
        .due_webhook_deliveries(Utc::now(), 10)
        .await
        .unwrap()
        .iter()
        .map(|d| d.id)
        .collect();
    assert!(!due.contains(&first) && due.len() == 2, "{due:?}");
    let later = next + chrono::Duration::seconds(1);
    c.claim_webhook_delivery(first, later, Duration::from_secs(60))
        .await
        .unwrap()
        .expect("due again after the backoff");
    let ok = c
        .record_webhook_attempt(
            first,
            Attempt {
                at: later,
                status_code: Some(200),
                error: None,
                duration_ms: 2,
            },
            &retry,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(
        (ok.status, ok.attempts.len()),
        (DeliveryStatus::Delivered, 2)
    );

    // Paused endpoints are not sent to; a rotated secret signs from then on.
    c.update_webhook(
        &a,
        endpoint.id,
        EndpointUpdate {
            active: Some(false),
            ..EndpointUpdate::default()
        },
        None,
        Targets::PublicOnly,
    )
    .await
    .unwrap();
    assert!(
        c.claim_webhook_delivery(log[1].id, Utc::now(), Duration::from_secs(60))
            .await
            .unwrap()
            .is_none()
    );
    let rotated = c
        .update_webhook(
            &a,
            endpoint.id,
            EndpointUpdate {
                active: Some(true),
                secret: Some("rotated-secret-0123456789".into()),
                ..EndpointUpdate::default()
            },
            None,
            Targets::PublicOnly,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(rotated.secret_version, 2);
    let claimed = c
        .claim_webhook_delivery(log[1].id, Utc::now(), Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.secret, b"rotated-secret-0123456789");
    let to_metadata = EndpointUpdate {
        url: Some(EndpointUrl::parse("http://169.254.169.254/latest/meta-data/").unwrap()),
        ..EndpointUpdate::default()
    };
    assert!(matches!(
        c.update_webhook(&a, endpoint.id, to_metadata, None, Targets::PublicOnly)
            .await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "url"
    ));
    assert!(matches!(
        c.update_webhook(
            &b,
            endpoint.id,
            EndpointUpdate::default(),
            None,
            Targets::PublicOnly
        )
        .await,
        Err(CatalogError::NotFound { .. })
    ));

    // Secrets never enter the audit trail, and the chain still verifies.
    let events = c.store().audit_events(0, 10_000).await.unwrap();
    assert!(events.iter().all(|e| {
        let text = format!("{:?}", e);
        !text.contains(secret) && !text.contains("rotated-secret")
    }));
    let report = catalog::audit_log::verify_store(c.store()).await.unwrap();
    assert_eq!(report.first_break, None);
}

pub async fn disclosures_are_published_corrected_and_listed_publicly(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let statement = |usage: &str| DisclosureContent::Operator {
        product_list: "城市出行指数（数据接口）".into(),
        data_usage: usage.into(),
        actual_fees: "收费 12 笔，合计 60 万元".into(),
    };
    let draft = c
        .draft_disclosure(
            &w.o(),
            NewDisclosure {
                year: 2025,
                content: statement("公交刷卡数据按日汇总"),
            },
            d("2026-02-10"),
        )
        .await
        .unwrap();
    assert_eq!(draft.due, d("2026-03-31"));
    assert!(draft.overdue(d("2026-04-01")));
    assert!(
        c.public_disclosures(RecordFilter::default())
            .await
            .unwrap()
            .is_empty(),
        "drafts are not public"
    );
    // An operator cannot state as an implementing body, nor publish another's statement.
    let wrong = c
        .draft_disclosure(
            &w.o(),
            NewDisclosure {
                year: 2025,
                content: DisclosureContent::ImplementingBody {
                    authorized_parties: "x".into(),
                    content_and_scope: "x".into(),
                    term: "x".into(),
                    fee_ceilings: "x".into(),
                },
            },
            d("2026-02-10"),
        )
        .await;
    assert!(
        matches!(wrong, Err(CatalogError::Forbidden(_))),
        "{wrong:?}"
    );
    c.publish_disclosure(&w.o(), draft.id, None).await.unwrap();
    c.revise_disclosure(&w.o(), draft.id, statement("公交刷卡与线路数据"), None)
        .await
        .unwrap();
    let public = c.public_disclosures(RecordFilter::default()).await.unwrap();
    assert_eq!(public.len(), 1);
    assert_eq!((public[0].version, public[0].history.len()), (2, 1));
    assert!(!public[0].overdue(d("2026-04-01")), "published in time");
    assert!(matches!(
        c.draft_disclosure(
            &w.o(),
            NewDisclosure {
                year: 2025,
                content: statement("再次")
            },
            d("2026-02-11")
        )
        .await,
        Err(CatalogError::Conflict(_))
    ));
}

pub async fn disclosure_obligations_follow_authorizations_in_force(env: Env) {
    use catalog::domain::disclosure::{DiscloserRole, ObligationStatus};
    let w = World::new(&env).await;
    let c = &env.catalog;
    // Signed 2026-02-05, in force 2026-01-05 … 2028-12-31.
    let (auth, _, _) = reviewed_product(&env, &w).await;
    assert!(
        c.disclosure_obligations(2025, d("2026-06-01"))
            .await
            .unwrap()
            .is_empty(),
        "nothing was in force in 2025"
    );
    let owed = c
        .disclosure_obligations(2026, d("2027-02-01"))
        .await
        .unwrap();
    let parties: Vec<_> = owed.iter().map(|o| (o.discloser_id, o.role)).collect();
    assert_eq!(
        parties,
        {
            let mut expected = vec![
                (w.admin.id, DiscloserRole::ImplementingBody),
                (w.operator.id, DiscloserRole::Operator),
            ];
            expected.sort();
            expected
        },
        "{owed:?}"
    );
    assert!(owed.iter().all(|o| o.status == ObligationStatus::Missing
        && !o.overdue
        && o.due == d("2027-03-31")
        && o.authorization_ids == vec![auth]));

    let draft = c
        .draft_disclosure(
            &w.o(),
            NewDisclosure {
                year: 2026,
                content: DisclosureContent::Operator {
                    product_list: "出行指数".into(),
                    data_usage: "公交刷卡日汇总".into(),
                    actual_fees: "0 元".into(),
                },
            },
            d("2027-02-01"),
        )
        .await
        .unwrap();
    let late = c
        .disclosure_obligations(2026, d("2027-04-01"))
        .await
        .unwrap();
    let of = |role| late.iter().find(|o| o.role == role).unwrap();
    assert_eq!(
        (
            of(DiscloserRole::Operator).status,
            of(DiscloserRole::Operator).overdue
        ),
        (ObligationStatus::Draft, true)
    );
    assert_eq!(of(DiscloserRole::Operator).disclosure_id, Some(draft.id));
    assert_eq!(
        (
            of(DiscloserRole::ImplementingBody).status,
            of(DiscloserRole::ImplementingBody).overdue
        ),
        (ObligationStatus::Missing, true)
    );
    c.publish_disclosure(&w.o(), draft.id, None).await.unwrap();
    let after = c
        .disclosure_obligations(2026, d("2027-04-02"))
        .await
        .unwrap();
    let operator = after
        .iter()
        .find(|o| o.role == DiscloserRole::Operator)
        .unwrap();
    assert_eq!(
        (operator.status, operator.overdue),
        (ObligationStatus::Published, false)
    );
}

/// R 9 (三): an interested party asks for a correction with evidence (or the registrant's
/// written consent); the request stays out of every public view and the feed; the registrar of
/// the registration's region corrects it into a new version, or refuses.
pub async fn interested_parties_ask_for_corrections_the_registrar_decides(env: Env) {
    use catalog::domain::agreement::DocumentRef;
    use catalog::domain::correction::{
        CorrectionBasis, CorrectionRequestStatus, CorrectionRuling, NewCorrectionRequest,
    };
    let rule = |correct: bool, reason: &str| CorrectionRuling {
        correct,
        reason: reason.to_string(),
    };
    let w = World::new(&env).await;
    let c = &env.catalog;
    let reg = registrar(&env.org("登记中心", "510000", &[OrgKind::Registrar]).await);
    let far = registrar(
        &env.org("山东登记中心", "370000", &[OrgKind::Registrar])
            .await,
    );
    let stranger = env
        .org("旁观运营公司", "510500", &[OrgKind::Operator])
        .await;
    let stranger = Actor::new(Role::Operator, stranger.id);
    let (id, _) = coded(&env, &w, &reg).await;
    let ask = |documents: usize| NewCorrectionRequest {
        errors: "登记的数据内容简介把更新频率写成了每月，实为每日".to_string(),
        subject_name: None,
        subject_summary: Some("每日更新的公交到站数据产品".to_string()),
        basis: CorrectionBasis::Evidence,
        documents: (0..documents)
            .map(|i| DocumentRef {
                name: format!("更新日志{i}.pdf"),
                sha256: "ab".repeat(32),
            })
            .collect(),
    };
    let today = d("2026-11-02");
    assert!(
        matches!(
            c.request_correction(&w.o(), id, ask(1), today).await,
            Err(CatalogError::Invalid { .. })
        ),
        "the registrant itself files a 更正登记 application instead"
    );
    assert!(
        matches!(
            c.request_correction(&w.p(), id, ask(0), today).await,
            Err(CatalogError::Invalid { field, .. }) if field == "documents"
        ),
        "consent or evidence is required"
    );
    let feed_before = c
        .registration_feed(0, 1000, None)
        .await
        .unwrap()
        .items
        .len();
    let filed = c
        .request_correction(&w.p(), id, ask(1), today)
        .await
        .unwrap();
    assert_eq!(filed.status, CorrectionRequestStatus::Pending);
    assert!(matches!(
        c.request_correction(&w.p(), id, ask(1), today).await,
        Err(CatalogError::Conflict(_))
    ));
    assert_eq!(
        c.registration_feed(0, 1000, None)
            .await
            .unwrap()
            .items
            .len(),
        feed_before,
        "a request changes nothing public: not in the feed"
    );
    let registration = c.registration(id).await.unwrap().value;
    let public = serde_json::to_string(&registration.public_view(today)).unwrap();
    assert!(!public.contains(&"ab".repeat(32)) && !public.contains("更新日志"));

    let seen = |a: Actor| async move { c.correction_cases_as(&a).await.unwrap().len() };
    assert_eq!(seen(w.p()).await, 1, "the applicant");
    assert_eq!(seen(w.o()).await, 1, "the registrant");
    assert_eq!(seen(reg.clone()).await, 1);
    assert_eq!(seen(stranger.clone()).await, 0);
    assert_eq!(seen(far.clone()).await, 0, "rule 9");
    let worklist = |a: Actor| async move {
        c.registrar_worklist(&a, RecordFilter::default())
            .await
            .unwrap()
            .len()
    };
    assert!(worklist(reg.clone()).await >= 1);
    assert_eq!(
        worklist(far.clone()).await,
        0,
        "rule 9: another region's registrar does not see the materials"
    );

    assert!(matches!(
        c.decide_correction(&far, id, filed.id, &rule(true, "证据充分"), today, None)
            .await,
        Err(CatalogError::Forbidden(_))
    ));
    assert!(
        matches!(
            c.decide_correction(&w.o(), id, filed.id, &rule(true, "同意"), today, None)
                .await,
            Err(CatalogError::Forbidden(_))
        ),
        "only the registrar corrects"
    );
    let corrected = c
        .decide_correction(
            &reg,
            id,
            filed.id,
            &rule(true, "更新日志证明确为每日更新"),
            today,
            None,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(corrected.version, 2);
    assert_eq!(corrected.subject_summary, "每日更新的公交到站数据产品");
    assert_eq!(corrected.versions[0].superseded_by, filed.id);
    assert_eq!(
        corrected.versions[0].superseded_by_kind,
        RegistrationType::Correction
    );
    assert_eq!(corrected.status, RegistrationStatus::Coded);
    assert_eq!(
        corrected.correction_requests[0].status,
        CorrectionRequestStatus::Corrected
    );
    let feed = c.registration_feed(0, 1000, None).await.unwrap().items;
    assert_eq!(feed.len(), feed_before + 1);
    assert_eq!(feed.last().unwrap().action, "registration.correct");
    assert!(matches!(
        c.decide_correction(&reg, id, filed.id, &rule(false, "再议"), today, None)
            .await,
        Err(CatalogError::InvalidTransition(_))
    ));

    // Refused: the registration stays as it is, the reason is kept for the applicant.
    let again = c
        .request_correction(&w.p(), id, ask(2), today)
        .await
        .unwrap();
    let kept = c
        .decide_correction(
            &reg,
            id,
            again.id,
            &rule(false, "已按前一申请更正"),
            today,
            None,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(kept.version, 2);
    let case = c
        .correction_cases_as(&w.p())
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.request.id == again.id)
        .unwrap();
    assert_eq!(case.request.status, CorrectionRequestStatus::Refused);
    assert_eq!(case.request.decision.unwrap().reason, "已按前一申请更正");
    // A page of the worklist is a page of the registrar's own region, however many of other
    // regions come first.
    let guizhou = World::in_region(&env, "520100").await;
    let gz = registrar(
        &env.org("贵州登记中心", "520000", &[OrgKind::Registrar])
            .await,
    );
    let (own, _) = coded(&env, &guizhou, &gz).await;
    let first = c
        .registrar_worklist(
            &gz,
            RecordFilter {
                limit: Some(1),
                ..RecordFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(first.iter().map(|r| r.id).collect::<Vec<_>>(), vec![own]);
}
