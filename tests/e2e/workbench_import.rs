//! The workbench's 表格导入 in a real headless Chromium: the provider uploads a filled template
//! with one bad row; the dry run shows the row and the importer's Chinese message and writes
//! nothing; the fixed file passes a dry run and is imported as drafts, which the entry list
//! shows. Screenshots at desktop and phone width.

use std::path::Path;

use fantoccini::Locator;
use importers::columns::{RESOURCE_COLUMNS, RESOURCE_SHEET, display_header};

use crate::portal::Browser;
use crate::workbench::{sign_in, start};

pub(crate) const NAMES: [&str; 3] = [
    "导入测试·公交线路与站点",
    "导入测试·公共停车场泊位",
    "导入测试·城市道路照明设施",
];
pub(crate) const BAD_SHARE: &str = "随便共享";

/// A workbook with the template's resource-sheet headers and three rows; the second's 共享类型
/// is `share` (the file's row 3).
pub(crate) fn workbook(share: &str) -> Vec<u8> {
    let headers: Vec<String> = RESOURCE_COLUMNS.iter().map(display_header).collect();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(RESOURCE_SHEET).unwrap();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for (r, name) in NAMES.iter().enumerate() {
        let row = [
            ("资源名称", *name),
            ("资源摘要", "泸州市范围内的设施名称、位置与运行状态"),
            ("数据分级", "一般数据"),
            ("共享类型", if r == 1 { share } else { "无条件共享" }),
            ("开放类型", "无条件开放"),
            ("更新频率", "每月"),
        ];
        for (header, value) in row {
            let c = RESOURCE_COLUMNS
                .iter()
                .position(|col| col.header == header)
                .unwrap_or_else(|| panic!("template has no column {header}"));
            sheet.write_string(r as u32 + 1, c as u16, value).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// Choose `file` in the import form and press the button with `action`.
pub(crate) async fn upload(b: &Browser, file: &Path, action: &str) {
    b.open("/workbench/imports").await;
    let input = b.client.find(Locator::Css("#file")).await.unwrap();
    input.send_keys(&file.display().to_string()).await.unwrap();
    b.click(&format!("#import-form button[value='{action}']"))
        .await;
}

/// The status of a dry run of a one-row CSV posted by `fetch` from the import page, with or
/// without the page's CSRF token.
async fn post_status(b: &Browser, share: &str, with_csrf: bool) -> u64 {
    let headers: Vec<String> = RESOURCE_COLUMNS.iter().map(display_header).collect();
    let mut row = vec![""; headers.len()];
    for (header, value) in [
        ("资源名称", "导入测试·状态码"),
        ("资源摘要", "只检查，不写入"),
        ("数据分级", "一般数据"),
        ("共享类型", share),
        ("开放类型", "无条件开放"),
        ("更新频率", "每月"),
    ] {
        let c = RESOURCE_COLUMNS
            .iter()
            .position(|col| col.header == header)
            .unwrap();
        row[c] = value;
    }
    let csv = format!("{}\n{}\n", headers.join(","), row.join(","));
    let script = r#"
        const [csv, withCsrf, done] = arguments;
        const form = new FormData();
        if (withCsrf) form.append('csrf', document.querySelector('#import-form input[name=csrf]').value);
        form.append('file', new Blob([csv], {type: 'text/csv'}), 'one.csv');
        form.append('action', 'dry_run');
        fetch('/workbench/imports', {method: 'POST', body: form}).then(r => done(r.status));
    "#;
    b.client
        .execute_async(script, vec![csv.into(), with_csrf.into()])
        .await
        .unwrap()
        .as_u64()
        .unwrap()
}

/// The names in the provider's draft list.
async fn drafts(b: &Browser) -> String {
    b.open("/workbench/resources?status=draft").await;
    b.text("main").await
}

#[tokio::test]
async fn a_provider_dry_runs_a_sheet_fixes_the_bad_row_and_imports_it() {
    let Some(session) = start("workbench import").await else {
        return;
    };
    let b = &session.b;
    let files = tempfile::tempdir().unwrap();
    let bad = files.path().join("directory-bad.xlsx");
    std::fs::write(&bad, workbook(BAD_SHARE)).unwrap();
    let good = files.path().join("directory-fixed.xlsx");
    std::fs::write(&good, workbook("无条件共享")).unwrap();

    sign_in(b, "tianbao").await;
    b.click("a[href='/workbench/imports']").await;
    assert_eq!(b.path().await, "/workbench/imports");
    b.check_page().await;
    for template in [
        "/api/v1/import-templates/directory.xlsx",
        "/api/v1/import-templates/directory.csv",
    ] {
        b.client
            .find(Locator::Css(&format!("a[href='{template}']")))
            .await
            .unwrap_or_else(|e| panic!("the page links {template}: {e}"));
    }
    b.shot("workbench-import-desktop", 1366).await;
    b.shot("workbench-import-phone", 390).await;
    let before = drafts(b).await;
    assert!(!before.contains(NAMES[0]), "{before}");

    // The dry run of the file with a bad row: the row, its column and the Chinese message.
    upload(b, &bad, "dry_run").await;
    b.check_page().await;
    let summary = b.text("#import-report .error-summary").await;
    assert!(summary.contains("未写入任何数据"), "{summary}");
    let rows = b.all_text("#problems tbody tr").await;
    assert_eq!(rows.len(), 1, "one problem: {rows:?}");
    let cells = b.all_text("#problems tbody tr td").await;
    assert_eq!(cells[0], RESOURCE_SHEET, "{cells:?}");
    assert_eq!(cells[1], "3", "the bad row is the file's row 3: {cells:?}");
    assert_eq!(cells[2], "共享类型", "{cells:?}");
    assert_eq!(cells[4], BAD_SHARE, "{cells:?}");
    assert!(
        cells[5].contains(BAD_SHARE) && cells[5].contains("无效"),
        "the importer's Chinese message: {cells:?}"
    );
    let kinds = b.text("#problem-kinds").await;
    assert!(kinds.contains("共享类型"), "{kinds}");
    b.shot("workbench-import-report-desktop", 1366).await;
    b.shot("workbench-import-report-phone", 390).await;

    // A file that is no workbook: the importer's message for the whole file, not an error page.
    let broken = files.path().join("broken.xlsx");
    std::fs::write(&broken, b"PK\x03\x04 not really a workbook").unwrap();
    upload(b, &broken, "dry_run").await;
    b.check_page().await;
    let cells = b.all_text("#problems tbody tr td").await;
    assert_eq!(cells[1], "整个文件", "{cells:?}");
    assert!(!cells[5].is_empty(), "{cells:?}");
    println!("broken workbook: {}", cells[5]);
    // Over axum's 2 MiB default extractor limit: still read (the import limit is 64 MiB).
    let big = files.path().join("big.xlsx");
    std::fs::write(&big, vec![b'x'; 3 * 1024 * 1024]).unwrap();
    upload(b, &big, "dry_run").await;
    let cells = b.all_text("#problems tbody tr td").await;
    // The importer's own reading of it (not the form's refusal): this is no template.
    assert_eq!(cells[1], "整个文件", "{cells:?}");
    assert!(
        !cells[5].contains("表单") && !cells[5].contains("不能超过"),
        "{cells:?}"
    );

    // The statuses a script would see: 422 for a file with problems, 200 for a clean dry run,
    // 403 for a form without its CSRF token (nothing read).
    b.open("/workbench/imports").await;
    assert_eq!(post_status(b, "随便共享", true).await, 422);
    assert_eq!(post_status(b, "无条件共享", true).await, 200);
    assert_eq!(post_status(b, "无条件共享", false).await, 403);

    // Importing the bad file writes nothing and shows the report again.
    upload(b, &bad, "import").await;
    assert_eq!(b.path().await, "/workbench/imports");
    assert!(b.text("#problems").await.contains(BAD_SHARE));
    let after = drafts(b).await;
    for name in NAMES {
        assert!(!after.contains(name), "nothing written: {after}");
    }

    // The fixed file passes the dry run, still writing nothing, then is imported.
    upload(b, &good, "dry_run").await;
    b.check_page().await;
    let notice = b.text("#import-report .notice").await;
    assert!(
        notice.contains("检查通过") && notice.contains("3 行"),
        "{notice}"
    );
    assert!(b.all_text("#problems tbody tr").await.is_empty());
    assert!(
        !drafts(b).await.contains(NAMES[0]),
        "a dry run writes nothing"
    );

    upload(b, &good, "import").await;
    assert_eq!(b.path().await, "/workbench/imports?created=3");
    b.check_page().await;
    let done = b.text("#import-result").await;
    assert!(done.contains("已导入 3 条"), "{done}");
    b.shot("workbench-import-done-desktop", 1366).await;
    b.shot("workbench-import-done-phone", 390).await;
    b.click("#import-result a[href='/workbench/resources?status=draft']")
        .await;
    b.check_page().await;
    let listed = b.text("main").await;
    for name in NAMES {
        assert!(listed.contains(name), "{name} is a draft: {listed}");
    }
}
