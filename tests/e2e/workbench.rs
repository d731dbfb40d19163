//! The directory workbench in a real headless Chromium, each step by the person responsible: a
//! provider drafts an entry through the form (a mistake first: the form comes back with the
//! message and the values kept), with a data item, and submits it; the reviewer returns it with a
//! reason; the provider reads the reason, fixes and resubmits; the reviewer approves and
//! publishes; the public portal shows it. Screenshots at desktop and phone width.

use std::path::Path;

use fantoccini::Locator;

use crate::portal::{Browser, Driver, browser};
use crate::server::{MULU, Server};

const PASSWORD: &str = "Mulu-Demo-2026";
const TITLE: &str = "泸州市公共自行车站点实时状态";

/// A demo server with a headless Chromium on it; `None`, after a notice, where no browser is
/// installed (never in CI).
pub(crate) struct BrowserSession {
    pub(crate) b: Browser,
    pub(crate) server: Server,
    _driver: Driver,
    pub(crate) _dir: tempfile::TempDir,
}

pub(crate) async fn start(what: &str) -> Option<BrowserSession> {
    start_with(what, None).await
}

/// The demo with "today" pinned, to walk working-day clocks.
pub(crate) async fn start_on(what: &str, today: &str) -> Option<BrowserSession> {
    start_with(what, Some(today)).await
}

impl BrowserSession {
    /// Time passes: the same data served again with "today" pinned to `today`.
    pub(crate) fn restart_on(&mut self, today: &str) {
        self.server.stop();
        self.server = Server::start_demo_today(self._dir.path(), today);
        self.b.base = self.server.base.clone();
    }
}

async fn start_with(what: &str, today: Option<&str>) -> Option<BrowserSession> {
    let Some((driver_path, chrome)) = browser() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium and chromedriver"
        );
        println!("SKIPPED {what} browser test: chromium/chromedriver not installed");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let driver = Driver::start(&driver_path);
    let server = match today {
        Some(today) => Server::start_demo_today(dir.path(), today),
        None => Server::start_demo(dir.path()),
    };
    let shots = Path::new(MULU)
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let b = Browser {
        client: driver.session(&chrome).await,
        base: server.base.clone(),
        shots,
    };
    // Pages that search (the portal, pickers) are complete once the index has caught up.
    server.search_current().await;
    Some(BrowserSession {
        b,
        server,
        _driver: driver,
        _dir: dir,
    })
}

pub(crate) async fn fill(b: &Browser, css: &str, text: &str) {
    let field = b
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Set a control's value directly (selects, and date inputs that take keys in the locale's order).
pub(crate) async fn choose(b: &Browser, select_id: &str, value: &str) {
    b.js(&format!(
        "document.getElementById('{select_id}').value = '{value}'; return null;"
    ))
    .await;
}

pub(crate) async fn sign_in(b: &Browser, account: &str) {
    b.open("/signin").await;
    fill(b, "#account", account).await;
    fill(b, "#password", PASSWORD).await;
    b.click("form.stack button[type=submit]").await;
    assert_eq!(b.path().await, "/workbench", "{account} signs in");
}

pub(crate) async fn sign_out(b: &Browser) {
    b.click("form[action='/signout'] button").await;
}

#[tokio::test]
async fn an_entry_goes_from_the_providers_form_through_review_to_the_portal() {
    let Some(session) = start("workbench").await else {
        return;
    };
    let b = &session.b;
    // The provider drafts an entry; the first try leaves the name empty.
    sign_in(b, "tianbao").await;
    b.check_page().await;
    b.shots("workbench-home").await;
    b.click("a[href='/workbench/resources']").await;
    b.check_page().await;
    b.click("a[href='/workbench/resources/new']").await;
    b.check_page().await;
    fill(
        b,
        "[id='content.summary']",
        "全市公共自行车站点的可借车辆数与空余车位，每分钟更新。",
    )
    .await;
    choose(b, "content.grade.level", "一般数据").await;
    choose(b, "content.update_frequency", "实时").await;
    choose(b, "content.domain", "G").await;
    // The coverage region is picked by its name; the code is what is stored.
    b.js(
        "const s = document.getElementById('content.coverage_region'); \
          s.value = [...s.options].find(o => o.text === '泸州市（全市）').value; return null;",
    )
    .await;
    fill(b, "[id='content.release_date']", "2026-03-15").await;
    fill(b, "input[name='item.name']", "站点编号").await;
    fill(b, "input[name='item.data_type']", "字符").await;
    b.click("form.entry button[type=submit]").await;
    let summary = b.text(".error-summary").await;
    assert!(summary.contains("不能为空"), "{summary}");
    let kept = b
        .js("return document.getElementById('content.summary').value;")
        .await;
    assert!(
        kept.as_str().unwrap().contains("可借车辆数"),
        "values are kept on error"
    );
    let region = b
        .js("return document.getElementById('content.coverage_region').value;")
        .await;
    assert_eq!(region, "510500", "the chosen region is kept on error");
    b.shots("workbench-entry-error").await;
    fill(b, "[id='content.name']", TITLE).await;
    b.click("form.entry button[type=submit]").await;
    assert_eq!(b.text("h1").await, TITLE);
    assert_eq!(b.text("#status").await, "草稿");
    let entry = b.path().await;
    let shown = b.text("main").await;
    assert!(
        shown.contains("四川省泸州市（510500）"),
        "the region by name: {shown}"
    );
    b.check_page().await;
    b.shots("workbench-entry").await;
    b.click("form[action$='/submit'] button").await;
    assert_eq!(b.text("#status").await, "待审核");
    sign_out(b).await;

    // The reviewer finds it in the queue and returns it with a reason.
    sign_in(b, "shenhe").await;
    b.open("/workbench/resources?status=submitted").await;
    b.check_page().await;
    b.shots("workbench-review-queue").await;
    b.click(&format!("a[href='{entry}']")).await;
    fill(b, "#reasons", "请补充数据的覆盖时间").await;
    b.click("form[action$='/return'] button").await;
    assert_eq!(b.text("#status").await, "已退回");
    sign_out(b).await;

    // The provider reads the reason, fixes the entry and submits again.
    sign_in(b, "tianbao").await;
    b.open(&entry).await;
    assert!(b.text("#return-reasons").await.contains("覆盖时间"));
    b.click(&format!("a[href='{entry}/edit']")).await;
    b.check_page().await;
    let items = b
        .js("return document.querySelector(\"input[name='item.name']\").value;")
        .await;
    assert_eq!(items, "站点编号", "the data item was saved");
    fill(b, "[id='content.coverage_time']", "2020年至今").await;
    b.click("form.entry button[type=submit]").await;
    assert_eq!(
        b.text("#status").await,
        "草稿",
        "a saved edit is a draft again"
    );
    b.click("form[action$='/submit'] button").await;
    assert_eq!(b.text("#status").await, "待审核");
    sign_out(b).await;

    // The reviewer approves and publishes.
    sign_in(b, "shenhe").await;
    b.open(&entry).await;
    b.click("form[action$='/approve'] button").await;
    assert_eq!(b.text("#status").await, "已审核待发布");
    b.click("form[action$='/publish'] button").await;
    assert_eq!(b.text("#status").await, "已发布");

    // The public portal shows it.
    let id = entry.rsplit('/').next().unwrap();
    b.open(&format!("/resources/{id}")).await;
    assert!(b.text("h1").await.contains(TITLE));

    // A change to the published entry reaches the reviewer as a field-by-field diff.
    b.open("/workbench").await;
    sign_out(b).await;
    sign_in(b, "tianbao").await;
    b.open(&format!("{entry}/edit")).await;
    fill(
        b,
        "[id='content.summary']",
        "全市公共自行车站点的可借车辆数、空余车位与故障车数，每分钟更新。",
    )
    .await;
    b.click("form.entry button[type=submit]").await;
    b.click("form[action$='/submit'] button").await;
    sign_out(b).await;
    sign_in(b, "shenhe").await;
    b.open(&entry).await;
    let changes = b.text("table.diff").await;
    assert!(
        changes.contains("摘要") && changes.contains("故障车数"),
        "{changes}"
    );
    assert!(
        !changes.contains("名称"),
        "unchanged fields are not listed: {changes}"
    );
    b.check_page().await;
    b.shots("workbench-review-diff").await;
    let _ = b.client.clone().close().await;
}

/// A draft through the entry form, by the signed-in provider; its page's path.
async fn draft(b: &Browser, name: &str) -> String {
    b.open("/workbench/resources/new").await;
    fill(b, "[id='content.name']", name).await;
    fill(
        b,
        "[id='content.summary']",
        "用于批量提交、下载和撤回的测试条目。",
    )
    .await;
    choose(b, "content.grade.level", "一般数据").await;
    choose(b, "content.update_frequency", "每月").await;
    b.click("form.entry button[type=submit]").await;
    assert_eq!(b.text("#status").await, "草稿", "{name} saved");
    b.path().await
}

/// Tick the list row of the entry at `entry` (its page's path).
async fn tick(b: &Browser, entry: &str) {
    let id = entry.rsplit('/').next().unwrap();
    b.client
        .find(Locator::Css(&format!("input[name='id'][value='{id}']")))
        .await
        .unwrap_or_else(|e| panic!("row of {id}: {e}"))
        .click()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_provider_submits_many_downloads_withdraws_and_answers_feedback() {
    let Some(session) = start("workbench bulk").await else {
        return;
    };
    let b = &session.b;
    // Two drafts, ticked and submitted in one go.
    sign_in(b, "tianbao").await;
    let first = draft(b, "批量提交测试条目甲").await;
    let second = draft(b, "批量提交测试条目乙").await;
    b.open("/workbench/resources?status=draft").await;
    b.check_page().await;
    tick(b, &first).await;
    tick(b, &second).await;
    b.click("form#bulk button[name='action'][value='submit']")
        .await;
    assert!(b.path().await.starts_with("/workbench/resources/bulk?"));
    b.check_page().await;
    let summary = b.text("#bulk-summary").await;
    assert!(summary.contains("成功 2 条"), "{summary}");
    assert!(b.text("#bulk-outcomes").await.contains("待审核"));
    b.shots("workbench-bulk-result").await;
    // The same tick again: the catalog refuses each, and the page says so per entry.
    b.open("/workbench/resources?status=submitted").await;
    tick(b, &first).await;
    b.click("form#bulk button[name='action'][value='submit']")
        .await;
    let summary = b.text("#bulk-summary").await;
    assert!(summary.contains("未成功 1 条"), "{summary}");
    // A tampered report is not shown.
    let tampered = b.path().await.replace("sig=", "sig=0");
    b.open(&tampered).await;
    assert_eq!(b.path().await, "/workbench/resources");

    // The own directory as xlsx, with the session's cookie; the empty template is linked.
    b.open("/workbench/resources").await;
    assert!(
        b.js("return !!document.querySelector(\"a[href='/api/v1/import-templates/directory.xlsx']\");")
            .await
            .as_bool()
            .unwrap()
    );
    let got = b
        .js("return fetch('/workbench/resources/export.xlsx', {credentials: 'same-origin'})
                .then(r => r.arrayBuffer().then(body => [r.status, r.headers.get('content-type'), body.byteLength]));")
        .await;
    assert_eq!(got[0], 200, "{got}");
    assert_eq!(
        got[1],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(got[2].as_u64().unwrap() > 1000, "{got}");

    // Withdraw with a reason (none first: the catalog's message comes back).
    b.open(&first).await;
    b.click("form[action$='/withdraw'] button").await;
    let refused = b.text(".error-summary").await;
    assert!(refused.contains("提交未成功"), "{refused}");
    fill(b, "#reason", "重复登记，以乙条目为准").await;
    b.click("form[action$='/withdraw'] button").await;
    assert_eq!(b.text("#status").await, "已撤回");
    assert!(b.text("#withdrawal-reason").await.contains("重复登记"));
    b.check_page().await;
    sign_out(b).await;

    // The reviewer approves, then publishes, the other one from the list.
    sign_in(b, "shenhe").await;
    b.open("/workbench/resources?status=submitted").await;
    tick(b, &second).await;
    b.click("form#bulk button[name='action'][value='approve']")
        .await;
    assert!(b.text("#bulk-outcomes").await.contains("已审核待发布"));
    b.open("/workbench/resources?status=approved").await;
    tick(b, &second).await;
    b.click("form#bulk button[name='action'][value='publish']")
        .await;
    assert!(b.text("#bulk-outcomes").await.contains("已发布"));
    sign_out(b).await;

    // An operator reports a quality problem over the API; the administration refers it and the
    // provider answers in the page.
    let operator = crate::server::mulu(
        session._dir.path(),
        &[
            "token", "create", "--user", "yunying", "--role", "operator", "--name", "t",
        ],
    );
    let rid = second.rsplit('/').next().unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/feedback", session.server.base))
        .bearer_auth(&operator)
        .json(&serde_json::json!({
            "resource_id": rid, "dimension": "completeness", "description": "缺少站点坐标字段"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let fid = response.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // C 10.6: the administration checks it first and refers it, with the provider's due day.
    sign_in(b, "shenhe").await;
    b.click("a[href='/workbench/feedback']").await;
    b.check_page().await;
    let item = format!("#feedback-{fid}");
    assert!(b.text(&item).await.contains("缺少站点坐标字段"));
    assert_eq!(b.text(&format!("{item} .status")).await, "待实施机构核实");
    b.click(&format!("{item} button[value='refer']")).await;
    let refused = b.text(".error-summary").await;
    assert!(
        refused.contains("不能为空"),
        "an empty finding is refused: {refused}"
    );
    fill(b, &format!("[id='text-{fid}']"), "属实，请补充坐标字段").await;
    b.click(&format!("{item} button[value='refer']")).await;
    assert_eq!(b.text(&format!("{item} .status")).await, "待数源单位答复");
    assert!(b.text(&format!("{item} .due")).await.starts_with("20"));
    sign_out(b).await;
    sign_in(b, "tianbao").await;
    let todo = b.text("tbody tr:has(a[href='/workbench/feedback'])").await;
    assert!(todo.contains("最早应于"), "{todo}");
    b.click("a[href='/workbench/feedback']").await;
    b.check_page().await;
    assert!(b.text(&item).await.contains("属实，请补充坐标字段"));
    fill(b, &format!("[id='text-{fid}']"), "已在下一版补充经纬度").await;
    b.click(&format!("{item} button[value='answer']")).await;
    assert_eq!(b.text(&format!("{item} .status")).await, "已答复");
    assert!(b.text(&item).await.contains("已在下一版补充经纬度"));
    b.shots("workbench-feedback").await;
    let _ = b.client.clone().close().await;
}
