//! Rules that an audit found bypassable (issue 27), each with the case that broke it.

use catalog::domain::negative_list::{NegativeKind, NegativeScope, NegativeTarget};
use catalog::error::Rule;

use super::{World, assert_rule, lines, negative, plan};
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
