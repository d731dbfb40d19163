//! Organizations and resources: uniqueness, versions, transitions, optimistic locking, no deletion, public views.

use catalog::domain::negative_list::{NegativeScope, NegativeTarget};
use catalog::domain::organization::{NewOrganization, OrgKind};
use catalog::domain::resource::{DataItem, ResourceStatus};
use catalog::domain::{Grade, GradeLevel, RegionCode};
use catalog::error::Rule;
use catalog::{Actor, CatalogError, Role};

use crate::fixtures::{Env, content, uscc_for};

use super::*;

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

/// The portal's 最多浏览: views add up across batches (and nodes), only entries public now are
/// shown, most viewed first; nothing of it enters the audit chain.
pub async fn the_most_viewed_entries_are_public_ones(env: Env) {
    use std::collections::HashMap;
    let w = World::new(&env).await;
    let c = &env.catalog;
    let mut ids = Vec::new();
    for name in ["公交线路", "空气质量", "企业名录"] {
        ids.push(env.published(&w.provider, &w.admin, content(name)).await.id);
    }
    let draft = c
        .create_resource(&w.p(), w.provider.id, content("未发布草稿"))
        .await
        .unwrap()
        .id;
    let head = c.store().audit_head().await.unwrap();
    let views = |pairs: &[(uuid::Uuid, u64)]| pairs.iter().copied().collect::<HashMap<_, _>>();
    c.record_views(&views(&[
        (ids[0], 5),
        (ids[1], 9),
        (ids[2], 1),
        (draft, 100),
    ]))
    .await
    .unwrap();
    c.record_views(&HashMap::new()).await.unwrap();
    let shown = |top: Vec<(catalog::PublicResource, u64)>| {
        top.into_iter().map(|(r, n)| (r.id, n)).collect::<Vec<_>>()
    };
    assert_eq!(
        shown(c.most_viewed_resources(2).await.unwrap()),
        vec![(ids[1], 9), (ids[0], 5)],
        "the draft's views count for nothing shown"
    );
    // Another node's batch adds to the same counts.
    c.record_views(&views(&[(ids[2], 10), (ids[0], 1)]))
        .await
        .unwrap();
    assert_eq!(
        shown(c.most_viewed_resources(3).await.unwrap()),
        vec![(ids[2], 11), (ids[1], 9), (ids[0], 6)]
    );
    c.withdraw_resource(&w.p(), ids[2], "数据源停止更新", None)
        .await
        .unwrap();
    assert_eq!(
        shown(c.most_viewed_resources(3).await.unwrap()),
        vec![(ids[1], 9), (ids[0], 6)]
    );
    assert_eq!(
        c.store().audit_head().await.unwrap(),
        head + 1,
        "only the withdrawal was audited"
    );
}
