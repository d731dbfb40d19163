//! The served OpenAPI document and the offline Swagger UI.

use crate::server::Server;

#[tokio::test]
async fn served_document_is_the_committed_one_and_docs_load_nothing_from_outside() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_empty(dir.path());
    let client = reqwest::Client::new();

    let served: serde_json::Value = client
        .get(format!("{}/api/v1/openapi.json", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let committed: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/openapi.json"
    )))
    .unwrap();
    assert_eq!(
        served, committed,
        "served document differs from openapi/openapi.json"
    );
    assert_eq!(served["openapi"], "3.1.0");

    let page = client
        .get(format!("{}/docs/", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "Swagger UI page: {html}");
    // Government networks are offline: every script and stylesheet is served by Mulu itself.
    for attr in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "//cdn",
        "unpkg",
        "jsdelivr",
    ] {
        assert!(
            !html.contains(attr),
            "docs page references an outside resource ({attr})"
        );
    }
    let init = client
        .get(format!("{}/docs/swagger-initializer.js", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(init.status(), 200);
    let init = init.text().await.unwrap();
    assert!(init.contains("/api/v1/openapi.json"), "{init}");
    let bundle = client
        .get(format!("{}/docs/swagger-ui-bundle.js", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(bundle.status(), 200, "the Swagger UI bundle is vendored");
}
