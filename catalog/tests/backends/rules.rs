//! Rules that an audit found bypassable (issue 27), each with the case that broke it.

use catalog::domain::negative_list::{NegativeKind, NegativeScope, NegativeTarget};
use catalog::domain::organization::OrgKind;
use catalog::error::{CatalogError, Rule};
use catalog::service::{Actor, Role};

use super::{World, assert_rule, d, lines, negative, plan};
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
