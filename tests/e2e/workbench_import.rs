//! The workbench's 表格导入 in a real headless Chromium: the provider uploads a filled template
//! with one bad row; the dry run shows the row and the importer's Chinese message and writes
//! nothing; the fixed file passes a dry run and is imported as drafts, which the entry list
//! shows. A large file runs as a background job: the browser lands on the job's page, which
//! refreshes itself until the job ends and only its owner may open. Screenshots at desktop and
//! phone width.

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use importers::columns::{RESOURCE_COLUMNS, RESOURCE_SHEET, display_header};
use reqwest::StatusCode;

use crate::people::{DEMO_PASSWORD, browser_client};
use crate::portal::Browser;
use crate::workbench::{sign_in, start};

/// Files above this size run as a job (the server's `imports_page::JOB_THRESHOLD`).
const JOB_THRESHOLD: usize = 256 * 1024;

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
    // Over axum's 2 MiB default extractor limit: still read (the import limit is 64 MiB), as a
    // job, large as it is.
    let big = files.path().join("big.xlsx");
    std::fs::write(&big, vec![b'x'; 3 * 1024 * 1024]).unwrap();
    upload(b, &big, "dry_run").await;
    let job = b.path().await;
    assert!(job.starts_with(JOBS), "{job}");
    wait_for_job(b, &job).await;
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

const JOBS: &str = "/workbench/imports/jobs/";

/// A CSV of `rows` valid resource rows in the template's columns, every name different; the row
/// at index `bad` (file row `bad + 2`), if any, with the invalid 共享类型 `BAD_SHARE`.
fn large_csv(rows: usize, bad: Option<usize>) -> String {
    let headers: Vec<String> = RESOURCE_COLUMNS.iter().map(display_header).collect();
    let column = |header: &str| {
        RESOURCE_COLUMNS
            .iter()
            .position(|col| col.header == header)
            .unwrap_or_else(|| panic!("template has no column {header}"))
    };
    let mut csv = headers.join(",");
    csv.push('\n');
    for i in 0..rows {
        let mut row = vec![String::new(); headers.len()];
        row[column("资源名称")] = format!("大文件导入·第{}号公共设施台账", i + 1);
        row[column("资源摘要")] =
            "泸州市范围内公共设施的名称、位置、管理单位与运行状态".to_string();
        row[column("数据分级")] = "一般数据".to_string();
        row[column("共享类型")] = if bad == Some(i) {
            BAD_SHARE
        } else {
            "无条件共享"
        }
        .to_string();
        row[column("开放类型")] = "无条件开放".to_string();
        row[column("更新频率")] = "每月".to_string();
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    assert!(
        csv.len() > JOB_THRESHOLD,
        "{} bytes run as a job",
        csv.len()
    );
    csv
}

/// Follow the job at `job` until it has ended (bounded), checking each running page on the way:
/// the page refreshes itself, shows its phase, and a progress bar with its text. The texts seen.
async fn wait_for_job(b: &Browser, job: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(240);
    let mut seen = Vec::new();
    loop {
        // The page as the browser keeps it: it refreshes itself while the job runs, and only then.
        b.open(job).await;
        let refresh = b
            .js("const m = document.querySelector('meta[http-equiv=refresh]'); return m && m.content;")
            .await;
        let running = !b.all_text("#job-progress").await.is_empty();
        assert_eq!(
            refresh.as_str() == Some("2"),
            running,
            "{job} refreshes itself while, and only while, the job runs: {refresh:?}"
        );
        if !running {
            assert_eq!(b.text("#job-phase").await, "完成", "{job}");
            return seen;
        }
        // Read without the reload (the same page, refresh turned off by its own link).
        b.open(&format!("{job}?refresh=off")).await;
        if !b.all_text("#job-progress").await.is_empty() {
            b.check_page().await;
            let phase = b.text("#job-phase").await;
            let text = b.text("#job-progress-text").await;
            assert!(!text.is_empty(), "the progress bar's text: {phase}");
            if !seen.contains(&text) {
                println!("{job}: {phase} — {text}");
                seen.push(text);
            }
        }
        assert!(
            Instant::now() < deadline,
            "{job} still running after 240 s: {}",
            b.text("main").await
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test]
async fn a_large_file_is_imported_by_a_job_whose_page_only_its_owner_sees() {
    let Some(session) = start("workbench import job").await else {
        return;
    };
    let b = &session.b;
    const ROWS: usize = 5000;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("large-directory.csv");
    std::fs::write(&file, large_csv(ROWS, None)).unwrap();

    sign_in(b, "tianbao").await;
    upload(b, &file, "import").await;
    let job = b.path().await;
    assert!(job.starts_with(JOBS), "a large file runs as a job: {job}");
    let id = &job[JOBS.len()..];
    assert!(id.parse::<uuid::Uuid>().is_ok(), "{job}");
    assert_eq!(b.text("h1").await, "导入任务");
    let facts = b.text("#job").await;
    assert!(
        facts.contains("large-directory.csv") && facts.contains("导入"),
        "{facts}"
    );
    // The running page, held still (refresh off) for its checks and pictures.
    b.open(&format!("{job}?refresh=off")).await;
    if !b.all_text("#job-progress").await.is_empty() {
        b.check_page().await;
        b.shot("workbench-import-job-desktop", 1366).await;
        b.shot("workbench-import-job-phone", 390).await;
    }

    let seen = wait_for_job(b, &job).await;
    for text in &seen {
        if text.starts_with("已写入") {
            assert!(text.ends_with("/ 5,000 行"), "{text}");
        }
    }
    b.check_page().await;
    let done = b.text("#import-result").await;
    assert!(
        done.contains("导入完成") && done.contains(&format!("已导入 {ROWS} 条")),
        "{done}"
    );
    b.shot("workbench-import-job-done-desktop", 1366).await;
    b.shot("workbench-import-job-done-phone", 390).await;

    // The upload page lists the job, the way back to it.
    b.open("/workbench/imports").await;
    b.check_page().await;
    let listed = b.text("#import-jobs").await;
    assert!(
        listed.contains("large-directory.csv") && listed.contains("完成"),
        "{listed}"
    );
    b.click(&format!("#import-jobs a[href='{job}']")).await;
    assert!(b.text("#import-result").await.contains("导入完成"));
    b.click("#import-result a[href='/workbench/resources?status=draft']")
        .await;
    assert!(b.text("main").await.contains("大文件导入·第"));

    // Someone else, signed in, finds no such job; without a session, the way is to sign in.
    let other = browser_client();
    let signed_in = crate::people::sign_in(&other, &session.server, "shenhe", DEMO_PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let page = other.get(session.server.url(&job)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let html = page.text().await.unwrap();
    assert!(html.contains("任务不存在或已过期"), "{html}");
    assert!(!html.contains("large-directory.csv"), "{html}");
    let anonymous = browser_client()
        .get(session.server.url(&job))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);

    // An unknown (or forgotten) job: what happened to an import, and what to do.
    b.open(&format!("{JOBS}{}", uuid::Uuid::now_v7())).await;
    b.check_page().await;
    let gone = b.text("main").await;
    assert!(
        gone.contains("任务不存在或已过期") && gone.contains("未写入的导入需要重新上传"),
        "{gone}"
    );
    b.open(&format!("{JOBS}not-a-job")).await;
    assert!(b.text("main").await.contains("任务不存在或已过期"));
}

#[tokio::test]
async fn a_dry_run_of_a_large_file_with_a_bad_row_ends_with_the_row_report() {
    let Some(session) = start("workbench import job dry run").await else {
        return;
    };
    let b = &session.b;
    const ROWS: usize = 2000;
    const BAD: usize = 1234;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("large-bad.csv");
    std::fs::write(&file, large_csv(ROWS, Some(BAD))).unwrap();

    sign_in(b, "tianbao").await;
    upload(b, &file, "dry_run").await;
    let job = b.path().await;
    assert!(job.starts_with(JOBS), "a large file runs as a job: {job}");
    wait_for_job(b, &job).await;
    b.check_page().await;
    let title = b.text("#report-title").await;
    assert!(
        title.contains("试导入结果") && title.contains("large-bad.csv"),
        "{title}"
    );
    let summary = b.text("#import-report .error-summary").await;
    assert!(
        summary.contains("未写入任何数据") && summary.contains(&format!("共 {ROWS} 行")),
        "{summary}"
    );
    let cells = b.all_text("#problems tbody tr td").await;
    assert_eq!(cells.len(), 6, "one problem: {cells:?}");
    assert_eq!(cells[1], (BAD + 2).to_string(), "the file's row: {cells:?}");
    assert_eq!(cells[2], "共享类型", "{cells:?}");
    assert_eq!(cells[4], BAD_SHARE, "{cells:?}");
    b.shot("workbench-import-job-report-desktop", 1366).await;
    b.open("/workbench/resources?status=draft").await;
    assert!(
        !b.text("main").await.contains("大文件导入·第"),
        "a dry run writes nothing"
    );
}
