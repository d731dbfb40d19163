//! The whole lifecycle in the workbench (issue 28's walk), each step by the person responsible in
//! a real headless Chromium, never through the JSON API, across three days of the service's
//! clock (the same data served again as time passes):
//!
//! - 2026-03-02: the data administration announces a plan with its scope picked from the
//!   operation directory (a term over the policy's limit refused in the page first); the operator
//!   applies (without materials first: refused); the body selects it and publicizes the
//!   selection, and may not sign before the publicity ends.
//! - 2026-04-15: the body signs the agreement (the upload's SHA-256 kept) and activates it; the
//!   operator drafts a product from the scope; the body passes its compliance review; the operator
//!   applies for registration; the registrar asks for 补正, the operator supplies it, the registrar
//!   accepts and publicizes (from the next working day).
//! - 2026-04-20: the public objects on the portal; the registrar dismisses the objection.
//! - 2026-06-01: the registrar codes the registration; the exchange reports a listing by its
//!   query code and adds a webhook endpoint (a private address refused; the secret shown once,
//!   rotated; paused); 监管 finds every step in the audit page under the person who took it, and
//!   exports one person's range as xlsx.

use calamine::{Reader, Xlsx};
use sha2::{Digest, Sha256};

use crate::workbench::{choose, fill, sign_in, sign_out, start_on};

const PLAN: &str = "泸州市交通出行数据授权运营实施方案";
const PRODUCT: &str = "泸州市公交客流时段分析报告";

/// Tick every enabled checkbox named `name` (the first `n`, or all when `n` is 0).
async fn tick(b: &crate::portal::Browser, name: &str, n: usize) -> usize {
    let script = format!(
        "const boxes = [...document.querySelectorAll(\"input[type=checkbox][name='{name}']:not([disabled])\")]; \
         const picked = {n} === 0 ? boxes : boxes.slice(0, {n}); \
         picked.forEach(c => c.checked = true); return picked.length;"
    );
    b.js(&script).await.as_u64().unwrap() as usize
}

#[tokio::test]
async fn a_product_goes_from_an_announced_authorization_to_an_exchange_listing() {
    let Some(mut session) = start_on("lifecycle workbench", "2026-03-02").await else {
        return;
    };

    // 2026-03-02 — the implementing body announces the plan; a line of the directory it
    // negative-lists first shows as refused, with the reason, before anything is submitted.
    let b = &session.b;
    sign_in(b, "shenhe").await;
    b.click("a[href='/workbench/authorizations']").await;
    b.check_page().await;
    b.click("a[href='/workbench/authorizations/new']").await;
    let codes = b
        .all_text("#scope-candidates tbody tr td:nth-child(2)")
        .await;
    assert!(codes.len() >= 3, "the directory in force: {codes:?}");
    // One of the region's own lines (510…): the administration lists what its region holds.
    let barred = codes
        .iter()
        .rfind(|c| c.starts_with("510"))
        .unwrap()
        .clone();
    b.open("/workbench/negative-list").await;
    fill(b, "[id='target.code']", &barred).await;
    fill(b, "#legal_basis", "《数据安全法》第二十一条（测试）").await;
    fill(b, "#approved_by", "省人民政府（测试）").await;
    choose(b, "approved_on", "2026-02-20").await;
    choose(b, "next_review_on", "2026-08-20").await;
    b.click("form#add button[type=submit]").await;
    let refusals = b.all_text(".error-summary").await;
    assert!(refusals.is_empty(), "{refusals:?}");
    // The public list names the resource and links it.
    b.open("/negative-list").await;
    b.check_page().await;
    let entry = b
        .js(&format!(
            "const s = [...document.querySelectorAll('section.entry')].find(e => e.textContent.includes('{barred}')); \
             return s ? s.querySelector('p.resource a')?.getAttribute('href') ?? '' : '';"
        ))
        .await;
    assert!(
        entry.as_str().unwrap().starts_with("/resources/"),
        "the entry links its resource: {entry}"
    );
    b.open("/workbench/authorizations/new").await;
    b.check_page().await;
    assert!(
        b.text("#term-limit").await.contains("最长"),
        "rule 3 before submitting"
    );
    let table = b.text("#scope-candidates").await;
    assert!(table.contains("负面清单"), "{barred}: {table}");
    let refused = b.text("#scope-candidates tbody tr.refused").await;
    assert!(
        refused.contains(&barred) && refused.contains("负面清单"),
        "rule 1 before submitting: {refused}"
    );
    assert_eq!(
        b.js("return document.querySelector('#scope-candidates tr.refused input').disabled;")
            .await,
        true
    );
    b.shots("workbench-announce").await;
    fill(b, "#plan_name", PLAN).await;
    fill(b, "#scope_description", "公交、出租车运行与客流数据").await;
    assert_eq!(tick(b, "resource_ids", 2).await, 2);
    choose(b, "term_start", "2026-04-01").await;
    choose(b, "term_end", "2036-03-31").await;
    fill(b, "#platform", "四川省公共数据授权运营平台").await;
    fill(b, "#planned_products", "公交客流时段分析报告").await;
    fill(
        b,
        "[id='announcement.application_conditions']",
        "符合 C 7.2 运营机构资格条件",
    )
    .await;
    fill(
        b,
        "[id='announcement.review_process']",
        "材料审查、专家评审、结果公示",
    )
    .await;
    fill(
        b,
        "[id='announcement.review_criteria']",
        "安全保障能力、技术能力、运营方案",
    )
    .await;
    choose(b, "announcement.applications_close_on", "2026-03-20").await;
    b.click("form.announce button[type=submit]").await;
    let refusal = b.text(".error-summary").await;
    assert!(refusal.contains("最长"), "rule 3 in the page: {refusal}");
    let kept = b
        .js("return document.querySelectorAll(\"input[name='resource_ids']:checked\").length;")
        .await;
    assert_eq!(kept, 2, "the picked scope is kept");
    choose(b, "term_end", "2028-03-31").await;
    b.click("form.announce button[type=submit]").await;
    assert_eq!(b.text("h1").await, PLAN);
    assert_eq!(b.text("#status").await, "已公告");
    let authorization = b.path().await;
    assert_eq!(b.all_text("#scope tbody tr").await.len(), 2);
    b.check_page().await;
    b.shots("workbench-authorization-announced").await;
    sign_out(b).await;

    // The operator applies; without materials first.
    sign_in(b, "yunying").await;
    b.click("a[href='/workbench/authorizations']").await;
    b.check_page().await;
    b.shots("workbench-authorizations-operator").await;
    b.click(&format!("a[href='{authorization}']")).await;
    b.check_page().await;
    b.shots("workbench-authorization-apply").await;
    tick(b, "declarations", 0).await;
    b.click("button[value='apply']").await;
    assert!(b.text(".error-summary").await.contains("支持材料"));
    tick(b, "declarations", 0).await;
    fill(b, "#materials", "授权运营申请书\n等级保护三级测评报告").await;
    b.click("button[value='apply']").await;
    assert_eq!(b.text("#status").await, "已申请");
    assert!(
        b.text("#own-application")
            .await
            .contains("等级保护三级测评报告")
    );
    sign_out(b).await;

    // The body selects the applicant and publicizes; signing must wait for the publicity's end.
    sign_in(b, "shenhe").await;
    b.open(&authorization).await;
    assert!(b.text("#applicants").await.contains("演示数据运营有限公司"));
    b.click("#applicants button[value='select']").await;
    assert_eq!(b.text("#status").await, "已选定");
    b.click("button[value='publicize']").await;
    assert_eq!(b.text("#status").await, "公示中");
    assert!(b.text("#publicity").await.starts_with("2026-03-02 至 "));
    let document = session._dir.path().join("授权运营协议（签署版）.pdf");
    let signed_text = "%PDF-1.4 授权运营协议 签署版".as_bytes();
    std::fs::write(&document, signed_text).unwrap();
    sign_agreement(b, &document).await;
    assert!(
        b.text(".error-summary").await.contains("期满后方可签订"),
        "not before the publicity ends"
    );
    assert_eq!(b.text("#status").await, "公示中");
    b.check_page().await;
    b.shots("workbench-authorization-publicized").await;
    sign_out(b).await;

    // 2026-04-15 — the publicity has ended: sign and activate.
    session.restart_on("2026-04-15");
    let b = &session.b;
    sign_in(b, "shenhe").await;
    let todos = b.all_text("tbody tr").await;
    assert!(
        todos
            .iter()
            .any(|t| t.contains("公示期满") && t.contains('1')),
        "{todos:?}"
    );
    b.open(&authorization).await;
    sign_agreement(b, &document).await;
    assert_eq!(b.text("#status").await, "已签约");
    let hash = hex::encode(Sha256::digest(signed_text));
    assert!(
        b.text("#agreements").await.contains(&hash),
        "the upload's SHA-256"
    );
    b.click("button[value='activate']").await;
    assert_eq!(b.text("#status").await, "运营中");
    assert_eq!(b.text("#activated").await, "2026-04-15");
    b.shots("workbench-authorization-active").await;
    sign_out(b).await;

    // The operator drafts a product from the scope.
    sign_in(b, "yunying").await;
    b.click("a[href='/workbench/products']").await;
    b.check_page().await;
    let id = authorization.rsplit('/').next().unwrap();
    b.click(&format!(
        "a[href='/workbench/products/new?authorization={id}']"
    ))
    .await;
    b.check_page().await;
    fill(b, "#name", PRODUCT).await;
    fill(
        b,
        "#summary",
        "按线路与时段统计的公交客流，供交通规划使用。",
    )
    .await;
    tick(b, "source_resource_ids", 1).await;
    fill(b, "#applicable_scenarios", "城市交通规划").await;
    b.click("form.product button[type=submit]").await;
    assert_eq!(b.text("h1").await, PRODUCT);
    assert_eq!(b.text("#status").await, "待合规审核");
    let product = b.path().await;
    // A sample, then an edit (the form comes back filled; the sample stays).
    let sample = session._dir.path().join("客流样例.csv");
    std::fs::write(&sample, "线路,时段,客流\n1路,07:00-08:00,1523\n").unwrap();
    b.client
        .find(fantoccini::Locator::Css("#sample"))
        .await
        .unwrap()
        .send_keys(sample.to_str().unwrap())
        .await
        .unwrap();
    b.click("#sample-data button[type=submit]").await;
    assert!(
        b.text("#sample-data").await.contains("客流样例.csv"),
        "the sample is kept"
    );
    b.click("#edit").await;
    b.check_page().await;
    let kept = b.js("return document.getElementById('name').value;").await;
    assert_eq!(kept, PRODUCT, "the form is filled from the product");
    fill(b, "#forbidden_scenarios", "个人画像").await;
    b.click("form.product button[type=submit]").await;
    assert_eq!(b.path().await, product);
    assert!(b.text("main").await.contains("个人画像"));
    assert!(b.text("#sample-data").await.contains("客流样例.csv"));
    b.shots("workbench-product-draft").await;
    sign_out(b).await;

    // The body reviews it.
    sign_in(b, "shenhe").await;
    b.click("a[href='/workbench/products']").await;
    b.check_page().await;
    b.shots("workbench-product-queue").await;
    b.click(&format!("a[href='{product}']")).await;
    b.check_page().await;
    b.shots("workbench-product-review").await;
    fill(b, "#report_ref", "合规审核 2026-017").await;
    b.click("button[value='pass']").await;
    assert_eq!(b.text("#status").await, "合规审核通过");
    sign_out(b).await;

    // The operator applies for its registration.
    sign_in(b, "yunying").await;
    b.open(&product).await;
    assert!(b.text("#review-result").await.contains("通过"));
    b.check_page().await;
    for (id, text) in [
        (
            "materials.registrant_info",
            "演示数据运营有限公司（演示），统一社会信用代码见营业执照",
        ),
        ("materials.legal_source", "授权运营协议（签署版）"),
        ("materials.resource_info", "公交运行数据，一般数据"),
        ("materials.evidence_ref", "CZ-2026-0410-001"),
        ("materials.product_info", "按线路与时段统计的客流报告"),
        ("materials.scenario_info", "城市交通规划"),
        ("materials.risk_assessment", "无个人信息，聚合到线路与时段"),
    ] {
        fill(b, &format!("[id='{id}']"), text).await;
    }
    choose(b, "materials.evidence_on", "2026-04-10").await;
    b.shots("workbench-product-register").await;
    b.click("button[value='register']").await;
    assert_eq!(b.text("#status").await, "已申请");
    let registration = b.path().await.rsplit('/').next().unwrap().to_string();
    sign_out(b).await;

    // The registrar asks for 补正; the operator supplies it; the registrar accepts and publicizes.
    let at_registrar = format!("/workbench/registrations/{registration}");
    sign_in(b, "dengji").await;
    b.open(&at_registrar).await;
    fill(b, "#items", "补充数据来源的授权协议页").await;
    b.click("button[value='supplement']").await;
    assert_eq!(b.text("#status").await, "待补正");
    sign_out(b).await;
    sign_in(b, "yunying").await;
    b.open(&format!("/workbench/my-registrations/{registration}"))
        .await;
    assert!(b.text("#supplement").await.contains("授权协议页"));
    fill(
        b,
        "[id='materials.legal_source']",
        "授权运营协议（签署版）第 1–3 页",
    )
    .await;
    b.click("button[value='resubmit']").await;
    assert_eq!(b.text("#status").await, "已申请");
    sign_out(b).await;
    sign_in(b, "dengji").await;
    b.open(&at_registrar).await;
    b.click("button[value='accept']").await;
    assert_eq!(b.text("#status").await, "已受理");
    b.click("button[value='publicize']").await;
    assert_eq!(b.text("#status").await, "公示中");
    let publicity = b.text("#publicity").await;
    assert!(
        publicity.starts_with("2026-04-16 至 "),
        "from the next working day: {publicity}"
    );
    sign_out(b).await;

    // 2026-04-20 — the publicity runs: the public objects on the portal.
    session.restart_on("2026-04-20");
    let b = &session.b;
    b.open(&format!("/publicity/{registration}")).await;
    b.check_page().await;
    fill(b, "#objector_name", "王五").await;
    fill(b, "#objector_id_number", "510502199001010018").await;
    fill(b, "#contact", "13900000000").await;
    fill(b, "#grounds", "报告所用客流数据的时段与说明不符").await;
    fill(b, "#evidence", "线路运营时刻表").await;
    b.click("form[method=post] button[type=submit]").await;
    assert!(b.text("#receipt").await.parse::<uuid::Uuid>().is_ok());

    // The registrar dismisses it.
    sign_in(b, "dengji").await;
    b.open(&at_registrar).await;
    assert_eq!(b.text("#status").await, "异议复核中");
    assert!(!b.text("main").await.contains("王五"), "no objector's name");
    b.js("document.querySelector('#objections textarea').value = '时段口径已在说明中写明'; return null;")
        .await;
    b.click("#objections button[value='dismiss-objection']")
        .await;
    assert_eq!(b.text("#status").await, "公示中");
    sign_out(b).await;

    // 2026-06-01 — the publicity has ended: the registrar codes it.
    session.restart_on("2026-06-01");
    let b = &session.b;
    sign_in(b, "dengji").await;
    b.open(&at_registrar).await;
    b.click("button[value='code']").await;
    assert_eq!(b.text("#status").await, "已赋码");
    let code = b.text("#code").await;
    sign_out(b).await;

    // Anyone verifies the code on the portal and reaches the registration's public record.
    b.open("/").await;
    b.click("a[href='/verify']").await;
    fill(b, "#code", "not-a-code").await;
    b.click("form.verify button[type=submit]").await;
    assert!(b.text("#verification").await.contains("格式不正确"));
    fill(b, "#code", &code).await;
    b.click("form.verify button[type=submit]").await;
    b.check_page().await;
    let verdict = b.text("#verification").await;
    assert!(
        verdict.contains("有效") && !verdict.contains("无效"),
        "{verdict}"
    );
    assert_eq!(b.text("#subject").await, PRODUCT);
    b.shots("portal-verify").await;
    b.click(&format!("a[href='/registrations/{registration}']"))
        .await;
    b.check_page().await;
    assert_eq!(b.text("h1").await, PRODUCT);

    // The exchange reports a listing by the query code.
    sign_in(b, "jiaoyi").await;
    b.click("a[href='/workbench/listings']").await;
    b.check_page().await;
    fill(b, "#query_code", &code).await;
    fill(b, "#listing_ref", "SCDE-2026-0601").await;
    fill(b, "#price_yuan", "abc").await;
    b.click("#report button[type=submit]").await;
    assert!(b.text(".error-summary").await.contains("元数"));
    fill(b, "#price_yuan", "0").await;
    b.click("#report button[type=submit]").await;
    let listing = b.text("#listings tbody tr").await;
    assert!(
        listing.contains(PRODUCT) && listing.contains("挂牌中"),
        "{listing}"
    );
    b.check_page().await;
    b.shots("workbench-listings").await;

    // …and a webhook endpoint: a private address refused, a public one with its secret shown
    // once, rotated, paused.
    b.click("a[href='/workbench/webhooks']").await;
    b.check_page().await;
    fill(b, "#url", "http://127.0.0.1:8080/hook").await;
    b.click("#add button[type=submit]").await;
    assert!(
        b.text(".error-summary").await.contains("推送地址"),
        "SSRF refused in the page"
    );
    fill(b, "#url", "https://exchange.example.cn/mulu/webhook").await;
    fill(b, "#description", "挂牌系统").await;
    b.click("#add button[type=submit]").await;
    let first = b.text("#secret").await;
    assert_eq!(first.len(), 64, "{first}");
    b.click("#endpoints a").await;
    b.check_page().await;
    assert!(b.all_text("#secret").await.is_empty(), "never shown again");
    b.click("button[value='rotate']").await;
    let second = b.text("#secret").await;
    assert!(second.len() == 64 && second != first);
    assert_eq!(b.text("#secret-version").await, "2");
    b.click("button[value='pause']").await;
    assert_eq!(b.text("#status").await, "已暂停");
    b.shots("workbench-webhook").await;
    sign_out(b).await;

    // 监管 finds every step under the person who took it.
    sign_in(b, "jianguan").await;
    for (account, name, steps) in [
        (
            "shenhe",
            "沈禾",
            &[
                "authorization.announce",
                "authorization.select",
                "authorization.publicize",
                "authorization.sign",
                "authorization.activate",
                "product.review",
            ][..],
        ),
        (
            "yunying",
            "云盈",
            &[
                "authorization.apply",
                "product.create",
                "registration.submit",
                "registration.resubmit",
            ][..],
        ),
        (
            "dengji",
            "邓济",
            &[
                "registration.request_supplement",
                "registration.accept",
                "registration.publicize",
                "registration.decide_objection",
                "registration.issue_code",
            ][..],
        ),
        ("jiaoyi", "焦易", &["listing.report"][..]),
    ] {
        b.open("/workbench/audit").await;
        fill(b, "#account", account).await;
        b.click("#audit-filters button").await;
        let events = b.text("#audit-events").await;
        for step in steps {
            assert!(events.contains(step), "{account}: {step} in {events}");
        }
        assert!(events.contains(name), "{account} is named: {events}");
    }
    b.shots("workbench-audit-lifecycle").await;

    // The same range as a spreadsheet, read with the person's session.
    b.open("/workbench/audit?account=dengji").await;
    let href = b
        .js("return document.getElementById('export-xlsx').getAttribute('href');")
        .await;
    let cookie = b.client.get_named_cookie("mulu_session").await.unwrap();
    let xlsx = reqwest::Client::new()
        .get(format!("{}{}", b.base, href.as_str().unwrap()))
        .header("Cookie", format!("mulu_session={}", cookie.value()))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), reqwest::StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let rows = book.worksheet_range("审计日志").unwrap();
    let text: Vec<String> = rows
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert!(text[0].contains("操作人"), "{:?}", text[0]);
    assert!(
        text.iter()
            .any(|r| r.contains("registration.issue_code") && r.contains("邓济")),
        "{text:?}"
    );
    assert!(
        !text.iter().any(|r| r.contains("listing.report")),
        "only dengji's"
    );
    let href = b
        .js("return document.getElementById('export-ndjson').getAttribute('href');")
        .await;
    let ndjson = reqwest::Client::new()
        .get(format!("{}{}", b.base, href.as_str().unwrap()))
        .header("Cookie", format!("mulu_session={}", cookie.value()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let actions: Vec<String> = ndjson
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["action"].to_string())
        .collect();
    assert_eq!(
        actions.len(),
        text.len() - 1,
        "the same range as the spreadsheet"
    );
    assert!(
        actions
            .iter()
            .any(|a| a.contains("registration.issue_code"))
    );
    let _ = b.client.clone().close().await;
}

/// The body fills the N 14 terms and uploads the signed document.
async fn sign_agreement(b: &crate::portal::Browser, document: &std::path::Path) {
    fill(b, "#number", "川数授〔2026〕1号").await;
    for id in [
        "products_and_standards",
        "asset_ownership",
        "disclosure_duties",
        "accounting_and_revenue",
        "security_duties",
        "evaluation_and_exit",
        "liability",
        "dispute_resolution",
        "change_and_termination",
    ] {
        fill(b, &format!("#{id}"), "按协议正文约定").await;
    }
    let input = b
        .client
        .find(fantoccini::Locator::Css("#document"))
        .await
        .unwrap();
    input.send_keys(document.to_str().unwrap()).await.unwrap();
    b.click("form.sign button[type=submit]").await;
}
