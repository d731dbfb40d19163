//! The behaviours every backend must show. Each function gets a fresh catalog.

use catalog::domain::agreement::{AgreementTerms, DocumentRef};
use catalog::domain::authorization::{
    Announcement, OperatorApplication, Qualification, SelectionMethod,
};
use catalog::domain::authorization::{
    AuthorizationMode, AuthorizationStatus, NewAuthorization, NewTermination, OperatorType,
    TerminationReason,
};
use catalog::domain::negative_list::{
    NegativeKind, NegativeReason, NegativeScope, NegativeTarget, NewNegativeListEntry,
};
use catalog::domain::organization::{NewOrganization, OrgKind, Organization};
use catalog::domain::resource::{DataItem, ResourceStatus};
use catalog::domain::{Grade, GradeLevel, RegionCode};
use catalog::error::Rule;
use catalog::{Actor, CatalogError, EditionLineRequest, EditionRequest, Role};
use chrono::{Months, NaiveDate};
use uuid::Uuid;

use crate::fixtures::{Env, content, uscc_for};

#[path = "exchange.rs"]
mod exchange;
pub use exchange::*;
#[path = "imports.rs"]
mod imports;
pub use imports::*;
#[path = "people.rs"]
mod people;
pub use people::*;
#[path = "editions.rs"]
mod editions;
pub use editions::*;
#[path = "rules.rs"]
mod rules;
pub use rules::*;
#[path = "objections.rs"]
mod objections;
pub use objections::*;
#[path = "agreements.rs"]
mod agreements;
pub use agreements::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn assert_rule<T: std::fmt::Debug>(result: Result<T, CatalogError>, rule: Rule, field: &str) {
    match result {
        Err(CatalogError::RuleViolation {
            rule: r,
            field: f,
            message,
        }) => {
            assert_eq!(r, rule, "{message}");
            assert_eq!(f, field, "{message}");
            assert!(!message.is_empty());
        }
        other => panic!("expected a violation of {rule:?} at {field}, got {other:?}"),
    }
}

struct World {
    admin: Organization,
    provider: Organization,
    operator: Organization,
}

impl World {
    async fn new(env: &Env) -> World {
        World {
            admin: env.org("数据局", "510000", &[OrgKind::DataAdmin]).await,
            provider: env.org("统计局", "510500", &[OrgKind::Provider]).await,
            operator: env.org("运营公司", "510500", &[OrgKind::Operator]).await,
        }
    }
    /// An administration, a provider and an operator all in `region` (whose policy applies).
    async fn in_region(env: &Env, region: &str) -> World {
        World {
            admin: env
                .org(&format!("{region}数据局"), region, &[OrgKind::DataAdmin])
                .await,
            provider: env
                .org(&format!("{region}统计局"), region, &[OrgKind::Provider])
                .await,
            operator: env
                .org(&format!("{region}运营公司"), region, &[OrgKind::Operator])
                .await,
        }
    }
    fn a(&self) -> Actor {
        Actor::new(Role::DataAdmin, self.admin.id)
    }
    fn p(&self) -> Actor {
        Actor::new(Role::Provider, self.provider.id)
    }
    fn o(&self) -> Actor {
        Actor::new(Role::Operator, self.operator.id)
    }
}

fn plan(body: &Organization, resources: Vec<Uuid>, start: &str, end: &str) -> NewAuthorization {
    NewAuthorization {
        plan_name: "授权运营实施方案".to_string(),
        implementing_body_id: body.id,
        mode: AuthorizationMode::ByScenario,
        operator_type: OperatorType::Scenario,
        scope_description: "交通出行场景".to_string(),
        resource_ids: resources,
        term_start: d(start),
        term_end: d(end),
        planned_products: vec!["出行指数".to_string()],
        platform: "授权运营平台".to_string(),
        plan_approved_on: None,
        announcement: Some(announcement()),
    }
}

/// What C 8.1 asks an announcement to state; applications close at the end of 2026.
fn announcement() -> Announcement {
    Announcement {
        selection_method: SelectionMethod::Selection,
        application_conditions: "符合 C 7.2 运营机构资格条件".to_string(),
        review_process: "材料审查、专家评审、结果公示".to_string(),
        review_criteria: "安全能力 40%，技术能力 30%，运营方案 30%".to_string(),
        applications_close_on: d("2026-12-31"),
        special_qualification: None,
    }
}

/// An application declaring every C 7.2 condition, with its materials.
fn qualified() -> OperatorApplication {
    OperatorApplication {
        declarations: Qualification::REQUIRED.to_vec(),
        materials: vec!["授权运营申请书".to_string(), "等保三级测评报告".to_string()],
    }
}

/// What N 14 asks an agreement to state.
fn terms() -> AgreementTerms {
    let clause = || "按协议约定执行".to_string();
    AgreementTerms {
        number: "授权协议〔2026〕1号".to_string(),
        products_and_standards: clause(),
        asset_ownership: clause(),
        disclosure_duties: clause(),
        accounting_and_revenue: clause(),
        security_duties: clause(),
        evaluation_and_exit: clause(),
        liability: clause(),
        dispute_resolution: clause(),
        change_and_termination: clause(),
        other_matters: None,
        document: DocumentRef {
            name: "授权运营协议.pdf".to_string(),
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_string(),
        },
    }
}

fn lines(ids: &[Uuid]) -> EditionRequest {
    EditionRequest {
        title: "运营目录".to_string(),
        note: None,
        lines: ids
            .iter()
            .map(|id| EditionLineRequest {
                resource_id: *id,
                condition: None,
            })
            .collect(),
    }
}

/// Publish an operation-directory edition of `ids` (C 6.2: a scope is drawn from it).
async fn listed(env: &Env, w: &World, ids: &[Uuid]) {
    env.catalog
        .publish_edition(&w.a(), w.admin.id, lines(ids))
        .await
        .unwrap();
}

fn negative(target: NegativeTarget, scope: NegativeScope) -> NewNegativeListEntry {
    NewNegativeListEntry {
        target,
        scope,
        kind: NegativeKind::Prohibited,
        conditions: None,
        reason: NegativeReason::NationalSecurity,
        legal_basis: "《数据安全法》第二十一条".to_string(),
        approved_by: "省人民政府".to_string(),
        approved_on: d("2026-01-10"),
        next_review_on: d("2027-01-10"),
        confidential: false,
    }
}

pub async fn organizations_are_unique_by_uscc(env: Env) {
    let org = env.org("统计局", "510500", &[OrgKind::Provider]).await;
    let again = env
        .catalog
        .register_organization(
            &Actor::system(),
            NewOrganization {
                uscc: org.uscc.clone(),
                name: "另一个名字".to_string(),
                region: RegionCode::parse("510500").unwrap(),
                kinds: [OrgKind::Provider].into_iter().collect(),
                contact: None,
            },
        )
        .await;
    assert!(matches!(again, Err(CatalogError::Conflict(_))), "{again:?}");
    let found = env
        .catalog
        .organization_by_uscc(&org.uscc)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, org.id);
    let empty_kinds = env
        .catalog
        .register_organization(
            &Actor::system(),
            NewOrganization {
                uscc: uscc_for("x", "510500"),
                name: "无类型".to_string(),
                region: RegionCode::parse("510500").unwrap(),
                kinds: Default::default(),
                contact: None,
            },
        )
        .await;
    assert!(
        matches!(empty_kinds, Err(CatalogError::Invalid { ref field, .. }) if field == "kinds")
    );
}

pub async fn resource_workflow_keeps_every_version(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = c
        .create_resource(&w.p(), w.provider.id, content("人口统计"))
        .await
        .unwrap();
    assert_eq!(r.status, ResourceStatus::Draft);
    assert!(
        r.code.as_str().starts_with("510500-"),
        "code carries the provider's region: {}",
        r.code
    );
    c.submit_resource(&w.p(), r.id, None).await.unwrap();
    let returned = c
        .return_resource(&w.a(), r.id, vec!["摘要过于简略".to_string()], None)
        .await
        .unwrap();
    assert_eq!(returned.value.status, ResourceStatus::Returned);
    assert_eq!(
        returned.value.return_reasons,
        vec!["摘要过于简略".to_string()]
    );
    let mut better = content("人口统计");
    better.summary = "按区县、年龄段统计的常住人口数据".to_string();
    let edited = c.update_resource(&w.p(), r.id, better, None).await.unwrap();
    assert_eq!(
        edited.value.version, 1,
        "edits before approval stay in version 1"
    );
    c.submit_resource(&w.p(), r.id, None).await.unwrap();
    c.approve_resource(&w.a(), r.id, None).await.unwrap();
    c.publish_resource(&w.a(), r.id, None).await.unwrap();
    assert_eq!(c.public_resource(r.id).await.unwrap().version, 1);

    // A change after approval is a new version; the public keeps seeing version 1 until it is published.
    let v2 = c
        .update_resource(&w.p(), r.id, content("常住人口统计"), None)
        .await
        .unwrap();
    assert_eq!(v2.value.version, 2);
    assert_eq!(v2.value.status, ResourceStatus::Draft);
    let public = c.public_resource(r.id).await.unwrap();
    assert_eq!(
        (public.version, public.content.name.as_str()),
        (1, "人口统计")
    );
    c.submit_resource(&w.p(), r.id, None).await.unwrap();
    c.approve_resource(&w.a(), r.id, None).await.unwrap();
    c.publish_resource(&w.a(), r.id, None).await.unwrap();
    let public = c.public_resource(r.id).await.unwrap();
    assert_eq!(
        (public.version, public.content.name.as_str()),
        (2, "常住人口统计")
    );

    let versions = c.resource_versions(r.id).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].content.name, "人口统计");
    assert_eq!(versions[0].status, ResourceStatus::Published);
    assert_eq!(
        c.resource_version(r.id, 2).await.unwrap().content.name,
        "常住人口统计"
    );
    assert!(matches!(
        c.resource_version(r.id, 3).await,
        Err(CatalogError::NotFound { .. })
    ));
}

pub async fn invalid_transitions_and_foreign_edits_are_refused(env: Env) {
    let w = World::new(&env).await;
    let other = env.org("卫健委", "510500", &[OrgKind::Provider]).await;
    let c = &env.catalog;
    let r = c
        .create_resource(&w.p(), w.provider.id, content("医疗机构名录"))
        .await
        .unwrap();
    assert!(matches!(
        c.approve_resource(&w.a(), r.id, None).await,
        Err(CatalogError::InvalidTransition(_))
    ));
    assert!(matches!(
        c.publish_resource(&w.a(), r.id, None).await,
        Err(CatalogError::InvalidTransition(_))
    ));
    let intruder = Actor::new(Role::Provider, other.id);
    assert!(matches!(
        c.update_resource(&intruder, r.id, content("x"), None).await,
        Err(CatalogError::Forbidden(_))
    ));
    assert!(matches!(
        c.approve_resource(&w.p(), r.id, None).await,
        Err(CatalogError::Forbidden(_))
    ));
    // An operator is not a provider: it cannot file directory entries.
    let not_provider = c.create_resource(&w.o(), w.operator.id, content("x")).await;
    assert!(
        matches!(not_provider, Err(CatalogError::Forbidden(_))),
        "{not_provider:?}"
    );
    let as_system = c
        .create_resource(&Actor::system(), w.operator.id, content("x"))
        .await;
    assert!(
        matches!(as_system, Err(CatalogError::Invalid { ref field, .. }) if field == "provider_id")
    );
    // Returning without a reason is refused and changes nothing.
    c.submit_resource(&w.p(), r.id, None).await.unwrap();
    let no_reason = c
        .return_resource(&w.a(), r.id, vec!["  ".to_string()], None)
        .await;
    assert!(
        matches!(no_reason, Err(CatalogError::Invalid { ref field, .. }) if field == "reasons")
    );
    assert_eq!(
        c.resource(r.id).await.unwrap().value.status,
        ResourceStatus::Submitted
    );
    // A grade below one of its data items is refused with the item's path.
    let mut bad = content("企业登记");
    bad.data_items = vec![DataItem {
        name: "法定代表人身份证号".to_string(),
        english_name: None,
        data_type: "字符型".to_string(),
        length_format: Some("18".to_string()),
        value_domain: None,
        sensitivity: Some(Grade {
            level: GradeLevel::Important,
            sub_level: None,
        }),
        description: None,
    }];
    let refused = c.create_resource(&w.p(), w.provider.id, bad).await;
    assert!(
        matches!(refused, Err(CatalogError::Invalid { ref field, .. }) if field == "content.data_items[0].sensitivity"),
        "{refused:?}"
    );
}

pub async fn stale_if_match_is_a_conflict(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = c
        .create_resource(&w.p(), w.provider.id, content("法人库"))
        .await
        .unwrap();
    let read = c.resource(r.id).await.unwrap();
    c.update_resource(&w.p(), r.id, content("法人基础库"), Some(read.row_version))
        .await
        .unwrap();
    let stale = c
        .update_resource(&w.p(), r.id, content("法人库2"), Some(read.row_version))
        .await;
    assert!(matches!(stale, Err(CatalogError::Conflict(_))), "{stale:?}");
    assert_eq!(
        c.resource(r.id).await.unwrap().value.content.name,
        "法人基础库"
    );
}

pub async fn rule1_negative_list_blocks_editions_and_scopes(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let ok = env
        .published(&w.provider, &w.admin, content("公交线路"))
        .await;
    let listed = env
        .published(&w.provider, &w.admin, content("涉密地理信息"))
        .await;
    let entry = c
        .add_negative_entry(
            &w.a(),
            negative(
                NegativeTarget::Resource {
                    code: listed.code.clone(),
                },
                NegativeScope::WholeResource,
            ),
        )
        .await
        .unwrap();
    assert_rule(
        c.publish_edition(&w.a(), w.admin.id, lines(&[ok.id, listed.id]))
            .await,
        Rule::NegativeList,
        "lines[1].resource_id",
    );
    assert!(
        c.editions().await.unwrap().is_empty(),
        "a refused edition writes nothing"
    );
    assert_rule(
        c.announce_authorization(
            &w.a(),
            plan(&w.admin, vec![listed.id], "2026-01-01", "2027-12-31"),
        )
        .await,
        Rule::NegativeList,
        "resource_ids[0]",
    );
    // A provider or operator cannot touch the list at all.
    assert!(matches!(
        c.lift_negative_entry(&w.p(), entry.id, "不再涉密", None)
            .await,
        Err(CatalogError::Forbidden(_))
    ));
    // Lifting the entry (dynamic management) lets the resource in; history records both states.
    let lifted = c
        .lift_negative_entry(&w.a(), entry.id, "经评估已解密", None)
        .await
        .unwrap();
    assert_eq!(lifted.value.history.len(), 2);
    let edition = c
        .publish_edition(&w.a(), w.admin.id, lines(&[ok.id, listed.id]))
        .await
        .unwrap();
    assert_eq!(edition.lines.len(), 2);
    // Reinstated: the scope check refuses again, also at signing time for an authorization announced meanwhile.
    let auth = c
        .announce_authorization(
            &w.a(),
            plan(&w.admin, vec![listed.id], "2026-01-01", "2027-12-31"),
        )
        .await
        .unwrap();
    c.reinstate_negative_entry(&w.a(), entry.id, "重新评估后恢复", None)
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
    assert_rule(
        c.sign_agreement(&w.a(), auth.id, d("2026-04-01"), terms(), None)
            .await,
        Rule::NegativeList,
        "resource_ids[0]",
    );
}

pub async fn rule1_category_entries_and_item_scopes(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let mut health = content("门诊病历");
    health.domain = Some("Q".to_string());
    let health = env.published(&w.provider, &w.admin, health).await;
    let item = |name: &str| DataItem {
        name: name.into(),
        english_name: None,
        data_type: "字符型".into(),
        length_format: None,
        value_domain: None,
        sensitivity: None,
        description: None,
    };
    let mut traffic = content("路况");
    traffic.domain = Some("G".to_string());
    traffic.data_items = vec![item("路段"), item("车牌号")];
    let mut bus = content("公交线路");
    bus.domain = Some("G".to_string());
    bus.data_items = vec![item("线路"), item("车牌号"), item("司机姓名")];
    let traffic = env.published(&w.provider, &w.admin, traffic).await;
    let bus = env.published(&w.provider, &w.admin, bus).await;
    // 限制 on the bus line's driver names: used under the condition, not withheld (C 6.1).
    let mut restricted = negative(
        NegativeTarget::Resource {
            code: bus.code.clone(),
        },
        NegativeScope::DataItems(vec!["司机姓名".into()]),
    );
    restricted.kind = NegativeKind::Restricted;
    restricted.conditions = Some("仅限脱敏后使用".into());
    c.add_negative_entry(&w.a(), restricted).await.unwrap();
    c.add_negative_entry(
        &w.a(),
        negative(
            NegativeTarget::Category {
                domain: Some("Q".into()),
                category_path: vec![],
            },
            NegativeScope::WholeResource,
        ),
    )
    .await
    .unwrap();
    c.add_negative_entry(
        &w.a(),
        negative(
            NegativeTarget::Resource {
                code: traffic.code.clone(),
            },
            NegativeScope::DataItems(vec!["车牌号".into()]),
        ),
    )
    .await
    .unwrap();
    assert_rule(
        c.publish_edition(&w.a(), w.admin.id, lines(&[health.id]))
            .await,
        Rule::NegativeList,
        "lines[0].resource_id",
    );
    // An item-scoped entry keeps the resource but withholds the item on its line, and only on
    // its own resource's line (the bus line has a 车牌号 too); a 限制 entry withholds nothing
    // and conditions its line instead, and a 禁止 entry conditions nothing.
    let edition = c
        .publish_edition(&w.a(), w.admin.id, lines(&[traffic.id, bus.id]))
        .await
        .unwrap();
    let (traffic_line, bus_line) = (&edition.lines[0], &edition.lines[1]);
    assert_eq!(traffic_line.withheld_items, vec!["车牌号".to_string()]);
    assert!(traffic_line.restrictions.is_empty(), "{traffic_line:?}");
    assert!(bus_line.withheld_items.is_empty(), "{bus_line:?}");
    assert_eq!(
        bus_line.restrictions,
        vec!["负面清单限制（信息项 司机姓名）：仅限脱敏后使用".to_string()]
    );
    // Invalid entries are refused with their field.
    let mut bad = negative(
        NegativeTarget::Resource {
            code: traffic.code.clone(),
        },
        NegativeScope::WholeResource,
    );
    bad.kind = NegativeKind::Restricted;
    assert!(
        matches!(c.add_negative_entry(&w.a(), bad).await, Err(CatalogError::Invalid { ref field, .. }) if field == "conditions")
    );
    let mut bad = negative(
        NegativeTarget::Resource {
            code: traffic.code.clone(),
        },
        NegativeScope::WholeResource,
    );
    bad.next_review_on = bad.approved_on;
    assert!(
        matches!(c.add_negative_entry(&w.a(), bad).await, Err(CatalogError::Invalid { ref field, .. }) if field == "next_review_on")
    );
}

pub async fn rule2_grade_limits_on_the_directory(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let mut core = content("电网调度数据");
    core.grade = Grade {
        level: GradeLevel::Core,
        sub_level: None,
    };
    let core = env.published(&w.provider, &w.admin, core).await;
    let mut important = content("企业用电数据");
    important.grade = Grade {
        level: GradeLevel::Important,
        sub_level: None,
    };
    let important = env.published(&w.provider, &w.admin, important).await;
    assert_rule(
        c.publish_edition(&w.a(), w.admin.id, lines(&[core.id]))
            .await,
        Rule::GradeLimit,
        "lines[0].resource_id",
    );
    assert_rule(
        c.publish_edition(&w.a(), w.admin.id, lines(&[important.id]))
            .await,
        Rule::GradeLimit,
        "lines[0].condition",
    );
    let mut with_condition = lines(&[important.id]);
    with_condition.lines[0].condition = Some("仅通过隐私计算方式提供".to_string());
    let edition = c
        .publish_edition(&w.a(), w.admin.id, with_condition)
        .await
        .unwrap();
    assert_eq!(
        edition.lines[0].condition.as_deref(),
        Some("仅通过隐私计算方式提供")
    );
    assert_eq!(edition.number, 1, "refused editions consume no number");
}

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

async fn active_authorization(
    env: &Env,
    w: &World,
    resources: Vec<Uuid>,
    start: &str,
    end: &str,
) -> Uuid {
    listed(env, w, &resources).await;
    let sign_on = d(start) + Months::new(1);
    let auth = signed_authorization(env, w, resources, (start, end), d(start), sign_on).await;
    let active = env
        .catalog
        .activate_authorization(&w.a(), auth, sign_on, None)
        .await
        .unwrap();
    assert_eq!(active.value.status, AuthorizationStatus::Active);
    auth
}

/// An authorization over listed `resources` for the term `(start, end)`, its operator selected,
/// publicized on `publicized` and signed on `signed` (not yet active).
async fn signed_authorization(
    env: &Env,
    w: &World,
    resources: Vec<Uuid>,
    (start, end): (&str, &str),
    publicized: NaiveDate,
    signed: NaiveDate,
) -> Uuid {
    let c = &env.catalog;
    let auth = c
        .announce_authorization(&w.a(), plan(&w.admin, resources, start, end))
        .await
        .unwrap()
        .id;
    c.apply_for_authorization(&w.o(), auth, w.operator.id, qualified(), d("2026-02-01"))
        .await
        .unwrap();
    c.select_operator(&w.a(), auth, w.operator.id, None)
        .await
        .unwrap();
    c.publicize_selection(&w.a(), auth, publicized, None)
        .await
        .unwrap();
    c.sign_agreement(&w.a(), auth, signed, terms(), None)
        .await
        .unwrap();
    auth
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

pub async fn rule6_rows_cannot_be_deleted_and_withdrawal_keeps_history(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let r = env
        .published(&w.provider, &w.admin, content("路灯位置"))
        .await;
    for table in [
        "resources",
        "organizations",
        "resource_versions",
        "audit_events",
    ] {
        let deleted = env.exec_raw(&format!("DELETE FROM {table}")).await;
        assert!(
            deleted.is_err(),
            "DELETE FROM {table} must be refused, got {deleted:?}"
        );
    }
    let withdrawn = c
        .withdraw_resource(&w.p(), r.id, "数据源停止更新", None)
        .await
        .unwrap();
    assert_eq!(withdrawn.value.status, ResourceStatus::Withdrawn);
    assert_eq!(
        withdrawn.value.withdrawal_reason.as_deref(),
        Some("数据源停止更新")
    );
    assert!(matches!(
        c.public_resource(r.id).await,
        Err(CatalogError::NotFound { .. })
    ));
    assert_eq!(
        c.resource(r.id).await.unwrap().value.content.name,
        "路灯位置",
        "the row is kept"
    );
    assert_eq!(c.resource_versions(r.id).await.unwrap().len(), 1);
}

pub async fn editions_are_frozen_and_diffable(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let a = env
        .published(&w.provider, &w.admin, content("公交线路"))
        .await;
    let b = env
        .published(&w.provider, &w.admin, content("公交站点"))
        .await;
    let e = env
        .published(&w.provider, &w.admin, content("地铁客流"))
        .await;
    let first = c
        .publish_edition(&w.a(), w.admin.id, lines(&[a.id, b.id]))
        .await
        .unwrap();
    // A draft (not yet published) resource cannot enter an edition.
    let draft = c
        .create_resource(&w.p(), w.provider.id, content("草稿"))
        .await
        .unwrap();
    let refused = c
        .publish_edition(&w.a(), w.admin.id, lines(&[draft.id]))
        .await;
    assert!(
        matches!(refused, Err(CatalogError::Invalid { ref field, .. }) if field == "lines[0].resource_id")
    );
    // Rule 9: another region's published resource stays out of this region's directory.
    let anhui = env
        .org("安徽省数据资源局", "340000", &[OrgKind::DataAdmin])
        .await;
    let hefei = env
        .org("合肥市统计局", "340100", &[OrgKind::Provider])
        .await;
    let foreign = env.published(&hefei, &anhui, content("合肥公交")).await;
    let refused = c
        .publish_edition(&w.a(), w.admin.id, lines(&[foreign.id]))
        .await;
    assert!(
        matches!(refused, Err(CatalogError::Invalid { ref field, ref message })
            if field == "lines[0].resource_id" && message.contains("不属于本辖区")),
        "{refused:?}"
    );
    // Revise a: version 2 published with a new name.
    c.update_resource(&w.p(), a.id, content("公交线路（含夜班线）"), None)
        .await
        .unwrap();
    c.submit_resource(&w.p(), a.id, None).await.unwrap();
    c.approve_resource(&w.a(), a.id, None).await.unwrap();
    c.publish_resource(&w.a(), a.id, None).await.unwrap();
    let second = c
        .publish_edition(&w.a(), w.admin.id, lines(&[a.id, e.id]))
        .await
        .unwrap();
    assert_eq!((first.number, second.number), (1, 2));
    let frozen = c.edition(1).await.unwrap();
    assert_eq!(
        frozen.lines[0].name, "公交线路",
        "edition 1 keeps what it published"
    );
    assert_eq!(frozen.lines[0].provider_name, "统计局");
    let diff = c.edition_diff(1, 2).await.unwrap();
    assert_eq!(
        diff.added
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>(),
        vec!["地铁客流"]
    );
    assert_eq!(
        diff.removed
            .iter()
            .map(|l| l.name.as_str())
            .collect::<Vec<_>>(),
        vec!["公交站点"]
    );
    assert_eq!(diff.changed.len(), 1);
    let fields: Vec<&str> = diff.changed[0]
        .changes
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(fields, vec!["name", "version"]);
    assert!(matches!(
        c.edition(3).await,
        Err(CatalogError::NotFound { .. })
    ));
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

pub async fn public_views_hide_drafts_and_confidential_entries(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let public = env
        .published(&w.provider, &w.admin, content("公开资源"))
        .await;
    let draft = c
        .create_resource(&w.p(), w.provider.id, content("草稿资源"))
        .await
        .unwrap();
    let returned = c
        .create_resource(&w.p(), w.provider.id, content("退回资源"))
        .await
        .unwrap();
    c.submit_resource(&w.p(), returned.id, None).await.unwrap();
    c.return_resource(&w.a(), returned.id, vec!["缺少信息项".into()], None)
        .await
        .unwrap();
    let listed = c.public_resources(None, 100).await.unwrap();
    assert_eq!(
        listed.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![public.id]
    );
    for hidden in [draft.id, returned.id] {
        assert!(matches!(
            c.public_resource(hidden).await,
            Err(CatalogError::NotFound { .. })
        ));
    }
    let mut secret = negative(
        NegativeTarget::Resource {
            code: public.code.clone(),
        },
        NegativeScope::WholeResource,
    );
    secret.confidential = true;
    let secret = c.add_negative_entry(&w.a(), secret).await.unwrap();
    assert!(
        c.negative_list(true).await.unwrap().is_empty(),
        "confidential entries are not public"
    );
    assert_eq!(c.negative_list(false).await.unwrap()[0].id, secret.id);
    // …yet enforced.
    assert_rule(
        c.publish_edition(&w.a(), w.admin.id, lines(&[public.id]))
            .await,
        Rule::NegativeList,
        "lines[0].resource_id",
    );
}

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

    let report = catalog::audit::verify_store(c.store()).await.unwrap();
    assert_eq!((report.events, report.first_break), (8, None));

    env.exec_raw("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 5")
        .await
        .unwrap();
    let report = catalog::audit::verify_store(c.store()).await.unwrap();
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
    let report = catalog::audit::verify_store(env.catalog.store())
        .await
        .unwrap();
    assert_eq!(report.first_break, None);
    assert_eq!(report.events, 3 + 32);
}

mod registration_support {
    use super::*;
    use catalog::domain::product::{DeliveryForm, NewProduct, ReviewFinding, SceneCategory};
    use catalog::domain::registration::{
        Materials, NewRegistration, RegistrationSubject, RegistrationType,
    };

    pub fn product(authorization_id: Uuid, sources: Vec<Uuid>) -> NewProduct {
        NewProduct {
            name: "城市出行指数".to_string(),
            summary: "基于公交刷卡与出租车轨迹的出行指数".to_string(),
            delivery_form: DeliveryForm::Api,
            authorization_id,
            source_resource_ids: sources,
            applicable_scenarios: vec!["交通规划".to_string()],
            forbidden_scenarios: vec!["个人行踪追踪".to_string()],
            scene_category: SceneCategory::Industry,
            price_fen: Some(50_000),
            ceiling_fen: Some(80_000),
        }
    }

    pub fn materials() -> Materials {
        Materials {
            registrant_info: "运营公司，统一社会信用代码见主体信息".to_string(),
            legal_source: "授权运营协议（2026）第1号".to_string(),
            resource_info: "公交刷卡数据，按日汇总".to_string(),
            evidence_ref: "存证-2026-0001".to_string(),
            evidence_on: d("2026-09-01"),
            product_info: Some("出行指数接口".to_string()),
            scenario_info: Some("交通规划".to_string()),
            risk_assessment: "已完成数据安全风险评估，风险可控".to_string(),
        }
    }

    pub fn review(passed: bool) -> ReviewFinding {
        ReviewFinding {
            passed,
            report_ref: "合规审核报告-2026-07".to_string(),
            notes: None,
        }
    }

    pub fn application(product_id: Uuid) -> NewRegistration {
        NewRegistration {
            subject: RegistrationSubject::Product { product_id },
            kind: RegistrationType::Initial,
            amends: None,
            materials: materials(),
        }
    }

    pub fn objection() -> catalog::domain::registration::NewObjection {
        catalog::domain::registration::NewObjection {
            objector_name: "张三".to_string(),
            objector_id_number: "510502199001010018".to_string(),
            contact: "13800000000".to_string(),
            grounds: "来源数据包含未授权的个人信息".to_string(),
            evidence: vec!["截图-1".to_string()],
        }
    }
}

use catalog::domain::registration::RegistrationStatus;
use registration_support::*;

/// An operator with an active authorization over two resources (term 2026-01-05 – 2028-12-31),
/// and a compliance-reviewed product built on the first.
async fn reviewed_product(env: &Env, w: &World) -> (Uuid, Uuid, Uuid) {
    let r1 = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let r2 = env
        .published(&w.provider, &w.admin, content("出租车轨迹"))
        .await;
    let auth = active_authorization(env, w, vec![r1.id, r2.id], "2026-01-05", "2028-12-31").await;
    let c = &env.catalog;
    let p = c
        .create_product(
            &w.o(),
            w.operator.id,
            product(auth, vec![r1.id]),
            d("2026-09-01"),
        )
        .await
        .unwrap();
    c.review_product(&w.a(), p.id, review(true), d("2026-09-10"), None)
        .await
        .unwrap();
    (auth, p.id, r1.id)
}

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
    let report = catalog::audit::verify_store(c.store()).await.unwrap();
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

/// Another reviewed product of `source` under the authorization `auth`.
async fn reviewed_product_in(env: &Env, w: &World, auth: Uuid, source: Uuid, name: &str) -> Uuid {
    let c = &env.catalog;
    let mut input = product(auth, vec![source]);
    input.name = name.to_string();
    let p = c
        .create_product(&w.o(), w.operator.id, input, d("2026-09-01"))
        .await
        .unwrap();
    c.review_product(&w.a(), p.id, review(true), d("2026-09-10"), None)
        .await
        .unwrap();
    p.id
}

fn demand(ids: Vec<Uuid>) -> catalog::domain::demand::NewDemand {
    catalog::domain::demand::NewDemand {
        scenario: "普惠金融授信".to_string(),
        scenario_description: "为小微企业授信核验纳税状态".to_string(),
        resource_ids: ids,
        justification: "只需缴纳状态".to_string(),
    }
}

pub async fn demands_need_published_unlisted_resources_and_stay_private(env: Env) {
    use catalog::domain::demand::{DemandReview, DemandStatus};
    let w = World::new(&env).await;
    let c = &env.catalog;
    let open = env
        .published(&w.provider, &w.admin, content("纳税信用"))
        .await;
    let listed = env
        .published(&w.provider, &w.admin, content("涉密档案"))
        .await;
    let draft = c
        .create_resource(&w.p(), w.provider.id, content("内部草稿"))
        .await
        .unwrap();
    c.add_negative_entry(
        &w.a(),
        negative(
            NegativeTarget::Resource {
                code: listed.code.clone(),
            },
            NegativeScope::WholeResource,
        ),
    )
    .await
    .unwrap();
    assert_rule(
        c.file_demand(&w.o(), demand(vec![open.id, listed.id]))
            .await,
        Rule::NegativeList,
        "resource_ids[1]",
    );
    assert!(matches!(
        c.file_demand(&w.o(), demand(vec![draft.id])).await,
        Err(CatalogError::Invalid { field, .. }) if field == "resource_ids[0]"
    ));
    assert!(matches!(
        c.file_demand(&w.p(), demand(vec![open.id])).await,
        Err(CatalogError::Forbidden(_))
    ));
    let filed = c.file_demand(&w.o(), demand(vec![open.id])).await.unwrap();
    // Only the applicant and the administration see it; the provider does not.
    assert!(c.demand_as(&w.p(), filed.id).await.is_err());
    let all = |a: Actor| async move {
        c.demands_as(&a, catalog::store::RecordFilter::default())
            .await
            .unwrap()
            .len()
    };
    assert_eq!(all(w.o()).await, 1);
    assert_eq!(all(w.p()).await, 0);
    assert_eq!(all(w.a()).await, 1);
    // Rule 9: the administration of another region neither lists nor reads it.
    let elsewhere = env
        .org("贵州省数据局", "520000", &[OrgKind::DataAdmin])
        .await;
    let elsewhere = Actor::new(Role::DataAdmin, elsewhere.id);
    assert_eq!(all(elsewhere.clone()).await, 0);
    assert!(c.demand_as(&elsewhere, filed.id).await.is_err());
    assert!(c.demand_as(&w.a(), filed.id).await.is_ok());
    let today = d("2026-09-01");
    let mut review = DemandReview {
        approved: true,
        opinion: "符合最小必要".to_string(),
        valid_until: None,
    };
    assert!(matches!(
        c.review_demand(&w.o(), filed.id, review.clone(), today, None)
            .await,
        Err(CatalogError::Forbidden(_))
    ));
    // What an approval grants lasts until a stated day.
    assert!(matches!(
        c.review_demand(&w.a(), filed.id, review.clone(), today, None).await,
        Err(CatalogError::Invalid { ref field, .. }) if field == "valid_until"
    ));
    review.valid_until = Some(d("2027-06-30"));
    let reviewed = c
        .review_demand(&w.a(), filed.id, review.clone(), today, None)
        .await
        .unwrap();
    assert_eq!(reviewed.value.status, DemandStatus::Approved);
    assert!(matches!(
        c.review_demand(&w.a(), filed.id, review, today, None).await,
        Err(CatalogError::InvalidTransition(_))
    ));
}

/// C 10.6; SD 8: a report goes to the implementing body of the provider's region, which refers
/// it (true and reasonable) to the provider with a due day from the jurisdiction's working days,
/// or dismisses it; another region's administration neither sees nor checks it.
pub async fn quality_feedback_goes_through_the_implementing_body(env: Env) {
    use catalog::domain::feedback::{FeedbackStatus, NewFeedback, QualityDimension};
    let w = World::new(&env).await;
    let c = &env.catalog;
    let other = env.org("民政局", "510500", &[OrgKind::Provider]).await;
    let elsewhere = env
        .org("山东省大数据局", "370000", &[OrgKind::DataAdmin])
        .await;
    let elsewhere = Actor::new(Role::DataAdmin, elsewhere.id);
    let resource = env
        .published(&w.provider, &w.admin, content("公交到站"))
        .await;
    let file = |description: &str| NewFeedback {
        resource_id: resource.id,
        dimension: QualityDimension::Timeliness,
        description: description.to_string(),
    };
    let report = c
        .report_quality(&w.o(), file("到站时间滞后十分钟"))
        .await
        .unwrap();
    assert_eq!(report.provider_id, w.provider.id);
    assert_eq!(report.status, FeedbackStatus::Open);
    assert!(
        matches!(
            c.answer_feedback(&w.p(), report.id, "已修复", None).await,
            Err(CatalogError::InvalidTransition(_))
        ),
        "the provider answers only what the implementing body referred"
    );
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    assert!(matches!(
        c.verify_feedback(&elsewhere, report.id, true, "属实", today, None)
            .await,
        Err(CatalogError::Forbidden(_))
    ));
    assert!(matches!(
        c.verify_feedback(&w.p(), report.id, true, "属实", today, None)
            .await,
        Err(CatalogError::Forbidden(_))
    ));
    let referred = c
        .verify_feedback(&w.a(), report.id, true, "属实，请按日更新", today, None)
        .await
        .unwrap();
    let days = c
        .policy()
        .for_region(&w.provider.region)
        .feedback_answer_working_days;
    let due = c.calendar().add_working_days(today, days);
    assert_eq!(referred.value.status, FeedbackStatus::Referred);
    assert_eq!(referred.value.answer_due, Some(due));
    let late = due + chrono::Days::new(1);
    let (open, waiting) = c.feedback_to_oversee(&w.a(), late).await.unwrap();
    assert_eq!((open.count, waiting.count, waiting.overdue), (0, 1, 1));
    let queue = c.feedback_awaiting_answer(&w.p(), today).await.unwrap();
    assert_eq!(
        (queue.count, queue.earliest_due, queue.overdue),
        (1, Some(due), 0)
    );

    let stranger = Actor::new(Role::Provider, other.id);
    assert!(matches!(
        c.answer_feedback(&stranger, report.id, "不是我们的", None)
            .await,
        Err(CatalogError::Forbidden(_))
    ));
    c.answer_feedback(&w.p(), report.id, "已修复时钟同步", None)
        .await
        .unwrap();
    assert!(matches!(
        c.conclude_feedback(&w.p(), report.id, true, "自行关闭", today, None)
            .await,
        Err(CatalogError::Forbidden(_))
    ));
    let closed = c
        .conclude_feedback(&w.o(), report.id, true, "确认已恢复", today, None)
        .await
        .unwrap();
    assert_eq!(closed.value.status, FeedbackStatus::Closed);

    let dismissed = c
        .report_quality(&w.o(), file("希望增加字段"))
        .await
        .unwrap();
    let dismissed = c
        .verify_feedback(&w.a(), dismissed.id, false, "目录未承诺该字段", today, None)
        .await
        .unwrap();
    assert_eq!(dismissed.value.status, FeedbackStatus::Dismissed);
    assert_eq!(dismissed.value.answer_due, None);

    let seen = |a: Actor| async move {
        c.feedback_as(&a, catalog::store::RecordFilter::default())
            .await
            .unwrap()
            .len()
    };
    assert_eq!(seen(w.p()).await, 2);
    assert_eq!(seen(w.o()).await, 2);
    assert_eq!(seen(stranger.clone()).await, 0);
    assert_eq!(seen(w.a()).await, 2);
    assert_eq!(
        seen(elsewhere.clone()).await,
        0,
        "rule 9: not another region's reports"
    );
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
    let report = catalog::audit::verify_store(c.store()).await.unwrap();
    assert_eq!(report.first_break, None);
}
