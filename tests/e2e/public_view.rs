//! Rule 8, one public view per entity, walked over every public surface: a published entry's data
//! items show no sensitivity or value domain; an unpublished edit of a published entry changes
//! nothing the public sees (title, modified times, `modified_since`); an authorization in the
//! `applied` state names no applicant; `/metrics` (which counts drafts) is not anonymous.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::app::{ADMIN, OPERATOR, PROVIDER, TestApp};
use crate::server::Server;

/// Words that may appear only in internal views.
const VALUE_DOMAIN: &str = "值域甲乙丙丁";
const DRAFT_TITLE: &str = "未发布的修改稿标题";

fn content(name: &str) -> Value {
    json!({
        "name": name,
        "summary": "全市公交刷卡按日汇总",
        "grade": {"level": "一般数据", "sub_level": 2},
        "share_type": "无条件共享",
        "open_type": "无条件开放",
        "update_frequency": "每日",
        "formats": ["csv"],
        "data_items": [{
            "name": "卡号", "data_type": "字符", "value_domain": VALUE_DOMAIN,
            "sensitivity": {"level": "一般数据", "sub_level": 2}, "description": "脱敏后的卡号"
        }],
    })
}

async fn text(http: &reqwest::Client, server: &Server, path: &str) -> String {
    let r = http.get(server.url(path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.text().await.unwrap()
}

#[tokio::test]
async fn every_public_surface_shows_only_the_public_view() {
    let app = TestApp::new().with_orgs(&[ADMIN, PROVIDER, OPERATOR]);
    let d = app.dir();
    let admin_id = app.org_id(&ADMIN).to_string();
    let [admin, provider, operator] = app.tokens([&ADMIN, &PROVIDER, &OPERATOR]);
    let server = Server::start_empty(d);
    let http = reqwest::Client::new();
    let send = |method: reqwest::Method, path: String, token: &str, body: Value| {
        http.request(method, server.url(&path))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let post =
        |path: String, token: &str, body: Value| send(reqwest::Method::POST, path, token, body);

    let created: Value = post(
        "/api/v1/workspace/resources".into(),
        &provider,
        json!({"content": content("公交刷卡日汇总")}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let id = created["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_string();
    let code = created["code"].as_str().unwrap().to_string();
    for (step, who) in [
        ("submit", &provider),
        ("approve", &admin),
        ("publish", &admin),
    ] {
        let r = post(
            format!("/api/v1/workspace/resources/{id}/{step}"),
            who,
            json!({}),
        )
        .await
        .unwrap();
        assert!(r.status().is_success(), "{step}: {:?}", r.text().await);
    }
    // In the operation directory, so that an authorization may draw on it (C 6.2).
    let edition = post(
        "/api/v1/admin/directory/editions".into(),
        &admin,
        json!({"title": "运营目录", "lines": [{"resource_id": id}]}),
    )
    .await
    .unwrap();
    assert!(edition.status().is_success(), "{:?}", edition.text().await);
    let public_before: Value = http
        .get(server.url(&format!("/api/v1/resources/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ckan_before: Value = http
        .get(server.url(&format!(
            "/api/3/action/package_show?id={}",
            code.to_lowercase()
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let modified_before = ckan_before["result"]["metadata_modified"].clone();
    assert!(modified_before.is_string(), "{ckan_before}");

    // The provider saves an unpublished edit of the published entry.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let edit_time = chrono::Utc::now();
    let edited = send(
        reqwest::Method::PUT,
        format!("/api/v1/workspace/resources/{id}"),
        &provider,
        json!({"content": content(DRAFT_TITLE)}),
    )
    .await
    .unwrap();
    assert!(edited.status().is_success(), "{:?}", edited.text().await);
    // The owner still sees the internal details.
    let own: Value = http
        .get(server.url(&format!("/api/v1/workspace/resources/{id}")))
        .bearer_auth(&provider)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(own.to_string().contains(VALUE_DOMAIN) && own.to_string().contains(DRAFT_TITLE));

    // An authorization the operator applied for.
    let auth: Value = post(
        "/api/v1/admin/authorizations".into(),
        &admin,
        json!({
            "plan_name": "交通数据授权运营", "implementing_body_id": admin_id, "mode": "依场景授权",
            "operator_type": "场景", "scope_description": "交通出行", "resource_ids": [id],
            "term_start": "2026-09-01", "term_end": "2028-12-31", "platform": "省授权运营平台",
        "announcement": crate::server::announcement(),
        }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let auth_id = auth["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{auth}"))
        .to_string();
    let applied: Value = post(
        format!("/api/v1/authorizations/{auth_id}/apply"),
        &operator,
        crate::server::application(),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let operator_id = applied["applicants"][0]
        .as_str()
        .unwrap_or_else(|| panic!("{applied}"))
        .to_string();

    // Every public surface.
    let since = edit_time.format("%Y-%m-%dT%H:%M:%SZ");
    let surfaces = [
        format!("/api/v1/resources/{id}"),
        "/api/v1/resources?limit=100".to_string(),
        format!("/resources/{id}"),
        "/resources".to_string(),
        format!("/api/3/action/package_show?id={}", code.to_lowercase()),
        "/api/3/action/package_search?q=公交".to_string(),
        format!("/datasets/{id}.ttl"),
        format!("/datasets/{id}.jsonld"),
        "/catalog.ttl".to_string(),
        "/api/v1/search?q=公交".to_string(),
        "/search?q=公交".to_string(),
        "/feeds/editions.atom".to_string(),
        format!("/api/v1/authorizations/{auth_id}"),
        "/api/v1/authorizations".to_string(),
        format!("/authorizations/{auth_id}"),
        "/authorizations".to_string(),
    ];
    for path in &surfaces {
        let body = text(&http, &server, path).await;
        assert!(
            !body.contains(VALUE_DOMAIN),
            "{path} shows a value domain:\n{body}"
        );
        assert!(
            !body.contains(DRAFT_TITLE),
            "{path} shows the unpublished edit:\n{body}"
        );
        assert!(
            !body.contains(&operator_id),
            "{path} names the applicant:\n{body}"
        );
        assert!(
            !body.contains("\"sensitivity\":{"),
            "{path} shows a sensitivity:\n{body}"
        );
    }
    let public_after: Value = http
        .get(server.url(&format!("/api/v1/resources/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        public_before, public_after,
        "an unpublished edit changes nothing public"
    );
    assert_eq!(
        public_after["content"]["data_items"][0]["name"], "卡号",
        "the item itself is public"
    );
    let ckan_after: Value = http
        .get(server.url(&format!(
            "/api/3/action/package_show?id={}",
            code.to_lowercase()
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ckan_after["result"]["metadata_modified"], modified_before);
    let newer = text(
        &http,
        &server,
        &format!("/catalog.ttl?modified_since={since}"),
    )
    .await;
    assert!(
        !newer.contains(&id),
        "modified_since after the edit lists the entry:\n{newer}"
    );
    let fq = text(
        &http,
        &server,
        &format!("/api/3/action/package_search?fq=metadata_modified:[{since} TO *]"),
    )
    .await;
    assert!(fq.contains("\"count\":0"), "{fq}");

    // Metrics count drafts: not for anonymous callers.
    let metrics = http.get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), StatusCode::UNAUTHORIZED);
}
