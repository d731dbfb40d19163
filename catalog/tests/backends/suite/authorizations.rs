//! Authorizations: term limits by jurisdiction (rule 3), publicity before signing, closing access (rule 5).

use catalog::domain::authorization::{AuthorizationStatus, NewTermination, TerminationReason};
use catalog::domain::organization::OrgKind;
use catalog::error::Rule;
use catalog::{Actor, CatalogError, Role};

use crate::fixtures::{Env, content};

use super::*;

pub async fn rule3_agreement_term_limits_follow_the_jurisdiction(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    listed(&env, &w, &[r.id]).await;
    // National (Sichuan has no preset): 5 years, both ends counted — 2026-01-01 to 2030-12-31
    // is exactly five years; one more day is over the limit.
    c.announce_authorization(
        &w.a(),
        plan(&w.admin, vec![r.id], "2026-01-01", "2030-12-31"),
    )
    .await
    .unwrap();
    assert_rule(
        c.announce_authorization(
            &w.a(),
            plan(&w.admin, vec![r.id], "2026-01-01", "2031-01-01"),
        )
        .await,
        Rule::TermLimit,
        "term_end",
    );
    // Guizhou and Laiyuan: 3 years; Shandong inherits the national 5. The jurisdiction is the
    // implementing body's region: there is no field in the request to pick another.
    for (name, region, end, allowed) in [
        ("贵州省数据局", "520000", "2029-01-01", false),
        ("贵阳市数据局", "520100", "2028-12-31", true),
        ("涞源县数据局", "130630", "2029-06-01", false),
        ("山东省数据局", "370000", "2030-12-31", true),
    ] {
        let body = env.org(name, region, &[OrgKind::DataAdmin]).await;
        let actor = Actor::new(Role::DataAdmin, body.id);
        // Each body authorizes a resource of its own region's operation directory.
        let provider = env
            .org(&format!("{name}数源"), region, &[OrgKind::Provider])
            .await;
        let own = env.published(&provider, &body, content("公交刷卡")).await;
        c.publish_edition(&actor, body.id, lines(&[own.id]))
            .await
            .unwrap();
        let result = c
            .announce_authorization(&actor, plan(&body, vec![own.id], "2026-01-01", end))
            .await;
        if allowed {
            result.unwrap();
        } else {
            assert_rule(result, Rule::TermLimit, "term_end");
        }
    }
}

pub async fn signing_waits_for_the_publicity_period(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    listed(&env, &w, &[r.id]).await;
    let auth = c
        .announce_authorization(
            &w.a(),
            plan(&w.admin, vec![r.id], "2026-09-01", "2028-12-31"),
        )
        .await
        .unwrap();
    c.apply_for_authorization(&w.o(), auth.id, w.operator.id, qualified(), d("2026-02-01"))
        .await
        .unwrap();
    assert!(matches!(
        c.apply_for_authorization(&w.o(), auth.id, w.operator.id, qualified(), d("2026-02-01"))
            .await,
        Err(CatalogError::Conflict(_))
    ));
    c.select_operator(&w.a(), auth.id, w.operator.id, None)
        .await
        .unwrap();
    // Publicity from Wed 2026-09-30 for 5 working days: 09-30, 10-08, 10-09, 10-10 (adjusted Saturday), 10-12.
    c.publicize_selection(&w.a(), auth.id, d("2026-09-30"), None)
        .await
        .unwrap();
    let early = c
        .sign_agreement(&w.a(), auth.id, d("2026-10-12"), terms(), None)
        .await;
    assert!(
        matches!(early, Err(CatalogError::InvalidTransition(ref m)) if m.contains("期满后方可签订协议")),
        "{early:?}"
    );
    let signed = c
        .sign_agreement(&w.a(), auth.id, d("2026-10-13"), terms(), None)
        .await
        .unwrap();
    assert_eq!(signed.value.status, AuthorizationStatus::Signed);
    // Another data administration cannot run this authorization.
    let other = env.org("别的数据局", "510000", &[OrgKind::DataAdmin]).await;
    let foreign = c
        .activate_authorization(
            &Actor::new(Role::DataAdmin, other.id),
            auth.id,
            d("2026-10-14"),
            None,
        )
        .await;
    assert!(matches!(foreign, Err(CatalogError::Forbidden(_))));
}

pub async fn rule5_termination_and_expiry_close_access(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r1 = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let r2 = env
        .published(&w.provider, &w.admin, content("出租车轨迹"))
        .await;
    let outside = env
        .published(&w.provider, &w.admin, content("气象观测"))
        .await;
    let a1 = active_authorization(&env, &w, vec![r1.id], "2026-01-05", "2028-12-31").await;
    let a2 = active_authorization(&env, &w, vec![r2.id], "2026-01-05", "2026-12-31").await;
    let day = d("2026-06-01");
    c.check_operator_access(w.operator.id, r1.id, day)
        .await
        .unwrap();
    c.check_operator_access(w.operator.id, r2.id, day)
        .await
        .unwrap();
    assert_rule(
        c.check_operator_access(w.operator.id, outside.id, day)
            .await,
        Rule::ProductScope,
        "resource_id",
    );

    c.terminate_authorization(
        &w.a(),
        a1,
        NewTermination {
            reason: TerminationReason::MajorSecurityIncident,
            detail: "发生数据泄露事件".to_string(),
        },
        day,
        None,
    )
    .await
    .unwrap();
    assert_rule(
        c.check_operator_access(w.operator.id, r1.id, day).await,
        Rule::AccessClosed,
        "resource_id",
    );
    let again = c
        .terminate_authorization(
            &w.a(),
            a1,
            NewTermination {
                reason: TerminationReason::AgreedCondition,
                detail: "再次终止".into(),
            },
            day,
            None,
        )
        .await;
    assert!(matches!(again, Err(CatalogError::InvalidTransition(_))));

    // Expiry: the sweep moves a2 to expired after its term, and access closes.
    assert!(
        c.expire_due_authorizations(d("2026-12-31"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        c.expire_due_authorizations(d("2027-01-01")).await.unwrap(),
        vec![a2]
    );
    assert_eq!(
        c.authorization(a2).await.unwrap().value.status,
        AuthorizationStatus::Expired
    );
    assert_rule(
        c.check_operator_access(w.operator.id, r2.id, d("2027-01-01"))
            .await,
        Rule::AccessClosed,
        "resource_id",
    );
}
