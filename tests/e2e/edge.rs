//! The HTTP edge: anonymous rate limits, Prometheus metrics, CORS.

use reqwest::StatusCode;

use crate::app::{ADMIN, TestApp};
use crate::server::Server;

#[tokio::test]
async fn anonymous_callers_are_rate_limited_with_a_problem_and_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let server = Server::start(&["--data-dir", d, "--public-rate", "1", "--public-burst", "5"]);
    let client = reqwest::Client::new();
    let url = server.url("/api/v1/negative-list");
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(client.get(&url).send().await.unwrap());
    }
    let ok = statuses
        .iter()
        .filter(|r| r.status() == StatusCode::OK)
        .count();
    assert!(
        (5..=6).contains(&ok),
        "burst of 5 (+1 refilled): {ok} succeeded"
    );
    let limited = statuses.pop().unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(
        limited.headers()["content-type"],
        "application/problem+json"
    );
    let body: serde_json::Value = limited.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("请求过于频繁"));

    // A token holder is not limited by the anonymous quota (a bad token still gets its 401).
    let with_token = client
        .get(&url)
        .bearer_auth("mulu_not_a_real_token")
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn metrics_count_requests_by_route_template() {
    let admin_org = ADMIN.also("auditor");
    let app = TestApp::new().with_org(admin_org);
    let admin = app.token_as(&admin_org, "system_admin");
    let auditor = app.token_as(&admin_org, "auditor");
    let data_admin = app.token(&admin_org);
    let server = app.server_with(&[]);
    let client = reqwest::Client::new();
    // Rule 8: the counts include unpublished documents; anonymous callers and other roles get none.
    let anonymous = client.get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(
        !anonymous
            .text()
            .await
            .unwrap()
            .contains("mulu_search_documents")
    );
    let other = client
        .get(server.url("/metrics"))
        .bearer_auth(&data_admin)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    let by_auditor = client
        .get(server.url("/metrics"))
        .bearer_auth(&auditor)
        .send()
        .await
        .unwrap();
    assert_eq!(by_auditor.status(), StatusCode::OK);
    for id in ["01a2057f-57a0-7790-9ed4-c2498fb87046", "not-a-uuid"] {
        client
            .get(server.url(&format!("/api/v1/resources/{id}")))
            .send()
            .await
            .unwrap();
    }
    let text = client
        .get(server.url("/metrics"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(r#"mulu_http_requests_total{method="GET",route="/api/v1/resources/{id}",status="404"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/api/v1/resources/{id}",status="400"} 1"#),
        "{text}"
    );
    assert!(text.contains("mulu_http_request_duration_seconds_bucket"));
    assert!(
        !text.contains("not-a-uuid"),
        "raw paths never become labels"
    );
}

#[tokio::test]
async fn cors_admits_only_configured_origins() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let server = Server::start(&[
        "--data-dir",
        d,
        "--cors-origin",
        "https://portal.example.gov.cn",
    ]);
    let client = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        client
            .request(reqwest::Method::OPTIONS, server.url("/api/v1/resources"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .send()
    };
    let allowed = preflight("https://portal.example.gov.cn").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://portal.example.gov.cn"
    );
    let other = preflight("https://evil.example.com").await.unwrap();
    assert!(!other.headers().contains_key("access-control-allow-origin"));
    // A browser client may read when to retry and what was created, not only versions.
    let read = client
        .get(server.url("/api/v1/resources?limit=1"))
        .header("origin", "https://portal.example.gov.cn")
        .send()
        .await
        .unwrap();
    let exposed = read.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for name in ["etag", "retry-after", "location", "link", "x-request-id"] {
        assert!(exposed.contains(name), "{name} in {exposed}");
    }
}

/// HTTP's own conventions: a 405 says which methods the address takes (problem+json for the API,
/// a page elsewhere) and keeps `Allow`; a 401 names the Bearer scheme.
#[tokio::test]
async fn refusals_say_what_the_protocol_asks() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&["--data-dir", dir.path().to_str().unwrap()]);
    let client = reqwest::Client::new();
    let wrong = client
        .delete(server.url("/api/v1/resources"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), reqwest::StatusCode::METHOD_NOT_ALLOWED);
    assert!(wrong.headers()["allow"].to_str().unwrap().contains("GET"));
    assert_eq!(wrong.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = wrong.json().await.unwrap();
    assert_eq!(problem["status"], 405);
    assert!(
        problem["detail"].as_str().unwrap().contains("Allow"),
        "{problem}"
    );
    let page = client.put(server.url("/search")).send().await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::METHOD_NOT_ALLOWED);
    assert!(page.headers().contains_key("allow"));
    assert!(page.text().await.unwrap().contains("请求方法不被允许"));
    let unauthenticated = client
        .get(server.url("/api/v1/operator/products"))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), reqwest::StatusCode::UNAUTHORIZED);
    assert_eq!(
        unauthenticated.headers()["www-authenticate"],
        "Bearer realm=\"mulu\""
    );
}

/// Issue 29's HTTP conventions, as a harvester or a browser meets them: compressed answers
/// (never for a signed-in browser: BREACH), `Link` to the next page, conditional GET with an
/// ETag on public reads, and a request id in the header and in a problem's `instance`.
#[tokio::test]
async fn answers_compress_revalidate_link_and_name_their_request() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_demo(dir.path());
    let client = reqwest::Client::new();

    // gzip, and the next page linked from the request's own address.
    let first = client
        .get(server.url("/api/v1/resources?limit=2"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["content-encoding"], "gzip");
    let link = first.headers()["link"].to_str().unwrap().to_string();
    let mut json = String::new();
    flate2::read::GzDecoder::new(&first.bytes().await.unwrap()[..])
        .read_to_string(&mut json)
        .unwrap();
    let page: serde_json::Value = serde_json::from_str(&json).unwrap();
    let next = page["next"].as_str().unwrap();
    assert_eq!(
        link,
        format!("</api/v1/resources?limit=2&after={next}>; rel=\"next\"")
    );
    let target = link.trim_start_matches('<').split('>').next().unwrap();
    let second: serde_json::Value = client
        .get(server.url(target))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(second["items"][0]["id"], page["items"][0]["id"]);
    let brotli = client
        .get(server.url("/api/v1/resources?limit=50"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(brotli.headers()["content-encoding"], "br");
    // Search pages link with their cursor (once the index has caught up with the demo data).
    server.search_current().await;
    let search = client
        .get(server.url("/api/v1/search?q=%E6%95%B0%E6%8D%AE&limit=1"))
        .send()
        .await
        .unwrap();
    let search_link = search.headers().get("link").cloned();
    let search_link = search_link.expect("a search page with more behind it links the next");
    assert!(
        search_link.to_str().unwrap().contains("&cursor="),
        "{search_link:?}"
    );

    // Conditional GET: the ETag of a public record, then 304 without a body.
    let id = page["items"][0]["id"].as_str().unwrap();
    let record = client
        .get(server.url(&format!("/api/v1/resources/{id}")))
        .send()
        .await
        .unwrap();
    let etag = record.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with("W/\""), "{etag}");
    let again = client
        .get(server.url(&format!("/api/v1/resources/{id}")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());
    let changed = client
        .get(server.url(&format!("/api/v1/resources/{id}")))
        .header("if-none-match", "W/\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);

    // A signed-in browser's pages, and sign-in itself, are never compressed.
    for (path, cookie) in [("/", Some("mulu_session=anything")), ("/signin", None)] {
        let mut request = client
            .get(server.url(path))
            .header("accept-encoding", "gzip, br");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let page = request.send().await.unwrap();
        assert!(
            !page.headers().contains_key("content-encoding"),
            "{path} was compressed"
        );
    }
    let public_page = client
        .get(server.url("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(public_page.headers()["content-encoding"], "gzip");

    // The request id: made when absent, kept when the proxy sends one, quoted by a problem.
    let problem = client
        .get(server.url("/api/v1/resources/not-an-id"))
        .send()
        .await
        .unwrap();
    let id = problem.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    let body: serde_json::Value = problem.json().await.unwrap();
    assert_eq!(body["instance"], format!("urn:uuid:{id}"));
    let mine = "0b7e1c52-5a8e-4c43-9d8e-2f1f5f0c9a11";
    let kept = client
        .get(server.url("/api/v1/resources/not-an-id"))
        .header("x-request-id", mine)
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], mine);
    let body: serde_json::Value = kept.json().await.unwrap();
    assert_eq!(body["instance"], format!("urn:uuid:{mine}"));
}
