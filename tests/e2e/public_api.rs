//! The public read API over HTTP: published data only, problem+json for bad input.

use serde_json::Value;

use crate::server::Server;

async fn get(server: &Server, path: &str) -> (u16, Option<String>, Value) {
    let response = reqwest::get(server.url(path)).await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    let body = response.json().await.unwrap_or(Value::Null);
    (status, content_type, body)
}

#[tokio::test]
async fn demo_server_serves_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    check_demo_directory(&Server::start_demo(dir.path())).await;
}

/// `--database-url postgres://…` selects PostgreSQL; the same demo serves the same answers.
#[tokio::test]
async fn demo_server_runs_on_postgresql() {
    let Ok(url) = std::env::var("MULU_TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set MULU_TEST_DATABASE_URL"
        );
        eprintln!("MULU_TEST_DATABASE_URL not set: skipping");
        return;
    };
    let schema = format!("e2e_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .unwrap();
    let separator = if url.contains('?') { '&' } else { '?' };
    let server =
        Server::start_demo_on(&format!("{url}{separator}options=-csearch_path%3D{schema}"));
    check_demo_directory(&server).await;
    let stored: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM {schema}.resources"
    )))
    .fetch_one(&admin)
    .await
    .unwrap();
    assert_eq!(stored, 12, "the data went to PostgreSQL");
}

async fn check_demo_directory(server: &Server) {
    assert_eq!(
        reqwest::get(server.url("/healthz"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
    let (status, _, ready) = get(server, "/readyz").await;
    assert_eq!(status, 200);
    assert!(
        ready.get("resources").is_none(),
        "no count of entries in every state: {ready}"
    );
    server.search_current().await;

    let (status, _, page) = get(server, "/api/v1/resources?limit=5").await;
    assert_eq!(status, 200);
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    let cursor = page["next"].as_str().expect("a next cursor");
    let (_, _, rest) = get(
        server,
        &format!("/api/v1/resources?limit=500&after={cursor}"),
    )
    .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 7);
    assert!(rest["next"].is_null());
    let first = &page["items"][0];
    let (status, _, one) = get(
        server,
        &format!("/api/v1/resources/{}", first["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(one["code"], first["code"]);

    let (_, _, editions) = get(server, "/api/v1/directory/editions").await;
    assert_eq!(editions.as_array().unwrap().len(), 2);
    let (status, _, diff) = get(server, "/api/v1/directory/diff?from=1&to=2").await;
    assert_eq!(status, 200);
    assert!(diff["added"].is_array() && diff["removed"].is_array());
    let (_, _, negative) = get(server, "/api/v1/negative-list").await;
    assert_eq!(negative.as_array().unwrap().len(), 1);
    let (_, _, auths) = get(server, "/api/v1/authorizations").await;
    assert_eq!(auths["items"][0]["status"], "active");
    // The worked registration: one product under that authorization, registered by start-up.
    let (_, _, products) = get(server, "/api/v1/products").await;
    let products = products["items"].as_array().unwrap();
    assert_eq!(products.len(), 1, "{products:?}");
    assert_eq!(products[0]["name"], "区域经济运行分析报告（演示）");
    assert_eq!(products[0]["status"], "registered");
    assert_eq!(products[0]["authorization_id"], auths["items"][0]["id"]);
    let (_, _, orgs) = get(server, "/api/v1/organizations?limit=500").await;
    assert!(
        orgs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["contact"].is_null())
    );
}

#[tokio::test]
async fn bad_input_gets_problem_json_with_a_field() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_demo(dir.path());
    for (path, status, field) in [
        ("/api/v1/resources/not-a-uuid", 400, Some("path.id")),
        ("/api/v1/resources?limit=0", 400, Some("limit")),
        ("/api/v1/resources?limit=abc", 400, Some("query")),
        ("/api/v1/directory/editions/99", 404, None),
        ("/api/v1/no-such-endpoint", 404, None),
        (
            "/api/v1/resources/01a2057f-57a0-7790-9ed4-c2498fb87046",
            404,
            None,
        ),
        ("/api/v1/directory/diff?from=1", 400, Some("query")),
    ] {
        let (got, content_type, body) = get(&server, path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(
            content_type.as_deref(),
            Some("application/problem+json"),
            "{path}"
        );
        assert!(
            body["type"].as_str().unwrap().starts_with("https://"),
            "{path}"
        );
        assert!(!body["detail"].as_str().unwrap().is_empty(), "{path}");
        assert_eq!(body["field"].as_str(), field, "{path}");
    }
}
