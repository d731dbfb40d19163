//! Objections to an operator selection (C 8.3) and to a developer's admission (GZ 12): filed by
//! real name with evidence during publicity, decided by the body that publicized, personal data
//! kept out of the entity and the audit chain.

use catalog::domain::RegionCode;
use catalog::domain::authorization::AuthorizationStatus;
use catalog::domain::developer::{DeveloperStatus, NewDeveloper};
use catalog::domain::objection::{NewObjection, ObjectionDecision, ObjectionStatus};
use catalog::domain::organization::{NewOrganization, OrgKind};
use catalog::error::CatalogError;
use catalog::service::{Actor, Role};
use uuid::Uuid;

use super::{World, d, listed, plan, qualified, terms};
use crate::fixtures::{Env, content, uscc_for};

fn objection(grounds: &str) -> NewObjection {
    NewObjection {
        objector_name: "李四".to_string(),
        objector_id_number: "510502199001010018".to_string(),
        contact: "13800000001".to_string(),
        grounds: grounds.to_string(),
        evidence: vec!["处罚决定书扫描件".to_string()],
    }
}

fn decision(objection_id: Uuid, upheld: bool) -> ObjectionDecision {
    ObjectionDecision {
        objection_id,
        upheld,
        decision: if upheld {
            "经核实，该机构一年内受过数据相关行政处罚，不符合 C 7.2 b)".to_string()
        } else {
            "经核实，所称处罚已于三年前撤销".to_string()
        },
    }
}

/// An authorization with two applicants, the first selected, publicized from Monday 2026-03-02
/// (5 working days: through Friday 03-06).
async fn publicized_selection(env: &Env, w: &World) -> (Uuid, Uuid) {
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    listed(env, w, &[r.id]).await;
    let auth = c
        .announce_authorization(
            &w.a(),
            plan(&w.admin, vec![r.id], "2026-04-01", "2028-03-31"),
        )
        .await
        .unwrap();
    let rival = env
        .org("另一运营公司", "510500", &[OrgKind::Operator])
        .await;
    c.apply_for_authorization(&w.o(), auth.id, w.operator.id, qualified(), d("2026-02-01"))
        .await
        .unwrap();
    c.apply_for_authorization(
        &Actor::new(Role::Operator, rival.id),
        auth.id,
        rival.id,
        qualified(),
        d("2026-02-01"),
    )
    .await
    .unwrap();
    c.select_operator(&w.a(), auth.id, w.operator.id, None)
        .await
        .unwrap();
    let publicized = c
        .publicize_selection(&w.a(), auth.id, d("2026-03-02"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(publicized.publicity_end, Some(d("2026-03-06")));
    (auth.id, rival.id)
}

pub async fn the_public_objects_to_an_operator_selection_during_its_publicity(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let (auth, _) = publicized_selection(&env, &w).await;

    // 实名 with evidence, inside the window.
    let mut anonymous = objection("不符合资质条件");
    anonymous.objector_id_number = "不愿透露".to_string();
    assert!(matches!(
        c.object_to_selection(auth, anonymous, d("2026-03-03")).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "objector_id_number"
    ));
    let mut no_evidence = objection("不符合资质条件");
    no_evidence.evidence.clear();
    assert!(matches!(
        c.object_to_selection(auth, no_evidence, d("2026-03-03")).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "evidence"
    ));
    assert!(matches!(
        c.object_to_selection(auth, objection("太晚了"), d("2026-03-09")).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "filed_on"
    ));

    // Filed on Wednesday with three working days left: the publicity pauses.
    let filed = c
        .object_to_selection(
            auth,
            objection("该机构近一年受过数据相关行政处罚"),
            d("2026-03-04"),
        )
        .await
        .unwrap();
    let paused = c.authorization(auth).await.unwrap().value;
    assert_eq!(paused.status, AuthorizationStatus::UnderObjection);
    assert_eq!(paused.objections[0].publicity_days_left, 3);
    // Nobody signs while the objection waits, however long the wait.
    assert!(matches!(
        c.sign_agreement(&w.a(), auth, d("2026-03-20"), terms(), None)
            .await,
        Err(CatalogError::InvalidTransition(_))
    ));

    // Who objected stays out of the entity, its public view and the audit chain (rule 10);
    // the implementing body reads it, another administration does not.
    let stored = serde_json::to_string(&paused).unwrap();
    assert!(!stored.contains("李四") && !stored.contains("510502199001010018"));
    let chain = format!("{:?}", c.store().audit_events(0, 10_000).await.unwrap());
    assert!(!chain.contains("李四") && !chain.contains("13800000001"));
    let public = c.public_authorization(auth).await.unwrap();
    assert_eq!(public.objections.len(), 1);
    assert!(public.objections[0].grounds.is_empty());
    let who = c.selection_objectors_as(&w.a(), auth).await.unwrap();
    assert_eq!(who[0].objector_name.as_deref(), Some("李四"));
    let other = env.org("另一数据局", "520000", &[OrgKind::DataAdmin]).await;
    let outsider = Actor::new(Role::DataAdmin, other.id);
    assert!(matches!(
        c.selection_objectors_as(&outsider, auth).await,
        Err(CatalogError::Forbidden(_))
    ));
    assert!(matches!(
        c.decide_selection_objection(
            &outsider,
            auth,
            decision(filed, false),
            d("2026-03-10"),
            None
        )
        .await,
        Err(CatalogError::Forbidden(_))
    ));

    // Dismissed on Tuesday 03-10: publicity resumes on 03-11 for the three days left (to 03-13).
    let resumed = c
        .decide_selection_objection(&w.a(), auth, decision(filed, false), d("2026-03-10"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(resumed.status, AuthorizationStatus::Publicized);
    assert_eq!(resumed.publicity_end, Some(d("2026-03-13")));
    assert_eq!(resumed.objections[0].status, ObjectionStatus::Dismissed);
    assert!(
        c.selection_objectors_as(&w.a(), auth).await.unwrap()[0]
            .retain_until
            .is_some(),
        "the retention clock runs from the decision"
    );
    assert!(matches!(
        c.sign_agreement(&w.a(), auth, d("2026-03-13"), terms(), None)
            .await,
        Err(CatalogError::InvalidTransition(_))
    ));
    let signed = c
        .sign_agreement(&w.a(), auth, d("2026-03-16"), terms(), None)
        .await
        .unwrap()
        .value;
    assert_eq!(signed.status, AuthorizationStatus::Signed);
}

pub async fn an_upheld_objection_annuls_the_selection(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let (auth, rival) = publicized_selection(&env, &w).await;
    let filed = c
        .object_to_selection(
            auth,
            objection("该机构近一年受过数据相关行政处罚"),
            d("2026-03-03"),
        )
        .await
        .unwrap();
    let annulled = c
        .decide_selection_objection(&w.a(), auth, decision(filed, true), d("2026-03-05"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(annulled.status, AuthorizationStatus::Applied);
    assert_eq!(annulled.operator_id, None);
    assert_eq!(annulled.applicants, vec![rival]);
    assert_eq!(annulled.publicity_end, None);
    assert!(
        annulled
            .history
            .last()
            .unwrap()
            .note
            .as_deref()
            .unwrap()
            .contains("异议成立"),
        "the history says why the selection fell"
    );
    // The fallen operator cannot be selected again; the other applicant can, and its selection
    // is publicized afresh.
    assert!(matches!(
        c.select_operator(&w.a(), auth, w.operator.id, None).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "operator_id"
    ));
    c.select_operator(&w.a(), auth, rival, None).await.unwrap();
    let again = c
        .publicize_selection(&w.a(), auth, d("2026-03-09"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(again.publicity_end, Some(d("2026-03-13")));
    // A decided objection cannot be decided twice.
    assert!(
        c.decide_selection_objection(&w.a(), auth, decision(filed, false), d("2026-03-10"), None)
            .await
            .is_err()
    );
}

fn developer(name: &str) -> NewDeveloper {
    NewDeveloper {
        organization: NewOrganization {
            uscc: uscc_for(name, "510500"),
            name: name.to_string(),
            region: RegionCode::parse("510500").unwrap(),
            kinds: [OrgKind::Developer].into_iter().collect(),
            contact: None,
        },
        qualifications: "具备数据安全管理制度与技术团队".to_string(),
        intended_use: "开发出行服务应用".to_string(),
    }
}

pub async fn the_public_objects_to_a_developer_admission(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let outsider = Actor::new(
        Role::DataAdmin,
        env.org("贵州数据局", "520000", &[OrgKind::DataAdmin])
            .await
            .id,
    );

    // Rule 9: only the administration of the applicant's region handles the application.
    let first = c.apply_as_developer(developer("出行科技")).await.unwrap();
    assert!(matches!(
        c.publicize_developer(&outsider, first.id, d("2026-03-02"), None)
            .await,
        Err(CatalogError::Forbidden(_))
    ));
    let page = c
        .developer_applications_as(&outsider, Default::default())
        .await
        .unwrap();
    assert!(page.is_empty(), "another region sees no applications");
    // Publicized from the next working day (03-03) for 5 working days: through 03-09.
    let publicized = c
        .publicize_developer(&w.a(), first.id, d("2026-03-02"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(publicized.publicity_end, Some(d("2026-03-09")));
    let filed = c
        .object_to_admission(
            first.id,
            objection("该机构提交的资质证明系伪造"),
            d("2026-03-04"),
        )
        .await
        .unwrap();
    assert_eq!(
        c.developer_application_as(&w.a(), first.id)
            .await
            .unwrap()
            .status,
        DeveloperStatus::UnderObjection
    );
    assert!(matches!(
        c.admit_developer(&w.a(), first.id, d("2026-03-20"), None)
            .await,
        Err(CatalogError::InvalidTransition(_))
    ));
    assert!(matches!(
        c.admission_objectors_as(&outsider, first.id).await,
        Err(CatalogError::Forbidden(_))
    ));
    assert_eq!(
        c.admission_objectors_as(&w.a(), first.id).await.unwrap()[0]
            .objector_name
            .as_deref(),
        Some("李四")
    );
    let rejected = c
        .decide_admission_objection(
            &w.a(),
            first.id,
            decision(filed, true),
            d("2026-03-06"),
            None,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(rejected.status, DeveloperStatus::Rejected);
    assert!(rejected.reason.unwrap().starts_with("异议成立"));
    assert_eq!(rejected.organization_id, None);

    // Dismissed: the publicity resumes for the days that were left, then admission.
    let second = c.apply_as_developer(developer("数智科技")).await.unwrap();
    c.publicize_developer(&w.a(), second.id, d("2026-03-02"), None)
        .await
        .unwrap();
    let filed = c
        .object_to_admission(second.id, objection("不符合条件"), d("2026-03-09"))
        .await
        .unwrap();
    let resumed = c
        .decide_admission_objection(
            &w.a(),
            second.id,
            decision(filed, false),
            d("2026-03-11"),
            None,
        )
        .await
        .unwrap()
        .value;
    assert_eq!(resumed.status, DeveloperStatus::Publicized);
    assert_eq!(resumed.publicity_end, Some(d("2026-03-12")));
    let notice = c
        .developer_notices(Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.id == second.id)
        .unwrap();
    assert_eq!(notice.objections_filed, 1);
    assert_eq!(
        notice.publicity_end_certainty,
        Some(c.calendar().certainty(d("2026-03-12")))
    );
    assert!(matches!(
        c.admit_developer(&w.a(), second.id, d("2026-03-12"), None)
            .await,
        Err(CatalogError::InvalidTransition(_))
    ));
    let admitted = c
        .admit_developer(&w.a(), second.id, d("2026-03-13"), None)
        .await
        .unwrap()
        .value;
    assert_eq!(admitted.status, DeveloperStatus::Admitted);
}
