//! Hostile and broken input gets a 4xx problem, never a 500, and changes nothing: oversize bodies,
//! deeply nested JSON, invalid UTF-8, SQL and tantivy query syntax, control characters.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::app::{ADMIN, PROVIDER, TestApp};
use crate::server::Api;

async fn audit_head(api: &Api, token: &str) -> i64 {
    let (s, body, _) = api
        .call(Method::GET, "/api/v1/audit/verify", Some(token), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    body["events"].as_i64().unwrap_or(0)
}

#[tokio::test]
async fn hostile_input_is_a_client_error_and_writes_nothing() {
    let provider_org = PROVIDER.named("市统计局");
    let app = TestApp::new().with_orgs(&[ADMIN, provider_org]);
    let [admin, provider] = app.tokens([&ADMIN, &provider_org]);
    let api = app.serve_with(&["--public-rate", "100000", "--public-burst", "100000"]);
    let before = audit_head(&api, &admin).await;
    let ws = api.server.url("/api/v1/workspace/resources");

    let mut bodies: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "invalid utf-8",
            b"{\"content\": {\"name\": \"\xff\xfe\"}}".to_vec(),
            "application/json",
        ),
        ("not json", b"<xml/>".to_vec(), "application/json"),
        (
            "wrong type",
            b"{\"content\": 5}".to_vec(),
            "application/json",
        ),
        (
            "form",
            b"content=1".to_vec(),
            "application/x-www-form-urlencoded",
        ),
        ("empty", Vec::new(), "application/json"),
    ];
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    bodies.push(("deep json", deep.into_bytes(), "application/json"));
    let deep_object = format!(
        "{{\"content\": {}1{}}}",
        "{\"a\":".repeat(5_000),
        "}".repeat(5_000)
    );
    bodies.push(("deep object", deep_object.into_bytes(), "application/json"));
    for (what, body, content_type) in bodies {
        let response = api
            .http
            .post(&ws)
            .bearer_auth(&provider)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(status.is_client_error(), "{what}: {status} {text}");
        assert!(
            text.is_empty() || text.contains("\"status\""),
            "{what}: not a problem document: {text}"
        );
    }

    // An oversize body is refused from its declared length, before it is read.
    let status = oversize_status(&api.server.base, &provider).await;
    assert_eq!(status, 413, "oversize body");

    // Injection strings are just text: stored verbatim where text is allowed, searched as words.
    let injections = [
        "'; DROP TABLE resources; --",
        "\" OR 1=1 --",
        "title:* OR visible_to:org*",
        "*:*",
        "\\u0000\u{0}\u{1b}[31m",
        "${jndi:ldap://x}",
        "<script>alert(1)</script>",
        "((((((((((",
        "\"unbalanced",
    ];
    for q in injections {
        let response = api
            .http
            .get(api.server.url("/api/v1/search"))
            .query(&[("q", q)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "search {q:?}");
        let response = api
            .http
            .get(api.server.url("/api/v1/search/suggest"))
            .query(&[("q", q)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "suggest {q:?}");
        // In path segments, ids and codes: a 4xx.
        let (s, _, _) = api
            .call(
                Method::GET,
                &format!("/api/v1/resources/{}", urlencode(q)),
                None,
                None,
            )
            .await;
        assert!(s.is_client_error(), "path {q:?}: {s}");
        // Verifying a code answers "not well-formed" rather than failing.
        let (s, body, _) = api
            .call(
                Method::GET,
                &format!("/api/v1/verify/{}", urlencode(q)),
                None,
                None,
            )
            .await;
        assert!(
            s.is_client_error() || (s == StatusCode::OK && body["well_formed"] == false),
            "query code {q:?}: {s} {body}"
        );
    }
    // An invalid query string (bad percent-encoding, invalid UTF-8) is a 400 too.
    for raw in [
        "/api/v1/search?q=%ff%fe",
        "/api/v1/search?limit=%zz",
        "/api/v1/search?q=%",
    ] {
        let response = api.http.get(api.server.url(raw)).send().await.unwrap();
        assert!(
            response.status().is_client_error() || response.status() == StatusCode::OK,
            "{raw}: {}",
            response.status()
        );
        assert_ne!(
            response.status(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "{raw}"
        );
    }

    assert_eq!(
        audit_head(&api, &admin).await,
        before,
        "bad input wrote something"
    );
    // A legitimate write with an injection string as its name is stored verbatim.
    let (s, created, _) = api
        .call(
            Method::POST,
            "/api/v1/workspace/resources",
            Some(&provider),
            Some(json!({"content": {
                "name": injections[0], "summary": injections[6], "grade": {"level": "一般数据"},
                "share_type": "无条件共享", "open_type": "无条件开放", "update_frequency": "每日",
            }})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["content"]["name"], injections[0]);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Declares a 3 MiB body and sends none of it: the answer must come from the header alone.
async fn oversize_status(base: &str, token: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST /api/v1/workspace/resources HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        3 * 1024 * 1024
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = vec![0u8; 64];
    let n = stream.read(&mut head).await.unwrap();
    let line = String::from_utf8_lossy(&head[..n]).to_string();
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}
