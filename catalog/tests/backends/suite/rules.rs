//! Rules that an audit found bypassable (issue 27), each with the case that broke it.

use catalog::domain::negative_list::{NegativeKind, NegativeScope, NegativeTarget};
use catalog::domain::organization::OrgKind;
use catalog::domain::registration::RegistrationStatus;
use catalog::domain::{Grade, GradeLevel};
use catalog::error::{CatalogError, Rule};
use catalog::service::{Actor, Role};

use super::{World, assert_rule, d, lines, negative, plan, qualified, terms};
use crate::fixtures::{Env, content};

/// C 6.1: a restricting (限制) entry lets the resource in under its recorded conditions, which
/// the edition line carries; a prohibiting (禁止) one keeps it out.
pub async fn restricted_negative_entries_allow_use_under_their_conditions(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("医保结算明细"))
        .await;
    let target = || NegativeTarget::Resource {
        code: r.code.clone(),
    };
    let mut restricted = negative(target(), NegativeScope::WholeResource);
    restricted.kind = NegativeKind::Restricted;
    restricted.conditions = Some("仅以隐私计算方式提供，不得输出明细".to_string());
    c.add_negative_entry(&w.a(), restricted).await.unwrap();
    let edition = c
        .publish_edition(&w.a(), w.admin.id, lines(&[r.id]))
        .await
        .unwrap();
    assert_eq!(
        edition.lines[0].restrictions,
        vec!["负面清单限制：仅以隐私计算方式提供，不得输出明细".to_string()]
    );
    c.announce_authorization(
        &w.a(),
        plan(&w.admin, vec![r.id], "2026-01-01", "2027-12-31"),
    )
    .await
    .unwrap();
    // A prohibiting entry on the same resource still keeps it out of both.
    c.add_negative_entry(&w.a(), negative(target(), NegativeScope::WholeResource))
        .await
        .unwrap();
    assert_rule(
        c.publish_edition(&w.a(), w.admin.id, lines(&[r.id])).await,
        Rule::NegativeList,
        "lines[0].resource_id",
    );
    assert_rule(
        c.announce_authorization(
            &w.a(),
            plan(&w.admin, vec![r.id], "2026-01-01", "2027-12-31"),
        )
        .await,
        Rule::NegativeList,
        "resource_ids[0]",
    );
}

/// Rule 9 on the negative list: an administration keeps its own region's list. A Guizhou entry
/// by category leaves Sichuan's resources of that category alone, Guizhou cannot lift Sichuan's
/// entries, and each administration's overdue reviews are its own.
pub async fn a_negative_list_entry_binds_its_own_region_only(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let gz_admin = env
        .org("贵州省数据局", "520000", &[OrgKind::DataAdmin])
        .await;
    let gz_provider = env
        .org("贵阳市交通运输局", "520100", &[OrgKind::Provider])
        .await;
    let gz = Actor::new(Role::DataAdmin, gz_admin.id);
    let mut traffic = content("公交刷卡记录");
    traffic.domain = Some("G".to_string());
    let sichuan_r = env.published(&w.provider, &w.admin, traffic.clone()).await;
    let guizhou_r = env.published(&gz_provider, &gz_admin, traffic).await;
    let category = NegativeTarget::Category {
        domain: Some("G".to_string()),
        category_path: Vec::new(),
    };
    let gz_entry = c
        .add_negative_entry(&gz, negative(category, NegativeScope::WholeResource))
        .await
        .unwrap();
    assert_eq!(gz_entry.region.as_ref().map(|r| r.as_str()), Some("520000"));
    assert_rule(
        c.publish_edition(&gz, gz_admin.id, lines(&[guizhou_r.id]))
            .await,
        Rule::NegativeList,
        "lines[0].resource_id",
    );
    c.publish_edition(&w.a(), w.admin.id, lines(&[sichuan_r.id]))
        .await
        .expect("Guizhou's list does not bind Sichuan");

    // Sichuan's own entry, overdue for review; Guizhou may not lift it.
    let mut stale = negative(
        NegativeTarget::Resource {
            code: sichuan_r.code.clone(),
        },
        NegativeScope::WholeResource,
    );
    stale.next_review_on = d("2026-06-30");
    let sc_entry = c.add_negative_entry(&w.a(), stale).await.unwrap();
    let lift = c
        .lift_negative_entry(&gz, sc_entry.id, "已评估", None)
        .await;
    assert!(
        matches!(lift, Err(CatalogError::Forbidden(ref m)) if m.contains("辖区")),
        "{lift:?}"
    );
    // A review due today is not yet overdue; the day after, it is.
    assert_eq!(
        c.negative_reviews_overdue(&w.a(), d("2026-06-30"))
            .await
            .unwrap(),
        (0, None)
    );
    let today = d("2026-07-01");
    assert_eq!(
        c.negative_reviews_overdue(&w.a(), today).await.unwrap(),
        (1, Some(d("2026-06-30")))
    );
    assert_eq!(
        c.negative_reviews_overdue(&gz, today).await.unwrap(),
        (0, None)
    );
    c.lift_negative_entry(&w.a(), sc_entry.id, "已评估", None)
        .await
        .unwrap();
}

/// Rule 2 and C 6.2 on a scope: only resources of the operation directory in force (the latest
/// edition over the implementing body's region), with their lines' conditions carried into the
/// authorization; checked again at signing, when the directory may have moved on.
pub async fn a_scope_is_drawn_from_the_current_operation_directory(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let mut important = content("企业用电数据");
    important.grade = Grade {
        level: GradeLevel::Important,
        sub_level: None,
    };
    let important = env.published(&w.provider, &w.admin, important).await;
    let general = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let span = |ids: Vec<uuid::Uuid>| plan(&w.admin, ids, "2026-01-01", "2027-12-31");
    // Published, but in no edition yet.
    assert_rule(
        c.announce_authorization(&w.a(), span(vec![general.id]))
            .await,
        Rule::GradeLimit,
        "resource_ids[0]",
    );
    let mut first = lines(&[important.id, general.id]);
    first.lines[0].condition = Some("仅通过隐私计算方式提供".to_string());
    let first = c.publish_edition(&w.a(), w.admin.id, first).await.unwrap();
    let auth = c
        .announce_authorization(&w.a(), span(vec![important.id, general.id]))
        .await
        .unwrap();
    assert_eq!(auth.scope.len(), 2);
    assert_eq!(auth.scope[0].edition, first.number);
    assert_eq!(
        auth.scope[0].condition.as_deref(),
        Some("仅通过隐私计算方式提供"),
        "the 重要数据 condition travels with the scope"
    );
    assert_eq!(auth.scope[1].condition, None);

    // The next edition leaves the general resource out: it is no longer in force.
    let mut with_condition = lines(&[important.id]);
    with_condition.lines[0].condition = Some("仅通过隐私计算方式提供".to_string());
    c.publish_edition(&w.a(), w.admin.id, with_condition)
        .await
        .unwrap();
    assert_rule(
        c.announce_authorization(&w.a(), span(vec![general.id]))
            .await,
        Rule::GradeLimit,
        "resource_ids[0]",
    );
    // The authorization announced earlier cannot be signed on the old directory either.
    c.apply_for_authorization(&w.o(), auth.id, w.operator.id, qualified(), d("2026-02-01"))
        .await
        .unwrap();
    c.select_operator(&w.a(), auth.id, w.operator.id, None)
        .await
        .unwrap();
    c.publicize_selection(&w.a(), auth.id, d("2026-03-02"), None)
        .await
        .unwrap();
    assert_rule(
        c.sign_agreement(&w.a(), auth.id, d("2026-04-01"), terms(), None)
            .await,
        Rule::GradeLimit,
        "resource_ids[1]",
    );

    // Back in the next edition, it is signed; a product inherits its sources' conditions.
    let mut both = lines(&[important.id, general.id]);
    both.lines[0].condition = Some("仅通过隐私计算方式提供".to_string());
    c.publish_edition(&w.a(), w.admin.id, both).await.unwrap();
    c.sign_agreement(&w.a(), auth.id, d("2026-04-01"), terms(), None)
        .await
        .unwrap();
    c.activate_authorization(&w.a(), auth.id, d("2026-04-01"), None)
        .await
        .unwrap();
    let product = c
        .create_product(
            &w.o(),
            w.operator.id,
            super::registration_support::product(auth.id, vec![important.id]),
            d("2026-04-02"),
        )
        .await
        .unwrap();
    assert_eq!(
        product.conditions,
        vec!["企业用电数据：仅通过隐私计算方式提供".to_string()]
    );
}

/// A deadline in a year whose holiday notice is not out, or past the calendar's last year, is
/// reported as uncertain, not silently counted Monday to Friday.
pub async fn deadlines_in_provisional_or_unknown_years_are_reported(env: Env) {
    use catalog::calendar::DateCertainty;
    let w = World::new(&env).await;
    let c = &env.catalog;
    let (_, product_id, _) = super::reviewed_product(&env, &w).await;
    assert_eq!(
        c.calendar().certainty(d("2026-09-24")),
        DateCertainty::Official
    );
    // Submitted on the last working day of 2026: acceptance is due in provisional 2027.
    let late = c
        .submit_registration(&w.o(), super::application(product_id), d("2026-12-31"))
        .await
        .unwrap();
    let uncertain = c.uncertain_deadlines(&late);
    assert_eq!(uncertain.len(), 1, "{uncertain:?}");
    assert_eq!(uncertain[0].deadline, "acceptance");
    assert_eq!(uncertain[0].due, late.acceptance_due);
    assert_eq!(uncertain[0].certainty, DateCertainty::Provisional);
    assert!(uncertain[0].note.contains("尚未公布"));
    assert_eq!(
        c.calendar().certainty(d("2028-03-01")),
        DateCertainty::Unknown
    );
}

/// R 9–15 from the registrant's side: it reads its own applications in every state (the 补正
/// list included), nobody else's, and withdraws one before a code is issued — never after.
pub async fn the_registrant_reads_its_own_applications_and_withdraws_before_coding(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let registrar = env.org("登记中心", "510000", &[OrgKind::Registrar]).await;
    let reg = Actor::new(Role::Registrar, registrar.id);
    let rival = env
        .org("另一运营公司", "510500", &[OrgKind::Operator])
        .await;
    let rival = Actor::new(Role::Operator, rival.id);
    let (_, product_id, _) = super::reviewed_product(&env, &w).await;
    let r = c
        .submit_registration(&w.o(), super::application(product_id), d("2026-09-21"))
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
    let own = c
        .own_registrations(&w.o(), Vec::new(), None, 50)
        .await
        .unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].supplement_items, vec!["补充存证证明".to_string()]);
    assert!(
        c.own_registrations(&rival, Vec::new(), None, 50)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        c.own_registration(&rival, r.id).await,
        Err(CatalogError::NotFound { .. })
    ));
    assert!(matches!(
        c.withdraw_registration(&rival, r.id, "误操作", d("2026-09-23"), None)
            .await,
        Err(CatalogError::NotFound { .. })
    ));
    let withdrawn = c
        .withdraw_registration(
            &w.o(),
            r.id,
            "产品方案调整，暂不登记",
            d("2026-09-23"),
            None,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(withdrawn.status, RegistrationStatus::Withdrawn);
    assert!(
        withdrawn
            .end_reason
            .as_deref()
            .unwrap_or_default()
            .contains("产品方案调整")
    );
    assert!(
        !withdrawn.is_public(),
        "withdrawn before publicity: nothing public"
    );
    // A second application runs to its code; then withdrawal is refused (cancellation is the way).
    let second = c
        .submit_registration(&w.o(), super::application(product_id), d("2026-09-24"))
        .await
        .unwrap();
    c.accept_registration(&reg, second.id, d("2026-09-25"), None)
        .await
        .unwrap();
    c.publicize_registration(&reg, second.id, d("2026-09-29"), None)
        .await
        .unwrap();
    c.issue_query_code(&reg, second.id, None, d("2026-10-20"), None)
        .await
        .unwrap();
    assert!(matches!(
        c.withdraw_registration(&w.o(), second.id, "不再需要", d("2026-11-02"), None)
            .await,
        Err(CatalogError::InvalidTransition(_))
    ));
}

/// C 10.4 from both sides: the implementing body's queue holds the drafts under its own
/// authorizations; a failed product is revised (the scope checks again) and reviewed anew; a
/// product is withdrawn with its reason, and never once registered.
pub async fn a_failed_product_is_revised_and_reviewed_again_or_withdrawn(env: Env) {
    use catalog::domain::product::ProductStatus;
    let w = World::new(&env).await;
    let c = &env.catalog;
    let (auth, reviewed, r1) = super::reviewed_product(&env, &w).await;
    let other_body = env.org("另一数据局", "510000", &[OrgKind::DataAdmin]).await;
    let other_body = Actor::new(Role::DataAdmin, other_body.id);
    let draft = c
        .create_product(
            &w.o(),
            w.operator.id,
            super::product(auth, vec![r1]),
            d("2026-09-02"),
        )
        .await
        .unwrap();
    let queue = c.product_review_queue(&w.a(), Vec::new()).await.unwrap();
    assert_eq!(
        queue.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![draft.id],
        "drafts only: the reviewed one is not waiting"
    );
    assert!(
        c.product_review_queue(&other_body, Vec::new())
            .await
            .unwrap()
            .is_empty()
    );
    c.review_product(
        &w.a(),
        draft.id,
        super::review(false),
        d("2026-09-10"),
        None,
    )
    .await
    .unwrap();
    // Revised outside the scope: refused (rule 4); inside: back to draft, in the queue again.
    let mut outside = super::product(auth, vec![uuid::Uuid::now_v7()]);
    outside.name = "城市出行指数（修订）".to_string();
    assert!(
        c.revise_product(&w.o(), draft.id, outside, d("2026-09-03"), None)
            .await
            .is_err()
    );
    let mut fixed = super::product(auth, vec![r1]);
    fixed.forbidden_scenarios.push("精准营销".to_string());
    let revised = c
        .revise_product(&w.o(), draft.id, fixed, d("2026-09-03"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(revised.status, ProductStatus::Draft);
    assert_eq!(
        c.product_review_queue(&w.a(), Vec::new())
            .await
            .unwrap()
            .len(),
        1
    );
    // A passed product cannot be revised, but can be withdrawn; then nothing registers it.
    assert!(matches!(
        c.revise_product(
            &w.o(),
            reviewed,
            super::product(auth, vec![r1]),
            d("2026-09-03"),
            None
        )
        .await,
        Err(CatalogError::InvalidTransition(_))
    ));
    let withdrawn = c
        .withdraw_product(&w.o(), reviewed, "合作方退出，产品停止开发", None)
        .await
        .unwrap()
        .value;
    assert_eq!(withdrawn.status, ProductStatus::Withdrawn);
    assert!(
        c.submit_registration(&w.o(), super::application(reviewed), d("2026-09-21"))
            .await
            .is_err()
    );
}

/// R 5 and R 9(一): every resource provided to an active authorization is owed a first
/// registration by its holder within 20 working days of operation starting; the holder sees
/// its own, the administration its region's; filing one meets it, missing the day flags it.
pub async fn holders_owe_a_first_registration_within_twenty_working_days(env: Env) {
    use catalog::domain::registration::{NewRegistration, RegistrationSubject, RegistrationType};
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r1 = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let r2 = env
        .published(&w.provider, &w.admin, content("出租车轨迹"))
        .await;
    super::active_authorization(&env, &w, vec![r1.id, r2.id], "2026-01-05", "2028-12-31").await;
    let started = d("2026-02-05");
    let due = c.calendar().add_working_days(started, 20);
    let mine = c.registration_obligations(&w.p(), due).await.unwrap();
    assert_eq!(mine.len(), 2);
    assert!(
        mine.iter()
            .all(|o| o.since == started && o.due == due && !o.overdue)
    );
    let rival = env.org("另一统计局", "510500", &[OrgKind::Provider]).await;
    let rival = Actor::new(Role::Provider, rival.id);
    assert!(
        c.registration_obligations(&rival, due)
            .await
            .unwrap()
            .is_empty()
    );
    let guizhou = env
        .org("贵州省数据局", "520000", &[OrgKind::DataAdmin])
        .await;
    let guizhou = Actor::new(Role::DataAdmin, guizhou.id);
    assert!(
        c.registration_obligations(&guizhou, due)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        c.registration_obligations(&w.o(), due).await.is_err(),
        "not an operator's"
    );

    // The holder files r1's first registration; the day after the deadline only r2 is overdue.
    let mut materials = super::materials();
    materials.evidence_on = started;
    c.submit_registration(
        &w.p(),
        NewRegistration {
            subject: RegistrationSubject::Resource { resource_id: r1.id },
            kind: RegistrationType::Initial,
            amends: None,
            materials,
        },
        due,
    )
    .await
    .unwrap();
    // Only the holder (or the administration) registers a resource: another provider may not.
    let mut materials = super::materials();
    materials.evidence_on = started;
    let refused = c
        .submit_registration(
            &rival,
            NewRegistration {
                subject: RegistrationSubject::Resource { resource_id: r2.id },
                kind: RegistrationType::Initial,
                amends: None,
                materials,
            },
            due,
        )
        .await;
    assert!(
        matches!(refused, Err(CatalogError::Forbidden(_))),
        "{refused:?}"
    );
    let late = due.succ_opt().unwrap();
    let seen = c.registration_obligations(&w.a(), late).await.unwrap();
    let overdue: Vec<_> = seen
        .iter()
        .filter(|o| o.overdue)
        .map(|o| o.resource_id)
        .collect();
    assert_eq!(overdue, vec![r2.id]);
    let filed = seen.iter().find(|o| o.resource_id == r1.id).unwrap();
    assert_eq!(
        filed.registration_status,
        Some(RegistrationStatus::Submitted)
    );
}

/// Rule 5's refusals say why: access after the term (before housekeeping marks it expired) or
/// after termination is closed (AccessClosed); a resource outside the operator's own scope, or an
/// operator with no authorization, is not authorized at all (ProductScope), whatever another
/// operator's authorization says.
pub async fn access_refusals_say_whether_access_closed_or_never_was(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let other = env
        .published(&w.provider, &w.admin, content("地铁客流"))
        .await;
    let auth = super::active_authorization(&env, &w, vec![r.id], "2026-01-01", "2026-12-31").await;
    c.check_operator_access(w.operator.id, r.id, d("2026-12-31"))
        .await
        .expect("the term's last day is inside it");
    // The public reads it, without its applicants and their applications (C 8.2).
    let public = c
        .public_authorizations(&catalog::store::RecordFilter {
            public_only: true,
            ..Default::default()
        })
        .await
        .unwrap();
    let seen = public.iter().find(|a| a.id == auth).expect("listed");
    assert!(seen.applicants.is_empty() && seen.applications.is_empty());
    assert_rule(
        c.check_operator_access(w.operator.id, r.id, d("2027-01-01"))
            .await,
        Rule::AccessClosed,
        "resource_id",
    );
    let rival = env
        .org("另一运营公司", "510500", &[OrgKind::Operator])
        .await;
    assert_rule(
        c.check_operator_access(rival.id, r.id, d("2027-01-01"))
            .await,
        Rule::ProductScope,
        "resource_id",
    );
    c.terminate_authorization(
        &w.a(),
        auth,
        catalog::domain::authorization::NewTermination {
            reason: catalog::domain::authorization::TerminationReason::MajorSecurityIncident,
            detail: "发生数据泄露事件".to_string(),
        },
        d("2026-06-01"),
        None,
    )
    .await
    .unwrap();
    assert_rule(
        c.check_operator_access(w.operator.id, r.id, d("2026-06-02"))
            .await,
        Rule::AccessClosed,
        "resource_id",
    );
    assert_rule(
        c.check_operator_access(w.operator.id, other.id, d("2026-06-02"))
            .await,
        Rule::ProductScope,
        "resource_id",
    );
}

/// Prices by scene: free for public governance and public good; for industry, a government
/// guidance ceiling is stated and the price stays at or under it.
pub async fn product_prices_follow_their_scene(env: Env) {
    use catalog::domain::product::SceneCategory;
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let auth = super::active_authorization(&env, &w, vec![r.id], "2026-01-05", "2028-12-31").await;
    let priced = |scene, price: Option<u64>, ceiling: Option<u64>| {
        let mut p = super::product(auth, vec![r.id]);
        p.scene_category = scene;
        p.price_fen = price;
        p.ceiling_fen = ceiling;
        p
    };
    let refused = [
        (
            priced(SceneCategory::PublicGood, Some(100), None),
            "price_fen",
        ),
        (
            priced(SceneCategory::Industry, Some(100), None),
            "ceiling_fen",
        ),
        (priced(SceneCategory::Industry, None, None), "ceiling_fen"),
        (
            priced(SceneCategory::Industry, Some(200), Some(100)),
            "price_fen",
        ),
    ];
    for (product, at) in refused {
        let result = c
            .create_product(&w.o(), w.operator.id, product, d("2026-09-01"))
            .await;
        assert!(
            matches!(&result, Err(CatalogError::Invalid { field, .. }) if field == at),
            "{at}: {result:?}"
        );
    }
    for product in [
        priced(SceneCategory::PublicGood, None, None),
        priced(SceneCategory::PublicGood, Some(0), None),
        priced(SceneCategory::Industry, Some(100), Some(100)),
        priced(SceneCategory::Industry, Some(50), Some(100)),
    ] {
        c.create_product(&w.o(), w.operator.id, product, d("2026-09-01"))
            .await
            .unwrap();
    }
}

/// R 7–10 at the door: the materials an application needs (the evidence filed before, on the
/// day at the latest; a product's information and scenes), and the registrar's 不予受理 with its
/// reason, only while the application waits for acceptance.
pub async fn applications_need_their_materials_and_may_be_refused_with_a_reason(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let registrar = env.org("登记中心", "510000", &[OrgKind::Registrar]).await;
    let reg = Actor::new(Role::Registrar, registrar.id);
    let (_, product_id, _) = super::reviewed_product(&env, &w).await;
    let submitted_on = d("2026-09-21");
    type Spoil = fn(&mut catalog::domain::registration::Materials);
    let spoiled = |spoil: Spoil| {
        let mut application = super::application(product_id);
        spoil(&mut application.materials);
        application
    };
    let cases: [(Spoil, &str); 4] = [
        (
            |m| m.risk_assessment = " ".into(),
            "materials.risk_assessment",
        ),
        (|m| m.evidence_on = d("2026-09-22"), "materials.evidence_on"),
        (|m| m.product_info = None, "materials.product_info"),
        (
            |m| m.scenario_info = Some(String::new()),
            "materials.scenario_info",
        ),
    ];
    for (spoil, at) in cases {
        let result = c
            .submit_registration(&w.o(), spoiled(spoil), submitted_on)
            .await;
        assert!(
            matches!(&result, Err(CatalogError::Invalid { field, .. }) if field == at),
            "{at}: {result:?}"
        );
    }
    // Evidence filed the same day is in time.
    let r = c
        .submit_registration(
            &w.o(),
            spoiled(|m| m.evidence_on = d("2026-09-21")),
            submitted_on,
        )
        .await
        .unwrap();
    assert!(matches!(
        c.refuse_registration(&reg, r.id, " ", d("2026-09-22"), None).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "reason"
    ));
    let refused = c
        .refuse_registration(&reg, r.id, "申请材料与授权范围不符", d("2026-09-22"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(refused.status, RegistrationStatus::NotAccepted);
    assert_eq!(
        refused.end_reason.as_deref(),
        Some("申请材料与授权范围不符")
    );
    assert!(matches!(
        c.refuse_registration(&reg, r.id, "再次不予受理", d("2026-09-23"), None)
            .await,
        Err(CatalogError::InvalidTransition(_))
    ));
}
