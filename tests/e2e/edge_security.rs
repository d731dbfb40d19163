//! Attacks on the HTTP edge, each against the real binary: webhook targets inside the network
//! (SSRF), token guessing, and connections that are slow, crowded or cut short.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::app::{ADMIN, EXCHANGE, TestApp};
use crate::server::{Api, Server, person_token};

const SECRET: &str = "edge-security-secret-0001";

/// A loopback listener that counts every connection made to it and answers 204.
async fn counting_listener() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ =
                    tokio::time::timeout(Duration::from_millis(500), socket.read(&mut buf)).await;
                let _ = socket
                    .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    (addr, hits)
}

fn serve_demo(data: &str, allow_private: bool) -> Api {
    let mut args = vec![
        "--demo",
        "--demo-corpus",
        "builtin",
        "--data-dir",
        data,
        "--webhook-poll-ms",
        "100",
        "--webhook-retry-base-ms",
        "500",
        "--webhook-timeout-ms",
        "2000",
    ];
    if allow_private {
        args.push("--webhook-allow-private-targets");
    }
    Api {
        http: Client::new(),
        server: Server::start(&args),
    }
}

async fn deliveries(api: &Api, exchange: &str, endpoint: &str) -> Value {
    let path = format!("/api/v1/exchange/webhooks/{endpoint}/deliveries");
    let (status, log, _) = api.call(Method::GET, &path, Some(exchange), None).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    log
}

#[tokio::test]
async fn webhook_targets_inside_the_network_are_refused_at_registration_and_at_delivery() {
    let dir = tempfile::tempdir().unwrap();
    let (d, data) = (dir.path(), dir.path().to_str().unwrap());
    let (receiver, hits) = counting_listener().await;

    // Where the deployment allows private targets, an endpoint may name a loopback host.
    let open = serve_demo(data, true);
    let exchange = person_token(d, "jiaoyi", "exchange");
    let registrar = person_token(d, "dengji", "registrar");
    let hook = format!("http://localhost:{}/hook", receiver.port());
    let (status, endpoint, _) = open
        .call(
            Method::POST,
            "/api/v1/exchange/webhooks",
            Some(&exchange),
            Some(json!({"url": hook, "secret": SECRET})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{endpoint}");
    let eid = endpoint["id"].as_str().unwrap().to_string();
    drop(open);

    // By default (switch off) every spelling of an address inside the network is refused.
    let api = serve_demo(data, false);
    for url in [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://127.0.0.1:22/",
        "http://[::1]/",
        "http://0.0.0.0:8080/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://017700000001/",
        "http://127.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://172.31.255.254/",
        "http://192.168.1.1/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://100.100.100.200/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://metadata/",
        "http://localhost:9/",
        "https://localhost./",
    ] {
        let (status, problem, _) = api
            .call(
                Method::POST,
                "/api/v1/exchange/webhooks",
                Some(&exchange),
                Some(json!({"url": url, "secret": SECRET})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {problem}");
        assert_eq!(problem["field"], "url", "{url}: {problem}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("只能向公网地址推送"), "{url}: {detail}");
    }
    // Moving an endpoint there is refused the same way.
    let (status, problem, _) = api
        .call(
            Method::PUT,
            &format!("/api/v1/exchange/webhooks/{eid}"),
            Some(&exchange),
            Some(json!({"url": format!("http://[::1]:{}/hook", receiver.port())})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["field"], "url");
    // A public address is accepted (and paused at once: no delivery leaves the test machine).
    let (status, public, _) = api
        .call(
            Method::POST,
            "/api/v1/exchange/webhooks",
            Some(&exchange),
            Some(json!({"url": "https://exchange.example.cn/mulu/hook", "secret": SECRET})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{public}");
    let (status, paused, _) = api
        .call(
            Method::PUT,
            &format!(
                "/api/v1/exchange/webhooks/{}",
                public["id"].as_str().unwrap()
            ),
            Some(&exchange),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{paused}");

    // A change in the feed: the endpoint registered earlier names `localhost`, which resolves
    // to 127.0.0.1 only at delivery. The resolved address is checked and refused; nothing
    // reaches the listener, and the log has neither a status code nor a timing.
    let (_, coded, _) = api
        .call(
            Method::GET,
            "/api/v1/registrar/registrations?status=coded",
            Some(&registrar),
            None,
        )
        .await;
    let reg = coded["items"][0]["id"].as_str().unwrap().to_string();
    let (status, revoked, _) = api
        .call(
            Method::POST,
            &format!("/api/v1/registrar/registrations/{reg}/revoke"),
            Some(&registrar),
            Some(json!({"revocation": "其他违法情形", "detail": "端到端测试：撤销以产生一次推送"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    let mut log = Value::Null;
    for _ in 0..200 {
        log = deliveries(&api, &exchange, &eid).await;
        if log["items"][0]["attempts"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let attempt = &log["items"][0]["attempts"][0];
    assert!(attempt["status_code"].is_null(), "{log}");
    assert_eq!(attempt["duration_ms"], 0, "{log}");
    let error = attempt["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("指向非公网地址，只能向公网地址推送"),
        "{log}"
    );
    assert!(
        !error.contains("127.0.0.1"),
        "the address it resolved to stays private: {error}"
    );
    // Retries are refused too.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "nothing reached the loopback listener"
    );
    drop(api);

    // The same delivery does reach the listener where private targets are allowed: the refusal
    // above was the check, not a broken delivery.
    let _open = serve_demo(data, true);
    // Up to 30 s: under a full parallel test run the worker's first pass can take a while.
    for _ in 0..600 {
        if hits.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(hits.load(Ordering::SeqCst) > 0, "delivered once allowed");
}

fn from(address: &str) -> Client {
    Client::builder()
        .local_address(address.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

#[tokio::test]
async fn token_guessing_is_throttled_per_client_and_logged_and_tokens_have_their_own_limit() {
    let app = TestApp::new().with_org(EXCHANGE);
    let valid = app.token(&EXCHANGE);
    let server = app.server_with(&["--token-rate", "1", "--token-burst", "30"]);
    let url = server.url("/api/v1/negative-list");

    // 900 guesses from one address: 20 are looked at (401), the rest refused unread (429).
    let guesser = from("127.0.0.1");
    let (mut unauthorized, mut limited, mut last) = (0, 0, None);
    for i in 0..900 {
        let response = guesser
            .get(&url)
            .bearer_auth(format!("mulu_guess{i:04}x"))
            .send()
            .await
            .unwrap();
        match response.status() {
            StatusCode::UNAUTHORIZED => unauthorized += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                limited += 1;
                last = Some(response);
            }
            other => panic!("guess {i}: {other}"),
        }
    }
    assert!(
        (20..=25).contains(&unauthorized),
        "{unauthorized} guesses looked at"
    );
    assert_eq!(unauthorized + limited, 900);
    let last = last.unwrap();
    let wait: u64 = last.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");
    assert_eq!(last.headers()["content-type"], "application/problem+json");
    let problem: Value = last.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("认证失败"),
        "{problem}"
    );
    // While it is blocked, even a valid token from that address is not looked at.
    let blocked = guesser.get(&url).bearer_auth(&valid).send().await.unwrap();
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    // Anonymous requests from it go on under the anonymous limit.
    let anonymous = guesser.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::OK);

    // Another client address is not affected.
    let other = from("127.0.0.2");
    let ok = other.get(&url).bearer_auth(&valid).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let wrong = other
        .get(&url)
        .bearer_auth("mulu_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

    // Every failure is logged at warn with the address, never with the token. (The log arrives
    // through a pipe: wait for the last line.)
    let mut log = server.log_text();
    for _ in 0..100 {
        if log.contains("127.0.0.2") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        log = server.log_text();
    }
    let logged = log
        .lines()
        .filter(|l| l.contains("访问令牌认证失败"))
        .count();
    assert!(logged >= 21, "{logged} failures logged:\n{log}");
    assert!(log.contains("127.0.0.2"), "{log}");
    assert!(
        !log.contains("mulu_guess") && !log.contains("mulu_wrong"),
        "{log}"
    );
    assert!(!log.contains(&valid));

    // A valid token has a limit of its own (here 1/s, burst 30), wherever it calls from.
    let third = from("127.0.0.3");
    let started = Instant::now();
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let r = third.get(&url).bearer_auth(&valid).send().await.unwrap();
        statuses.push((r.status(), r.headers().get("retry-after").cloned()));
    }
    let refilled = started.elapsed().as_secs() as usize + 1;
    let ok = statuses
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .count();
    assert!(
        (29..=29 + refilled).contains(&ok),
        "{ok} of 40 within the token's burst"
    );
    let limited: Vec<_> = statuses
        .iter()
        .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(ok + limited.len(), 40);
    assert!(limited.iter().all(|(_, retry)| retry.is_some()));
}

/// Read one response head from a raw connection: status code and lower-cased header lines.
async fn response_head(stream: &mut TcpStream) -> (u16, Vec<String>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut byte))
            .await
            .expect("a response within 5 s")
            .unwrap();
        assert_eq!(
            n,
            1,
            "connection closed mid-head: {:?}",
            String::from_utf8_lossy(&head)
        );
        head.push(byte[0]);
    }
    let text = String::from_utf8(head).unwrap().to_ascii_lowercase();
    let mut lines = text.lines();
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    (
        status,
        lines
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// Skip a response body of `content-length` bytes.
async fn skip_body(stream: &mut TcpStream, headers: &[String]) {
    let length: usize = headers
        .iter()
        .find_map(|h| h.strip_prefix("content-length: "))
        .map_or(0, |n| n.trim().parse().unwrap());
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.unwrap();
}

/// Whether the server closes `stream` within `within` (EOF or reset).
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut rest = Vec::new();
    tokio::time::timeout(within, stream.read_to_end(&mut rest))
        .await
        .is_ok()
}

#[tokio::test]
async fn slow_idle_and_crowding_connections_are_cut_and_early_refusals_close_the_connection() {
    let auditor_org = ADMIN.with_kind("auditor");
    let app = TestApp::new().with_orgs(&[EXCHANGE, auditor_org]);
    let [exchange, auditor] = app.tokens([&EXCHANGE, &auditor_org]);
    let server = app.server_with(&[
        "--header-timeout-secs",
        "2",
        "--max-connections-per-client",
        "6",
    ]);
    let addr = server.base.strip_prefix("http://").unwrap().to_string();

    // Slowloris: headers sent one byte a second are cut off at the header timeout (2 s here),
    // not held for as long as the client keeps trickling.
    let slow = TcpStream::connect(&addr).await.unwrap();
    let (mut reader, mut writer) = slow.into_split();
    let started = Instant::now();
    let cut = tokio::spawn(async move {
        let mut rest = Vec::new();
        let _ = reader.read_to_end(&mut rest).await;
        (
            started.elapsed(),
            String::from_utf8_lossy(&rest).to_string(),
        )
    });
    let request = format!(
        "GET /api/v1/negative-list HTTP/1.1\r\nHost: {addr}\r\nX-Slow: {}\r\n\r\n",
        "a".repeat(40)
    );
    let mut sent = 0;
    for byte in request.bytes() {
        if cut.is_finished() || writer.write_all(&[byte]).await.is_err() {
            break;
        }
        sent += 1;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let (after, answer) = tokio::time::timeout(Duration::from_secs(5), cut)
        .await
        .expect("disconnected")
        .unwrap();
    assert!(after < Duration::from_secs(5), "held for {after:?}");
    assert!(sent < request.len(), "cut off after {sent} bytes");
    assert!(!answer.contains(" 200 "), "{answer}");

    // A kept-alive connection that sends nothing more is closed after the same timeout.
    let mut idle = TcpStream::connect(&addr).await.unwrap();
    idle.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let (status, headers) = response_head(&mut idle).await;
    assert_eq!(status, 200);
    skip_body(&mut idle, &headers).await;
    assert!(
        closed_within(&mut idle, Duration::from_secs(4)).await,
        "idle connection kept"
    );

    // One address holds at most 6 connections: the 7th is closed at once; the others serve.
    let mut crowd = Vec::new();
    for _ in 0..6 {
        crowd.push(TcpStream::connect(&addr).await.unwrap());
    }
    let mut seventh = TcpStream::connect(&addr).await.unwrap();
    assert!(
        closed_within(&mut seventh, Duration::from_millis(500)).await,
        "a 7th connection from one address is refused"
    );
    let first = &mut crowd[0];
    first
        .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    assert_eq!(response_head(first).await.0, 200);
    drop(crowd);
    tokio::time::sleep(Duration::from_millis(200)).await;

    // A 401, 403 or 413 decided before the body is read ends the keep-alive connection, and
    // says so; a bodiless request's refusal keeps it.
    for (token, length, expected) in [
        (None, 100_000, 401),
        (Some(auditor.as_str()), 100_000, 403),
        (Some(exchange.as_str()), 3 * 1024 * 1024, 413),
    ] {
        let mut conn = TcpStream::connect(&addr).await.unwrap();
        let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
        let head = format!(
            "POST /api/v1/exchange/webhooks HTTP/1.1\r\nHost: {addr}\r\n{auth}\
             Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{\"url\":"
        );
        conn.write_all(head.as_bytes()).await.unwrap();
        let (status, headers) = response_head(&mut conn).await;
        assert_eq!(status, expected, "{headers:?}");
        assert!(
            headers.iter().any(|h| h == "connection: close"),
            "{expected} before the body says Connection: close: {headers:?}"
        );
        skip_body(&mut conn, &headers).await;
        assert!(closed_within(&mut conn, Duration::from_secs(1)).await);
    }
    let mut kept = TcpStream::connect(&addr).await.unwrap();
    for expected in [401, 200] {
        let path = if expected == 401 {
            "/api/v1/exchange/webhooks"
        } else {
            "/healthz"
        };
        kept.write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let (status, headers) = response_head(&mut kept).await;
        assert_eq!(status, expected);
        assert!(
            !headers.iter().any(|h| h == "connection: close"),
            "{headers:?}"
        );
        skip_body(&mut kept, &headers).await;
    }

    // A client that reuses its connection after such a refusal carries on.
    let client = Client::new();
    for _ in 0..3 {
        let refused = client
            .post(server.url("/api/v1/exchange/webhooks"))
            .bearer_auth(&auditor)
            .header("content-type", "application/json")
            .body(vec![b' '; 512 * 1024])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let next = client
            .get(server.url("/api/v1/exchange/webhooks"))
            .bearer_auth(&exchange)
            .send()
            .await
            .expect("the next request on the same client");
        assert_eq!(next.status(), StatusCode::OK);
    }
}
