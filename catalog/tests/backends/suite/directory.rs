//! The operation directory: the negative list (rule 1), grade limits (rule 2) and frozen editions.

use catalog::CatalogError;
use catalog::domain::negative_list::{NegativeKind, NegativeScope, NegativeTarget};
use catalog::domain::organization::OrgKind;
use catalog::domain::resource::DataItem;
use catalog::domain::{Grade, GradeLevel};
use catalog::error::Rule;

use crate::fixtures::{Env, content};

use super::*;

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
