//! Demands, disclosures and dashboards in the workbench, each step by the person responsible in
//! a real headless Chromium: the operator asks for a resource by its code (a code that names
//! nothing first: the message in the page); the data administration finds it in its 待办, is
//! refused an approval without a last day, then approves; the operator drafts its annual
//! statement, publishes it and corrects it (the old text kept); the administration sees who owes
//! a statement; the registrar's and the exchange's homes show their charts with their tables.

use crate::workbench::{choose, fill, sign_in, sign_out, start};

#[tokio::test]
async fn an_operator_asks_for_data_and_discloses_its_year() {
    let Some(session) = start("demands and disclosures workbench").await else {
        return;
    };
    let b = &session.b;
    // A published resource's code (setup: what the portal lists).
    let listed: serde_json::Value = reqwest::get(session.server.url("/api/v1/resources?limit=5"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = listed["items"][3]["code"].as_str().unwrap().to_string();

    // The operator asks for it.
    sign_in(b, "yunying").await;
    b.click("a[href='/workbench/demands']").await;
    b.check_page().await;
    b.shots("workbench-demands").await;
    fill(b, "#scenario", "公交线网优化").await;
    fill(
        b,
        "#scenario_description",
        "为市交通局优化公交线网提供客流分析",
    )
    .await;
    fill(b, "#resource_codes", "510500-99999999-X").await;
    fill(b, "#justification", "仅需站点与线路信息").await;
    b.click("#file button[type=submit]").await;
    assert!(
        b.text(".error-summary")
            .await
            .contains("不是已发布资源的资源代码"),
        "an unknown code is named"
    );
    assert_eq!(
        b.js("return document.getElementById('scenario').value;")
            .await,
        "公交线网优化",
        "values kept"
    );
    fill(b, "#resource_codes", &code).await;
    b.click("#file button[type=submit]").await;
    assert_eq!(b.text("#status").await, "待审核");
    let demand = b.path().await;
    assert!(b.text("#resources").await.contains(&code));
    sign_out(b).await;

    // The administration reviews it from its to-do list.
    sign_in(b, "shenhe").await;
    let todos = b.all_text("tbody tr").await;
    assert!(
        todos
            .iter()
            .any(|t| t.contains("待审核的数据需求") && t.contains('1')),
        "{todos:?}"
    );
    b.click("a[href='/workbench/demands']").await;
    b.check_page().await;
    b.click(&format!("a[href='{demand}']")).await;
    b.check_page().await;
    fill(b, "#opinion", "符合最小必要原则").await;
    b.click("button[value='approve']").await;
    assert!(
        b.text(".error-summary").await.contains("截止日期"),
        "a last day is needed"
    );
    fill(b, "#opinion", "符合最小必要原则").await;
    choose(b, "valid_until", "2027-06-30").await;
    b.click("button[value='approve']").await;
    assert_eq!(b.text("#status").await, "已通过");
    assert_eq!(b.text("#valid-until").await, "2027-06-30");
    b.shots("workbench-demand").await;
    sign_out(b).await;

    // The operator drafts its statement for last year, publishes it, then corrects it.
    sign_in(b, "yunying").await;
    b.click("a[href='/workbench/disclosures']").await;
    b.check_page().await;
    fill(b, "[id='content.product_list']", "公交客流时段分析报告").await;
    fill(b, "[id='content.data_usage']", "使用公交运行数据两项").await;
    b.click("form.disclosure button[type=submit]").await;
    assert!(
        b.text(".error-summary").await.contains("不能为空"),
        "every part of the statement is required"
    );
    fill(b, "[id='content.actual_fees']", "公益场景，未收费").await;
    b.click("form.disclosure button[type=submit]").await;
    assert_eq!(b.text("#status").await, "草稿");
    let statement = b.path().await;
    b.click("button[value='publish']").await;
    assert_eq!(b.text("#status").await, "已公开");
    fill(
        b,
        "[id='content.actual_fees']",
        "公益场景，未收费；另有技术服务费 0 元",
    )
    .await;
    b.click("button[value='revise']").await;
    assert!(
        b.text("#versions").await.contains("公益场景，未收费"),
        "the old text is kept"
    );
    b.check_page().await;
    b.shots("workbench-disclosure").await;
    sign_out(b).await;

    // The public reads the published statement; the administration sees who owes one.
    let id = statement.rsplit('/').next().unwrap();
    let public = reqwest::get(session.server.url(&format!("/api/v1/disclosures/{id}")))
        .await
        .unwrap();
    assert_eq!(public.status(), reqwest::StatusCode::OK);
    sign_in(b, "shenhe").await;
    b.open("/workbench/disclosures").await;
    b.check_page().await;
    assert!(b.text("#obligations").await.contains("年度应披露情况"));
    b.shots("workbench-disclosures").await;
    sign_out(b).await;

    // Dashboards: the registrar's and the exchange's homes chart their numbers.
    sign_in(b, "dengji").await;
    let table = b.text("#registrations-by-status-table").await;
    assert!(table.contains("已赋码"), "{table}");
    assert!(b.text("#time-to-code-table").await.contains("法定时限"));
    b.check_page().await;
    b.shots("workbench-registrar-home").await;
    sign_out(b).await;
    sign_in(b, "jiaoyi").await;
    assert!(b.text("#listings-by-status-table").await.contains("挂牌中"));
    sign_out(b).await;
    let _ = b.client.clone().close().await;
}
