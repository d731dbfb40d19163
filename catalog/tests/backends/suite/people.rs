//! People, sign-in, separation of duties, tokens and jurisdiction (rule 9), on both backends.

use std::collections::BTreeSet;

use catalog::domain::organization::{OrgKind, Organization};
use catalog::domain::person::{Account, NewPerson, Person, PersonStatus};
use catalog::domain::resource::ResourceStatus;
use catalog::{Actor, ActorName, CatalogError, Role, SessionStage, SignInPolicy};
use chrono::Utc;

use crate::fixtures::{Env, content};

const PASSWORD: &str = "Mulu-Test-2026";

async fn person(env: &Env, account: &str, org: &Organization, roles: &[Role]) -> Person {
    env.catalog
        .create_person_with_final_password(
            &Actor::system(),
            NewPerson {
                account: Account::parse(account).unwrap(),
                name: account.to_string(),
                org_id: org.id,
                roles: roles.iter().copied().collect(),
                password: PASSWORD.to_string(),
                sso_subject: None,
            },
        )
        .await
        .unwrap()
}

fn acting(p: &Person, role: Role) -> Actor {
    Actor::person(role, p.org_id, p.id)
}

pub async fn no_person_holds_two_duties_and_nobody_grants_themselves(env: Env) {
    let c = &env.catalog;
    let platform = env
        .org("平台运维中心", "510000", &[OrgKind::DataAdmin])
        .await;
    let security = person(&env, "sec.one", &platform, &[Role::SecurityAdmin]).await;
    let sec = acting(&security, Role::SecurityAdmin);
    let duties = [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin];
    let mut n = 0;
    for a in duties {
        for b in duties {
            n += 1;
            let roles: BTreeSet<Role> = [a, b].into();
            let created = c
                .create_person(
                    &sec,
                    NewPerson {
                        account: Account::parse(&format!("duty{n}")).unwrap(),
                        name: "兼任测试".to_string(),
                        org_id: platform.id,
                        roles: roles.clone(),
                        password: PASSWORD.to_string(),
                        sso_subject: None,
                    },
                )
                .await;
            if a == b {
                let p = created.unwrap();
                assert!(
                    p.must_change_password,
                    "an initial password must be changed"
                );
                // Adding a second duty later is refused too.
                let other = duties.into_iter().find(|d| *d != a).unwrap();
                let refused = c
                    .set_person_roles(&sec, p.id, [a, other].into())
                    .await
                    .unwrap_err();
                assert!(
                    matches!(refused, CatalogError::Forbidden(ref m) if m.contains("三员分立")),
                    "{refused:?}"
                );
            } else {
                assert!(
                    matches!(created, Err(CatalogError::Forbidden(ref m)) if m.contains("三员分立")),
                    "{a:?} + {b:?}: {created:?}"
                );
            }
        }
    }
    // Nobody changes their own roles, not even a security administrator.
    let own = c
        .set_person_roles(
            &sec,
            security.id,
            [Role::SecurityAdmin, Role::Provider].into(),
        )
        .await;
    assert!(matches!(own, Err(CatalogError::Forbidden(_))), "{own:?}");
    // Only a security administrator manages people: not a data administration.
    let admin = person(&env, "admin.one", &platform, &[Role::DataAdmin]).await;
    let by_admin = c
        .create_person(
            &acting(&admin, Role::DataAdmin),
            NewPerson {
                account: Account::parse("registrar.x").unwrap(),
                name: "登记员".to_string(),
                org_id: platform.id,
                roles: [Role::DataAdmin].into(),
                password: PASSWORD.to_string(),
                sso_subject: None,
            },
        )
        .await;
    assert!(
        matches!(by_admin, Err(CatalogError::Forbidden(_))),
        "{by_admin:?}"
    );
    // A role the organization cannot act as is refused.
    let wrong_kind = c
        .set_person_roles(&sec, admin.id, [Role::Registrar].into())
        .await;
    assert!(
        matches!(wrong_kind, Err(CatalogError::Invalid { ref field, .. }) if field == "roles"),
        "{wrong_kind:?}"
    );
}

pub async fn five_wrong_passwords_lock_until_a_security_admin_unlocks(env: Env) {
    let c = &env.catalog;
    let org = env.org("统计局", "510500", &[OrgKind::Provider]).await;
    let clerk = person(&env, "clerk", &org, &[Role::Provider]).await;
    let platform = env
        .org("平台运维中心", "510000", &[OrgKind::DataAdmin])
        .await;
    let security = person(&env, "sec.two", &platform, &[Role::SecurityAdmin]).await;
    assert_eq!(
        c.check_password("clerk", PASSWORD).await.unwrap().id,
        clerk.id
    );
    for attempt in 1..=5 {
        let e = c
            .check_password("CLERK", "wrong-password")
            .await
            .unwrap_err();
        let CatalogError::Unauthenticated(message) = e else {
            panic!("{e:?}")
        };
        if attempt < 5 {
            assert!(
                message.contains(&format!("再错{}次", 5 - attempt)),
                "{message}"
            );
        } else {
            assert!(message.contains("已锁定"), "{message}");
        }
    }
    // Locked: even the right password is refused, with the reason.
    let locked = c.check_password("clerk", PASSWORD).await.unwrap_err();
    assert!(matches!(locked, CatalogError::Unauthenticated(ref m) if m.contains("已锁定")));
    assert_eq!(
        c.person(clerk.id).await.unwrap().value.status,
        PersonStatus::Locked
    );
    let events = c.store().audit_events(0, 1000).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "person.lock" && e.entity_id == clerk.id.to_string())
    );
    // Unknown accounts answer like wrong passwords.
    let unknown = c.check_password("nobody", PASSWORD).await.unwrap_err();
    assert!(matches!(unknown, CatalogError::Unauthenticated(ref m) if m == "账号或密码错误"));
    // The clerk cannot unlock themselves; the security administrator can.
    assert!(
        c.unlock_person(&acting(&clerk, Role::Provider), clerk.id)
            .await
            .is_err()
    );
    c.unlock_person(&acting(&security, Role::SecurityAdmin), clerk.id)
        .await
        .unwrap();
    assert_eq!(
        c.check_password("clerk", PASSWORD).await.unwrap().id,
        clerk.id
    );
    let unlock = c.store().audit_events(0, 1000).await.unwrap();
    let event = unlock
        .iter()
        .rev()
        .find(|e| e.action == "person.unlock")
        .unwrap();
    assert_eq!(
        ActorName::parse(&event.actor).person_id,
        Some(security.id.to_string())
    );
}

pub async fn sessions_live_in_the_database_and_end(env: Env) {
    let c = &env.catalog;
    let org = env
        .org("统计局", "510500", &[OrgKind::Provider, OrgKind::Operator])
        .await;
    let clerk = person(&env, "clerk", &org, &[Role::Provider, Role::Operator]).await;
    let new = c.start_session(&clerk).await.unwrap();
    assert_eq!(new.signed_in.stage, SessionStage::Active);
    // The store keeps only the hash of the secret.
    let stored = c.session(&new.secret).await.unwrap().expect("live session");
    assert_eq!(stored.person.id, clerk.id);
    assert_ne!(stored.record.id_hash, new.secret);
    c.switch_role(&stored, Role::Operator).await.unwrap();
    let switched = c.session(&new.secret).await.unwrap().unwrap();
    assert_eq!(switched.role, Role::Operator);
    assert!(c.switch_role(&switched, Role::Registrar).await.is_err());
    c.end_session(&switched).await.unwrap();
    assert!(
        c.session(&new.secret).await.unwrap().is_none(),
        "signed out"
    );
    assert!(c.session("not-a-session").await.unwrap().is_none());
    // A session unused past the idle timeout, or older than the absolute one, has ended.
    let idle = c.clone().with_sign_in_policy(SignInPolicy {
        idle_timeout: chrono::Duration::zero(),
        ..SignInPolicy::default()
    });
    let fresh = idle.start_session(&clerk).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert!(
        idle.session(&fresh.secret).await.unwrap().is_none(),
        "idle timeout"
    );
    assert!(
        c.session(&fresh.secret).await.unwrap().is_none(),
        "an expired session stays ended"
    );
    let short = c.clone().with_sign_in_policy(SignInPolicy {
        absolute_timeout: chrono::Duration::zero(),
        ..SignInPolicy::default()
    });
    let fresh = short.start_session(&clerk).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert!(
        short.session(&fresh.secret).await.unwrap().is_none(),
        "absolute timeout"
    );
}

pub async fn duty_roles_need_a_second_factor_that_works_once(env: Env) {
    let c = &env.catalog;
    let platform = env
        .org("平台运维中心", "510000", &[OrgKind::DataAdmin])
        .await;
    let auditor = person(&env, "audit.admin", &platform, &[Role::AuditAdmin]).await;
    let first = c.start_session(&auditor).await.unwrap();
    assert_eq!(first.signed_in.stage, SessionStage::EnrollSecondFactor);
    let enrollment = c.begin_totp_enrollment(&first.signed_in).await.unwrap();
    assert!(enrollment.url.starts_with("otpauth://totp/"));
    let code = c.current_totp_code(auditor.id, Utc::now()).await.unwrap();
    let stage = c
        .confirm_totp_enrollment(&first.signed_in, &code)
        .await
        .unwrap();
    assert_eq!(stage, SessionStage::Active);
    // Next sign-in asks for a code; the one just used is refused as replayed.
    let auditor = c.person(auditor.id).await.unwrap().value;
    let second = c.start_session(&auditor).await.unwrap();
    assert_eq!(second.signed_in.stage, SessionStage::SecondFactor);
    let replay = c
        .pass_second_factor(&second.signed_in, &code)
        .await
        .unwrap_err();
    assert!(
        matches!(replay, CatalogError::Invalid { ref message, .. } if message.contains("已使用")),
        "{replay:?}"
    );
    let wrong = c.pass_second_factor(&second.signed_in, "000000").await;
    assert!(wrong.is_err());
    let next = c
        .current_totp_code(auditor.id, Utc::now() + chrono::Duration::seconds(30))
        .await
        .unwrap();
    assert_eq!(
        c.pass_second_factor(&second.signed_in, &next)
            .await
            .unwrap(),
        SessionStage::Active
    );
}

pub async fn tokens_belong_to_people_who_revoke_their_own(env: Env) {
    let c = &env.catalog;
    let org = env.org("统计局", "510500", &[OrgKind::Provider]).await;
    let clerk = person(&env, "clerk", &org, &[Role::Provider]).await;
    let other = person(&env, "clerk.two", &org, &[Role::Provider]).await;
    let platform = env
        .org("平台运维中心", "510000", &[OrgKind::DataAdmin])
        .await;
    let admin = person(&env, "admin.one", &platform, &[Role::DataAdmin]).await;
    let security = person(&env, "sec.three", &platform, &[Role::SecurityAdmin]).await;
    let me = acting(&clerk, Role::Provider);
    let issued = c
        .issue_token(&me, clerk.id, Role::Provider, "报送系统")
        .await
        .unwrap();
    assert!(issued.secret.starts_with("mulu_") && issued.secret.len() > 60);
    let (actor, _) = c
        .authenticate(&issued.secret)
        .await
        .unwrap()
        .expect("valid token");
    assert_eq!(
        actor,
        acting(&clerk, Role::Provider).with_token(issued.token.id)
    );
    assert!(c.authenticate("mulu_0000").await.unwrap().is_none());
    // The secret appears nowhere in the audit trail.
    let events = c.store().audit_events(0, 1000).await.unwrap();
    assert!(
        events
            .iter()
            .all(|e| !format!("{e:?}").contains(&issued.secret))
    );
    // Nobody mints a token for somebody else: not a data administration, not a security admin.
    for (actor, whom) in [
        (acting(&admin, Role::DataAdmin), clerk.id),
        (acting(&security, Role::SecurityAdmin), clerk.id),
    ] {
        let minted = c.issue_token(&actor, whom, Role::Provider, "越权").await;
        assert!(
            matches!(minted, Err(CatalogError::Forbidden(_))),
            "{minted:?}"
        );
    }
    // A role the person does not hold is refused.
    let wrong = c.issue_token(&me, clerk.id, Role::DataAdmin, "越权").await;
    assert!(
        matches!(wrong, Err(CatalogError::Invalid { ref field, .. }) if field == "role"),
        "{wrong:?}"
    );
    // Another person sees and revokes none of it; the owner lists and revokes their own.
    assert!(
        c.tokens_as(&acting(&other, Role::Provider))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        c.revoke_token(&acting(&other, Role::Provider), issued.token.id)
            .await
            .is_err()
    );
    assert_eq!(c.tokens_as(&me).await.unwrap().len(), 1);
    let second = c
        .issue_token(&me, clerk.id, Role::Provider, "备用")
        .await
        .unwrap();
    c.revoke_token(&me, issued.token.id).await.unwrap();
    assert!(
        c.authenticate(&issued.secret).await.unwrap().is_none(),
        "revoked tokens stop working"
    );
    // The security administrator revokes anyone's.
    c.revoke_token(&acting(&security, Role::SecurityAdmin), second.token.id)
        .await
        .unwrap();
    assert!(c.authenticate(&second.secret).await.unwrap().is_none());
    // A disabled person's tokens stop working.
    let third = c
        .issue_token(&me, clerk.id, Role::Provider, "第三")
        .await
        .unwrap();
    c.set_person_enabled(&acting(&security, Role::SecurityAdmin), clerk.id, false)
        .await
        .unwrap();
    assert!(c.authenticate(&third.secret).await.unwrap().is_none());
    // The token's writes name the person and the token.
    let token_event = c.store().audit_events(0, 1000).await.unwrap();
    let issue = token_event
        .iter()
        .find(|e| e.action == "token.issue")
        .unwrap();
    assert_eq!(
        ActorName::parse(&issue.actor).person_id,
        Some(clerk.id.to_string())
    );
}

pub async fn rule9_a_data_administration_acts_only_in_its_region(env: Env) {
    let c = &env.catalog;
    let guizhou = env
        .org("贵州省数据局", "520000", &[OrgKind::DataAdmin])
        .await;
    let shandong = env
        .org("山东省大数据局", "370000", &[OrgKind::DataAdmin])
        .await;
    let jinan = env
        .org("济南市统计局", "370100", &[OrgKind::Provider])
        .await;
    let gz_reviewer = person(&env, "gz.reviewer", &guizhou, &[Role::DataAdmin]).await;
    let sd_reviewer = person(&env, "sd.reviewer", &shandong, &[Role::DataAdmin]).await;
    let clerk = person(&env, "jn.clerk", &jinan, &[Role::Provider]).await;
    let p = acting(&clerk, Role::Provider);
    let draft = c
        .create_resource(&p, jinan.id, content("济南市人口统计"))
        .await
        .unwrap();
    c.submit_resource(&p, draft.id, None).await.unwrap();
    let gz = acting(&gz_reviewer, Role::DataAdmin);
    // Guizhou cannot review, read or list Shandong's submissions.
    let approve = c.approve_resource(&gz, draft.id, None).await;
    assert!(
        matches!(approve, Err(CatalogError::Forbidden(ref m)) if m.contains("辖区")),
        "{approve:?}"
    );
    assert!(matches!(
        c.resource_as(&gz, draft.id).await,
        Err(CatalogError::Forbidden(_))
    ));
    let listed = c
        .resources_as(&gz, None, vec![ResourceStatus::Submitted], None, 100)
        .await
        .unwrap();
    assert!(
        listed.is_empty(),
        "another region's submissions are not listed"
    );
    assert!(
        c.resources_as(&gz, Some(jinan.id), vec![], None, 100)
            .await
            .is_err()
    );
    // Nor register organizations there.
    let foreign = c
        .register_organization(
            &gz,
            catalog::domain::organization::NewOrganization {
                uscc: crate::fixtures::uscc_for("青岛市交通局", "370200"),
                name: "青岛市交通局".to_string(),
                region: catalog::domain::RegionCode::parse("370200").unwrap(),
                kinds: [OrgKind::Provider].into(),
                contact: None,
            },
        )
        .await;
    assert!(
        matches!(foreign, Err(CatalogError::Forbidden(_))),
        "{foreign:?}"
    );
    // Nor authorize under another region's policy: the jurisdiction is the body's own (rule 3
    // and rule 9), so Guizhou's 3-year limit holds where the national one would allow 4 years.
    let plan = super::plan(
        &guizhou,
        vec![uuid::Uuid::now_v7()],
        "2026-01-01",
        "2029-12-31",
    );
    let announced = c.announce_authorization(&gz, plan).await;
    assert!(
        matches!(
            announced,
            Err(CatalogError::RuleViolation {
                rule: catalog::error::Rule::TermLimit,
                ..
            })
        ),
        "{announced:?}"
    );
    // Shandong's own administration can.
    let sd = acting(&sd_reviewer, Role::DataAdmin);
    let listed = c
        .resources_as(&sd, None, vec![ResourceStatus::Submitted], None, 100)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    c.approve_resource(&sd, draft.id, None).await.unwrap();
    // The approval names the person who did it.
    let events = c.store().audit_events(0, 1000).await.unwrap();
    let approval = events
        .iter()
        .find(|e| e.action == "resource.approve")
        .unwrap();
    assert_eq!(
        ActorName::parse(&approval.actor).person_id,
        Some(sd_reviewer.id.to_string())
    );
}
