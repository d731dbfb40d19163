//! The directory side of the workbench in one walk, each step by the person responsible, in a
//! real headless Chromium: the provider uploads the template with one bad row, reads the report,
//! fixes the row and imports; edits one imported entry's data items and submits it; the reviewer
//! returns it with a reason; the provider fixes and resubmits; the reviewer approves and
//! publishes, previews the next edition with it and publishes that; the public portal shows the
//! entry in the edition.

use crate::workbench::{fill, sign_in, sign_out, start};
use crate::workbench_import::{BAD_SHARE, NAMES, upload, workbook};

#[tokio::test]
async fn from_a_spreadsheet_with_a_bad_row_to_a_published_edition() {
    let Some(session) = start("directory walk").await else {
        return;
    };
    let b = &session.b;
    let files = tempfile::tempdir().unwrap();
    let (bad, good) = (
        files.path().join("bad.xlsx"),
        files.path().join("good.xlsx"),
    );
    std::fs::write(&bad, workbook(BAD_SHARE)).unwrap();
    std::fs::write(&good, workbook("无条件共享")).unwrap();

    // The provider: the dry run names the bad row; the fixed file is imported as drafts.
    sign_in(b, "tianbao").await;
    upload(b, &bad, "dry_run").await;
    let report = b.text("main").await;
    assert!(
        report.contains(BAD_SHARE) && report.contains("无效"),
        "{report}"
    );
    upload(b, &good, "import").await;
    assert!(b.text("main").await.contains("已导入 3 条"));
    b.open("/workbench/resources?status=draft").await;
    // The imported entry's page, found by its name in the draft list.
    let entry = b
        .js(&format!(
            "return [...document.querySelectorAll('a')].find(a => a.textContent === '{}').getAttribute('href');",
            NAMES[0]
        ))
        .await
        .as_str()
        .unwrap()
        .to_string();
    b.open(&format!("{entry}/edit")).await;
    fill(b, "input[name='item.name']", "泊位编号").await;
    fill(b, "input[name='item.data_type']", "字符").await;
    b.click("form.entry button[type=submit]").await;
    b.click("form[action$='/submit'] button").await;
    assert_eq!(b.text("#status").await, "待审核");
    let code = b.text("dl.fields dd code").await;
    sign_out(b).await;

    // The reviewer returns it with a reason.
    sign_in(b, "shenhe").await;
    b.open(&entry).await;
    fill(b, "#reasons", "请补充覆盖时间").await;
    b.click("form[action$='/return'] button").await;
    assert_eq!(b.text("#status").await, "已退回");
    sign_out(b).await;

    // The provider fixes and resubmits.
    sign_in(b, "tianbao").await;
    b.open(&format!("{entry}/edit")).await;
    let kept = b
        .js("return document.querySelector(\"input[name='item.name']\").value;")
        .await;
    assert_eq!(kept, "泊位编号", "the data item was saved");
    fill(b, "[id='content.coverage_time']", "2021年至今").await;
    b.click("form.entry button[type=submit]").await;
    b.click("form[action$='/submit'] button").await;
    sign_out(b).await;

    // The reviewer approves and publishes, previews the next edition with it, and publishes it.
    sign_in(b, "shenhe").await;
    b.open(&entry).await;
    b.click("form[action$='/approve'] button").await;
    b.click("form[action$='/publish'] button").await;
    assert_eq!(b.text("#status").await, "已发布");
    // The home page counts it among the published entries the next edition should list.
    let waiting_before = editions_todo(b).await;
    assert!(
        waiting_before >= 1,
        "the published entry waits for an edition"
    );
    b.check_page().await;
    b.shots("workbench-admin-home").await;
    b.open("/workbench/editions").await;
    fill(b, "#title", "公共数据资源授权运营目录（导入后新版）").await;
    // The next edition starts from the current one; the reviewer adds the new entry's code.
    let current = b.js("return document.getElementById('codes').value;").await;
    let current = current.as_str().unwrap_or_default().to_string();
    assert!(
        !current.is_empty() && !current.contains(&code),
        "the current edition's codes: {current}"
    );
    b.js(&format!(
        "const c = document.getElementById('codes'); c.value = c.value + '\\n{code}'; return null;"
    ))
    .await;
    b.click("button[value='preview']").await;
    let preview = b.text("#preview-lines").await;
    assert!(preview.contains(&code), "{preview}");
    b.click("button[value='publish']").await;
    let path = b.path().await;
    let number = path.rsplit("published=").next().unwrap().to_string();
    assert!(number.parse::<u32>().is_ok(), "{path}");
    assert_eq!(
        editions_todo(b).await,
        waiting_before - 1,
        "listed in the new edition, the entry no longer waits"
    );

    // The public sees the entry in the new edition.
    b.open(&format!("/directory/{number}")).await;
    assert!(b.text("main").await.contains(NAMES[0]));
    let id = entry.rsplit('/').next().unwrap();
    b.open(&format!("/resources/{id}")).await;
    assert!(b.text("h1").await.contains(NAMES[0]));
    let _ = b.client.clone().close().await;
}

/// The data administration's 待办 count of published entries no edition lists yet.
async fn editions_todo(b: &crate::portal::Browser) -> u64 {
    b.open("/workbench").await;
    let count = b
        .js("return document.querySelector(\"main table a[href='/workbench/editions']\").closest('tr').querySelector('td.num').textContent;")
        .await;
    count.as_str().unwrap().trim().parse().unwrap()
}
