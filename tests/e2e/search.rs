//! Search over HTTP against the real binary: drafts stay private, publication makes an entry
//! findable within a second, short and pinyin queries work, and after kill -9 a restarted server's
//! index catches up with writes made while it was down.

use std::time::{Duration, Instant};

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::app::{ADMIN, Org, PROVIDER, TestApp};
use crate::server::{Api, Server, mulu};

/// The provider of these tests; its name is searched for.
const STATS: Org = PROVIDER.named("市统计局");

fn setup() -> (TestApp, String, String) {
    let app = TestApp::new().with_orgs(&[ADMIN, STATS]);
    let [admin, provider] = app.tokens([&ADMIN, &STATS]);
    (app, admin, provider)
}

fn query(q: &str) -> String {
    let mut url = reqwest::Url::parse("http://x/api/v1/search").unwrap();
    url.query_pairs_mut()
        .append_pair("q", q)
        .append_pair("limit", "20");
    format!("{}?{}", url.path(), url.query().unwrap())
}

async fn titles(api: &Api, q: &str, token: Option<&str>) -> Vec<String> {
    let (s, body, _) = api.call(Method::GET, &query(q), token, None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_owned())
        .collect()
}

/// How long a loaded test machine may take to make a write searchable. The 1 s target itself is
/// measured by the bench on an idle machine; the suite runs many servers at once on two cores.
const SEARCHABLE_WINDOW: Duration = Duration::from_secs(5);

/// Polls until `title` is among the hits, failing after `within`.
async fn await_found(api: &Api, q: &str, token: Option<&str>, title: &str, within: Duration) {
    let start = Instant::now();
    loop {
        if titles(api, q, token).await.iter().any(|t| t == title) {
            return;
        }
        assert!(
            start.elapsed() < within,
            "{title} not found by {q:?} within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn content(name: &str) -> Value {
    json!({
        "name": name,
        "summary": format!("{name}，按月更新"),
        "grade": {"level": "一般数据"},
        "share_type": "无条件共享",
        "open_type": "无条件开放",
        "update_frequency": "每月",
        "formats": ["csv"],
    })
}

#[tokio::test]
async fn drafts_stay_private_and_publication_is_searchable_within_a_second() {
    let (app, admin, provider) = setup();
    let api = app.serve();
    let title = "犀牛湾湿地候鸟迁徙观测记录";
    let (s, created, _) = api
        .call(
            Method::POST,
            "/api/v1/workspace/resources",
            Some(&provider),
            Some(json!({"content": content(title)})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();

    // The owner finds its draft; nobody else does, by title, words or pinyin.
    await_found(&api, title, Some(&provider), title, SEARCHABLE_WINDOW).await;
    for q in [title, "犀牛湾", "候鸟迁徙", "xiniuwan", "xnwsd"] {
        assert!(
            titles(&api, q, None).await.is_empty(),
            "{q} leaked the draft"
        );
        assert!(
            titles(&api, q, Some(&admin)).await.is_empty(),
            "{q}: another organization sees the draft"
        );
    }
    let (s, suggestions, _) = api
        .call(
            Method::GET,
            "/api/v1/search/suggest?q=%E7%8A%80%E7%89%9B",
            None,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(suggestions, json!([]), "suggestions leak the draft");

    for (step, token) in [
        ("submit", &provider),
        ("approve", &admin),
        ("publish", &admin),
    ] {
        let (s, body, _) = api
            .call(
                Method::POST,
                &format!("/api/v1/workspace/resources/{id}/{step}"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{step}: {body}");
    }
    let published = Instant::now();
    await_found(&api, "候鸟迁徙", None, title, SEARCHABLE_WINDOW).await;
    println!(
        "published → anonymously searchable in {:?}",
        published.elapsed()
    );
    await_found(&api, "xnwsd", None, title, SEARCHABLE_WINDOW).await;

    // Per-type search and facets see it too; a bad parameter is a 400 problem, never a 500.
    let (s, body, _) = api
        .call(
            Method::GET,
            "/api/v1/search/resource?q=%E5%80%99%E9%B8%9F&facets=true",
            None,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["hits"][0]["title"], title);
    assert_eq!(body["facets"]["provider"][0]["value"], "市统计局");
    for bad in [
        "/api/v1/search?limit=101",
        "/api/v1/search?kind=secret",
        "/api/v1/search?cursor=zzz",
        "/api/v1/search?sort=random",
        "/api/v1/search/unknown_kind",
    ] {
        let (s, body, _) = api.call(Method::GET, bad, None, None).await;
        assert!(s.is_client_error(), "{bad}: {s} {body}");
    }
}

#[tokio::test]
async fn short_and_pinyin_queries_over_the_demo_data() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api {
        http: Client::new(),
        server: Server::start_demo(dir.path()),
    };
    // The demo index is built in the background right after start.
    api.server.search_current().await;
    await_found(
        &api,
        "公交",
        None,
        "公交线路及站点信息",
        Duration::from_secs(10),
    )
    .await;
    for (q, expected) in [
        ("药", "药品零售企业名录"),
        ("登记", "不动产登记业务办理量"),
        ("bdcdj", "不动产登记业务办理量"),
        // Traditional characters, as typed in Hong Kong, Macao and Taiwan.
        ("不動產登記", "不动产登记业务办理量"),
        ("藥品", "药品零售企业名录"),
        ("gongjijin", "住房公积金缴存统计"),
        ("空气 质量", "空气质量监测小时数据"),
    ] {
        let found = titles(&api, q, None).await;
        assert!(found.iter().any(|t| t == expected), "{q}: {found:?}");
    }

    // A place finds what is about it though the title does not name it (the exchange is in
    // Chengdu), typed in characters or pinyin, and is offered as a region filter.
    let exchange = "演示数据交易所（演示）";
    for q in ["成都 交易所", "成都交易所", "chengdu jiaoyisuo"] {
        let found = titles(&api, q, None).await;
        assert!(found.iter().any(|t| t == exchange), "{q}: {found:?}");
    }
    let (_, answer, _) = api
        .call(Method::GET, &query("成都 交易所"), None, None)
        .await;
    assert_eq!(answer["places"][0]["region"], "510100", "{answer}");
    assert_eq!(answer["places"][0]["name"], "四川省成都市", "{answer}");
    let filtered = format!("{}&region=510100", query("成都 交易所"));
    let (_, answer, _) = api.call(Method::GET, &filtered, None, None).await;
    assert_eq!(answer["places"], serde_json::json!([]), "{answer}");
    assert!(answer["total"].as_u64().unwrap() >= 1, "{answer}");

    // Organizations by what they are, in the words people use (数源单位), not the API's codes.
    let (_, answer, _) = api
        .call(
            Method::GET,
            &format!("{}&kind=organization", query("数源单位")),
            None,
            None,
        )
        .await;
    assert!(answer["total"].as_u64().unwrap() >= 1, "{answer}");

    // A homophone typed for a word (an input-method slip) still finds it, and says how it reads.
    let (_, answer, _) = api
        .call(Method::GET, &query("不洞产登记"), None, None)
        .await;
    assert_eq!(answer["by_sound"], true, "{answer}");
    assert_eq!(answer["did_you_mean"], "不动产登记", "{answer}");
    assert!(
        answer["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["title"] == "不动产登记业务办理量"),
        "{answer}"
    );
}

#[tokio::test]
async fn after_kill_9_the_index_catches_up_with_writes_made_while_down() {
    let (app, _, _) = setup();
    let dir = app.dir();
    let http = Client::new();
    {
        let api = Api {
            http: http.clone(),
            server: Server::start_empty(dir),
        };
        await_found(&api, "统计局", None, "市统计局", Duration::from_secs(2)).await;
        // Dropping the server kills it with SIGKILL.
    }
    // Written straight to the database while no server runs.
    mulu(
        dir,
        &[
            "org",
            "create",
            "--uscc",
            "12510500000000003H",
            "--name",
            "市气象台",
            "--region",
            "510500",
            "--kind",
            "provider",
        ],
    );
    let api = Api {
        http,
        server: Server::start_empty(dir),
    };
    await_found(&api, "气象台", None, "市气象台", Duration::from_secs(2)).await;
    // The old entries survived the kill: the index was reopened, not rebuilt empty.
    await_found(&api, "统计局", None, "市统计局", SEARCHABLE_WINDOW).await;

    // `mulu reindex` rebuilds from the database (the server must not hold the index meanwhile).
    drop(api);
    let out = mulu(dir, &["reindex"]);
    assert!(out.contains("已重建搜索索引"), "{out}");
}

/// One limit for what a search box takes (200 characters), refused alike by the API, its
/// suggestions, CKAN and the portal, with the same message; 200 characters pass everywhere.
#[tokio::test]
async fn a_query_longer_than_a_search_box_is_refused_alike_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api {
        http: Client::new(),
        server: Server::start_demo(dir.path()),
    };
    let get = |path: String| {
        let http = api.http.clone();
        let url = api.server.url(&path);
        async move {
            let response = http.get(url).send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    let fits = "数".repeat(200);
    let over = "数".repeat(201);
    for q in [&fits, &over] {
        let too_long = q == &over;
        let (status, body) = get(format!("/api/v1/search?q={q}")).await;
        assert_eq!(status.is_client_error(), too_long, "{status} {body}");
        let (status, body) = get(format!("/api/v1/search/suggest?q={q}")).await;
        assert_eq!(status.is_client_error(), too_long, "{status} {body}");
        if too_long {
            let problem: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(problem["field"], "q", "{problem}");
            assert!(body.contains("查询词最长 200 个字符"), "{body}");
        }
        let (_, body) = get(format!("/api/3/action/package_search?q={q}")).await;
        let ckan: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(ckan["success"], !too_long, "{ckan}");
        let (status, page) = get(format!("/search?q={q}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page.contains("查询词最长 200 个字符"), too_long);
    }
}

#[tokio::test]
async fn a_code_typed_into_the_box_goes_straight_to_its_entry() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api {
        http: Client::new(),
        server: Server::start_demo(dir.path()),
    };
    let base = &api.server.base;
    let get = |path: String| {
        let http = &api.http;
        async move {
            let response = http.get(format!("{base}{path}")).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            response.json::<Value>().await.unwrap()
        }
    };
    let resource = &get("/api/v1/resources?limit=1".into()).await["items"][0];
    let (id, code, name) = (
        resource["id"].as_str().unwrap().to_owned(),
        resource["code"].as_str().unwrap().to_owned(),
        resource["content"]["name"].as_str().unwrap().to_owned(),
    );
    await_found(&api, &name, None, &name, Duration::from_secs(10)).await;

    // Any case, with or without separators, full-width: the resource, marked as an exact match.
    let full_width: String = code
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    for form in [
        code.clone(),
        code.to_lowercase(),
        code.replace('-', ""),
        format!(" {} ", code.replace('-', " ")),
        full_width,
    ] {
        let found = get(query(&form)).await;
        assert_eq!(found["exact_code"], true, "{form}: {found}");
        assert_eq!(
            found["hits"][0]["url"],
            format!("/resources/{id}"),
            "{form}"
        );
    }

    // The portal opens the entry a code names.
    let no_redirects = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let location = |q: String| {
        let no_redirects = &no_redirects;
        async move {
            let response = no_redirects
                .get(format!("{base}/search?{}", q_param(&q)))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{q}");
            response.headers()["location"].to_str().unwrap().to_owned()
        }
    };
    assert_eq!(
        location(code.to_lowercase()).await,
        format!("/resources/{id}")
    );
    let orgs = get("/api/v1/organizations?limit=1".into()).await;
    let uscc = orgs["items"][0]["uscc"].as_str().unwrap().to_owned();
    assert_eq!(
        location(uscc.clone()).await,
        format!("/organizations/{uscc}")
    );
    let products = get("/api/v1/products?limit=1".into()).await;
    let registration = &products["items"][0]["registration"];
    let query_code = registration["query_code"].as_str().unwrap();
    assert_eq!(
        location(query_code.to_lowercase()).await,
        format!("/registrations/{}", registration["id"].as_str().unwrap())
    );

    // A code nothing carries is searched as words; words are never taken for a code.
    let unknown = get(query("999999-99999999-X")).await;
    assert_eq!(unknown["exact_code"], false);
    let words = get(query(&name)).await;
    assert_eq!(words["exact_code"], false);

    // A negative-list entry is named in Chinese, without the target's type tag.
    let listed = get(query("负面清单")).await;
    let titles: Vec<&str> = listed["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["title"].as_str())
        .filter(|t| t.starts_with("负面清单："))
        .collect();
    assert!(!titles.is_empty(), "{listed}");
    for title in titles {
        assert!(
            !title.contains("resource") && !title.contains("category"),
            "{title}"
        );
    }
}

/// `q=…`, encoded.
fn q_param(q: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", &[("q", q)])
        .unwrap()
        .query()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_deployment_replaces_the_synonym_table_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("synonyms.txt");
    std::fs::write(&table, "# 本地写法\n巴士 公交\n").unwrap();
    let api = demo_with(dir.path(), "--synonyms", &table);
    let bus = "公交线路及站点信息";
    await_found(&api, "巴士", None, bus, Duration::from_secs(10)).await;
    // The shipped table is replaced, not added to.
    assert!(
        !titles(&api, "社会保险", None)
            .await
            .iter()
            .any(|t| t.contains("社保"))
    );

    // An edit is used within seconds; a broken edit leaves the table in use.
    std::fs::write(&table, "大巴 公交\n").unwrap();
    await_found(&api, "大巴", None, bus, Duration::from_secs(15)).await;
    assert!(!titles(&api, "巴士", None).await.iter().any(|t| t == bus));
    std::fs::write(&table, "只有一种写法\n").unwrap();
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert!(titles(&api, "大巴", None).await.iter().any(|t| t == bus));

    // A broken table stops the start, saying where.
    let stderr = refused_start(dir.path(), "--synonyms", &table);
    assert!(stderr.contains("第 1 行"), "{stderr}");
}

#[tokio::test]
async fn a_deployment_adds_its_own_words_to_the_segmenter() {
    let dir = tempfile::tempdir().unwrap();
    let places = |answer: &serde_json::Value| answer["places"].as_array().unwrap().len();
    // Without the deployment's words, 成都高新 is the city and a word: the city is offered.
    let plain = Api {
        http: Client::new(),
        server: Server::start_demo(&dir.path().join("plain")),
    };
    let (_, answer, _) = plain
        .call(Method::GET, &query("成都高新"), None, None)
        .await;
    assert_eq!(places(&answer), 1, "{answer}");

    // With 成都高新 as one of its words it is one name, not the city and a word.
    let words = dir.path().join("words.txt");
    std::fs::write(&words, "# 本地地名\n成都高新\n").unwrap();
    let own = demo_with(dir.path(), "--words", &words);
    let (_, answer, _) = own.call(Method::GET, &query("成都高新"), None, None).await;
    assert_eq!(places(&answer), 0, "{answer}");

    // A file that cannot be read stops the start, saying which.
    let stderr = refused_start(dir.path(), "--words", &dir.path().join("missing.txt"));
    assert!(stderr.contains("无法读取分词词典"), "{stderr}");
}

/// The built-in demo in `dir/data`, served with `flag file` (a deployment's own table).
fn demo_with(dir: &std::path::Path, flag: &str, file: &std::path::Path) -> Api {
    let data = dir.join("data");
    Api {
        http: Client::new(),
        server: Server::start(&[
            "--demo",
            "--demo-corpus",
            "builtin",
            "--data-dir",
            data.to_str().unwrap(),
            flag,
            file.to_str().unwrap(),
        ]),
    }
}

/// `mulu serve` with `flag file` in a fresh data directory under `dir`: it must not start; its
/// error output.
fn refused_start(dir: &std::path::Path, flag: &str, file: &std::path::Path) -> String {
    let out = std::process::Command::new(crate::server::MULU)
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(dir.join("other"))
        .arg(flag)
        .arg(file)
        .output()
        .unwrap();
    assert!(!out.status.success(), "{flag} {} started", file.display());
    String::from_utf8_lossy(&out.stderr).into_owned()
}
