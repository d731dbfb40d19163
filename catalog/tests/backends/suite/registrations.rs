//! Products and their registration (R 5–20): the clocks, objections, scope and review (rule 4), termination (rule 5).

use catalog::domain::authorization::{NewTermination, TerminationReason};
use catalog::domain::negative_list::{NegativeScope, NegativeTarget};
use catalog::domain::organization::OrgKind;
use catalog::domain::registration::RegistrationStatus;
use catalog::error::Rule;
use catalog::{Actor, CatalogError, Role};

use crate::fixtures::{Env, content};

use super::*;

pub async fn product_registration_runs_to_a_query_code(env: Env) {
    let w = World::new(&env).await;
    let registrar_org = env.org("登记中心", "510000", &[OrgKind::Registrar]).await;
    let reg = Actor::new(Role::Registrar, registrar_org.id);
    let c = &env.catalog;
    let (_, product_id, _) = reviewed_product(&env, &w).await;

    let r = c
        .submit_registration(&w.o(), application(product_id), d("2026-09-21"))
        .await
        .unwrap();
    assert_eq!(r.acceptance_due, d("2026-09-24"), "3 working days");
    // What the registrar works against in each state (its worklist's order).
    assert_eq!(r.next_deadline(), Some(("受理", d("2026-09-24"))));
    assert_eq!(r.running_deadlines(), vec![("acceptance", d("2026-09-24"))]);
    assert!(matches!(
        c.accept_registration(&w.o(), r.id, d("2026-09-22"), None)
            .await,
        Err(CatalogError::Forbidden(_))
    ));
    let accepted = c
        .accept_registration(&reg, r.id, d("2026-09-22"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(
        accepted.review_due,
        Some(d("2026-10-27")),
        "20 working days across 中秋 and National Day"
    );
    assert_eq!(
        accepted.next_deadline(),
        Some(("形式审查", d("2026-10-27")))
    );
    assert!(accepted.overdue(d("2026-10-27")).is_empty(), "due that day");
    assert_eq!(accepted.overdue(d("2026-10-28")), vec!["formal_review"]);
    assert_eq!(
        accepted.running_deadlines(),
        vec![("formal_review", d("2026-10-27"))]
    );
    let publicized = c
        .publicize_registration(&reg, r.id, d("2026-09-29"), None)
        .await
        .unwrap()
        .value;
    // 10 working days from 09-30: the holiday is skipped and the adjusted Saturday 10-10 counts.
    assert_eq!(
        (publicized.publicity_start, publicized.publicity_end),
        (Some(d("2026-09-30")), Some(d("2026-10-19")))
    );
    assert_eq!(
        publicized.next_deadline(),
        Some(("公示期满", d("2026-10-19")))
    );
    assert_eq!(
        publicized.running_deadlines(),
        vec![("publicity", d("2026-10-19"))]
    );
    assert!(
        c.issue_query_code(&reg, r.id, None, d("2026-10-19"), None)
            .await
            .is_err(),
        "not before publicity ends"
    );

    // An objection outside the window is refused; inside it pauses publicity; dismissal resumes it.
    assert!(
        c.file_objection(r.id, objection(), d("2026-10-20"))
            .await
            .is_err()
    );
    let objection_id = c
        .file_objection(r.id, objection(), d("2026-10-09"))
        .await
        .unwrap();
    assert!(
        c.issue_query_code(&reg, r.id, None, d("2026-10-27"), None)
            .await
            .is_err(),
        "not while an objection is pending"
    );
    let resumed = c
        .decide_objection(
            &reg,
            r.id,
            catalog::domain::registration::ObjectionDecision {
                objection_id,
                upheld: false,
                decision: "经核实，所涉数据已脱敏".to_string(),
            },
            d("2026-10-14"),
            None,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(resumed.status, RegistrationStatus::Publicized);
    assert_eq!(
        resumed.publicity_end,
        Some(d("2026-10-26")),
        "the 8 working days left run again from 10-15"
    );

    let coded = c
        .issue_query_code(&reg, r.id, Some("GJ-EXT-001".into()), d("2026-10-27"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(coded.status, RegistrationStatus::Coded);
    assert!(coded.objection_flag);
    assert_eq!(
        coded.valid_to,
        Some(d("2028-12-31")),
        "capped by the agreement term"
    );
    assert_eq!(coded.next_deadline(), Some(("有效期届满", d("2028-12-31"))));
    // In force through its last day, ended the day after.
    assert!(coded.in_force(d("2028-12-31")));
    assert!(matches!(
        coded.standing(d("2029-01-01")),
        catalog::domain::registration::Standing::Ended { on: Some(on), .. } if on == d("2029-01-01")
    ));
    assert!(coded.running_deadlines().is_empty());
    let code = coded.query_code.clone().unwrap();
    catalog::domain::QueryCode::parse(code.as_str()).unwrap();
    assert_eq!(c.registration_by_code(&code).await.unwrap().id, r.id);
    assert_eq!(
        c.product(product_id).await.unwrap().value.status,
        catalog::domain::product::ProductStatus::Registered
    );

    // R 15: the registrant applies for renewal, only in the 60 days before expiry; the
    // registrar renews only on its application.
    assert!(matches!(
        c.apply_for_registration_renewal(&w.o(), r.id, d("2028-06-01"))
            .await,
        Err(CatalogError::Invalid { .. })
    ));
    assert!(matches!(
        c.renew_registration(&reg, r.id, d("2028-11-15"), None)
            .await,
        Err(CatalogError::InvalidTransition(_))
    ));
    // Expiry without renewal cancels.
    assert!(
        c.expire_due_registrations(d("2028-12-31"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        c.expire_due_registrations(d("2029-01-01")).await.unwrap(),
        vec![r.id]
    );
    assert_eq!(
        c.registration(r.id).await.unwrap().value.status,
        RegistrationStatus::Cancelled
    );

    // An exchange paging the feed one item at a time sees coding and expiry, once each, in order;
    // nothing from before the registration was coded.
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = c.registration_feed(after, 1, None).await.unwrap();
        assert!(page.next >= after, "the cursor never moves back");
        after = page.next;
        if page.items.is_empty() {
            break;
        }
        seen.extend(page.items);
    }
    let statuses: Vec<_> = seen.iter().map(|i| i.registration.status).collect();
    assert_eq!(
        statuses,
        vec![RegistrationStatus::Coded, RegistrationStatus::Cancelled]
    );
    assert!(seen.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(seen[0].registration.query_code, Some(code.clone()));
    let later = c.registration_feed(0, 10, Some(seen[1].at)).await.unwrap();
    assert_eq!(later.items.len(), 1, "updated_since skips older changes");
}

pub async fn upheld_objection_terminates_and_supplement_restarts_the_clock(env: Env) {
    let w = World::new(&env).await;
    let registrar_org = env.org("登记中心", "510000", &[OrgKind::Registrar]).await;
    let reg = Actor::new(Role::Registrar, registrar_org.id);
    let c = &env.catalog;
    let (_, product_id, _) = reviewed_product(&env, &w).await;
    let r = c
        .submit_registration(&w.o(), application(product_id), d("2026-09-21"))
        .await
        .unwrap();
    c.request_supplement(
        &reg,
        r.id,
        vec!["补充存证证明".into()],
        d("2026-09-22"),
        None,
    )
    .await
    .unwrap();
    let again = c
        .resubmit_registration(&w.o(), r.id, materials(), d("2026-09-30"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(
        again.acceptance_due,
        d("2026-10-10"),
        "counted from resubmission, across the holiday"
    );
    assert_eq!(again.overdue(d("2026-10-10")), Vec::<&str>::new());
    assert_eq!(again.overdue(d("2026-10-12")), vec!["acceptance"]);
    c.accept_registration(&reg, r.id, d("2026-10-12"), None)
        .await
        .unwrap();
    c.publicize_registration(&reg, r.id, d("2026-10-13"), None)
        .await
        .unwrap();
    let o = c
        .file_objection(r.id, objection(), d("2026-10-15"))
        .await
        .unwrap();
    let ended = c
        .decide_objection(
            &reg,
            r.id,
            catalog::domain::registration::ObjectionDecision {
                objection_id: o,
                upheld: true,
                decision: "来源数据确含未授权个人信息".to_string(),
            },
            d("2026-10-20"),
            None,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(ended.status, RegistrationStatus::Terminated);
    assert!(
        c.issue_query_code(&reg, r.id, None, d("2026-11-30"), None)
            .await
            .is_err()
    );

    // Rule 10: the objector's identity never enters the audit chain, which holds a salted hash.
    let chain = format!("{:?}", c.store().audit_events(0, 10_000).await.unwrap());
    for personal in ["张三", "510502199001010018", "13800000000"] {
        assert!(
            !chain.contains(personal),
            "{personal} is in the audit chain"
        );
    }
    assert_eq!(ended.objections[0].objector_ref.len(), 64);
    // The registrar deciding reads it; a data administration does not.
    let who = c.objectors_as(&reg, r.id).await.unwrap();
    assert_eq!(who[0].objector_name.as_deref(), Some("张三"));
    assert!(
        who[0].retain_until.is_some(),
        "the retention clock runs from the decision"
    );
    assert!(matches!(
        c.objectors_as(&w.a(), r.id).await,
        Err(CatalogError::Forbidden(_))
    ));
    // Once the retention ends it is erased, and the chain still verifies.
    let later = chrono::Utc::now() + chrono::Duration::days(181);
    assert_eq!(c.erase_expired_personal_data(later).await.unwrap(), 1);
    let erased = c.objectors_as(&reg, r.id).await.unwrap();
    assert_eq!(erased[0].objector_name, None);
    assert!(erased[0].erased_at.is_some());
    let report = catalog::audit_log::verify_store(c.store()).await.unwrap();
    assert_eq!(report.first_break, None);
}

pub async fn rule4_products_need_scope_and_review(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r1 = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let outside = env
        .published(&w.provider, &w.admin, content("气象观测"))
        .await;
    let auth = active_authorization(&env, &w, vec![r1.id], "2026-01-05", "2028-12-31").await;
    assert_rule(
        c.create_product(
            &w.o(),
            w.operator.id,
            product(auth, vec![r1.id, outside.id]),
            d("2026-09-01"),
        )
        .await,
        Rule::ProductScope,
        "source_resource_ids[1]",
    );
    let p = c
        .create_product(
            &w.o(),
            w.operator.id,
            product(auth, vec![r1.id]),
            d("2026-09-01"),
        )
        .await
        .unwrap();
    assert_rule(
        c.submit_registration(&w.o(), application(p.id), d("2026-09-21"))
            .await,
        Rule::ProductScope,
        "subject.product_id",
    );
    c.review_product(&w.a(), p.id, review(false), d("2026-09-10"), None)
        .await
        .unwrap();
    assert_rule(
        c.submit_registration(&w.o(), application(p.id), d("2026-09-21"))
            .await,
        Rule::ProductScope,
        "subject.product_id",
    );
    c.review_product(&w.a(), p.id, review(true), d("2026-09-10"), None)
        .await
        .unwrap();
    // A negative-list entry added after the review still blocks registration (rule 1).
    c.add_negative_entry(
        &w.a(),
        negative(
            NegativeTarget::Resource {
                code: r1.code.clone(),
            },
            NegativeScope::WholeResource,
        ),
    )
    .await
    .unwrap();
    assert_rule(
        c.submit_registration(&w.o(), application(p.id), d("2026-09-21"))
            .await,
        Rule::NegativeList,
        "source_resource_ids[0]",
    );
    // Pricing follows the scene category.
    let mut free = product(auth, vec![r1.id]);
    free.scene_category = catalog::domain::product::SceneCategory::PublicGood;
    assert!(
        matches!(c.create_product(&w.o(), w.operator.id, free, d("2026-09-01")).await, Err(CatalogError::Invalid { ref field, .. }) if field == "price_fen")
    );
}

pub async fn rule5_termination_flags_registrations_and_blocks_new_ones(env: Env) {
    let w = World::new(&env).await;
    let registrar_org = env.org("登记中心", "510000", &[OrgKind::Registrar]).await;
    let reg = Actor::new(Role::Registrar, registrar_org.id);
    let c = &env.catalog;
    let (auth, product_id, source) = reviewed_product(&env, &w).await;
    // Three products under one authorization: one coded, one in publicity, one never applied.
    let second = reviewed_product_in(&env, &w, auth, source, "第二个产品").await;
    let third = reviewed_product_in(&env, &w, auth, source, "第三个产品").await;
    let r = c
        .submit_registration(&w.o(), application(product_id), d("2026-09-21"))
        .await
        .unwrap();
    let pending = c
        .submit_registration(&w.o(), application(second), d("2026-09-21"))
        .await
        .unwrap();
    for id in [r.id, pending.id] {
        c.accept_registration(&reg, id, d("2026-09-22"), None)
            .await
            .unwrap();
        c.publicize_registration(&reg, id, d("2026-09-29"), None)
            .await
            .unwrap();
    }
    // A blank external code is no external code.
    let coded = c
        .issue_query_code(&reg, r.id, Some("  ".into()), d("2026-10-20"), None)
        .await
        .unwrap()
        .value;
    assert!(coded.in_force(d("2026-10-21")));
    assert_eq!(coded.external_code, None);
    // The operator's registration under another authorization of its own is not touched.
    let (_, elsewhere, _) = reviewed_product(&env, &w).await;
    let elsewhere = c
        .submit_registration(&w.o(), application(elsewhere), d("2026-09-21"))
        .await
        .unwrap();
    c.terminate_authorization(
        &w.a(),
        auth,
        NewTermination {
            reason: TerminationReason::BreachNotRemedied,
            detail: "逾期未整改".into(),
        },
        d("2026-11-02"),
        None,
    )
    .await
    .unwrap();
    let flagged = c.registration(r.id).await.unwrap().value;
    assert!(flagged.access_closed, "rule 5 flags the coded result");
    assert!(
        !c.registration(elsewhere.id)
            .await
            .unwrap()
            .value
            .access_closed
    );
    // Flagged, the result is no longer in force anywhere (verify, listings, public views).
    assert!(!flagged.in_force(d("2026-11-03")));
    assert!(matches!(
        flagged.public_view(d("2026-11-03")).unwrap().standing,
        catalog::domain::registration::Standing::Ended { .. }
    ));
    assert_rule(
        c.apply_for_registration_renewal(&w.o(), r.id, d("2028-12-01"))
            .await,
        Rule::AccessClosed,
        "registration",
    );
    // The application still in publicity when access closed cannot be coded.
    assert_rule(
        c.issue_query_code(&reg, pending.id, None, d("2026-11-03"), None)
            .await,
        Rule::AccessClosed,
        "registration",
    );
    let events = c.store().audit_events(0, 1000).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "registration.flag_access_closed")
    );
    // A reviewed product never applied for cannot be registered under the ended authorization.
    assert_rule(
        c.submit_registration(&w.o(), application(third), d("2026-11-03"))
            .await,
        Rule::AccessClosed,
        "source_resource_ids[0]",
    );
}

/// A resource's public page lists the authorizations whose scope holds it and the registered
/// products made from it; the portal's chart counts coded registrations by month. All three are
/// kept between writes and follow each write at once.
pub async fn what_uses_a_resource_follows_every_write(env: Env) {
    let w = World::new(&env).await;
    let registrar = env.org("登记中心", "510000", &[OrgKind::Registrar]).await;
    let reg = Actor::new(Role::Registrar, registrar.id);
    let c = &env.catalog;
    let months_before = c.coded_by_month().await.unwrap().len();
    let (auth, product, r1) = reviewed_product(&env, &w).await;
    let in_scope = c.uses_of_resource(r1).await.unwrap().authorizations;
    assert_eq!(
        in_scope.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![auth]
    );
    assert!(
        c.uses_of_resource(uuid::Uuid::now_v7())
            .await
            .unwrap()
            .authorizations
            .is_empty()
    );
    assert!(
        c.uses_of_resource(r1).await.unwrap().products.is_empty(),
        "reviewed, not registered"
    );
    let id = super::publicized_registration(&env, &w, &reg, product)
        .await
        .id;
    assert!(c.uses_of_resource(r1).await.unwrap().products.is_empty());
    c.issue_query_code(&reg, id, None, d("2026-10-20"), None)
        .await
        .unwrap();
    let made = c.uses_of_resource(r1).await.unwrap().products;
    assert_eq!(made.iter().map(|p| p.id).collect::<Vec<_>>(), vec![product]);
    let months = c.coded_by_month().await.unwrap();
    assert_eq!(months.get(&(2026, 10)), Some(&1), "{months:?}");
    assert_eq!(months.len(), months_before + 1);
    // The product's registration result, as every public product list shows it.
    let listed = c
        .public_product(product, d("2026-10-21"))
        .await
        .unwrap()
        .registration
        .expect("coded");
    assert!(listed.query_code.is_some());
}

/// R 12: where a notice's publicity stands, as the portal's current and past notices list it —
/// not started, running through its last day, closed after it, paused by an objection, ended
/// registered, terminated or withdrawn — and whether it is still current; and the standing of a
/// result as vocabularies name it.
pub async fn a_notice_runs_its_publicity_and_ends_with_its_outcome(env: Env) {
    use catalog::domain::registration::{ObjectionDecision, PublicityOutcome, Standing};
    let w = World::new(&env).await;
    let registrar = env.org("登记中心", "510000", &[OrgKind::Registrar]).await;
    let reg = Actor::new(Role::Registrar, registrar.id);
    let c = &env.catalog;
    let (auth, product, r1) = reviewed_product(&env, &w).await;
    let publicized = |product| super::publicized_registration(&env, &w, &reg, product);
    let notice = publicized(product).await;
    let (start, end) = (
        notice.publicity_start.unwrap(),
        notice.publicity_end.unwrap(),
    );
    let outcome = |day: chrono::NaiveDate| notice.publicity_outcome(day).unwrap();
    assert_eq!(
        outcome(start - chrono::Days::new(1)),
        PublicityOutcome::NotStarted
    );
    assert_eq!(outcome(start), PublicityOutcome::Running);
    assert_eq!(
        outcome(end),
        PublicityOutcome::Running,
        "through its last day"
    );
    assert_eq!(
        outcome(end + chrono::Days::new(1)),
        PublicityOutcome::Closed
    );
    for current in [PublicityOutcome::NotStarted, PublicityOutcome::Running] {
        assert!(current.is_current());
    }
    assert!(!PublicityOutcome::Closed.is_current());
    assert_eq!(notice.standing(start).slug(), "not_coded");
    assert_eq!(notice.coded_on(), None);

    // An objection pauses it (still current); upheld, the notice ends terminated.
    let objected = super::reviewed_product_in(&env, &w, auth, r1, "通勤指数").await;
    let id = publicized(objected).await.id;
    let objection = c
        .file_objection(id, objection(), d("2026-09-30"))
        .await
        .unwrap();
    let paused = c.registration(id).await.unwrap().value;
    let paused = paused.publicity_outcome(d("2026-10-01")).unwrap();
    assert_eq!(paused, PublicityOutcome::UnderObjection);
    assert!(paused.is_current());
    let ended = c
        .decide_objection(
            &reg,
            id,
            ObjectionDecision {
                objection_id: objection,
                upheld: true,
                decision: "来源数据确含未授权个人信息".to_string(),
            },
            d("2026-10-09"),
            None,
        )
        .await
        .unwrap()
        .value;
    let terminated = ended.publicity_outcome(d("2026-10-09")).unwrap();
    assert_eq!(terminated, PublicityOutcome::Terminated);
    assert!(!terminated.is_current());

    // Withdrawn by its applicant during publicity.
    let withdrawn = super::reviewed_product_in(&env, &w, auth, r1, "拥堵指数").await;
    let id = publicized(withdrawn).await.id;
    let gone = c
        .withdraw_registration(&w.o(), id, "产品调整", d("2026-10-02"), None)
        .await
        .unwrap()
        .value;
    let gone = gone.publicity_outcome(d("2026-10-02")).unwrap();
    assert_eq!(gone, PublicityOutcome::Withdrawn);
    assert!(!gone.is_current());

    // Coded: registered, coded on its day, in force, and ended when revoked.
    c.issue_query_code(&reg, notice.id, None, d("2026-10-20"), None)
        .await
        .unwrap();
    let coded = c.registration(notice.id).await.unwrap().value;
    let registered = coded.publicity_outcome(d("2026-10-21")).unwrap();
    assert_eq!(registered, PublicityOutcome::Registered);
    assert!(!registered.is_current());
    assert_eq!(coded.coded_on(), Some(d("2026-10-20")));
    assert_eq!(coded.standing(d("2026-10-21")).slug(), "in_force");
    assert!(matches!(
        coded.standing(d("2026-10-21")),
        Standing::InForce { .. }
    ));
    let revoked = c
        .revoke_registration(
            &reg,
            notice.id,
            catalog::domain::registration::RevocationReason::ALL[0],
            "以欺骗手段取得登记",
            d("2026-11-02"),
            None,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(revoked.standing(d("2026-11-03")).slug(), "ended");
}
