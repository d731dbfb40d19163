//! Demands for data (GZ 18; SD 17–18) and quality feedback (C 10.6).

use catalog::domain::negative_list::{NegativeScope, NegativeTarget};
use catalog::domain::organization::OrgKind;
use catalog::error::Rule;
use catalog::{Actor, CatalogError, Role};

use crate::fixtures::{Env, content};

use super::*;

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
