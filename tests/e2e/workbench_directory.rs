//! A data administration's negative list and editions in a real headless Chromium: it lists a
//! published resource (a mistake first: the form comes back with the message and the values
//! kept), sees it with its overdue review marked, lifts it with a reason and reads the history;
//! publishes an edition of two published resources and finds it on the public `/directory`
//! page; reinstates the entry and tries to publish an edition containing it, which the catalog
//! refuses by rule 1 next to the pasted line, nothing published; previews the same mistake with
//! a clean line (规则1 in the refused table, the clean line listed, the diff, nothing published).
//! Screenshots at 1366 and 390.

use fantoccini::Locator;
use serde_json::Value;

use crate::portal::Browser;
use crate::workbench::{choose as set, fill, sign_in, start};

/// The id of the negative-list row that shows `code`.
async fn row_of(b: &Browser, code: &str) -> String {
    let id = b
        .js(&format!(
            "const row = [...document.querySelectorAll('#negative-list tbody tr')]
                .find(r => r.cells[0].textContent.includes('{code}'));
             return row ? row.id.replace('entry-', '') : null;"
        ))
        .await;
    id.as_str()
        .unwrap_or_else(|| panic!("{code} is listed"))
        .to_string()
}

async fn change(b: &Browser, id: &str, reason: &str) {
    fill(b, &format!("[id='reason-{id}']"), reason).await;
    b.click(&format!("[id='entry-{id}'] form button[type=submit]"))
        .await;
}

#[tokio::test]
async fn a_data_administration_keeps_the_negative_list_and_publishes_editions() {
    let Some(session) = start("workbench directory").await else {
        return;
    };
    let (b, server) = (&session.b, &session.server);
    // Published resources of general grade (the demo lists the first one already).
    let page: Value = reqwest::get(server.url("/api/v1/resources?limit=10"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let general: Vec<(String, String, String)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .filter(|r| r["content"]["grade"]["level"] == "一般数据")
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["code"].as_str().unwrap().to_string(),
                r["content"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        general.len() >= 3,
        "three published resources of general grade"
    );
    let (_, listed_code, listed_name) = general[0].clone();
    let (one, two) = (&general[1], &general[2]);

    sign_in(b, "shenhe").await;

    // The negative list, then an entry for a published resource; the first try lacks the
    // approving authority.
    b.click("a[href='/workbench/negative-list']").await;
    b.check_page().await;
    fill(b, "[id='target.code']", &listed_code).await;
    fill(b, "#legal_basis", "《数据安全法》第二十一条（测试）").await;
    set(b, "approved_on", "2025-01-10").await;
    set(b, "next_review_on", "2025-07-10").await;
    b.click("form#add button[type=submit]").await;
    let summary = b.text(".error-summary").await;
    assert!(summary.contains("批准机关"), "{summary}");
    let kept = b
        .js("return document.getElementById('target.code').value;")
        .await;
    assert_eq!(kept, listed_code.as_str(), "values are kept on error");
    assert!(b.text("#approved_by-error").await.len() > 1);
    b.shots("workbench-negative-error").await;
    fill(b, "#approved_by", "省人民政府（测试）").await;
    b.click("form#add button[type=submit]").await;
    assert_eq!(b.path().await, "/workbench/negative-list");
    let id = row_of(b, &listed_code).await;
    let row = b.text(&format!("[id='entry-{id}']")).await;
    assert!(row.contains(&listed_name), "the resource's name: {row}");
    assert!(row.contains("禁止") && row.contains("有效"), "{row}");
    assert!(
        row.contains("已到复核期"),
        "the review date has passed: {row}"
    );
    b.check_page().await;
    b.shots("workbench-negative-list").await;

    // Lifted with a reason: the history keeps it.
    change(b, &id, "经评估已完成脱敏处理").await;
    let row = b.text(&format!("[id='entry-{id}']")).await;
    assert!(row.contains("已解除"), "{row}");
    assert!(row.contains("经评估已完成脱敏处理"), "the history: {row}");
    assert!(
        !row.contains("已到复核期"),
        "a lifted entry is not due: {row}"
    );

    // An edition of two published resources, chosen on the page.
    b.click("a[href='/workbench/editions']").await;
    b.check_page().await;
    let before = b.text("#current-number").await;
    assert!(
        before.contains("第 2 版"),
        "the demo has two editions: {before}"
    );
    fill(b, "#title", "公共数据资源授权运营目录（测试第3版）").await;
    // The pasted list starts as the current edition; this edition is only the two ticked.
    assert!(b.text("#codes-hint").await.contains("当前版本"));
    fill(b, "#codes", "").await;
    for (rid, _, _) in [one, two] {
        b.client
            .find(Locator::Css(&format!("[id='pick-{rid}']")))
            .await
            .unwrap_or_else(|e| panic!("{rid} is offered: {e}"))
            .click()
            .await
            .unwrap();
    }
    b.click("form#publish button[type=submit]").await;
    assert_eq!(b.path().await, "/workbench/editions?published=3");
    assert!(b.text("#current-number").await.contains("第 3 版"));
    assert!(b.text("#current-edition").await.contains("2 项"));
    let diff = b
        .js("return document.querySelector(\"#published a[href='/directory/diff?from=2&to=3']\") !== null;")
        .await;
    assert_eq!(diff, Value::Bool(true), "a link to the public diff");
    b.check_page().await;
    b.shots("workbench-editions").await;
    b.open("/directory").await;
    let public = b.text("main").await;
    assert!(public.contains("测试第3版"), "{public}");
    b.open("/directory/3").await;
    let lines = b.text("main").await;
    assert!(lines.contains(&one.2) && lines.contains(&two.2), "{lines}");

    // Reinstated, the resource cannot enter an edition: rule 1, nothing published.
    b.open("/workbench/negative-list").await;
    change(b, &id, "复核发现仍含个人信息").await;
    let row = b.text(&format!("[id='entry-{id}']")).await;
    assert!(
        row.contains("有效") && row.contains("复核发现仍含个人信息"),
        "{row}"
    );
    b.open("/workbench/editions").await;
    fill(b, "#title", "公共数据资源授权运营目录（测试第4版）").await;
    fill(b, "#codes", &format!("{}\n{listed_code}", one.1)).await;
    b.click("form#publish button[type=submit]").await;
    let refusal = b.text("#edition-error").await;
    assert!(
        refusal.contains("规则1") && refusal.contains("负面清单"),
        "{refusal}"
    );
    assert!(
        refusal.contains(&format!("第 2 行（{listed_code}）")),
        "{refusal}"
    );
    assert!(b.text("#codes-error").await.contains("负面清单"));
    assert!(
        b.text("#current-number").await.contains("第 3 版"),
        "nothing was published"
    );
    let kept = b.js("return document.getElementById('title').value;").await;
    assert_eq!(kept, "公共数据资源授权运营目录（测试第4版）");
    b.check_page().await;
    b.shots("workbench-editions-refused").await;
    let api: Value = reqwest::get(server.url("/api/v1/directory/editions/4"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["status"], 404, "no fourth edition: {api}");

    // 预览 of a ticked clean resource and the pasted negative-listed one: the refused table names
    // rule 1, the clean one would be published, the diff against edition 3 drops the other
    // line, and nothing is published.
    b.open("/workbench/editions").await;
    fill(b, "#title", "公共数据资源授权运营目录（预览）").await;
    b.client
        .find(Locator::Css(&format!("[id='pick-{}']", two.0)))
        .await
        .unwrap_or_else(|e| panic!("{} is offered: {e}", two.0))
        .click()
        .await
        .unwrap();
    fill(b, "#codes", &listed_code).await;
    b.click("form#publish button[value=preview]").await;
    let refused = b.text("#preview-refused").await;
    assert!(
        refused.contains("规则1") && refused.contains(&listed_code),
        "{refused}"
    );
    assert!(
        refused.contains("负面清单") && refused.contains("粘贴的第 1 行"),
        "{refused}"
    );
    let lines = b.text("#preview-lines").await;
    assert!(lines.contains(&two.1) && lines.contains(&two.2), "{lines}");
    assert!(!lines.contains(&listed_code), "{lines}");
    let removed = b.text("#preview-removed").await;
    assert!(
        removed.contains(&one.1),
        "edition 3's other line: {removed}"
    );
    assert!(
        b.text("#current-number").await.contains("第 3 版"),
        "a preview publishes nothing"
    );
    let kept = b.js("return document.getElementById('title').value;").await;
    assert_eq!(kept, "公共数据资源授权运营目录（预览）");
    let ticked = b
        .js(&format!(
            "return document.getElementById('pick-{}').checked;",
            two.0
        ))
        .await;
    assert_eq!(ticked, Value::Bool(true), "the ticks are kept");
    b.check_page().await;
    b.shots("workbench-editions-preview").await;
    let api: Value = reqwest::get(server.url("/api/v1/directory/editions/4"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        api["status"], 404,
        "no fourth edition after a preview: {api}"
    );

    // Another role gets the catalog's refusal, and no navigation to these pages.
    b.click("form[action='/signout'] button").await;
    sign_in(b, "tianbao").await;
    let offered = b
        .js("return document.querySelectorAll(\"a[href='/workbench/negative-list'], a[href='/workbench/editions']\").length;")
        .await;
    assert_eq!(offered, 0, "a provider is not offered these pages");
    for path in ["/workbench/negative-list", "/workbench/editions"] {
        b.open(path).await;
        let refusal = b.text(".error-summary").await;
        assert!(refusal.contains("无权"), "{path}: {refusal}");
        b.check_page().await;
    }
    let _ = b.client.clone().close().await;
}
