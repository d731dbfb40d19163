//! Registration in the workbench (R 9 (四), R 10–11), each step by the person responsible, in a
//! real headless Chromium: the demo operator finds its coded registration under 我的登记 (query
//! code and validity) and applies to cancel it (without the detail first: the catalog's message
//! in the page); the registrar finds the application in the worklist with its acceptance
//! deadline, reads the materials, is refused a 不予受理 without a reason, and asks for 补正; the
//! operator reads what to supply and resubmits; the registrar accepts and completes it, and the
//! registration it names is cancelled, its end shown on the same page, to the operator and in the
//! exchange's feed page; 监管
//! then finds each of the registrar's steps in the audit page under the registrar's name.

use crate::workbench::{fill, sign_in, sign_out, start};

#[tokio::test]
async fn a_cancellation_goes_from_the_operator_through_the_registrar_to_its_end() {
    let Some(session) = start("registration workbench").await else {
        return;
    };
    let b = &session.b;

    // The operator's 我的登记: the demo's coded registration.
    sign_in(b, "yunying").await;
    b.click("a[href='/workbench/my-registrations']").await;
    b.check_page().await;
    // (The demo's second registration is in publicity: the coded one is picked by its state.)
    let rows = b.all_text("#registrations tbody tr").await;
    let coded = rows
        .iter()
        .position(|r| r.contains("已赋码"))
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert!(rows[coded].contains("有效期至"), "{}", rows[coded]);
    b.click(&format!(
        "#registrations tbody tr:nth-child({}) a",
        coded + 1
    ))
    .await;
    let registration = b.path().await.rsplit('/').next().unwrap().to_string();
    assert!(b.text("#code").await.len() > 10);
    assert!(b.text("#validity").await.contains(" 至 "));
    b.shots("workbench-my-registration").await;
    b.click("button[value='cancel']").await;
    assert!(b.text(".error-summary").await.contains("不能为空"));
    fill(b, "#detail", "该产品停止运营").await;
    b.click("button[value='cancel']").await;
    let application = b.path().await.rsplit('/').next().unwrap().to_string();
    assert_ne!(
        application, registration,
        "the application has its own page"
    );
    assert_eq!(b.text("#status").await, "已申请");
    assert!(b.text("h1").await.starts_with("注销登记"));
    sign_out(b).await;

    // The registrar: worklist, materials, a refusal without reason, then 补正.
    sign_in(b, "dengji").await;
    b.check_page().await;
    let todo = b
        .text("tbody tr:has(a[href='/workbench/registrations?status=submitted'])")
        .await;
    assert!(todo.contains('1') && todo.contains("最早应于"), "{todo}");
    b.click("a[href='/workbench/registrations?status=submitted']")
        .await;
    b.check_page().await;
    let row = b
        .text(&format!(
            "#worklist tr:has(a[href='/workbench/registrations/{application}'])"
        ))
        .await;
    assert!(row.contains("注销登记") && row.contains("受理 20"), "{row}");
    b.shots("workbench-registrar-worklist").await;
    b.click(&format!("a[href='/workbench/registrations/{application}']"))
        .await;
    b.check_page().await;
    assert_eq!(b.text("#status").await, "已申请");
    assert!(b.text("#materials").await.contains("数据安全风险评估"));
    assert!(b.text("#deadline").await.starts_with("受理 "));
    b.click("button[value='refuse']").await;
    assert!(b.text(".error-summary").await.contains("不能为空"));
    assert_eq!(b.text("#status").await, "已申请", "nothing changed");
    fill(b, "#items", "补充停止运营的内部决议").await;
    b.click("button[value='supplement']").await;
    assert_eq!(b.text("#status").await, "待补正");
    sign_out(b).await;

    // The operator reads what to supply and resubmits.
    sign_in(b, "yunying").await;
    b.open(&format!("/workbench/my-registrations/{application}"))
        .await;
    b.check_page().await;
    assert!(
        b.text("#supplement")
            .await
            .contains("补充停止运营的内部决议")
    );
    b.shots("workbench-my-registration-supplement").await;
    fill(
        b,
        "[id='materials.registrant_info']",
        "演示数据运营有限公司（演示），附 2026 年第 3 次董事会决议：停止运营该产品",
    )
    .await;
    b.click("button[value='resubmit']").await;
    assert_eq!(b.text("#status").await, "已申请");
    sign_out(b).await;

    // The registrar accepts and completes; the registration is cancelled.
    sign_in(b, "dengji").await;
    b.open(&format!("/workbench/registrations/{application}"))
        .await;
    assert!(b.text("#materials").await.contains("董事会决议"));
    b.click("button[value='accept']").await;
    assert_eq!(b.text("#status").await, "已受理");
    assert!(b.text("#deadline").await.starts_with("办结注销 "));
    b.shots("workbench-registrar-application").await;
    b.click("button[value='complete']").await;
    assert_eq!(
        b.path().await,
        format!("/workbench/registrations/{registration}"),
        "completing leads to the registration it ended"
    );
    assert_eq!(b.text("#status").await, "已注销");
    assert!(b.text("#history").await.contains("依申请注销"));
    b.check_page().await;
    b.shots("workbench-registrar-cancelled").await;
    sign_out(b).await;

    // The operator sees the end and its reason.
    sign_in(b, "yunying").await;
    b.open(&format!("/workbench/my-registrations/{registration}"))
        .await;
    assert_eq!(b.text("#status").await, "已注销");
    assert!(b.text("#reason").await.contains("该产品停止运营"));
    sign_out(b).await;

    // The exchange's feed page: the coding, then the cancellation, with the product's standing.
    sign_in(b, "jiaoyi").await;
    b.click("a[href='/workbench/feed']").await;
    b.check_page().await;
    let feed = b.text("#feed").await;
    let coded_at = feed.find("赋码（登记生效）").expect("the demo's coding");
    let cancelled_at = feed.find("注销").expect("the cancellation");
    assert!(coded_at < cancelled_at, "in order: {feed}");
    assert!(feed.contains("已失效"), "{feed}");
    b.shots("workbench-feed").await;
    sign_out(b).await;

    // 监管 finds each of the registrar's steps under the person who took it, and the chain holds.
    sign_in(b, "jianguan").await;
    b.click("a[href='/workbench/audit']").await;
    b.check_page().await;
    fill(b, "#account", "dengji").await;
    fill(b, "#action", "registration.").await;
    b.click("#audit-filters button").await;
    let events = b.text("#audit-events").await;
    for step in [
        "registration.request_supplement",
        "registration.accept",
        "registration.complete",
        "registration.cancel",
    ] {
        assert!(events.contains(step), "{step} in {events}");
    }
    assert!(events.contains("邓济"), "the person is named: {events}");
    assert!(
        !events.contains("registration.resubmit"),
        "that was yunying's"
    );
    b.shots("workbench-audit").await;
    fill(b, "#account", "nobody-here").await;
    b.click("#audit-filters button").await;
    assert!(b.text(".error-summary").await.contains("没有这个账号"));
    b.click("a[href='/workbench/audit/verify']").await;
    assert!(b.text("#chain-ok").await.contains("完整"));
    b.check_page().await;
    let _ = b.client.clone().close().await;
}
