//! After signing (issue 27): the agreement's N 14 contents and versions, filing deadlines (N 13;
//! LY), suspension for rectification (SD 38), renewal within the jurisdiction's window (LY; not
//! in Guizhou), the destruction record (C 8.6; GZ 30), evaluations and operator reports.

use catalog::DutyKind;
use catalog::domain::agreement::{
    AgreementChange, EvaluationGrade, FilingKind, NewDestruction, NewEvaluation, NewFiling,
    NewOperatorReport, NewSuspension, RenewalStatus, SuspensionGround,
};
use catalog::domain::authorization::{AuthorizationStatus, NewTermination, TerminationReason};
use catalog::domain::organization::OrgKind;
use catalog::error::{CatalogError, Rule};
use catalog::service::{Actor, Role};
use uuid::Uuid;

use super::{World, active_authorization, assert_rule, d, qualified, terms};
use crate::fixtures::{Env, content};

fn filing(kind: FilingKind) -> NewFiling {
    NewFiling {
        kind,
        filed_with: "保定市数据管理部门".to_string(),
        reference: "备案〔2026〕12号".to_string(),
    }
}

async fn duties(
    env: &Env,
    actor: &Actor,
    auth: Uuid,
    on: &str,
) -> Vec<(DutyKind, Option<i32>, Option<chrono::NaiveDate>, bool)> {
    env.catalog
        .authorization_duties(actor, d(on))
        .await
        .unwrap()
        .into_iter()
        .filter(|duty| duty.authorization_id == auth)
        .map(|duty| (duty.kind, duty.year, duty.due, duty.overdue))
        .collect()
}

pub async fn an_agreement_states_what_n14_requires_and_is_filed_in_time(env: Env) {
    // Laiyuan (LY): the agreement is filed within 10 working days of signing.
    let w = World::in_region(&env, "130630").await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    super::listed(&env, &w, &[r.id]).await;
    let auth = c
        .announce_authorization(
            &w.a(),
            super::plan(&w.admin, vec![r.id], "2026-04-01", "2028-03-31"),
        )
        .await
        .unwrap();
    c.apply_for_authorization(&w.o(), auth.id, w.operator.id, qualified(), d("2026-02-01"))
        .await
        .unwrap();
    c.select_operator(&w.a(), auth.id, w.operator.id, None)
        .await
        .unwrap();
    c.publicize_selection(&w.a(), auth.id, d("2026-03-02"), None)
        .await
        .unwrap();
    // N 14: every clause is stated, and the document's hash is a real SHA-256.
    let mut silent = terms();
    silent.liability = " ".to_string();
    assert!(matches!(
        c.sign_agreement(&w.a(), auth.id, d("2026-03-16"), silent, None).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "liability"
    ));
    // Not a hash, 64 characters that are not hex, 63 hex digits: each refused.
    for sha256 in ["协议原件".to_string(), "z".repeat(64), "a".repeat(63)] {
        let mut unhashed = terms();
        unhashed.document.sha256 = sha256;
        assert!(matches!(
            c.sign_agreement(&w.a(), auth.id, d("2026-03-16"), unhashed, None).await,
            Err(CatalogError::Invalid { ref field, .. }) if field == "document.sha256"
        ));
    }
    // Nothing signed, nothing to file.
    assert!(matches!(
        c.record_filing(
            &w.a(),
            auth.id,
            filing(FilingKind::Agreement),
            d("2026-03-16"),
            None
        )
        .await,
        Err(CatalogError::InvalidTransition(_))
    ));
    let signed = c
        .sign_agreement(&w.a(), auth.id, d("2026-03-16"), terms(), None)
        .await
        .unwrap()
        .value;
    assert_eq!(signed.agreements.len(), 1);
    assert_eq!(signed.agreements[0].change, AgreementChange::Signed);
    assert_eq!(signed.agreements[0].resource_ids, vec![r.id]);
    assert_eq!(signed.agreements[0].term_end, d("2028-03-31"));

    // Signed Monday 03-16: filing due ten working days later (03-30); the plan has no deadline
    // in Laiyuan (none of its seeds sets one).
    let due = c.calendar().add_working_days(d("2026-03-16"), 10);
    assert_eq!(due, d("2026-03-30"));
    let owed = duties(&env, &w.a(), auth.id, "2026-03-16").await;
    assert!(
        owed.contains(&(DutyKind::AgreementFiling, None, Some(due), false)),
        "{owed:?}"
    );
    assert!(
        owed.contains(&(DutyKind::PlanFiling, None, None, false)),
        "{owed:?}"
    );
    let late = duties(&env, &w.a(), auth.id, "2026-03-31").await;
    assert!(
        late.contains(&(DutyKind::AgreementFiling, None, Some(due), true)),
        "{late:?}"
    );
    // The operator owes none of these and sees none.
    assert!(duties(&env, &w.o(), auth.id, "2026-03-31").await.is_empty());

    let filed = c
        .record_filing(
            &w.a(),
            auth.id,
            filing(FilingKind::Agreement),
            d("2026-03-31"),
            None,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(filed.filings[0].agreement_version, Some(1));
    assert!(
        !duties(&env, &w.a(), auth.id, "2026-04-01")
            .await
            .iter()
            .any(|duty| duty.0 == DutyKind::AgreementFiling)
    );
    assert!(matches!(
        c.record_filing(
            &w.a(),
            auth.id,
            filing(FilingKind::Agreement),
            d("2026-04-01"),
            None
        )
        .await,
        Err(CatalogError::Conflict(_))
    ));
    assert!(matches!(
        c.record_filing(
            &w.a(),
            auth.id,
            filing(FilingKind::Termination),
            d("2026-04-01"),
            None
        )
        .await,
        Err(CatalogError::InvalidTransition(_))
    ));
    // Only the implementing body files.
    let outsider = World::new(&env).await;
    assert!(matches!(
        c.record_filing(
            &outsider.a(),
            auth.id,
            filing(FilingKind::Plan),
            d("2026-04-01"),
            None
        )
        .await,
        Err(CatalogError::Forbidden(_))
    ));
}

pub async fn a_suspension_closes_access_until_rectified(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let auth = active_authorization(&env, &w, vec![r.id], "2026-01-01", "2027-12-31").await;
    let suspension = |rectify_by: &str| NewSuspension {
        ground: SuspensionGround::SecurityMeasuresMissing,
        detail: "未按要求部署数据脱敏措施".to_string(),
        rectify_by: d(rectify_by),
    };
    assert!(matches!(
        c.suspend_authorization(&w.a(), auth, suspension("2026-05-01"), d("2026-05-04"), None)
            .await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "rectify_by"
    ));
    let suspended = c
        .suspend_authorization(
            &w.a(),
            auth,
            suspension("2026-06-30"),
            d("2026-05-04"),
            None,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(suspended.status, AuthorizationStatus::Suspended);
    // SD 38: no access while rectifying; the operator owes the rectification by its day.
    assert_rule(
        c.check_operator_access(w.operator.id, r.id, d("2026-05-05"))
            .await,
        Rule::AccessClosed,
        "resource_id",
    );
    let owed = duties(&env, &w.o(), auth, "2026-07-01").await;
    assert_eq!(
        owed,
        vec![(DutyKind::Rectification, None, Some(d("2026-06-30")), true)]
    );
    // A second suspension needs the first resolved; another administration cannot resume.
    assert!(matches!(
        c.suspend_authorization(
            &w.a(),
            auth,
            suspension("2026-08-30"),
            d("2026-05-05"),
            None
        )
        .await,
        Err(CatalogError::InvalidTransition(_))
    ));
    let other = env
        .org("贵州省数据局", "520000", &[OrgKind::DataAdmin])
        .await;
    assert!(matches!(
        c.resume_authorization(
            &Actor::new(Role::DataAdmin, other.id),
            auth,
            "已整改".to_string(),
            d("2026-06-01"),
            None
        )
        .await,
        Err(CatalogError::Forbidden(_))
    ));
    let resumed = c
        .resume_authorization(
            &w.a(),
            auth,
            "已部署脱敏网关并通过复查".to_string(),
            d("2026-06-01"),
            None,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(resumed.status, AuthorizationStatus::Active);
    assert_eq!(resumed.suspensions[0].resumed_on, Some(d("2026-06-01")));
    c.check_operator_access(w.operator.id, r.id, d("2026-06-02"))
        .await
        .unwrap();
    // Suspended again near the end of the term: it may resume on the term's last day, not after.
    c.suspend_authorization(
        &w.a(),
        auth,
        suspension("2027-12-31"),
        d("2027-12-20"),
        None,
    )
    .await
    .unwrap();
    assert!(matches!(
        c.resume_authorization(&w.a(), auth, "已整改".to_string(), d("2028-01-01"), None)
            .await,
        Err(CatalogError::InvalidTransition(ref m)) if m.contains("届满")
    ));
    let resumed = c
        .resume_authorization(&w.a(), auth, "已整改".to_string(), d("2027-12-31"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(resumed.status, AuthorizationStatus::Active);
}

pub async fn renewal_follows_the_jurisdiction_window_and_term_limit(env: Env) {
    // Laiyuan: renew within the last three months; terms of at most three years.
    let w = World::in_region(&env, "130630").await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let auth = active_authorization(&env, &w, vec![r.id], "2026-01-01", "2028-12-31").await;
    assert!(matches!(
        c.apply_for_renewal(&w.o(), auth, d("2031-12-31"), d("2028-09-29")).await,
        Err(CatalogError::Invalid { ref field, ref message }) if field == "proposed_end" && message.contains("3 个月")
    ));
    // Only its operator applies.
    let rival = env
        .org("另一运营公司", "130630", &[OrgKind::Operator])
        .await;
    assert!(matches!(
        c.apply_for_renewal(
            &Actor::new(Role::Operator, rival.id),
            auth,
            d("2031-12-31"),
            d("2028-10-08")
        )
        .await,
        Err(CatalogError::Forbidden(_))
    ));
    // Rule 3 holds for the renewed term: from 2029-01-01, at most to 2031-12-31.
    // The window opens three months before the end (2028-09-30): that day is inside it.
    c.apply_for_renewal(&w.o(), auth, d("2032-06-30"), d("2028-09-30"))
        .await
        .unwrap();
    assert!(duties(&env, &w.a(), auth, "2028-10-09").await.contains(&(
        DutyKind::RenewalDecision,
        None,
        Some(d("2028-12-31")),
        false
    )));
    assert_rule(
        c.approve_renewal(&w.a(), auth, terms(), d("2028-10-09"), None)
            .await,
        Rule::TermLimit,
        "term_end",
    );
    let refused = c
        .refuse_renewal(&w.a(), auth, "续约期限超过三年".to_string(), None)
        .await
        .unwrap()
        .value;
    assert_eq!(refused.renewal.unwrap().status, RenewalStatus::Refused);
    c.apply_for_renewal(&w.o(), auth, d("2031-12-31"), d("2028-10-10"))
        .await
        .unwrap();
    let renewed = c
        .approve_renewal(&w.a(), auth, terms(), d("2028-10-12"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(renewed.plan.term_end, d("2031-12-31"));
    assert_eq!(renewed.agreements.len(), 2);
    assert_eq!(renewed.agreements[1].change, AgreementChange::Renewed);
    assert_eq!(renewed.agreements[1].term_start, d("2029-01-01"));
    assert_eq!(renewed.agreements[0].term_end, d("2028-12-31"));
    // The new version is filed in its turn.
    assert!(
        duties(&env, &w.a(), auth, "2028-10-12")
            .await
            .iter()
            .any(|duty| duty.0 == DutyKind::AgreementFiling)
    );
    assert!(renewed.grants(w.operator.id, r.id, d("2029-06-01")));

    // Guizhou (GZ 9): a new selection follows the term's end, no renewal.
    let gz = World::in_region(&env, "520100").await;
    let r = env
        .published(&gz.provider, &gz.admin, content("出租车轨迹"))
        .await;
    let auth = active_authorization(&env, &gz, vec![r.id], "2026-01-01", "2028-12-31").await;
    assert!(matches!(
        c.apply_for_renewal(&gz.o(), auth, d("2029-12-31"), d("2028-11-01")).await,
        Err(CatalogError::InvalidTransition(ref message)) if message.contains("重新选择")
    ));
}

pub async fn a_closed_authorization_records_destruction_evaluations_and_reports(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let auth = active_authorization(&env, &w, vec![r.id], "2026-01-01", "2027-12-31").await;
    let report = |year| NewOperatorReport {
        year,
        content: format!("{year} 年度运营情况：产品 2 个，调用 1.2 万次"),
        attachments: vec![],
    };
    // A report covers a year that has ended, once.
    assert!(matches!(
        c.submit_operator_report(&w.o(), auth, report(2026), d("2026-06-01")).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "year"
    ));
    let owed = duties(&env, &w.o(), auth, "2027-04-01").await;
    assert!(
        owed.contains(&(
            DutyKind::OperatorReport,
            Some(2026),
            Some(d("2027-03-31")),
            true
        )),
        "{owed:?}"
    );
    // Up to 50 attachments.
    let with_attachments = |n: usize| NewOperatorReport {
        attachments: (1..=n).map(|i| format!("附件{i}.pdf")).collect(),
        ..report(2026)
    };
    assert!(matches!(
        c.submit_operator_report(&w.o(), auth, with_attachments(51), d("2027-04-02")).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "attachments"
    ));
    c.submit_operator_report(&w.o(), auth, with_attachments(50), d("2027-04-02"))
        .await
        .unwrap();
    assert!(matches!(
        c.submit_operator_report(&w.o(), auth, report(2026), d("2027-04-03"))
            .await,
        Err(CatalogError::Conflict(_))
    ));
    // The evaluation of 2026 was due by its year's end.
    let owed = duties(&env, &w.a(), auth, "2027-04-01").await;
    assert!(
        owed.contains(&(
            DutyKind::Evaluation,
            Some(2026),
            Some(d("2026-12-31")),
            true
        )),
        "{owed:?}"
    );
    let evaluation = NewEvaluation {
        year: 2026,
        grade: EvaluationGrade::Passed,
        summary: "按协议开展运营，未发生安全事件".to_string(),
    };
    let elsewhere = env
        .org("贵州省数据局", "520000", &[OrgKind::DataAdmin])
        .await;
    assert!(matches!(
        c.record_evaluation(
            &Actor::new(Role::DataAdmin, elsewhere.id),
            auth,
            evaluation.clone(),
            d("2027-04-05"),
            None
        )
        .await,
        Err(CatalogError::Forbidden(_))
    ));
    // An evaluation is of a year the authorization operated in (it may be the current one).
    assert!(matches!(
        c.record_evaluation(
            &w.a(),
            auth,
            NewEvaluation {
                year: 2024,
                ..evaluation.clone()
            },
            d("2027-04-05"),
            None
        )
        .await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "year"
    ));
    let evaluated = c
        .record_evaluation(&w.a(), auth, evaluation.clone(), d("2027-04-05"), None)
        .await
        .unwrap()
        .value;
    // One evaluation per year.
    assert!(matches!(
        c.record_evaluation(&w.a(), auth, evaluation, d("2027-04-06"), None)
            .await,
        Err(CatalogError::Conflict(_))
    ));
    assert_eq!(
        evaluated.evaluations[0].evaluation.grade,
        EvaluationGrade::Passed
    );
    // The operator's reports are for the implementing body, not the public.
    assert!(
        c.public_authorization(auth)
            .await
            .unwrap()
            .reports
            .is_empty()
    );
    assert_eq!(
        c.authorization_as(&w.a(), auth)
            .await
            .unwrap()
            .value
            .reports
            .len(),
        1
    );

    // Destruction is recorded once access has closed, with logs kept at least six months.
    let destruction = |kept: &str| NewDestruction {
        completed_on: d("2027-05-20"),
        method: "原始数据及副本以不可逆方式删除".to_string(),
        supervised_by: "实施机构数据安全处".to_string(),
        logs_kept_until: d(kept),
    };
    assert!(matches!(
        c.record_destruction(
            &w.a(),
            auth,
            destruction("2028-05-20"),
            d("2027-05-21"),
            None
        )
        .await,
        Err(CatalogError::InvalidTransition(_))
    ));
    c.record_filing(
        &w.a(),
        auth,
        filing(FilingKind::Plan),
        d("2027-05-09"),
        None,
    )
    .await
    .unwrap();
    c.terminate_authorization(
        &w.a(),
        auth,
        NewTermination {
            reason: TerminationReason::MajorSecurityIncident,
            detail: "发生数据泄露事件".to_string(),
        },
        d("2027-05-10"),
        None,
    )
    .await
    .unwrap();
    let owed = duties(&env, &w.a(), auth, "2027-05-11").await;
    assert!(
        owed.contains(&(DutyKind::Destruction, None, None, false)),
        "{owed:?}"
    );
    assert!(
        owed.contains(&(DutyKind::TerminationFiling, None, None, false)),
        "{owed:?}"
    );
    assert!(matches!(
        c.record_destruction(&w.a(), auth, destruction("2027-08-01"), d("2027-05-21"), None).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "logs_kept_until"
    ));
    // Once terminated, the termination is filed, once (the plan's filing is another matter).
    c.record_filing(
        &w.a(),
        auth,
        filing(FilingKind::Termination),
        d("2027-05-11"),
        None,
    )
    .await
    .unwrap();
    assert!(matches!(
        c.record_filing(
            &w.a(),
            auth,
            filing(FilingKind::Termination),
            d("2027-05-12"),
            None
        )
        .await,
        Err(CatalogError::Conflict(_))
    ));
    // A destruction cannot be recorded as done tomorrow; done today, it is.
    assert!(matches!(
        c.record_destruction(&w.a(), auth, destruction("2027-11-20"), d("2027-05-19"), None).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "completed_on"
    ));
    let closed = c
        .record_destruction(
            &w.a(),
            auth,
            destruction("2027-11-20"),
            d("2027-05-20"),
            None,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(closed.destruction.unwrap().recorded_on, d("2027-05-20"));
    assert_eq!(closed.termination.unwrap().on, d("2027-05-10"));
    assert!(
        !duties(&env, &w.a(), auth, "2027-05-22")
            .await
            .iter()
            .any(|duty| duty.0 == DutyKind::Destruction)
    );
}

/// R 15: the registrant applies in the 60 days before expiry; a timely application keeps the
/// result from expiring until the registrar renews it (capped by the agreement's term).
pub async fn a_timely_renewal_application_keeps_the_result_until_renewed(env: Env) {
    let w = World::new(&env).await;
    let registrar = env.org("登记中心", "510000", &[OrgKind::Registrar]).await;
    let reg = Actor::new(Role::Registrar, registrar.id);
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let auth = active_authorization(&env, &w, vec![r.id], "2026-01-05", "2030-12-31").await;
    let product = super::reviewed_product_in(&env, &w, auth, r.id, "出行指数").await;
    let id = super::code_registration(&env, &w, &reg, product).await;
    let coded = c.registration(id).await.unwrap().value;
    let valid_to = coded.valid_to.unwrap();
    // The window: its first day is in it; the day before it and the day after expiry are not.
    let window = c.policy().default_policy().renewal_window_days;
    let applied = valid_to - chrono::Days::new(u64::from(window));
    for outside in [
        applied - chrono::Days::new(1),
        valid_to + chrono::Days::new(1),
    ] {
        assert!(
            matches!(
                c.apply_for_registration_renewal(&w.o(), id, outside).await,
                Err(CatalogError::Invalid { ref field, .. }) if field == "today"
            ),
            "{outside}"
        );
    }
    // Only the registrant applies.
    assert!(
        c.apply_for_registration_renewal(&reg, id, applied)
            .await
            .is_err()
    );
    let pending = c
        .apply_for_registration_renewal(&w.o(), id, applied)
        .await
        .unwrap()
        .value;
    assert_eq!(pending.renewal_applied_on, Some(applied));
    assert!(matches!(
        c.apply_for_registration_renewal(&w.o(), id, applied).await,
        Err(CatalogError::Conflict(_))
    ));
    let after = valid_to + chrono::Days::new(5);
    assert!(
        c.expire_due_registrations(after).await.unwrap().is_empty(),
        "a timely application waits for the registrar"
    );
    let renewed = c
        .renew_registration(&reg, id, after, None)
        .await
        .unwrap()
        .value;
    assert_eq!(
        renewed.valid_to,
        Some(d("2030-12-31")),
        "capped by the agreement"
    );
    assert_eq!(renewed.renewal_applied_on, None);

    // The expiry day itself is still in the window.
    let last_day = super::reviewed_product_in(&env, &w, auth, r.id, "通勤时长指数").await;
    let id = super::code_registration(&env, &w, &reg, last_day).await;
    let on_expiry = c
        .apply_for_registration_renewal(&w.o(), id, valid_to)
        .await
        .unwrap()
        .value;
    assert_eq!(on_expiry.renewal_applied_on, Some(valid_to));
}

/// SD 17: in Shandong an operator obtains a resource only through an approved demand, for the
/// resources it names and until the day the approval states; elsewhere the authorization suffices.
pub async fn an_approved_demand_grants_its_resources_until_its_day(env: Env) {
    use catalog::domain::demand::DemandReview;
    let w = World::in_region(&env, "370100").await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("企业纳税信用"))
        .await;
    let other = env
        .published(&w.provider, &w.admin, content("企业社保缴纳"))
        .await;
    active_authorization(&env, &w, vec![r.id, other.id], "2026-01-05", "2028-12-31").await;
    assert_rule(
        c.check_operator_access(w.operator.id, r.id, d("2026-09-01"))
            .await,
        Rule::ProductScope,
        "resource_id",
    );
    let demand = c
        .file_demand(&w.o(), super::demand(vec![r.id]))
        .await
        .unwrap();
    let approval = DemandReview {
        approved: true,
        opinion: "场景明确，符合最小必要".to_string(),
        valid_until: Some(d("2026-12-31")),
    };
    // Rule 9: the administration of another region does not review it.
    let elsewhere = env
        .org("四川省数据局", "510000", &[OrgKind::DataAdmin])
        .await;
    assert!(matches!(
        c.review_demand(
            &Actor::new(Role::DataAdmin, elsewhere.id),
            demand.id,
            approval.clone(),
            d("2026-09-01"),
            None
        )
        .await,
        Err(CatalogError::Forbidden(_))
    ));
    c.review_demand(&w.a(), demand.id, approval, d("2026-09-01"), None)
        .await
        .unwrap();
    c.check_operator_access(w.operator.id, r.id, d("2026-09-02"))
        .await
        .unwrap();
    // Only what it names, only until its day.
    assert_rule(
        c.check_operator_access(w.operator.id, other.id, d("2026-09-02"))
            .await,
        Rule::ProductScope,
        "resource_id",
    );
    assert_rule(
        c.check_operator_access(w.operator.id, r.id, d("2027-01-01"))
            .await,
        Rule::ProductScope,
        "resource_id",
    );
}

/// C 8.1: an announcement states how the operator is chosen, on what conditions and until when;
/// C 7.2: only an applicant that declares every condition (and the special one the announcement
/// asks for) may be selected; C 8.2: with written materials; applications are not public.
pub async fn an_announcement_states_its_terms_and_selection_needs_the_qualifications(env: Env) {
    use catalog::domain::authorization::{OperatorApplication, Qualification};
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("地形测绘成果"))
        .await;
    super::listed(&env, &w, &[r.id]).await;
    let mut silent = super::plan(&w.admin, vec![r.id], "2026-06-01", "2028-05-31");
    silent.announcement = None;
    assert!(matches!(
        c.announce_authorization(&w.a(), silent).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "announcement"
    ));
    let mut vague = super::plan(&w.admin, vec![r.id], "2026-06-01", "2028-05-31");
    vague.announcement.as_mut().unwrap().review_criteria = String::new();
    assert!(matches!(
        c.announce_authorization(&w.a(), vague).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "announcement.review_criteria"
    ));
    let mut plan = super::plan(&w.admin, vec![r.id], "2026-06-01", "2028-05-31");
    let announcement = plan.announcement.as_mut().unwrap();
    announcement.applications_close_on = d("2026-03-31");
    announcement.special_qualification = Some("甲级测绘资质".to_string());
    let auth = c.announce_authorization(&w.a(), plan).await.unwrap().id;

    let mut no_materials = qualified();
    no_materials.materials.clear();
    assert!(matches!(
        c.apply_for_authorization(&w.o(), auth, w.operator.id, no_materials, d("2026-03-02")).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "materials"
    ));
    // Bounded: 51 materials, or 21 declarations, are refused at their field.
    let mut many = qualified();
    many.materials = (0..51).map(|i| format!("材料{i}")).collect();
    assert!(matches!(
        c.apply_for_authorization(&w.o(), auth, w.operator.id, many, d("2026-03-02")).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "materials"
    ));
    let mut declared = qualified();
    declared.declarations = (0..21).map(|i| Qualification::REQUIRED[i % 6]).collect();
    assert!(matches!(
        c.apply_for_authorization(&w.o(), auth, w.operator.id, declared, d("2026-03-02")).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "declarations"
    ));
    assert!(matches!(
        c.apply_for_authorization(&w.o(), auth, w.operator.id, qualified(), d("2026-04-01"))
            .await,
        Err(CatalogError::InvalidTransition(_))
    ));
    // Declares a)–f) but not the special qualification g).
    c.apply_for_authorization(&w.o(), auth, w.operator.id, qualified(), d("2026-03-31"))
        .await
        .unwrap();
    let surveyor = env
        .org("测绘运营公司", "510500", &[OrgKind::Operator])
        .await;
    // At the caps exactly (50 materials, 20 declarations): taken.
    let mut everything = qualified();
    everything
        .declarations
        .push(Qualification::SpecialQualification);
    while everything.declarations.len() < 20 {
        let again = Qualification::REQUIRED[everything.declarations.len() % 6];
        everything.declarations.push(again);
    }
    everything.materials = (0..50).map(|i| format!("支持材料{i}")).collect();
    c.apply_for_authorization(
        &Actor::new(Role::Operator, surveyor.id),
        auth,
        surveyor.id,
        everything,
        d("2026-03-20"),
    )
    .await
    .unwrap();
    let refused = c.select_operator(&w.a(), auth, w.operator.id, None).await;
    assert!(
        matches!(&refused, Err(CatalogError::Invalid { field, message }) if field == "operator_id" && message.contains("C 7.2 g")),
        "{refused:?}"
    );
    let partial = OperatorApplication {
        declarations: vec![Qualification::NoPenalties],
        materials: vec!["申请书".to_string()],
    };
    assert!(matches!(
        c.apply_for_authorization(&w.o(), auth, w.operator.id, partial, d("2026-03-21"))
            .await,
        Err(CatalogError::Conflict(_))
    ));
    let selected = c
        .select_operator(&w.a(), auth, surveyor.id, None)
        .await
        .unwrap()
        .value;
    assert_eq!(selected.operator_id, Some(surveyor.id));
    assert_eq!(selected.applications.len(), 2);
    let public = c.public_authorization(auth).await.unwrap();
    assert!(public.applications.is_empty() && public.applicants.is_empty());
    assert!(
        public.plan.announcement.is_some(),
        "the announcement itself is public"
    );
}

/// N 14(十二): a change of scope is a new agreement version, drawn from the operation directory
/// in force (C 6.2) like the first scope; access follows the new scope at once (rule 5).
pub async fn a_scope_change_is_a_new_agreement_version_from_the_directory(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let first = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let second = env
        .published(&w.provider, &w.admin, content("地铁客流"))
        .await;
    let unlisted = env
        .published(&w.provider, &w.admin, content("出租车轨迹"))
        .await;
    let auth = active_authorization(&env, &w, vec![first.id], "2026-01-01", "2027-12-31").await;
    // The directory in force does not list these yet: refused, nothing changes.
    let refused = c
        .change_authorization_scope(
            &w.a(),
            auth,
            vec![second.id],
            terms(),
            d("2026-06-01"),
            None,
        )
        .await;
    assert!(
        matches!(refused, Err(CatalogError::RuleViolation { .. })),
        "{refused:?}"
    );
    super::listed(&env, &w, &[first.id, second.id]).await;
    assert!(
        c.change_authorization_scope(
            &w.o(),
            auth,
            vec![second.id],
            terms(),
            d("2026-06-01"),
            None
        )
        .await
        .is_err(),
        "only the implementing body changes it"
    );
    assert!(matches!(
        c.change_authorization_scope(&w.a(), auth, vec![], terms(), d("2026-06-01"), None)
            .await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "resource_ids"
    ));
    let changed = c
        .change_authorization_scope(
            &w.a(),
            auth,
            vec![second.id],
            terms(),
            d("2026-06-01"),
            None,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(changed.agreements.len(), 2);
    assert_eq!(changed.agreements[1].change, AgreementChange::ScopeChanged);
    assert_eq!(changed.agreements[1].resource_ids, vec![second.id]);
    assert_eq!(changed.plan.resource_ids, vec![second.id]);
    assert_eq!(
        changed
            .scope
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>(),
        vec!["地铁客流"]
    );
    c.check_operator_access(w.operator.id, second.id, d("2026-06-02"))
        .await
        .unwrap();
    assert!(
        c.check_operator_access(w.operator.id, first.id, d("2026-06-02"))
            .await
            .is_err(),
        "the resource left the scope"
    );
    assert!(
        c.check_operator_access(w.operator.id, unlisted.id, d("2026-06-02"))
            .await
            .is_err()
    );
}

/// Operation starts inside the agreed term only: from its first day through its last.
pub async fn operation_starts_only_inside_the_term(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    super::listed(&env, &w, &[r.id]).await;
    let term = ("2026-06-01", "2026-06-02");
    let signed = || {
        super::signed_authorization(&env, &w, vec![r.id], term, d("2026-05-11"), d("2026-05-29"))
    };
    let early = signed().await;
    for outside in ["2026-05-31", "2026-06-03"] {
        assert!(
            matches!(
                c.activate_authorization(&w.a(), early, d(outside), None).await,
                Err(CatalogError::Invalid { ref field, .. }) if field == "today"
            ),
            "{outside}"
        );
    }
    let first_day = c
        .activate_authorization(&w.a(), early, d("2026-06-01"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(first_day.activated_on, Some(d("2026-06-01")));
    let late = signed().await;
    let last_day = c
        .activate_authorization(&w.a(), late, d("2026-06-02"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(last_day.status, AuthorizationStatus::Active);
}

/// The whole authorization record (applications, reports, the renewal request) is for its
/// operator, the administrations whose region holds it and auditors; another operator — or any
/// operator before one is selected — and another region's administration are refused.
pub async fn the_full_authorization_record_is_for_its_operator_administration_and_auditors(
    env: Env,
) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let auth = active_authorization(&env, &w, vec![r.id], "2026-01-05", "2028-12-31").await;
    let rival = env
        .org("别家运营公司", "510500", &[OrgKind::Operator])
        .await;
    let elsewhere = env
        .org("贵州省数据局", "520000", &[OrgKind::DataAdmin])
        .await;
    let auditor = env.org("审计局", "510000", &[OrgKind::Auditor]).await;
    let read = |actor: Actor| async move { c.authorization_as(&actor, auth).await };
    assert_eq!(read(w.o()).await.unwrap().value.id, auth);
    assert_eq!(read(w.a()).await.unwrap().value.id, auth);
    assert_eq!(
        read(Actor::new(Role::Auditor, auditor.id))
            .await
            .unwrap()
            .value
            .id,
        auth
    );
    for refused in [
        Actor::new(Role::Operator, rival.id),
        Actor::new(Role::DataAdmin, elsewhere.id),
        w.p(),
    ] {
        assert!(
            matches!(read(refused.clone()).await, Err(CatalogError::Forbidden(_))),
            "{refused:?}"
        );
    }
    // Announced, no operator selected yet: no operator reads it whole.
    super::listed(&env, &w, &[r.id]).await;
    let announced = c
        .announce_authorization(
            &w.a(),
            super::plan(&w.admin, vec![r.id], "2026-04-01", "2028-03-31"),
        )
        .await
        .unwrap()
        .id;
    assert!(matches!(
        c.authorization_as(&w.o(), announced).await,
        Err(CatalogError::Forbidden(_))
    ));
}
