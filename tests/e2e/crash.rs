//! Crash safety: 20 rounds of concurrent writes killed with SIGKILL at a random moment. After each
//! restart every acknowledged write is there, no row exists without its audit event (nothing
//! half-written), the audit chain verifies, and the search index catches up by itself.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, Method, StatusCode};
use serde_json::json;

use crate::app::{ADMIN, PROVIDER, TestApp};
use crate::server::{Api, Server};

const ROUNDS: usize = 20;
const WRITERS: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_concurrent_writes_loses_nothing_acknowledged() {
    let provider_org = PROVIDER.named("市统计局");
    let app = TestApp::new().with_orgs(&[ADMIN, provider_org]);
    let d = app.dir();
    let [admin, provider] = app.tokens([&ADMIN, &provider_org]);
    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let published: Arc<Mutex<Vec<String>>> = Arc::default();
    let http = Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let interrupted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for round in 0..ROUNDS {
        let server = Server::start_empty(d);
        let base = server.base.clone();
        let mut tasks = Vec::new();
        for w in 0..WRITERS {
            let (base, http, provider, admin) =
                (base.clone(), http.clone(), provider.clone(), admin.clone());
            let (acknowledged, published) = (acknowledged.clone(), published.clone());
            let interrupted = interrupted.clone();
            let url = move |path: &str| format!("{base}{path}");
            tasks.push(tokio::spawn(async move {
                for n in 0.. {
                    let title = format!("崩溃测试第{round}轮写入者{w}第{n}条");
                    let Ok(response) = http
                        .post(url("/api/v1/workspace/resources"))
                        .bearer_auth(&provider)
                        .json(&json!({"content": {
                            "name": title, "summary": "压力写入", "grade": {"level": "一般数据"},
                            "share_type": "无条件共享", "open_type": "无条件开放",
                            "update_frequency": "每日",
                        }}))
                        .send()
                        .await
                    else {
                        interrupted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        return;
                    };
                    if response.status() != StatusCode::CREATED {
                        return;
                    }
                    let Ok(body) = response.json::<serde_json::Value>().await else {
                        return;
                    };
                    let id = body["id"].as_str().unwrap().to_owned();
                    acknowledged
                        .lock()
                        .unwrap()
                        .push((id.clone(), title.clone()));
                    // Every other writer also walks its entry to publication.
                    if w % 2 == 1 {
                        for (step, token) in [
                            ("submit", &provider),
                            ("approve", &admin),
                            ("publish", &admin),
                        ] {
                            let step_url = url(&format!("/api/v1/workspace/resources/{id}/{step}"));
                            match http.post(step_url).bearer_auth(token).send().await {
                                Ok(r) if r.status() == StatusCode::OK => {}
                                _ => return,
                            }
                        }
                        published.lock().unwrap().push(title);
                    }
                }
            }));
        }
        // Kill at a varying moment while the writers are busy.
        tokio::time::sleep(Duration::from_millis(150 + (round as u64 * 37) % 300)).await;
        drop(server); // SIGKILL
        for t in tasks {
            // Writers end on their first failed request after the kill.
            let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
        }
    }

    // Restart once more and check everything.
    let api = Api {
        http: http.clone(),
        // Hundreds of anonymous searches follow: lift the public rate limit.
        server: Server::start(&[
            "--data-dir",
            d.to_str().unwrap(),
            "--public-rate",
            "100000",
            "--public-burst",
            "100000",
            "--metrics-public",
        ]),
    };
    let acknowledged = acknowledged.lock().unwrap().clone();
    let published = published.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= ROUNDS * WRITERS,
        "too few writes: {}",
        acknowledged.len()
    );
    for (id, title) in &acknowledged {
        let (s, body, _) = api
            .call(
                Method::GET,
                &format!("/api/v1/workspace/resources/{id}"),
                Some(&provider),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "acknowledged {id} lost: {body}");
        assert_eq!(body["content"]["name"], *title);
    }
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", d.join("mulu.db").display()))
        .await
        .unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM resources")
        .fetch_one(&pool)
        .await
        .unwrap();
    let creates: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'resource.create'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        rows, creates,
        "a row without its audit event, or the reverse"
    );
    assert!(rows as usize >= acknowledged.len());
    pool.close().await;

    // The index catches up by itself: lag 0, and every published title is found anonymously.
    let start = Instant::now();
    loop {
        let metrics = api
            .http
            .get(api.server.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if metrics.contains("mulu_search_index_lag 0\n") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "index lag stays above 0"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for title in &published {
        let r: serde_json::Value = api
            .http
            .get(api.server.url("/api/v1/search"))
            .query(&[("q", title.as_str())])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            r["hits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["title"] == *title),
            "published {title} not searchable after restart: {}",
            serde_json::to_string(
                &r["hits"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| &h["title"])
                    .collect::<Vec<_>>()
            )
            .unwrap()
        );
    }
    drop(api);
    let verify = std::process::Command::new(crate::server::MULU)
        .args(["audit", "verify", "--data-dir"])
        .arg(d)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    println!(
        "crash harness: {ROUNDS} kill -9 rounds, {} requests cut off in flight, {} acknowledged writes all present, {} published all searchable, {rows} rows = {creates} audit events, audit chain verified",
        interrupted.load(std::sync::atomic::Ordering::Relaxed),
        acknowledged.len(),
        published.len()
    );
}
