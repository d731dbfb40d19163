//! The public portal in a real headless Chromium (chromedriver + fantoccini) against the real
//! server: home → search (facets, highlights, next page) → a resource with its history → editions
//! and their diff → a publicity notice and the real-name objection form (inline errors, then a
//! receipt) → a registered product with its query code → Atom feeds. A draft's unique title never
//! renders anywhere. Screenshots land in `target/screenshots/`.
//!
//! Without chromium/chromedriver the test is skipped with a notice, unless `CI` is set: then it fails.

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::app::{ADMIN, OPERATOR, Org, PROVIDER, REGISTRAR, TestApp};
use crate::server::{MULU, Server};

/// The portal's people: their names are on its pages.
const WATER_BUREAU: Org = PROVIDER.named("市生态环境局");
const WATER_COMPANY: Org = OPERATOR.named("川南水务数据公司");
/// The draft's title: unique enough that any occurrence on a page is the draft leaking.
const DRAFT: &str = "鹭鸶洲未公开草稿资源";
/// The resource imported with its page on the source portal (a link out, never loaded).
const SOURCED: usize = 6;
const SOURCE_PAGE: &str = "https://data.example.gov.cn/dataset/water-6";

const PLACES: [&str; 24] = [
    "岷江",
    "沱江",
    "嘉陵江",
    "涪江",
    "渠江",
    "青衣江",
    "大渡河",
    "雅砻江",
    "安宁河",
    "金沙江",
    "赤水河",
    "濑溪河",
    "釜溪河",
    "琼江",
    "南河",
    "府河",
    "锦江",
    "清溪河",
    "长江",
    "永宁河",
    "古蔺河",
    "龙溪河",
    "九曲河",
    "马边河",
];

// ---------------------------------------------------------------------------------------------
// chromedriver

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|p| p.is_file())
}

/// chromedriver and a Chromium it can drive, if installed.
pub(crate) fn browser() -> Option<(PathBuf, PathBuf)> {
    let driver = on_path("chromedriver")?;
    let chrome = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(on_path)?;
    Some((driver, chrome))
}

/// A chromedriver process on a free port, killed on drop.
pub(crate) struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    pub(crate) fn start(path: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // Its own process group, so that dropping it also ends the Chromium it started.
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A headless Chromium session; retried until chromedriver listens.
    pub(crate) async fn session(&self, chrome: &Path) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chrome,
                "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1280,900", "--force-device-scale-factor=1", "--lang=zh-CN",
                         "--hide-scrollbars", "--no-first-run"],
            }),
        );
        let start = Instant::now();
        loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&self.url)
                .await
            {
                Ok(client) => return client,
                Err(e) if start.elapsed() < Duration::from_secs(20) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("no WebDriver session at {}: {e}", self.url),
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// data through the API

struct Api {
    server: Server,
    http: reqwest::Client,
}

impl Api {
    fn on(dir: &Path, today: &str) -> Api {
        Api {
            server: Server::start_on(dir, today),
            http: reqwest::Client::new(),
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, token: &str, body: Value) -> Value {
        let response = self
            .http
            .request(method, self.server.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> Value {
        self.send(reqwest::Method::POST, path, token, body).await
    }

    async fn get_json(&self, path: &str) -> Value {
        let response = self.http.get(self.server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.json().await.unwrap()
    }

    /// A portal page's HTML as served (not as the browser re-serializes it).
    async fn html(&self, path: &str) -> (StatusCode, String) {
        let response = self.http.get(self.server.url(path)).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }
}

fn content(name: &str, i: usize) -> Value {
    let conditional = i.is_multiple_of(3);
    let frequency = ["每日", "每月", "每季度"][i % 3];
    json!({
        "name": name,
        "summary": format!("{name}：断面水温、溶解氧、氨氮、总磷等指标，自动站实时采集。"),
        "tags": ["水环境", "监测"],
        "domain": if i.is_multiple_of(2) { "N" } else { "D" },
        "grade": {"level": "一般数据"},
        "share_type": if conditional { "有条件共享" } else { "无条件共享" },
        "share_condition": if conditional { Some("仅限生态环境治理用途") } else { None },
        "open_type": "无条件开放",
        "update_frequency": frequency,
        "formats": ["csv", "json"],
        "record_count": 1000 + i as u64 * 17,
        "usage_restrictions": "不得用于商业排名",
    })
}

struct World {
    app: TestApp,
    provider: String,
    /// The published resources, in creation order; `[5]` has two published versions.
    resources: Vec<String>,
    draft: String,
    /// In publicity (objections open) and coded (with a query code).
    in_publicity: String,
    coded_product: String,
    query_code: String,
    authorization: String,
}

fn cli_setup() -> (TestApp, [String; 5]) {
    let app = TestApp::new().with_orgs(&[ADMIN, WATER_BUREAU, WATER_COMPANY, REGISTRAR]);
    let admin_id = app.org_id(&ADMIN).to_string();
    let [admin, provider, operator, registrar] =
        app.tokens([&ADMIN, &WATER_BUREAU, &WATER_COMPANY, &REGISTRAR]);
    (app, [admin_id, admin, provider, operator, registrar])
}

/// Builds the world over four pinned days: 08-03 directory, editions, authorization and its
/// operator publicized; 09-01 agreement, products and registrations (one publicized); 09-16 the first is coded and the second publicized. The
/// browser then runs on 09-17, inside the second one's publicity.
async fn build_world() -> World {
    let (app, [admin_id, admin, provider, operator, registrar]) = cli_setup();
    let d = app.dir();

    let api = Api::on(d, "2026-08-03");
    let publish = |id: String| {
        let api = &api;
        let (provider, admin) = (&provider, &admin);
        async move {
            let base = format!("/api/v1/workspace/resources/{id}");
            api.post(&format!("{base}/submit"), provider, json!({}))
                .await;
            api.post(&format!("{base}/approve"), admin, json!({})).await;
            api.post(&format!("{base}/publish"), admin, json!({})).await;
        }
    };
    let mut resources = Vec::new();
    for (i, place) in PLACES.iter().enumerate() {
        let name = format!("{place}流域水质自动监测数据");
        let mut c = content(&name, i);
        if i == SOURCED {
            c["source_url"] = json!(SOURCE_PAGE);
        }
        let r = api
            .post(
                "/api/v1/workspace/resources",
                &provider,
                json!({"content": c}),
            )
            .await;
        let id = r["id"].as_str().unwrap().to_string();
        publish(id.clone()).await;
        resources.push(id);
    }
    let draft = api
        .post(
            "/api/v1/workspace/resources",
            &provider,
            json!({"content": content(DRAFT, 1)}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let edition = |title: &str, ids: &[String]| {
        let lines: Vec<Value> = ids.iter().map(|id| json!({"resource_id": id})).collect();
        json!({"title": title, "note": "按季度更新", "lines": lines})
    };
    api.post(
        "/api/v1/admin/directory/editions",
        &admin,
        edition("2026年授权运营目录（第一批）", &resources[0..8]),
    )
    .await;
    // A second published version of [5]: new summary, daily updates.
    let mut changed = content(&format!("{}流域水质自动监测数据", PLACES[5]), 5);
    changed["summary"] = json!("新版：增加高锰酸盐指数，按小时汇总后每日发布。");
    changed["update_frequency"] = json!("每日");
    api.send(
        reqwest::Method::PUT,
        &format!("/api/v1/workspace/resources/{}", resources[5]),
        &provider,
        json!({"content": changed}),
    )
    .await;
    publish(resources[5].clone()).await;
    api.post(
        "/api/v1/admin/directory/editions",
        &admin,
        edition("2026年授权运营目录（第二批）", &resources[4..12]),
    )
    .await;

    let auth = api.post("/api/v1/admin/authorizations", &admin, json!({
        "plan_name": "流域水环境数据授权运营", "implementing_body_id": admin_id, "mode": "依场景授权",
        "operator_type": "场景", "scope_description": "水环境治理", "resource_ids": [resources[4]],
        "term_start": "2026-09-01", "term_end": "2028-12-31", "platform": "省授权运营平台",
        "announcement": crate::server::announcement(),
    })).await["id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/admin/authorizations/{auth}");
    let applicant = api
        .post(
            &format!("/api/v1/authorizations/{auth}/apply"),
            &operator,
            crate::server::application(),
        )
        .await["applicants"][0]
        .clone();
    api.post(
        &format!("{base}/select"),
        &admin,
        json!({"operator_id": applicant}),
    )
    .await;
    api.post(&format!("{base}/publicize"), &admin, json!({}))
        .await;
    // Publicity over: the agreement is signed and operation starts on 09-01.
    drop(api);
    let api = Api::on(d, "2026-09-01");
    let terms = crate::server::agreement_terms("水质数据授权运营协议");
    api.post(&format!("{base}/sign"), &admin, terms).await;
    api.post(&format!("{base}/activate"), &admin, json!({}))
        .await;
    let mut products = Vec::new();
    let mut registrations = Vec::new();
    for name in ["水质指数接口", "流域水质年度报告"] {
        let p = api.post("/api/v1/operator/products", &operator, json!({
            "name": name, "summary": format!("{name}，基于公开水质监测数据"), "delivery_form": "数据接口",
            "authorization_id": auth, "source_resource_ids": [resources[4]],
            "applicable_scenarios": ["流域治理"], "forbidden_scenarios": ["个人信息识别"],
            "scene_category": "公共治理、公益事业",
        })).await["id"].as_str().unwrap().to_string();
        api.post(
            &format!("/api/v1/admin/products/{p}/review"),
            &admin,
            json!({"passed": true, "report_ref": "合规审查报告 2026-017", "reviewed_on": "2026-09-01"}),
        )
        .await;
        let r = api.post("/api/v1/registrations", &operator, json!({
            "subject": {"type": "product", "product_id": p}, "kind": "首次登记",
            "materials": {
                "registrant_info": "川南水务数据公司", "legal_source": "授权运营协议第 7 号",
                "resource_info": "流域水质监测", "evidence_ref": "存证-0007", "evidence_on": "2026-09-01",
                "product_info": name, "scenario_info": "流域治理", "risk_assessment": "风险可控",
            },
        })).await["id"].as_str().unwrap().to_string();
        api.post(
            &format!("/api/v1/registrar/registrations/{r}/accept"),
            &registrar,
            json!({}),
        )
        .await;
        products.push(p);
        registrations.push(r);
    }
    api.post(
        &format!(
            "/api/v1/registrar/registrations/{}/publicize",
            registrations[0]
        ),
        &registrar,
        json!({}),
    )
    .await;
    drop(api);

    let api = Api::on(d, "2026-09-16");
    let coded = api
        .post(
            &format!("/api/v1/registrar/registrations/{}/code", registrations[0]),
            &registrar,
            json!({}),
        )
        .await;
    api.post(
        &format!(
            "/api/v1/registrar/registrations/{}/publicize",
            registrations[1]
        ),
        &registrar,
        json!({}),
    )
    .await;
    drop(api);

    World {
        provider: WATER_BUREAU.uscc.to_string(),
        app,
        resources,
        draft,
        in_publicity: registrations[1].clone(),
        coded_product: products[0].clone(),
        query_code: coded["query_code"].as_str().unwrap().to_string(),
        authorization: auth,
    }
}

// ---------------------------------------------------------------------------------------------
// browser helpers

pub(crate) struct Browser {
    pub(crate) client: Client,
    pub(crate) base: String,
    pub(crate) shots: PathBuf,
}

impl Browser {
    pub(crate) async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    pub(crate) async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    pub(crate) async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .unwrap()
    }

    pub(crate) async fn all_text(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.client.find_all(Locator::Css(css)).await.unwrap() {
            out.push(e.text().await.unwrap());
        }
        out
    }

    pub(crate) async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// The basics every page must meet: Chinese document language, one h1, every form control
    /// labelled, no draft, and keyboard order: no positive `tabindex` (the order is the
    /// document's), and every enabled control reachable by Tab (no `tabindex="-1"` on it, not
    /// hidden from focus by CSS; controls in `[hidden]`, `inert` or a closed `<details>` or
    /// `<dialog>` are out of the page until opened and are not counted).
    pub(crate) async fn check_page(&self) {
        let path = self.path().await;
        let facts = self
            .js(r#"
                const controls = [...document.querySelectorAll('input:not([type=hidden]), textarea, select')];
                return {
                    lang: document.documentElement.lang,
                    h1: document.querySelectorAll('h1').length,
                    unlabelled: controls.filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')).map(c => c.outerHTML),
                    keyboard: (() => {
                        const short = e => e.outerHTML.slice(0, 200);
                        const positive = [...document.querySelectorAll('[tabindex]')]
                            .filter(e => parseInt(e.getAttribute('tabindex'), 10) > 0).map(short);
                        const shut = e => e.closest('[hidden], [inert], dialog:not([open])')
                            || [...document.querySelectorAll('details:not([open])')]
                                .some(d => d.contains(e) && !d.querySelector(':scope > summary')?.contains(e));
                        const reachable = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
                            .filter(e => !e.disabled && !shut(e));
                        const removed = reachable.filter(e => e.getAttribute('tabindex') === '-1').map(short);
                        const before = document.activeElement;
                        const unfocusable = reachable
                            .filter(e => e.getAttribute('tabindex') !== '-1')
                            .filter(e => {
                                // Rendered (not display:none, visibility:hidden) and taking focus.
                                const shown = e.checkVisibility
                                    ? e.checkVisibility({ visibilityProperty: true })
                                    : e.getClientRects().length > 0;
                                if (!shown) return true;
                                e.focus({ preventScroll: true });
                                return document.activeElement !== e;
                            })
                            .map(short);
                        if (before && before !== document.body && before.focus) before.focus({ preventScroll: true });
                        else if (document.activeElement) document.activeElement.blur();
                        return { positive, removed, unfocusable };
                    })(),
                    // Nothing is loaded from, or posted to, another origin (offline government networks).
                    external: [...document.querySelectorAll('[src], link[href], form[action], iframe, object[data]')]
                        .map(e => e.src || e.href || e.action || e.data || '')
                        .filter(u => /^https?:/.test(u) && !u.startsWith(location.origin)),
                    // What the page says itself: the search page's heading and box echo the query.
                    text: (() => {
                        const copy = document.body.cloneNode(true);
                        copy.querySelectorAll('h1, form[role=search]').forEach(e => e.remove());
                        return copy.textContent;
                    })(),
                    // Words of the code that reach a person: an enum value or field name shown
                    // as stored (machine links, code and addresses aside).
                    codes: (() => {
                        const copy = document.querySelector('main').cloneNode(true);
                        copy.querySelectorAll('code, pre, #machine-links, form[role=search], .url').forEach(e => e.remove());
                        const words = copy.textContent.replace(/https?:\/\/\S+/g, '').match(/\b(draft|submitted|published|withdrawn|publicized|under_objection|coded|registered|active|lifted|review_passed|announced|signed|terminated|cancelled|revoked|data_admin|provider|registrar|operator|developer|exchange|auditor|negative_list_entry|directory_line)\b/g);
                        return words || [];
                    })(),
                };"#)
            .await;
        assert_eq!(facts["lang"], "zh-CN", "{path}");
        assert_eq!(
            facts["external"],
            json!([]),
            "{path}: loads or posts to another origin"
        );
        assert_eq!(facts["h1"], 1, "{path}: exactly one h1");
        assert_eq!(
            facts["unlabelled"],
            json!([]),
            "{path}: unlabelled controls"
        );
        assert!(
            !facts["text"].as_str().unwrap().contains(DRAFT),
            "{path} renders the draft"
        );
        assert_eq!(
            facts["codes"],
            json!([]),
            "{path}: values shown as the code stores them"
        );
        let keyboard = &facts["keyboard"];
        assert_eq!(
            keyboard["positive"],
            json!([]),
            "{path}: a positive tabindex overrides the document's keyboard order"
        );
        assert_eq!(
            keyboard["removed"],
            json!([]),
            "{path}: controls taken out of the keyboard order (tabindex=-1)"
        );
        assert_eq!(
            keyboard["unfocusable"],
            json!([]),
            "{path}: controls the keyboard cannot reach (hidden by CSS, or not focusable)"
        );
    }

    /// PNGs of the whole page at desktop (1366) and phone (390) width: `{name}-desktop.png`,
    /// `{name}-phone.png`.
    pub(crate) async fn shots(&self, name: &str) {
        self.shot(&format!("{name}-desktop"), 1366).await;
        self.shot(&format!("{name}-phone"), 390).await;
    }

    /// A PNG of the whole page at `width` CSS pixels.
    pub(crate) async fn shot(&self, name: &str, width: u32) {
        self.client.set_window_size(width, 900).await.unwrap();
        // Grow the window to the page (twice: a narrower window can make the page taller).
        for _ in 0..2 {
            // The window is taller than the page's viewport by the browser's own frame.
            let size = self
                .js("return [document.documentElement.scrollHeight, window.outerHeight - window.innerHeight]")
                .await;
            let page = size[0].as_u64().unwrap_or(900).clamp(400, 8000);
            let frame = size[1].as_u64().unwrap_or(0).min(200);
            self.client
                .set_window_size(width, (page + frame) as u32)
                .await
                .unwrap();
        }
        let png = self.client.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{name} is a PNG");
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
        self.client.set_window_size(1280, 900).await.unwrap();
    }

    /// Clicks a link or submit button and waits for the page it leads to: WebDriver's click
    /// returns once the click is dispatched, which for a form submission can be before the
    /// navigation has begun, so the old document would still answer the next question.
    pub(crate) async fn click(&self, css: &str) {
        self.js("window.__mulu_before_click = true; return null;")
            .await;
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
        for _ in 0..200 {
            let arrived = self
                .js("return window.__mulu_before_click !== true && document.readyState === 'complete';")
                .await;
            if arrived == Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("clicking {css} led to no new page within 10 s");
    }
}

/// Every `http(s)://` address in `text` must be the server's own.
fn no_external_urls(what: &str, text: &str, base: &str) {
    for scheme in ["http://", "https://"] {
        for (at, _) in text.match_indices(scheme) {
            assert!(
                text[at..].starts_with(base),
                "{what} refers to an external address: {}",
                &text[at..(at + 60).min(text.len())]
            );
        }
    }
}

/// Parses an Atom document and checks what RFC 4287 requires: a `feed` in the Atom namespace with
/// id, title and updated; each entry with id, title, updated (RFC 3339) and a link. Returns the
/// entries' titles and links.
fn parse_atom(xml: &str) -> Vec<(String, String)> {
    use quick_xml::XmlVersion;
    use quick_xml::events::{BytesStart, Event};
    use quick_xml::reader::Reader;

    fn attr(e: &BytesStart, key: &str) -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == key)
            .map(|a| {
                a.normalized_value(XmlVersion::Implicit1_0)
                    .unwrap()
                    .to_string()
            })
    }

    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<String> = Vec::new();
    let mut feed_fields = BTreeSet::new();
    let mut entries = Vec::new();
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    let mut link = String::new();
    loop {
        let event = reader.read_event().expect("well-formed XML");
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().as_ref().to_string();
                if stack.is_empty() {
                    assert_eq!(name, "feed", "root element");
                    assert_eq!(
                        attr(e, "xmlns").as_deref(),
                        Some("http://www.w3.org/2005/Atom")
                    );
                }
                match stack.len() {
                    1 => {
                        feed_fields.insert(name.clone());
                    }
                    2 if name == "link" => link = attr(e, "href").expect("link has href"),
                    _ => {}
                }
                if name == "entry" {
                    fields.clear();
                    link.clear();
                }
                if matches!(event, Event::Start(_)) {
                    stack.push(name);
                }
            }
            // Text comes in runs split at entity references.
            Event::Text(t) if stack.len() == 3 => {
                let text = t.xml10_content();
                fields.entry(stack[2].clone()).or_default().push_str(&text);
            }
            Event::GeneralRef(r) if stack.len() == 3 => {
                let text = match &**r {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("undefined entity &{other};"),
                };
                fields.entry(stack[2].clone()).or_default().push_str(text);
            }
            // Every end tag pops (in the guard); an entry's end checks what it held.
            Event::End(_) if stack.pop().as_deref() == Some("entry") => {
                for required in ["id", "title", "updated"] {
                    assert!(fields.contains_key(required), "entry without {required}");
                }
                chrono::DateTime::parse_from_rfc3339(&fields["updated"])
                    .expect("updated is RFC 3339");
                assert!(!link.is_empty(), "entry without link");
                entries.push((fields["title"].clone(), link.clone()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    for required in ["id", "title", "updated"] {
        assert!(feed_fields.contains(required), "feed without {required}");
    }
    entries
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn portal_in_a_real_browser() {
    let Some((driver_path, chrome)) = browser() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium and chromium-driver for the portal tests"
        );
        println!("SKIPPED portal browser test: chromium/chromedriver not installed");
        return;
    };
    let started = Instant::now();
    // Chromium starts while the data is built.
    let driver = Driver::start(&driver_path);
    let world = build_world().await;
    println!("data built in {:?}", started.elapsed());
    let api = Api::on(world.app.dir(), "2026-09-17");
    // The home page's counts come from the index, which catches up after the start.
    api.server.search_current().await;
    let shots = Path::new(MULU)
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let b = Browser {
        client: driver.session(&chrome).await,
        base: api.server.base.clone(),
        shots,
    };
    walk(&b, &api, &world).await;
    let _ = b.client.clone().close().await;
    println!("portal walk done in {:?}", started.elapsed());
}

/// The workbook the page's `#download-xlsx` link gives, sheet `name` as text rows.
async fn linked_sheet(b: &Browser, api: &Api, name: &str) -> Vec<Vec<String>> {
    let href = b
        .client
        .find(Locator::Css("#download-xlsx"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let bytes = api
        .http
        .get(format!("{}{href}", api.server.base))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, name).unwrap();
    sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

async fn walk(b: &Browser, api: &Api, world: &World) {
    // Home as a portal: what the catalog holds by kind, resources to browse by provider (a link
    // that finds as many as it says), the newest ones.
    b.open("/").await;
    b.check_page().await;
    b.shots("home").await;
    let resources = b
        .client
        .find(Locator::XPath(
            "//section[@id='counts']//dt[a='数据资源']/following-sibling::dd",
        ))
        .await
        .expect("a count of resources")
        .text()
        .await
        .unwrap();
    assert_eq!(resources, "24", "the published resources, never the draft");
    // Registrations coded by month: the one coded on 09-16.
    // (The table is folded under 查看数字: read it as a screen reader would, not as painted.)
    let months = b
        .js("return [...document.querySelectorAll('#table-coded tbody tr')].map(tr => [...tr.cells].map(c => c.textContent).join(' '))")
        .await;
    assert_eq!(months, json!(["2026年09月 1"]), "{months:?}");
    let newest = b.all_text("#newest ol li").await;
    assert!((1..=8).contains(&newest.len()), "{newest:?}");
    let provider = b.text("#browse-provider + ul li .count").await;
    b.click("#browse-provider + ul li a").await;
    assert!(
        b.path().await.contains("kind=resource"),
        "{}",
        b.path().await
    );
    assert_eq!(
        b.text("#total").await,
        provider,
        "the browse count is what it finds"
    );
    b.open("/").await;

    // Home: keyboard reaches the search box and its button; focus is visible.
    let mut reached = false;
    for _ in 0..20 {
        b.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&Key::Tab)
            .await
            .unwrap();
        if b.js("return document.activeElement.id").await == "q" {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the search box");
    let outline = b
        .js("const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth];")
        .await;
    assert_ne!(outline[0], "none", "focus is visible: {outline}");
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("水质")
        .await
        .unwrap();
    // Titles are suggested as one types (the box's datalist, filled from the suggest API).
    let started = Instant::now();
    let suggested: Vec<String> =
        loop {
            let found: Vec<String> = serde_json::from_value(
            b.js("return [...document.querySelectorAll('#q-suggestions option')].map(o => o.value)")
                .await,
        )
        .unwrap();
            if !found.is_empty() || started.elapsed() > Duration::from_secs(5) {
                break found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
    assert!(
        !suggested.is_empty() && suggested.iter().all(|s| s.contains("水质")),
        "{suggested:?}"
    );
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&Key::Tab)
        .await
        .unwrap();
    let focused = b
        .js("return [document.activeElement.tagName, document.activeElement.type]")
        .await;
    assert_eq!(focused, json!(["BUTTON", "submit"]), "Tab reaches submit");
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&Key::Enter)
        .await
        .unwrap();
    b.client
        .wait()
        .for_element(Locator::Css("#total"))
        .await
        .unwrap();

    // Search results: highlights, facets as filter links with counts, next page.
    assert!(
        b.path().await.starts_with("/search?q="),
        "{}",
        b.path().await
    );
    b.check_page().await;
    let total: u64 = b.text("#total").await.parse().unwrap();
    assert!(total > 20, "more than one page: {total}");
    let marks = b.all_text("ol.hits mark").await;
    assert!(
        marks.iter().any(|m| m.contains("水质")),
        "highlights: {marks:?}"
    );
    b.shots("search-results").await;
    // A status is named by the kinds found: resources' `published` is 已发布 (a disclosure's
    // would be 已公开, but none is among these results).
    let published = b
        .js("return [...document.querySelectorAll('aside.facets a')].filter(a => a.getAttribute('href').includes('status=published')).map(a => a.textContent)")
        .await;
    assert_eq!(published, json!(["已发布"]));
    let hits =
        "return [...document.querySelectorAll('ol.hits h3 a')].map(a => a.getAttribute('href'))";
    let first_page: Vec<String> = serde_json::from_value(b.js(hits).await).unwrap();
    assert_eq!(first_page.len(), 20);
    b.click("a[rel=next]").await;
    let second_page: Vec<String> = serde_json::from_value(b.js(hits).await).unwrap();
    assert!(!second_page.is_empty(), "a second page of hits");
    assert!(
        second_page.iter().all(|t| !first_page.contains(t)),
        "page 2 repeats page 1: {second_page:?}"
    );
    assert_eq!(b.text("#page").await, "2");
    // The results as a spreadsheet: the link on the page, opened and read back.
    let rows = linked_sheet(b, api, "检索结果").await;
    assert_eq!(rows[0][0], "名称");
    assert_eq!(rows.len() as u64, total + 1, "every hit, then the header");
    let links: Vec<&str> = rows[1..].iter().map(|r| r[7].as_str()).collect();
    assert!(
        links.iter().all(|l| l.starts_with(&api.server.base)),
        "{links:?}"
    );
    assert!(
        first_page
            .iter()
            .all(|h| links.iter().any(|l| l.ends_with(h.as_str())))
    );
    // Back by the page's own link, not the browser's.
    b.click("a[rel=prev]").await;
    assert_eq!(b.text("#page").await, "1");
    let again: Vec<String> = serde_json::from_value(b.js(hits).await).unwrap();
    assert_eq!(again, first_page, "previous page is the first page again");
    // Newest first, on request.
    b.click("nav.sort a:not([aria-current])").await;
    assert!(
        b.path().await.contains("sort=updated"),
        "{}",
        b.path().await
    );
    let dates: Vec<String> = serde_json::from_value(b.js(hits).await).unwrap();
    assert_eq!(dates.len(), 20);
    b.client.back().await.unwrap();
    let facet = b
        .client
        .find(Locator::XPath(
            "//aside//a[contains(., '数据资源')]/following-sibling::span[@class='count']",
        ))
        .await
        .expect("a 数据资源 facet with its count")
        .text()
        .await
        .unwrap();
    let count: u64 = facet.trim_matches(['(', ')']).parse().unwrap();
    b.click("aside a[href*='kind=resource']").await;
    let filtered: u64 = b.text("#total").await.parse().unwrap();
    assert_eq!(filtered, count, "the facet count is what the filter finds");
    assert_eq!(count, 24, "the 24 published resources, never the draft");
    assert!(b.client.find(Locator::Css("aside a.on")).await.is_ok());
    // The chosen filters in one bar; 清除全部 keeps the words and drops every filter.
    let chosen = b.all_text("nav.chosen a.tag").await;
    assert_eq!(chosen, ["类别：数据资源 ✕"], "{chosen:?}");
    b.click("#clear-all").await;
    assert!(!b.path().await.contains("kind="), "{}", b.path().await);
    assert!(b.path().await.contains("q="), "{}", b.path().await);
    assert_eq!(b.text("nav.main a[aria-current=page]").await, "检索");

    // A place in the query finds the entries about it (the operator is in Luzhou, its name does
    // not say so) and is offered as a region filter, by name; the facet names regions too.
    b.open("/search?q=泸州%20水务").await;
    b.check_page().await;
    let hits = b.all_text("ol.hits h3").await;
    assert!(
        hits.iter().any(|t| t.contains("川南水务数据公司")),
        "{hits:?}"
    );
    assert_eq!(b.text("#places a").await, "四川省泸州市");
    b.click("#places a").await;
    assert!(
        b.path().await.contains("region=510500"),
        "{}",
        b.path().await
    );
    let chosen = b.all_text("aside a.on").await;
    assert!(chosen.iter().any(|c| c.contains("泸州市")), "{chosen:?}");
    assert!(b.client.find(Locator::Css("#places")).await.is_err());

    // A resource: current version and its published history.
    let id = &world.resources[5];
    b.open(&format!("/resources/{id}")).await;
    b.check_page().await;
    let body = b.text("main").await;
    assert!(body.contains("新版：增加高锰酸盐指数"), "current version");
    let history = b.all_text("#history li").await;
    assert_eq!(history.len(), 2, "{history:?}");
    // Read twice more by a person and three times by a crawler (not counted), it leads the home
    // page's most viewed with the person's views.
    let views_of_it = || {
        let script = format!(
            "const li = [...document.querySelectorAll('#most-viewed li')].find(li => \
             li.querySelector('a').getAttribute('href') === '/resources/{id}'); \
             return li ? li.textContent : ''"
        );
        async move { b.js(&script).await.as_str().unwrap_or_default().to_owned() }
    };
    b.open("/").await;
    let before = views_of_it().await;
    assert!(before.contains("浏览 1 次"), "the view above: {before}");
    b.open(&format!("/resources/{id}")).await;
    b.open(&format!("/resources/{id}")).await;
    for _ in 0..3 {
        let crawled = api
            .http
            .get(api.server.url(&format!("/resources/{id}")))
            .header("user-agent", "Mozilla/5.0 (compatible; Baiduspider/2.0)")
            .send()
            .await
            .unwrap();
        assert_eq!(crawled.status(), StatusCode::OK);
    }
    b.open("/").await;
    assert!(views_of_it().await.contains("浏览 3 次"));
    let first = b
        .js("return document.querySelector('#most-viewed li a').getAttribute('href')")
        .await;
    assert_eq!(
        first,
        json!(format!("/resources/{id}")),
        "the most viewed leads"
    );
    b.shots("home-most-viewed").await;
    b.open(&format!("/resources/{id}")).await;
    // How to obtain it, by its open type, and where it stands: the editions listing it.
    let obtain = b.text("#obtain").await;
    assert!(obtain.contains("开放"), "{obtain}");
    let code = api.get_json(&format!("/api/v1/resources/{id}")).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let edition = api.get_json("/api/v1/directory/editions/2").await;
    let listed = edition["lines"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["code"] == code.as_str());
    let standing = b.text("#standing").await;
    assert_eq!(standing.contains("第 2 版"), listed, "{standing}");
    b.shots("resource").await;
    // The same entry for machines: its DCAT record and CKAN package, linked from the page.
    let links: Vec<String> = serde_json::from_value(
        b.js("return [...document.querySelectorAll('#machine-links a[type]')].map(a => a.getAttribute('href'))")
            .await,
    )
    .unwrap();
    assert_eq!(links.len(), 4, "{links:?}");
    for href in &links {
        let response = api
            .http
            .get(format!("{}{href}", api.server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{href}");
        let body = response.text().await.unwrap();
        assert!(body.contains(id.as_str()), "{href} describes the resource");
    }
    b.click(&format!("a[href='/resources/{id}/versions/1']"))
        .await;
    b.check_page().await;
    let old = b.text("main").await;
    assert!(old.contains("这是历史版本"), "{old}");
    assert!(!old.contains("新版："), "version 1 shows version 1");

    // An entry imported from another portal links its page there.
    b.open(&format!("/resources/{}", world.resources[SOURCED]))
        .await;
    b.check_page().await;
    let source = b.client.find(Locator::Css("#source a")).await.unwrap();
    assert_eq!(
        source.attr("href").await.unwrap().as_deref(),
        Some(SOURCE_PAGE)
    );
    assert!(
        source
            .attr("rel")
            .await
            .unwrap()
            .unwrap()
            .contains("external")
    );
    // Its DCAT record names that page as the dataset's documentation (foaf:page).
    let (status, turtle) = api
        .html(&format!("/datasets/{}.ttl", world.resources[SOURCED]))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        turtle.contains(&format!("foaf:page <{SOURCE_PAGE}>")),
        "{turtle}"
    );

    // Editions: list, compare form, diff.
    b.open("/directory").await;
    b.check_page().await;
    assert_eq!(b.all_text("table tbody tr").await.len(), 2);
    b.click("form.compare button").await;
    assert_eq!(b.path().await, "/directory/diff?from=1&to=2");
    b.check_page().await;
    assert_eq!(b.all_text("tr.added").await.len(), 4);
    assert_eq!(b.all_text("tr.removed").await.len(), 4);
    let changed = b.all_text("tr.changed").await.join("\n");
    assert!(
        changed.contains("更新频率") && changed.contains("每日"),
        "{changed}"
    );
    b.shots("edition-diff").await;
    b.open("/directory/2").await;
    b.check_page().await;
    b.shots("edition").await;
    // The edition as a spreadsheet: its lines, in the page's columns and order.
    let codes: Vec<String> = serde_json::from_value(
        b.js("return [...document.querySelectorAll('table tbody tr td:first-child')].map(td => td.textContent)")
            .await,
    )
    .unwrap();
    let rows = linked_sheet(b, api, "授权运营目录第2版").await;
    let listed: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(listed, codes);
    let (status, _) = api.html("/directory/2.pdf").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Publicity notice and the objection form.
    b.open("/publicity").await;
    b.check_page().await;
    b.click(&format!("a[href='/publicity/{}']", world.in_publicity))
        .await;
    b.check_page().await;
    let field = |name: &str| format!("#{name}");
    let type_into = |name: &'static str, text: &'static str| async move {
        let e = b.client.find(Locator::Css(&field(name))).await.unwrap();
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    };
    type_into("objector_name", "王五").await;
    type_into("objector_id_number", "51050219900101001").await;
    type_into("grounds", "产品说明与实际数据来源不符").await;
    b.click("form[method=post] button[type=submit]").await;
    b.check_page().await;
    assert!(b.text("[role=alert]").await.contains("提交未成功"));
    for (name, wrong) in [
        ("objector_id_number", true),
        ("contact", true),
        ("evidence", true),
        ("objector_name", false),
        ("grounds", false),
    ] {
        let e = b.client.find(Locator::Css(&field(name))).await.unwrap();
        let invalid = e.attr("aria-invalid").await.unwrap();
        assert_eq!(invalid.as_deref() == Some("true"), wrong, "{name}");
        if wrong {
            let described = e.attr("aria-describedby").await.unwrap().unwrap();
            let error_id = format!("{name}-error");
            assert!(described.split(' ').any(|d| d == error_id), "{described}");
            let message = b.text(&format!("#{error_id}")).await;
            assert!(
                message
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "Chinese error for {name}: {message}"
            );
        }
    }
    let kept = b
        .client
        .find(Locator::Css("#objector_name"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("王五"), "typed values are kept");
    b.shots("objection-errors").await;
    type_into("objector_id_number", "510502199001010018").await;
    type_into("contact", "13900000000").await;
    type_into("evidence", "监测站点运维合同\n现场照片").await;
    b.click("form[method=post] button[type=submit]").await;
    b.check_page().await;
    let receipt = b.text("#receipt").await;
    assert!(receipt.parse::<uuid::Uuid>().is_ok(), "{receipt}");
    b.shots("objection-receipt").await;
    let public = api
        .get_json(&format!("/api/v1/registrations/{}", world.in_publicity))
        .await;
    assert_eq!(public["objections_filed"], 1, "{public}");
    // The notice now shows the objection (its day and state, never who) and that it is paused.
    b.open(&format!("/publicity/{}", world.in_publicity)).await;
    b.check_page().await;
    let outcome = b.text("#outcome").await;
    assert!(outcome.contains("异议复核中"), "{outcome}");
    let objections = b
        .all_text("table[aria-labelledby=objections-h] tbody tr")
        .await;
    assert_eq!(objections.len(), 1, "{objections:?}");
    assert!(objections[0].contains("待复核"), "{objections:?}");
    assert!(!b.text("main").await.contains("王五"), "no objector's name");
    // The current notices as a spreadsheet, then the past ones with their outcomes.
    b.open("/publicity").await;
    b.check_page().await;
    let current = linked_sheet(b, api, "登记公示").await;
    assert_eq!(current[0][0], "登记对象");
    assert!(
        current[1..].iter().any(|r| r[0] == "流域水质年度报告"),
        "{current:?}"
    );
    b.click("a[href='/publicity/past']").await;
    b.check_page().await;
    let past = b.all_text("table.notices tbody tr").await;
    assert!(
        past.iter()
            .any(|r| r.contains("水质指数接口") && r.contains("准予登记")),
        "{past:?}"
    );
    assert!(
        !past.iter().any(|r| r.contains("流域水质年度报告")),
        "{past:?}"
    );
    let sheet = linked_sheet(b, api, "往期公示").await;
    assert_eq!(sheet.len(), past.len() + 1, "{sheet:?}");
    assert!(
        sheet[1..].iter().any(|r| r[5] == world.query_code),
        "{sheet:?}"
    );
    b.shots("publicity-past").await;
    b.click("table.notices tbody a").await;
    b.check_page().await;
    assert!(b.text("#outcome").await.contains("准予登记"));
    b.click("#subject a").await;
    assert_eq!(b.path().await, format!("/products/{}", world.coded_product));

    // The query code typed into the home page's box leads to its verification.
    b.open("/").await;
    b.client
        .find(Locator::Css("#code"))
        .await
        .unwrap()
        .send_keys(&world.query_code)
        .await
        .unwrap();
    b.click("form.verify button[type=submit]").await;
    b.check_page().await;
    assert!(
        b.path().await.starts_with("/verify?code="),
        "{}",
        b.path().await
    );
    let verdict = b.text("#verification").await;
    assert!(verdict.contains("有效"), "{verdict}");

    // A registered product: query code and validity.
    b.open("/products").await;
    b.check_page().await;
    b.click(&format!("a[href='/products/{}']", world.coded_product))
        .await;
    b.check_page().await;
    assert_eq!(b.text("#query-code").await, world.query_code);
    let validity = b.text("#validity").await;
    assert!(validity.starts_with("2026-09-16"), "{validity}");
    b.shots("product").await;
    // It links its registration record, says where it is listed, and leads to its authorization.
    assert!(b.text("#listings-h ~ p").await.contains("暂无"));
    b.click("#registration-record").await;
    b.check_page().await;
    assert!(b.text("#outcome").await.contains("准予登记"));
    b.open(&format!("/products/{}", world.coded_product)).await;
    assert_eq!(b.text("#authorization").await, "流域水环境数据授权运营");
    b.click("#authorization").await;
    b.check_page().await;
    assert_eq!(
        b.path().await,
        format!("/authorizations/{}", world.authorization)
    );
    // The authorization: its resources by name, the region by name, its steps in order.
    let scope = b.all_text("#scope tbody tr").await;
    assert_eq!(scope.len(), 1, "{scope:?}");
    assert!(scope[0].contains("渠江流域水质自动监测数据"), "{scope:?}");
    assert!(b.text("#jurisdiction").await.contains("四川省"));
    let steps = b.all_text("#timeline li").await;
    assert!(steps.len() >= 4, "{steps:?}");
    assert!(steps.last().unwrap().contains("运营中"), "{steps:?}");
    b.shots("authorization").await;
    // The resource in its scope names the authorization and the registered product made from it.
    b.click("#scope tbody a").await;
    b.check_page().await;
    assert!(
        b.text("#authorizations")
            .await
            .contains("流域水环境数据授权运营")
    );
    let made = b.all_text("#products li").await;
    assert_eq!(
        made,
        vec!["水质指数接口".to_string()],
        "registered ones only"
    );

    // The negative list as CSV: what the page lists, readable by a spreadsheet (UTF-8 with BOM).
    b.open("/negative-list").await;
    let listed = b.all_text("section.entry h2").await.len();
    let csv = api
        .http
        .get(format!("{}/negative-list.csv", api.server.base))
        .send()
        .await
        .unwrap();
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let csv = csv.bytes().await.unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "a BOM");
    let mut reader = ::csv::Reader::from_reader(&csv[3..]);
    assert_eq!(&reader.headers().unwrap()[0], "对象");
    assert_eq!(reader.records().count(), listed);

    // Organization, negative list, authorizations, disclosures, 404.
    for (path, shot) in [
        (format!("/organizations/{}", world.provider), "organization"),
        ("/negative-list".to_string(), "negative-list"),
        ("/authorizations".to_string(), "authorizations"),
        ("/disclosures".to_string(), "disclosures"),
        ("/developers".to_string(), "developers"),
        ("/resources".to_string(), "resources"),
        ("/publicity".to_string(), "publicity"),
        ("/products".to_string(), "products"),
        ("/directory".to_string(), "directory"),
        (format!("/resources/{}", world.draft), "not-found"),
        (format!("/search?q={DRAFT}"), "search-none"),
        ("/search?q=鹭鸶洲".to_string(), ""),
        ("/search?q=lusizhou".to_string(), ""),
    ] {
        b.open(&path).await;
        b.check_page().await;
        if !shot.is_empty() {
            b.shots(shot).await;
        }
        if path.starts_with("/search") {
            assert_eq!(b.text("#total").await, "0", "{path} finds the draft");
        }
    }

    // The provider's page leads to its public entries (and still not to the draft).
    b.open(&format!("/organizations/{}", world.provider)).await;
    b.click("main a[href^='/search?provider=']").await;
    b.check_page().await;
    let total: u64 = b.text("#total").await.parse().unwrap();
    assert!(total >= 24, "the provider's published resources: {total}");

    // Raw HTML of every page: no external address, no draft; feeds are valid Atom.
    let mut pages = vec![
        "/".to_string(),
        "/search?q=水质".to_string(),
        "/search?q=水质&kind=resource".to_string(),
        "/resources".to_string(),
        format!("/resources/{id}"),
        format!("/resources/{id}/versions/1"),
        "/directory".to_string(),
        "/directory/1".to_string(),
        "/directory/diff?from=1&to=2".to_string(),
        "/negative-list".to_string(),
        "/publicity".to_string(),
        format!("/publicity/{}", world.in_publicity),
        "/products".to_string(),
        format!("/products/{}", world.coded_product),
        "/authorizations".to_string(),
        "/disclosures".to_string(),
        format!("/organizations/{}", world.provider),
    ];
    pages.extend(["portal.css", "portal.js"].map(|f| format!("/static/{f}")));
    for path in &pages {
        let (status, html) = api.html(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        no_external_urls(path, &html, &api.server.base);
        assert!(!html.contains(DRAFT), "{path} renders the draft");
    }
    let (status, _) = api.html(&format!("/resources/{}", world.draft)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the draft has no page");
    for (feed, expected) in [
        ("publicity", "流域水质年度报告"),
        ("registrations", "水质指数接口"),
        ("editions", "2026年授权运营目录（第二批）"),
    ] {
        let response = api
            .http
            .get(api.server.url(&format!("/feeds/{feed}.atom")))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["content-type"],
            "application/atom+xml; charset=utf-8"
        );
        let xml = response.text().await.unwrap();
        let entries = parse_atom(&xml);
        assert!(
            entries
                .iter()
                .any(|(title, link)| title == expected && link.starts_with(&api.server.base)),
            "{feed}: {entries:?}"
        );
        assert!(!xml.contains(DRAFT));
    }
}

/// What a deployment names its site, and what crawlers and browsers ask for: robots.txt, a
/// sitemap of the sections and every public resource, the icon.
#[tokio::test]
async fn the_site_has_its_name_filing_robots_sitemap_and_icon() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&[
        "--demo",
        "--demo-corpus",
        "builtin",
        "--data-dir",
        data.to_str().unwrap(),
        "--site-name",
        "测试省公共数据授权运营目录",
        "--icp-filing",
        "蜀ICP备00000000号-1",
    ]);
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", server.base)).send();

    let home = get("/").await.unwrap().text().await.unwrap();
    assert!(
        home.contains("<title>首页 · 测试省公共数据授权运营目录</title>"),
        "{home}"
    );
    assert!(
        home.contains("蜀ICP备00000000号-1"),
        "the filing in the footer"
    );
    assert!(
        home.contains("href=\"https://beian.miit.gov.cn/\""),
        "linked to the MIIT system"
    );

    let robots = get("/robots.txt").await.unwrap().text().await.unwrap();
    assert!(robots.contains("Disallow: /workbench"), "{robots}");
    assert!(
        robots.contains(&format!("Sitemap: {}/sitemap.xml", server.base)),
        "{robots}"
    );

    // The demo's resources, as the public API counts them, once the index has them all.
    server.search_current().await;
    let found: Value = get("/api/v1/search/resource?limit=0")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let public = found["total"].as_u64().unwrap();
    assert!(public > 0);
    let index = get("/sitemap.xml").await.unwrap().text().await.unwrap();
    assert!(index.contains("/sitemap/sections.xml"), "{index}");
    assert!(index.contains("/sitemap/resources-0.xml"), "{index}");
    let listed = get("/sitemap/resources-0.xml")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let locs: Vec<&str> = listed
        .split("<loc>")
        .skip(1)
        .filter_map(|l| l.split("</loc>").next())
        .collect();
    assert_eq!(locs.len() as u64, public, "every public resource: {listed}");
    let first = locs[0].strip_prefix(&server.base).unwrap();
    assert!(first.starts_with("/resources/"), "{first}");
    assert_eq!(get(first).await.unwrap().status(), StatusCode::OK);
    for missing in [
        "/sitemap/resources-99.xml",
        "/sitemap/x.xml",
        "/sitemap/resources--1.xml",
    ] {
        assert_eq!(
            get(missing).await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }

    // The Chinese page in front of the API reference.
    let guide = get("/developers").await.unwrap().text().await.unwrap();
    assert!(guide.contains("<h1>开放接口</h1>"), "{guide}");
    for link in [
        "href=\"/docs/\"",
        "href=\"/api/v1/openapi.json\"",
        "/api/v1/verify/{code}",
    ] {
        assert!(guide.contains(link), "{link}");
    }
    assert!(
        home.contains("href=\"/developers\""),
        "the footer leads to it"
    );

    // The sections, but not what robots.txt keeps crawlers out of.
    let sections = get("/sitemap/sections.xml")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(sections.contains("/directory</loc>"), "{sections}");
    assert!(!sections.contains("/search</loc>"), "{sections}");

    // A page number no one reaches by following links is still only a number.
    let first = get("/search").await.unwrap().text().await.unwrap();
    let next = first
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a second page of everything")
        .replace("&amp;", "&");
    let at = next.find("page=").expect("the next link numbers its page");
    let end = next[at..].find('&').map_or(next.len(), |e| at + e);
    let huge = format!("{}page={}{}", &next[..at], u64::MAX, &next[end..]);
    let answer = get(&huge).await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK, "{huge}");
    let shown = answer.text().await.unwrap();
    assert!(shown.contains(&format!("第 {} 页", u64::MAX)), "{shown}");

    let icon = get("/favicon.ico").await.unwrap();
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
}
