//! Previewing the next operation-directory edition: every line publishing would refuse, with its
//! rule (1: negative list, 2: grade) and message, the lines it would publish and the diff against
//! the current edition, all without writing; then publishing the clean lines.

use catalog::domain::negative_list::{NegativeScope, NegativeTarget};
use catalog::domain::{Grade, GradeLevel};
use catalog::error::Rule;
use catalog::{CatalogError, EditionLineRequest};

use super::{World, lines, negative};
use crate::fixtures::{Env, content};

pub async fn preview_explains_every_refused_line_and_writes_nothing(env: Env) {
    let w = World::new(&env).await;
    let c = &env.catalog;
    let kept = env
        .published(&w.provider, &w.admin, content("公交线路"))
        .await;
    let dropped = env
        .published(&w.provider, &w.admin, content("公交站点"))
        .await;
    let added = env
        .published(&w.provider, &w.admin, content("地铁客流"))
        .await;
    let listed = env
        .published(&w.provider, &w.admin, content("涉密地理信息"))
        .await;
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
    c.publish_edition(&w.a(), w.admin.id, lines(&[kept.id, dropped.id]))
        .await
        .unwrap();
    // The administration's 待办: published entries the current edition does not list yet, and
    // since when the oldest has waited.
    let (waiting, since) = c.awaiting_edition(&w.a()).await.unwrap();
    assert_eq!(waiting, 4, "added, listed, core and important");
    let added_at = c.resource(added.id).await.unwrap().value.published_at;
    assert_eq!(since, added_at, "the oldest published of them");
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
    let audit_before = c.store().audit_head().await.unwrap();

    // Kept, negative-listed, added, core, important with its condition, important without.
    let mut request = lines(&[
        kept.id,
        listed.id,
        added.id,
        core.id,
        important.id,
        important.id,
    ]);
    request.lines[4].condition = Some("仅通过隐私计算方式提供".to_string());
    let preview = c
        .preview_edition(&w.a(), w.admin.id, &request)
        .await
        .unwrap();
    assert_eq!(preview.current, Some(1));
    let refused: Vec<(usize, Option<u8>, &str)> = preview
        .refused
        .iter()
        .map(|r| (r.index, r.rule_number, r.field.as_str()))
        .collect();
    assert_eq!(
        refused,
        vec![
            (1, Some(1), "lines[1].resource_id"),
            (3, Some(2), "lines[3].resource_id"),
            (5, None, "lines[5].resource_id"),
        ],
        "{:#?}",
        preview.refused
    );
    let rule1 = &preview.refused[0];
    assert_eq!(rule1.rule, Some(Rule::NegativeList));
    assert_eq!(rule1.resource_id, listed.id);
    assert_eq!(rule1.code.as_ref(), Some(&listed.code));
    assert!(rule1.message.contains("负面清单"), "{}", rule1.message);
    let rule2 = &preview.refused[1];
    assert_eq!(rule2.rule, Some(Rule::GradeLimit));
    assert_eq!(rule2.name.as_deref(), Some("电网调度数据"));
    assert!(rule2.message.contains("核心数据"), "{}", rule2.message);
    assert!(
        preview.refused[2].message.contains("重复"),
        "the duplicate: {}",
        preview.refused[2].message
    );
    let names = |ls: &[catalog::domain::edition::EditionLine]| {
        ls.iter().map(|l| l.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        names(&preview.lines),
        vec!["公交线路", "地铁客流", "企业用电数据"]
    );
    assert_eq!(
        preview.lines[2].condition.as_deref(),
        Some("仅通过隐私计算方式提供")
    );
    assert_eq!((preview.diff.from, preview.diff.to), (1, 2));
    assert_eq!(names(&preview.diff.added), vec!["地铁客流", "企业用电数据"]);
    assert_eq!(names(&preview.diff.removed), vec!["公交站点"]);
    assert!(preview.diff.changed.is_empty());

    // An important line without a condition is refused by rule 2 at its condition.
    let mut bare = lines(&[important.id]);
    bare.lines[0].condition = None;
    let preview_bare = c.preview_edition(&w.a(), w.admin.id, &bare).await.unwrap();
    assert_eq!(preview_bare.refused[0].rule, Some(Rule::GradeLimit));
    assert_eq!(preview_bare.refused[0].field, "lines[0].condition");

    // Nothing written: one edition, no audit event.
    assert_eq!(c.editions().await.unwrap().len(), 1);
    assert_eq!(c.store().audit_head().await.unwrap(), audit_before);
    // Only a data administration previews, like it publishes.
    assert!(matches!(
        c.preview_edition(&w.p(), w.admin.id, &request).await,
        Err(CatalogError::Forbidden(_))
    ));

    // Publishing the whole request is refused at the first refused line, as the preview said.
    match c.publish_edition(&w.a(), w.admin.id, request.clone()).await {
        Err(CatalogError::RuleViolation { rule, field, .. }) => {
            assert_eq!(
                (rule, field.as_str()),
                (Rule::NegativeList, "lines[1].resource_id")
            )
        }
        other => panic!("expected rule 1, got {other:?}"),
    }
    // The clean lines publish, and the edition is what the preview showed.
    let clean = catalog::EditionRequest {
        lines: preview
            .lines
            .iter()
            .map(|l| EditionLineRequest {
                resource_id: l.resource_id,
                condition: l.condition.clone(),
            })
            .collect(),
        ..request
    };
    let edition = c.publish_edition(&w.a(), w.admin.id, clean).await.unwrap();
    assert_eq!(edition.number, 2);
    assert_eq!(edition.lines, preview.lines);
    assert_eq!(c.edition_diff(1, 2).await.unwrap(), preview.diff);
}
