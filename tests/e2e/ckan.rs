//! The read-only CKAN Action API on the real server: CKAN's envelope and error `__type`s, paging
//! that reads the catalog completely (start/rows/sort id asc), `fq` on metadata_modified and
//! organization, sorts, facets — and drafts never appear. Text search, facets, `fq` on tags,
//! groups and res_format and the name order come from the search index: a walk with `q` reads
//! every match once and `count` is their number; facet counts are the package dictionaries'.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::app::{ADMIN, Org, PROVIDER, TestApp};
use crate::server::{Api, Server};

/// The provider whose CKAN organization the tests read.
const STATS: Org = PROVIDER.named("市统计局");
const PROVIDER_USCC: &str = STATS.uscc;
/// Words only unpublished content carries; no public output may contain them.
pub const DRAFT_MARKER: &str = "草稿标记犀牛湾";
pub const EDIT_MARKER: &str = "未发布修改标记";

/// A server with published resources, one draft, one approved-but-unpublished entry and one
/// published entry whose newer version is still a draft.
pub struct Fixture {
    pub api: Api,
    pub published: Vec<String>,
    pub draft: String,
    pub approved: String,
    _app: TestApp,
}

fn content(name: &str, tags: &[&str]) -> Value {
    json!({
        "name": name,
        "summary": format!("{name}，按月更新的统计数据"),
        "grade": {"level": "一般数据"},
        "share_type": "无条件共享",
        "open_type": "无条件开放",
        "update_frequency": "每月",
        "domain": "S",
        "formats": ["csv", "xlsx"],
        "tags": tags,
        "coverage_time": "2019年至今",
    })
}

async fn ok(api: &Api, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let (s, body, _) = api.call(method, path, Some(token), body).await;
    assert!(s.is_success(), "{path}: {s} {body}");
    body
}

pub async fn fixture() -> Fixture {
    let app = TestApp::new().with_orgs(&[ADMIN, STATS]);
    let [admin, provider] = app.tokens([&ADMIN, &STATS]);
    let api = app.serve();
    let create = |name: String, tags: Vec<&'static str>| {
        let api = &api;
        let provider = provider.clone();
        async move {
            let body = json!({ "content": content(&name, &tags) });
            ok(
                api,
                Method::POST,
                "/api/v1/workspace/resources",
                &provider,
                Some(body),
            )
            .await["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let mut published = Vec::new();
    for i in 0..7 {
        let tags = if i % 2 == 0 {
            vec!["人口", "统计"]
        } else {
            vec!["统计"]
        };
        let id = create(format!("第{i}号人口统计年报"), tags).await;
        for (step, token) in [
            ("submit", &provider),
            ("approve", &admin),
            ("publish", &admin),
        ] {
            let path = format!("/api/v1/workspace/resources/{id}/{step}");
            ok(&api, Method::POST, &path, token, None).await;
        }
        published.push(id);
    }
    let draft = create(format!("{DRAFT_MARKER}资源"), vec!["统计"]).await;
    let approved = create(format!("{DRAFT_MARKER}已审核"), vec!["统计"]).await;
    for (step, token) in [("submit", &provider), ("approve", &admin)] {
        let path = format!("/api/v1/workspace/resources/{approved}/{step}");
        ok(&api, Method::POST, &path, token, None).await;
    }
    // A published entry edited again: the edit is a new, unpublished version.
    let edited = &published[0];
    let body = json!({ "content": content(&format!("{EDIT_MARKER}年报"), &["统计"]) });
    ok(
        &api,
        Method::PUT,
        &format!("/api/v1/workspace/resources/{edited}"),
        &provider,
        Some(body),
    )
    .await;
    Fixture {
        api,
        published,
        draft,
        approved,
        _app: app,
    }
}

/// GET an action with query parameters; status and body.
async fn get(api: &Api, action: &str, query: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = api
        .http
        .get(api.server.url(&format!("/api/3/action/{action}")))
        .query(query)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// POST a JSON body to `/api/action/{action}` (what ckanapi does).
async fn post(api: &Api, action: &str, body: Value) -> (StatusCode, Value) {
    let response = api
        .http
        .post(api.server.url(&format!("/api/action/{action}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn result(api: &Api, action: &str, query: &[(&str, &str)]) -> Value {
    let (s, body) = get(api, action, query).await;
    assert_eq!(s, StatusCode::OK, "{action} {query:?}: {body}");
    assert_eq!(body["success"], true);
    assert!(body["help"].as_str().unwrap().contains("help_show"));
    body["result"].clone()
}

#[tokio::test]
async fn envelope_errors_and_names() {
    let f = fixture().await;
    let api = &f.api;
    let status = result(api, "status_show", &[]).await;
    assert!(status["ckan_version"].as_str().unwrap().starts_with("2."));

    // Unknown action: 400 with CKAN's bare message.
    let (s, body) = get(api, "package_delete", &[]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        body.as_str().unwrap().contains("Action name not known"),
        "{body}"
    );
    // Missing package: 404 Not Found Error.
    let (s, body) = get(api, "package_show", &[("id", "no-such-package")]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["__type"], "Not Found Error");
    // Bad parameters: 409 Validation Error naming the field.
    for (query, field) in [
        (vec![("fq", "license_id:cc-by")], "fq"),
        (vec![("fq", "tags:统计 OR tags:人口")], "fq"),
        // Text with nothing to search for is what Solr cannot parse: not "everything".
        (vec![("q", "\"")], "q"),
        (vec![("q", "“")], "q"),
        (vec![("rows", "-1")], "rows"),
        (vec![("start", "x")], "start"),
        (vec![("sort", "title_string asc")], "sort"),
        (vec![("fq", "metadata_modified:[yesterday TO *]")], "fq"),
    ] {
        let (s, body) = get(api, "package_search", &query).await;
        assert_eq!(s, StatusCode::CONFLICT, "{query:?}: {body}");
        assert_eq!(body["error"]["__type"], "Validation Error");
        assert!(body["error"][field].is_array(), "{body}");
    }
    let (s, body) = get(api, "package_show", &[]).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    // An unreadable JSON body is a 400, never a 500.
    let response = api
        .http
        .post(api.server.url("/api/3/action/package_search"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // Unknown parameters are ignored; POST JSON and GET agree; rows above 1000 are capped.
    let (s, posted) = post(api, "package_list", json!({"frobnicate": true})).await;
    assert_eq!(s, StatusCode::OK, "{posted}");
    let names: Vec<String> = serde_json::from_value(posted["result"].clone()).unwrap();
    assert_eq!(names.len(), f.published.len());
    assert_eq!(
        result(api, "package_list", &[("whatever", "1")]).await,
        posted["result"]
    );
    let capped = result(api, "package_search", &[("rows", "5000")]).await;
    assert_eq!(capped["count"], f.published.len());
    for name in &names {
        assert!(
            (2..=100).contains(&name.len())
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'),
            "{name}"
        );
        // package_show by name and by id give the same dictionary.
        let by_name = result(api, "package_show", &[("id", name)]).await;
        let by_id = result(
            api,
            "package_show",
            &[("id", by_name["id"].as_str().unwrap())],
        )
        .await;
        assert_eq!(by_name, by_id);
        assert_eq!(by_name["name"], *name);
        assert_eq!(
            by_name["organization"]["name"],
            PROVIDER_USCC.to_lowercase()
        );
        assert!(
            by_name["resources"].as_array().unwrap().len() == 2,
            "{by_name}"
        );
    }
    let orgs = result(api, "organization_list", &[]).await;
    assert!(
        orgs.as_array()
            .unwrap()
            .contains(&json!(PROVIDER_USCC.to_lowercase()))
    );
    let org = result(
        api,
        "organization_show",
        &[("id", &PROVIDER_USCC.to_lowercase())],
    )
    .await;
    assert_eq!(org["title"], "市统计局");
    let groups = result(api, "group_list", &[]).await;
    assert_eq!(groups.as_array().unwrap().len(), 20);
}

/// Every package via start/rows with `extra` parameters; checks no page repeats an id.
async fn walk(api: &Api, rows: usize, extra: &[(&str, &str)]) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        let start = out.len().to_string();
        let rows_text = rows.to_string();
        let mut query = vec![("start", start.as_str()), ("rows", rows_text.as_str())];
        query.extend_from_slice(extra);
        let page = result(api, "package_search", &query).await;
        let results = page["results"].as_array().unwrap().clone();
        let count = page["count"].as_u64().unwrap() as usize;
        out.extend(results.iter().cloned());
        if results.is_empty() || out.len() >= count {
            assert_eq!(out.len(), count, "walk read {} of {count}", out.len());
            return out;
        }
    }
}

fn ids(packages: &[Value]) -> Vec<String> {
    packages
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn paging_sorts_filters_and_facets_read_the_public_catalog_only() {
    let f = fixture().await;
    let api = &f.api;

    // Harvester walk: sort id asc, pages of 2, complete and in order.
    let walked = walk(api, 2, &[("sort", "id asc"), ("q", "*:*")]).await;
    let walked_ids = ids(&walked);
    let mut expected = f.published.clone();
    expected.sort();
    assert_eq!(walked_ids, expected);
    // Search results are complete package dictionaries, identical to package_show's.
    let shown = result(api, "package_show", &[("id", &walked_ids[3])]).await;
    assert_eq!(walked[3], shown);

    // metadata_modified desc is newest first.
    let newest = walk(api, 3, &[("sort", "metadata_modified desc")]).await;
    let times: Vec<&str> = newest
        .iter()
        .map(|p| p["metadata_modified"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    let id_desc = ids(&walk(api, 4, &[("sort", "id desc")]).await);
    assert_eq!(id_desc, expected.iter().rev().cloned().collect::<Vec<_>>());

    // Incremental: everything modified at or after the middle package's time, and nothing older.
    let mut sorted_times: Vec<&str> = times.clone();
    sorted_times.sort();
    let mid = sorted_times[sorted_times.len() / 2];
    let fq = format!(
        "metadata_modified:[{mid}Z TO *] AND organization:{}",
        PROVIDER_USCC.to_lowercase()
    );
    let since = walk(api, 2, &[("fq", fq.as_str()), ("sort", "id asc")]).await;
    let want = sorted_times.iter().filter(|t| **t >= mid).count();
    assert_eq!(since.len(), want);
    assert!(
        since
            .iter()
            .all(|p| p["metadata_modified"].as_str().unwrap() >= mid)
    );
    let later = result(
        api,
        "package_search",
        &[("fq", "metadata_modified:[2999-01-01T00:00:00Z TO *]")],
    )
    .await;
    assert_eq!(later["count"], 0);
    let other_org = result(
        api,
        "package_search",
        &[("fq", "organization:11510000000000001l")],
    )
    .await;
    assert_eq!(other_org["count"], 0);
    let unknown_org = result(api, "package_search", &[("fq", "organization:nobody")]).await;
    assert_eq!(unknown_org["count"], 0);

    // Text search through the index, once it holds every change: the last entry published is
    // found first (not the entries matching most of the words).
    api.server.search_current().await;
    let found = result(api, "package_search", &[("q", "第6号人口统计年报")]).await;
    assert!(
        found["results"][0]["title"]
            .as_str()
            .is_some_and(|t| t.contains("第6号")),
        "{found}"
    );

    // Facets (from the index, caught up now): counts over the whole result, CKAN's two shapes.
    let faceted = result(
        api,
        "package_search",
        &[
            ("rows", "1"),
            (
                "facet.field",
                r#"["organization","tags","res_format","groups"]"#,
            ),
        ],
    )
    .await;
    let org = PROVIDER_USCC.to_lowercase();
    assert_eq!(faceted["facets"]["organization"][&org], 7);
    assert_eq!(faceted["facets"]["tags"]["人口"], 4);
    assert_eq!(faceted["facets"]["tags"]["统计"], 7);
    assert_eq!(faceted["facets"]["res_format"]["csv"], 7);
    assert_eq!(faceted["facets"]["groups"]["gbt4754-s"], 7);
    let items = faceted["search_facets"]["organization"]["items"]
        .as_array()
        .unwrap();
    assert_eq!(items[0]["display_name"], "市统计局");
    assert_eq!(items[0]["count"], 7);

    // Drafts, approved-but-unpublished entries and unpublished edits appear nowhere.
    let everything = serde_json::to_string(&walk(api, 100, &[]).await).unwrap();
    assert!(!everything.contains(DRAFT_MARKER) && !everything.contains(EDIT_MARKER));
    for q in [DRAFT_MARKER, EDIT_MARKER] {
        let hits = result(api, "package_search", &[("q", q)]).await;
        assert!(!hits.to_string().contains(q), "{q}: {hits}");
    }
    for id in [&f.draft, &f.approved] {
        let (s, _) = get(api, "package_show", &[("id", id)]).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{id} is not public");
    }
    let edited = result(api, "package_show", &[("id", &f.published[0])]).await;
    assert_eq!(
        edited["title"], "第0号人口统计年报",
        "the published version is shown"
    );
}

/// The same paging, filters and export over PostgreSQL (the page query is backend SQL).
#[tokio::test]
async fn paging_and_filters_on_postgresql() {
    let Some(database_url) = crate::server::fresh_database().await else {
        return;
    };
    let api = Api::over(Server::start_demo_on(&database_url));
    let names: Vec<String> =
        serde_json::from_value(result(&api, "package_list", &[]).await).unwrap();
    assert!(names.len() >= 10, "{names:?}");
    let walked = walk(&api, 4, &[("sort", "id asc")]).await;
    let mut sorted = ids(&walked);
    sorted.sort();
    assert_eq!(ids(&walked), sorted);
    assert_eq!(walked.len(), names.len());
    let mut times: Vec<&str> = walked
        .iter()
        .map(|p| p["metadata_modified"].as_str().unwrap())
        .collect();
    times.sort();
    let mid = times[times.len() / 2];
    let fq = format!("metadata_modified:[{mid}Z TO *]");
    let since = walk(
        &api,
        4,
        &[("fq", fq.as_str()), ("sort", "metadata_modified desc")],
    )
    .await;
    assert_eq!(since.len(), times.iter().filter(|t| **t >= mid).count());
    // Text search and facets: the page's entries are read by id from PostgreSQL.
    api.server.search_current().await;
    for query in [
        vec![("q", "信息")],
        vec![("q", "数据"), ("sort", "name asc")],
    ] {
        let (facets, walked) = facets_and_walk(&api, &query).await;
        assert!(!walked.is_empty(), "{query:?}");
        for field in FACET_FIELDS {
            assert_eq!(
                facet_map(&facets, field),
                dict_counts(&walked, field),
                "{field} of {query:?}"
            );
        }
    }
    let page = api
        .http
        .get(api.server.url("/catalog.ttl?page_size=1000"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("hydra:totalItems {}", names.len()))
            || page.contains(&format!("\"{}\"^^xsd:integer", names.len())),
        "{page}"
    );
}

/// A tag and a format only a draft carries.
const DRAFT_TAG: &str = "草稿专用标签";
const DRAFT_FORMAT: &str = "draftfmt";

/// Title, provider (0 or 1), tags, formats, group (GB/T 4754 section).
type Entry = (
    &'static str,
    usize,
    &'static [&'static str],
    &'static [&'static str],
    Option<&'static str>,
);

/// Two providers' published resources with varied tags, formats and groups (one without a
/// group, one without tags or formats), and a draft with a tag and format of its own.
async fn varied() -> (Api, usize, TestApp) {
    let weather = PROVIDER.named("市气象台").with_uscc("12510500000000003H");
    let app = TestApp::new().with_orgs(&[ADMIN, STATS, weather]);
    let [admin, stats, weather] = app.tokens([&ADMIN, &STATS, &weather]);
    let providers = [stats, weather];
    let api = app.serve();
    let entries: [Entry; 8] = [
        (
            "常住人口统计年报",
            0,
            &["人口", "统计"],
            &["csv", "xlsx"],
            Some("S"),
        ),
        (
            "公交线路站点信息",
            0,
            &["交通"],
            &["api", "json"],
            Some("G"),
        ),
        (
            "医疗机构基本信息",
            1,
            &["医疗", "统计"],
            &["xlsx"],
            Some("Q"),
        ),
        ("气象观测统计数据", 1, &["统计"], &["csv"], Some("N")),
        ("人口迁移情况", 1, &[], &[], Some("S")),
        (
            "出租车运营统计",
            0,
            &["交通", "统计"],
            &["csv", "api"],
            None,
        ),
        (
            "中小学校基本信息",
            0,
            &["教育"],
            &["xlsx", "csv"],
            Some("P"),
        ),
        (
            "草稿里的统计",
            0,
            &[DRAFT_TAG, "统计"],
            &[DRAFT_FORMAT],
            Some("S"),
        ),
    ];
    let published = entries.len() - 1;
    for (i, (name, provider, tags, formats, domain)) in entries.into_iter().enumerate() {
        let mut content = json!({
            "name": name,
            "summary": format!("{name}的目录"),
            "grade": {"level": "一般数据"},
            "share_type": "无条件共享",
            "open_type": "无条件开放",
            "update_frequency": "每月",
            "formats": formats,
            "tags": tags,
        });
        if let Some(domain) = domain {
            content["domain"] = json!(domain);
        }
        let token = &providers[provider];
        let created = ok(
            &api,
            Method::POST,
            "/api/v1/workspace/resources",
            token,
            Some(json!({ "content": content })),
        )
        .await;
        let id = created["id"].as_str().unwrap();
        if i == published {
            break; // the draft
        }
        for (step, token) in [("submit", token), ("approve", &admin), ("publish", &admin)] {
            let path = format!("/api/v1/workspace/resources/{id}/{step}");
            ok(&api, Method::POST, &path, token, None).await;
        }
    }
    // The index follows the change log: once it holds every change it lists every published
    // entry.
    api.server.search_current().await;
    let found = result(&api, "package_search", &[("q", "目录"), ("rows", "0")]).await;
    assert_eq!(found["count"], published, "{found}");
    (api, published, app)
}

/// Value → number of packages, for one CKAN facet field, from package dictionaries.
fn dict_counts(packages: &[Value], field: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for p in packages {
        let values: BTreeSet<String> = match field {
            "organization" => p["organization"]["name"]
                .as_str()
                .map(str::to_owned)
                .into_iter()
                .collect(),
            "tags" | "groups" => p[field]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["name"].as_str().unwrap().to_owned())
                .collect(),
            "res_format" => p["resources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["format"].as_str().unwrap().to_owned())
                .filter(|f| !f.is_empty())
                .collect(),
            _ => unreachable!(),
        };
        for v in values {
            *out.entry(v).or_default() += 1;
        }
    }
    out
}

const FACET_FIELDS: [&str; 4] = ["organization", "groups", "tags", "res_format"];

/// The facets of `query` (every value), next to the dictionaries of a full walk of it.
async fn facets_and_walk(api: &Api, query: &[(&str, &str)]) -> (Value, Vec<Value>) {
    let fields = serde_json::to_string(&FACET_FIELDS).unwrap();
    let mut faceted = query.to_vec();
    faceted.extend([
        ("facet.field", fields.as_str()),
        ("facet.limit", "-1"),
        ("rows", "0"),
    ]);
    let facets = result(api, "package_search", &faceted).await;
    let walked = walk(api, 2, query).await;
    assert_eq!(facets["count"], walked.len(), "{query:?}");
    (facets, walked)
}

fn facet_map(facets: &Value, field: &str) -> BTreeMap<String, u64> {
    facets["facets"][field]
        .as_object()
        .unwrap_or_else(|| panic!("{field}: {facets}"))
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect()
}

fn ids_of(packages: &[Value]) -> BTreeSet<String> {
    packages
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A harvester's walk of a text search by start/rows: `count` is the number of matches (not a
/// cap), every match comes exactly once, in every order; text with no words is refused.
#[tokio::test]
async fn text_search_walks_every_match_once() {
    let (api, published, _dir) = varied().await;
    let api = &api;
    let all = walk(api, 100, &[]).await;
    assert_eq!(all.len(), published);
    let has = |p: &Value, word: &str| {
        p["title"].as_str().unwrap().contains(word)
            || p["notes"].as_str().unwrap().contains(word)
            || p["tags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["name"].as_str().unwrap().contains(word))
    };
    for word in ["统计", "信息", "人口"] {
        let want: BTreeSet<String> = ids_of(
            &all.iter()
                .filter(|p| has(p, word))
                .cloned()
                .collect::<Vec<_>>(),
        );
        assert!(!want.is_empty() && want.len() < published, "{word}");
        for sort in [
            "",
            "metadata_modified desc",
            "id asc",
            "id desc",
            "score desc",
        ] {
            for rows in [1, 2, 3] {
                let walked = walk(api, rows, &[("q", word), ("sort", sort)]).await;
                let seen = ids_of(&walked);
                assert_eq!(seen.len(), walked.len(), "{word} {sort}: a match twice");
                assert_eq!(seen, want, "{word} {sort} by {rows}");
                let key = |p: &Value, k: &str| p[k].as_str().unwrap().to_owned();
                match sort {
                    "id asc" => assert!(
                        walked
                            .windows(2)
                            .all(|w| key(&w[0], "id") < key(&w[1], "id"))
                    ),
                    "id desc" => assert!(
                        walked
                            .windows(2)
                            .all(|w| key(&w[0], "id") > key(&w[1], "id"))
                    ),
                    "metadata_modified desc" => assert!(walked.windows(2).all(|w| {
                        key(&w[0], "metadata_modified") >= key(&w[1], "metadata_modified")
                    })),
                    _ => {}
                }
            }
        }
        // Past the last match: an empty page, the same count.
        let past = result(api, "package_search", &[("q", word), ("start", "1000000")]).await;
        assert_eq!(past["count"], want.len());
        assert_eq!(past["results"], json!([]));
    }
    // The best match first: the one whose title is the query.
    let best = result(api, "package_search", &[("q", "中小学校基本信息")]).await;
    assert_eq!(best["results"][0]["title"], "中小学校基本信息", "{best}");
    // `*:*` is everything; text that parses to nothing is a CKAN search error, not everything.
    let everything = result(api, "package_search", &[("q", "*:*")]).await;
    assert_eq!(everything["count"], published);
    for q in ["\"", "\"\"", "“”", "：，。"] {
        let (s, body) = get(api, "package_search", &[("q", q)]).await;
        assert_eq!(s, StatusCode::CONFLICT, "{q}: {body}");
        assert_eq!(body["success"], false);
        assert_eq!(body["error"]["__type"], "Validation Error");
        let message = body["error"]["q"][0].as_str().unwrap();
        assert!(message.starts_with("Search Query is invalid"), "{body}");
    }
    // A POSTed search (ckanapi) agrees with GET.
    let (s, posted) = post(
        api,
        "package_search",
        json!({"q": "统计", "rows": 100, "sort": "id asc"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let got = result(
        api,
        "package_search",
        &[("q", "统计"), ("rows", "100"), ("sort", "id asc")],
    )
    .await;
    assert_eq!(posted["result"], got);
}

/// Facet counts of organization, groups, tags and res_format are what the package dictionaries
/// of the same search show, with and without text and filters; drafts count nowhere.
#[tokio::test]
async fn facets_equal_the_package_dictionaries() {
    let (api, published, _dir) = varied().await;
    let api = &api;
    let org = PROVIDER_USCC.to_lowercase();
    let org_filter = format!("organization:{org}");
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("q", "统计")],
        vec![("q", "信息"), ("sort", "name asc")],
        vec![("fq", org_filter.as_str())],
        vec![("q", "统计"), ("fq", org_filter.as_str())],
        vec![("fq", "tags:统计")],
        vec![("fq", "groups:gbt4754-s res_format:xlsx")],
    ];
    for query in &cases {
        let (facets, walked) = facets_and_walk(api, query).await;
        for field in FACET_FIELDS {
            assert_eq!(
                facet_map(&facets, field),
                dict_counts(&walked, field),
                "{field} of {query:?}"
            );
            let items = facets["search_facets"][field]["items"].as_array().unwrap();
            assert_eq!(items.len(), facet_map(&facets, field).len());
        }
    }
    // Display names, and the limit on values.
    let (facets, all) = facets_and_walk(api, &[]).await;
    assert_eq!(all.len(), published);
    let orgs = facets["search_facets"]["organization"]["items"]
        .as_array()
        .unwrap();
    assert!(
        orgs.iter()
            .any(|i| i["name"] == org.as_str() && i["display_name"] == "市统计局")
    );
    let groups = facets["search_facets"]["groups"]["items"]
        .as_array()
        .unwrap();
    assert!(
        groups
            .iter()
            .any(|i| i["name"] == "gbt4754-s" && i["count"] == 2),
        "{groups:?}"
    );
    let text = facets.to_string();
    assert!(
        !text.contains(DRAFT_TAG) && !text.contains(DRAFT_FORMAT),
        "{text}"
    );
    let limited = result(
        api,
        "package_search",
        &[
            ("facet.field", r#"["tags"]"#),
            ("facet.limit", "2"),
            ("rows", "0"),
        ],
    )
    .await;
    let top = facet_map(&limited, "tags");
    assert_eq!(top.len(), 2, "{limited}");
    assert_eq!(top["统计"], 4);
}

/// `fq` on tags, groups and res_format (offered as facets) filters exactly as the dictionaries
/// say, alone, together and with text; the name order sorts by name, both ways.
#[tokio::test]
async fn facet_filters_and_the_name_order() {
    let (api, _, _dir) = varied().await;
    let api = &api;
    let all = walk(api, 100, &[]).await;
    let mut filters: Vec<(String, BTreeSet<String>)> = Vec::new();
    for (field, key) in [
        ("tags", "tags"),
        ("groups", "groups"),
        ("res_format", "res_format"),
    ] {
        for value in dict_counts(&all, key).keys() {
            let matching: Vec<Value> = all
                .iter()
                .filter(|p| dict_counts(std::slice::from_ref(p), key).contains_key(value))
                .cloned()
                .collect();
            filters.push((format!("{field}:{value}"), ids_of(&matching)));
        }
    }
    assert!(filters.len() > 10, "{filters:?}");
    for (fq, want) in &filters {
        let walked = walk(api, 2, &[("fq", fq.as_str())]).await;
        assert_eq!(ids_of(&walked), *want, "{fq}");
    }
    // Together (AND), quoted, in fq_list, with text.
    let both: BTreeSet<String> = filters
        .iter()
        .filter(|(fq, _)| fq == "tags:统计" || fq == "res_format:csv")
        .map(|(_, ids)| ids.clone())
        .reduce(|a, b| a.intersection(&b).cloned().collect())
        .unwrap();
    assert!(!both.is_empty());
    let walked = walk(api, 1, &[("fq", "tags:\"统计\" AND +res_format:csv")]).await;
    assert_eq!(ids_of(&walked), both);
    let listed = result(
        api,
        "package_search",
        &[
            ("fq_list", r#"["tags:统计","res_format:csv"]"#),
            ("rows", "100"),
        ],
    )
    .await;
    assert_eq!(ids_of(listed["results"].as_array().unwrap()), both);
    let with_text = walk(api, 1, &[("q", "人口"), ("fq", "tags:统计")]).await;
    assert_eq!(with_text.len(), 1, "{with_text:?}");
    for fq in [
        format!("tags:{DRAFT_TAG}"),
        format!("res_format:{DRAFT_FORMAT}"),
        "groups:gbt4754-z".to_owned(),
        "groups:not-a-group".to_owned(),
        "tags:统计 tags:教育".to_owned(),
    ] {
        let none = result(api, "package_search", &[("fq", fq.as_str())]).await;
        assert_eq!(none["count"], 0, "{fq}: {none}");
    }

    // The name order, with and without text.
    for query in [vec![], vec![("q", "信息")], vec![("fq", "tags:统计")]] {
        let mut names_of = Vec::new();
        for sort in ["name asc", "name desc"] {
            let mut q = query.clone();
            q.push(("sort", sort));
            let walked = walk(api, 2, &q).await;
            let names: Vec<String> = walked
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect();
            let mut sorted = names.clone();
            sorted.sort();
            if sort == "name desc" {
                sorted.reverse();
            }
            assert_eq!(names, sorted, "{query:?} {sort}");
            let page = result(api, "package_search", &q).await;
            assert_eq!(page["sort"], sort);
            names_of.push(names);
        }
        names_of[1].reverse();
        assert_eq!(names_of[0], names_of[1]);
    }
}
