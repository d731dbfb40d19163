//! A data administration's organizations in a real headless Chromium: 沈禾 (data administration,
//! region 510000) sees only the organizations of her region, registers one in 510500 and finds
//! it listed; one in 520000 is refused by the catalog (rule 9) with the message beside the region
//! and the values kept. The 待办 home counts negative-list entries past their review date (in
//! red, with the earliest date) and, for a provider, quality feedback awaiting its answer.
//! Screenshots at desktop and phone width.

use catalog::domain::uscc::Uscc;
use serde_json::json;

use crate::workbench::{choose, fill, sign_in, sign_out, start};

/// A valid USCC whose region part is `region`.
fn uscc(region: &str, n: u32) -> String {
    let first17 = format!("11{region}00000{n:04}");
    let check = Uscc::compute_check_char(&first17).unwrap();
    format!("{first17}{check}")
}

const NEW_ORG: &str = "泸州市演示数据资源中心（测试）";
const FOREIGN_ORG: &str = "贵州省演示数据中心（测试）";

#[tokio::test]
async fn a_data_administration_lists_and_registers_organizations_of_its_region() {
    let Some(session) = start("workbench organizations").await else {
        return;
    };
    let b = &session.b;
    sign_in(b, "shenhe").await;

    // 待办: the negative-list review line is there, nothing overdue yet.
    let line = b
        .text("tbody tr:has(a[href='/workbench/negative-list'])")
        .await;
    assert!(line.contains("已过复核日期的负面清单条目"), "{line}");
    assert_eq!(
        b.js("return document.querySelectorAll('tr.overdue').length;")
            .await,
        json!(0),
        "nothing overdue in a fresh demo"
    );

    // An entry whose review date has passed, through the JSON API with her own token.
    b.open("/workbench/tokens").await;
    fill(b, "#name", "测试：负面清单").await;
    b.click("form.stack button[type=submit]").await;
    let token = b.text("#issued-token").await;
    let response = reqwest::Client::new()
        .post(session.server.url("/api/v1/admin/negative-list"))
        .bearer_auth(token.trim())
        .json(&json!({
            "target": {"type": "category", "domain": "T", "category_path": []},
            "scope": {"type": "whole_resource"},
            "kind": "禁止",
            "reason": "涉密",
            "legal_basis": "《保守国家秘密法》",
            "approved_by": "省人民政府",
            "approved_on": "2020-01-05",
            "next_review_on": "2021-01-05",
            "confidential": true,
        }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert!(
        status.is_success(),
        "{status}: {}",
        response.text().await.unwrap()
    );
    b.open("/workbench").await;
    b.check_page().await;
    let overdue = b
        .text("tr.overdue:has(a[href='/workbench/negative-list'])")
        .await;
    assert!(
        overdue.contains("2021-01-05") && overdue.contains("已逾期"),
        "{overdue}"
    );
    let color = b
        .js("return getComputedStyle(document.querySelector('tr.overdue td.num')).color;")
        .await;
    assert_eq!(color, json!("rgb(179, 38, 30)"), "overdue counts are red");
    b.shots("workbench-orgs-todo").await;

    // The organizations of her region, and only those.
    b.click("nav.main a[href='/workbench/organizations']").await;
    assert_eq!(b.path().await, "/workbench/organizations");
    b.check_page().await;
    assert_eq!(b.text("h1").await, "机构");
    let regions = b.all_text("#organizations tbody td:nth-child(4)").await;
    assert!(!regions.is_empty(), "the demo's organizations of 510000");
    assert!(
        regions.iter().all(|r| r.starts_with("四川省")),
        "only 四川省: {regions:?}"
    );
    let names = b.all_text("#organizations tbody td:nth-child(1)").await;
    assert!(
        names.iter().any(|n| n.contains("演示数据管理局")),
        "{names:?}"
    );
    assert!(b.text("#organizations").await.contains("数据管理部门"));

    // Register one in 510500.
    let code = uscc("510500", 1);
    fill(b, "#name", NEW_ORG).await;
    fill(b, "#uscc", &code).await;
    fill(b, "#region", "510500").await;
    b.js("document.querySelector(\"input[name=kinds][value=provider]\").click(); return null;")
        .await;
    b.click("form.stack button[type=submit]").await;
    assert_eq!(
        b.path().await,
        "/workbench/organizations",
        "POST → 303 → GET"
    );
    let row = b
        .js(&format!(
            "return [...document.querySelectorAll('#organizations tbody tr')]
                .filter(tr => tr.cells[0].textContent.includes('{NEW_ORG}'))
                .map(tr => [...tr.cells].map(td => td.textContent.trim()));"
        ))
        .await;
    assert_eq!(
        row,
        json!([[NEW_ORG, "数源单位", code, "四川省泸州市", "0"]]),
        "the new organization is listed"
    );
    b.check_page().await;
    b.shots("workbench-orgs").await;

    // One in another region: refused beside the region, with the values kept.
    let foreign = uscc("520000", 2);
    fill(b, "#name", FOREIGN_ORG).await;
    fill(b, "#uscc", &foreign).await;
    fill(b, "#region", "520000").await;
    choose(b, "region", "520000").await;
    b.js("document.querySelector(\"input[name=kinds][value=operator]\").click(); return null;")
        .await;
    b.click("form.stack button[type=submit]").await;
    let message = b.text("#region-error").await;
    assert!(message.contains("辖区"), "{message}");
    assert!(b.text(".error-summary").await.contains("辖区"));
    let kept = b
        .js(
            "return [document.getElementById('name').value, document.getElementById('uscc').value,
                     document.getElementById('region').value,
                     document.querySelector('input[name=kinds][value=operator]').checked];",
        )
        .await;
    assert_eq!(
        kept,
        json!([FOREIGN_ORG, foreign, "520000", true]),
        "values kept"
    );
    assert!(
        !b.text("#organizations").await.contains(FOREIGN_ORG),
        "not registered"
    );
    b.check_page().await;
    b.shots("workbench-orgs-refused").await;
    sign_out(b).await;

    // A provider's 待办: quality feedback awaiting its answer.
    sign_in(b, "tianbao").await;
    let line = b.text("tbody tr:has(a[href='/workbench/feedback'])").await;
    assert!(line.contains("待答复的数据质量反馈"), "{line}");
    b.check_page().await;
    assert_eq!(
        b.js("return document.querySelectorAll('nav.main a[href=\"/workbench/organizations\"]').length;")
            .await,
        json!(0),
        "机构 is a data administration's"
    );
    sign_out(b).await;
}
