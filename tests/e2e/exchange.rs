//! The exchange interface over HTTP, against the real binary: a product with a sample is coded,
//! a real local receiver gets the signed webhook (failing the first attempt, retried by a
//! restarted server), the exchange verifies the code and reports a listing, and a 注销 application
//! cancels the registration, pushed again.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use hmac::{Hmac, Mac};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::app::{ADMIN, EXCHANGE, OPERATOR, PROVIDER, REGISTRAR, TestApp};
use crate::server::{Api, Server};

const SECRET: &str = "exchange-shared-secret-0001";
/// Fast retries and polling, and a short timeout so a lease never holds a retry up for long; the
/// receiver is on loopback, which only this switch lets endpoints point at.
const WEBHOOK_FLAGS: [&str; 7] = [
    "--webhook-allow-private-targets",
    "--webhook-retry-base-ms",
    "3000",
    "--webhook-poll-ms",
    "100",
    "--webhook-timeout-ms",
    "2000",
];

/// A tiny webhook receiver on a random port: answers 503 to the very first request, 200 after.
#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
}

impl Receiver {
    async fn start(&self) -> SocketAddr {
        let seen = self.seen.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let seen = seen.clone();
                async move {
                    let mut seen = seen.lock().unwrap();
                    seen.push((headers, body));
                    if seen.len() == 1 {
                        AxumStatus::SERVICE_UNAVAILABLE
                    } else {
                        AxumStatus::NO_CONTENT
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        addr
    }

    fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    async fn wait_for(&self, n: usize) {
        for _ in 0..300 {
            if self.count() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the receiver got {} requests, expected {n}", self.count());
    }

    /// Check the documented signature independently of Mulu's code; the parsed body.
    fn verified(&self, i: usize) -> Value {
        let (headers, body) = self.seen.lock().unwrap()[i].clone();
        let signature = headers["mulu-signature"].to_str().unwrap().to_string();
        let (t, v1) = signature
            .strip_prefix("t=")
            .and_then(|s| s.split_once(",v1="))
            .unwrap_or_else(|| panic!("signature header shape: {signature}"));
        let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
        mac.update(format!("{t}.").as_bytes());
        mac.update(&body);
        mac.verify_slice(&hex::decode(v1).unwrap())
            .expect("HMAC-SHA256 over \"<t>.<body>\" with the shared secret");
        let age = chrono::Utc::now().timestamp() - t.parse::<i64>().unwrap();
        assert!((0..120).contains(&age), "fresh timestamp: {age} s");
        assert_eq!(headers["content-type"], "application/json");
        let doc: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            headers["mulu-delivery"].to_str().unwrap(),
            doc["delivery_id"]
        );
        assert_eq!(
            headers["mulu-event-seq"].to_str().unwrap(),
            doc["seq"].to_string()
        );
        doc
    }
}

fn on(d: &Path, today: &str) -> Api {
    Api {
        http: Client::new(),
        server: Server::start_on_with(d, today, &WEBHOOK_FLAGS),
    }
}

async fn ok(api: &Api, method: Method, path: &str, token: &str, body: Value) -> Value {
    let body = (method != Method::GET).then_some(body);
    let (status, body, _) = api.call(method, path, Some(token), body).await;
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

#[tokio::test]
async fn signed_webhooks_listings_samples_and_cancellation_over_http() {
    let rival_org = EXCHANGE
        .named("乙数据交易所")
        .with_uscc("91510000000000006U");
    let app =
        TestApp::new().with_orgs(&[ADMIN, PROVIDER, OPERATOR, REGISTRAR, EXCHANGE, rival_org]);
    let d = app.dir();
    let admin_id = app.org_id(&ADMIN).to_string();
    let [admin, provider, operator, registrar, exchange, rival] = app.tokens([
        &ADMIN, &PROVIDER, &OPERATOR, &REGISTRAR, &EXCHANGE, &rival_org,
    ]);
    let receiver = Receiver::default();
    let hook = receiver.start().await;

    // 2026-08-03: a published resource, an authorization with its operator publicized.
    let s = on(d, "2026-08-03");
    let r = ok(
        &s,
        Method::POST,
        "/api/v1/workspace/resources",
        &provider,
        json!({"content": {
            "name": "公交刷卡", "summary": "公交刷卡数据", "grade": {"level": "一般数据"},
            "share_type": "无条件共享", "open_type": "无条件开放", "update_frequency": "每日",
        }}),
    )
    .await;
    let rid = r["id"].as_str().unwrap().to_string();
    for (step, t) in [
        ("submit", &provider),
        ("approve", &admin),
        ("publish", &admin),
    ] {
        ok(
            &s,
            Method::POST,
            &format!("/api/v1/workspace/resources/{rid}/{step}"),
            t,
            json!({}),
        )
        .await;
    }
    // The operation directory the authorization's scope is drawn from (C 6.2).
    ok(
        &s,
        Method::POST,
        "/api/v1/admin/directory/editions",
        &admin,
        json!({"title": "运营目录", "lines": [{"resource_id": rid}]}),
    )
    .await;
    let auth = ok(
        &s,
        Method::POST,
        "/api/v1/admin/authorizations",
        &admin,
        json!({
            "plan_name": "交通数据授权运营", "implementing_body_id": admin_id, "mode": "依场景授权",
            "operator_type": "场景", "scope_description": "公交出行", "resource_ids": [rid],
            "term_start": "2026-09-01", "term_end": "2028-12-31", "platform": "省授权运营平台",
        "announcement": crate::server::announcement(),
        }),
    )
    .await;
    let auth_id = auth["id"].as_str().unwrap().to_string();
    let applied = ok(
        &s,
        Method::POST,
        &format!("/api/v1/authorizations/{auth_id}/apply"),
        &operator,
        crate::server::application(),
    )
    .await;
    let operator_id = applied["applicants"][0].clone();
    for (step, body) in [
        ("select", json!({"operator_id": operator_id})),
        ("publicize", json!({})),
    ] {
        ok(
            &s,
            Method::POST,
            &format!("/api/v1/admin/authorizations/{auth_id}/{step}"),
            &admin,
            body,
        )
        .await;
    }

    // 2026-09-01: publicity over, the agreement signed and active; a reviewed product.
    drop(s);
    let s = on(d, "2026-09-01");
    for (step, body) in [
        (
            "sign",
            crate::server::agreement_terms("授权协议〔2026〕7号"),
        ),
        ("activate", json!({})),
    ] {
        ok(
            &s,
            Method::POST,
            &format!("/api/v1/admin/authorizations/{auth_id}/{step}"),
            &admin,
            body,
        )
        .await;
    }
    let product = ok(
        &s,
        Method::POST,
        "/api/v1/operator/products",
        &operator,
        json!({
            "name": "出行指数", "summary": "出行指数接口", "delivery_form": "数据接口",
            "authorization_id": auth_id, "source_resource_ids": [rid],
            "applicable_scenarios": ["交通规划"], "scene_category": "产业发展、行业发展",
            "price_fen": 50000, "ceiling_fen": 80000,
        }),
    )
    .await;
    let pid = product["id"].as_str().unwrap().to_string();
    ok(
        &s,
        Method::POST,
        &format!("/api/v1/admin/products/{pid}/review"),
        &admin,
        json!({"passed": true, "report_ref": "合规报告", "reviewed_on": "2026-09-10"}),
    )
    .await;

    // The sample: refused over 1 MiB with a Chinese problem, stored and hashed otherwise,
    // hidden from the public until the product is registered.
    let sample_url = s.server.url(&format!(
        "/api/v1/operator/products/{pid}/sample?file_name=样例.csv"
    ));
    let big = s
        .http
        .put(&sample_url)
        .bearer_auth(&operator)
        .header("content-type", "text/csv")
        .body(vec![b'x'; 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(big.headers()["content-type"], "application/problem+json");
    let problem: Value = big.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("超过大小上限"),
        "{problem}"
    );
    let csv = "日期,线路,刷卡次数\n2026-09-01,1路,1024\n".repeat(50);
    let uploaded = s
        .http
        .put(&sample_url)
        .bearer_auth(&operator)
        .header("content-type", "text/csv; charset=utf-8")
        .body(csv.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::OK);
    let uploaded: Value = uploaded.json().await.unwrap();
    let sha = hex::encode(Sha256::digest(csv.as_bytes()));
    assert_eq!(uploaded["sample"]["sha256"], sha.as_str());
    assert_eq!(
        uploaded["sample"]["content_type"],
        "text/csv; charset=utf-8"
    );
    let hidden = s
        .http
        .get(s.server.url(&format!("/api/v1/products/{pid}/sample")))
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);

    // The exchange registers its endpoint; another exchange cannot see it.
    let (status, body, _) = s
        .call(
            Method::POST,
            "/api/v1/exchange/webhooks",
            Some(&exchange),
            Some(json!({"url": "ftp://nowhere/x", "secret": SECRET})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "url");
    let endpoint = ok(
        &s,
        Method::POST,
        "/api/v1/exchange/webhooks",
        &exchange,
        json!({"url": format!("http://{hook}/hook"), "secret": SECRET, "description": "测试接收端"}),
    )
    .await;
    assert!(
        endpoint.get("secret").is_none(),
        "the secret is never shown"
    );
    let eid = endpoint["id"].as_str().unwrap().to_string();
    let (status, _, _) = s
        .call(
            Method::GET,
            &format!("/api/v1/exchange/webhooks/{eid}/deliveries"),
            Some(&rival),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    drop(s);

    // Registration: apply 09-21, accept 09-22, publicize 09-29 (to 10-19), code 10-20.
    let s = on(d, "2026-09-21");
    let reg = ok(&s, Method::POST, "/api/v1/registrations", &operator, json!({
        "subject": {"type": "product", "product_id": pid}, "kind": "首次登记",
        "materials": {
            "registrant_info": "出行数据公司", "legal_source": "授权运营协议第1号",
            "resource_info": "公交刷卡日汇总", "evidence_ref": "存证-0001", "evidence_on": "2026-09-01",
            "product_info": "出行指数接口", "scenario_info": "交通规划", "risk_assessment": "风险可控",
        },
    }))
    .await;
    let reg_id = reg["id"].as_str().unwrap().to_string();
    drop(s);
    for (today, step) in [("2026-09-22", "accept"), ("2026-09-29", "publicize")] {
        let s = on(d, today);
        ok(
            &s,
            Method::POST,
            &format!("/api/v1/registrar/registrations/{reg_id}/{step}"),
            &registrar,
            json!({}),
        )
        .await;
    }
    let s = on(d, "2026-10-20");
    assert_eq!(receiver.count(), 0, "nothing is pushed before the coding");
    let coded = ok(
        &s,
        Method::POST,
        &format!("/api/v1/registrar/registrations/{reg_id}/code"),
        &registrar,
        json!({}),
    )
    .await;
    let code = coded["query_code"].as_str().unwrap().to_string();

    // First attempt: the receiver answers 503, and the log says so.
    receiver.wait_for(1).await;
    let deliveries_path = format!("/api/v1/exchange/webhooks/{eid}/deliveries");
    let mut log = Value::Null;
    for _ in 0..100 {
        log = ok(&s, Method::GET, &deliveries_path, &exchange, Value::Null).await;
        if log["items"][0]["attempts"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let first = &log["items"][0];
    assert_eq!(first["status"], "pending", "{log}");
    assert_eq!(first["attempts"][0]["status_code"], 503);
    assert!(first["next_attempt_at"].is_string());
    // The server stops before the retry; the retry comes from the restarted one.
    drop(s);
    assert_eq!(receiver.count(), 1);
    let s = on(d, "2026-10-20");
    receiver.wait_for(2).await;
    let pushed = receiver.verified(1);
    assert_eq!(
        pushed,
        receiver.verified(0),
        "the retry sends the same document"
    );
    assert_eq!(pushed["action"], "registration.issue_code");
    assert_eq!(pushed["registration"]["query_code"], code.as_str());
    assert_eq!(pushed["registration"]["id"], reg_id.as_str());
    let mut delivered = Value::Null;
    for _ in 0..100 {
        delivered = ok(&s, Method::GET, &deliveries_path, &exchange, Value::Null).await;
        if delivered["items"][0]["status"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let attempts: Vec<&Value> = delivered["items"][0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status_code"])
        .collect();
    assert_eq!(attempts, vec![&json!(503), &json!(204)], "{delivered}");
    assert_eq!(delivered["items"][0]["seq"], pushed["seq"]);

    // The exchange follows the feed to the same change, verifies the code, reports a listing.
    let feed = ok(
        &s,
        Method::GET,
        "/api/v1/exchange/feed?after=0",
        &exchange,
        Value::Null,
    )
    .await;
    assert_eq!(feed["items"][0]["seq"], pushed["seq"]);
    let (_, verified, _) = s
        .call(Method::GET, &format!("/api/v1/verify/{code}"), None, None)
        .await;
    assert_eq!(verified["valid"], true);
    // The product's own record carries its result on every surface: JSON, CKAN, DCAT.
    let shown = public_record(&s, &pid).await;
    assert_eq!(shown.json["registration"]["query_code"], code.as_str());
    assert_eq!(shown.json["registration"]["standing"]["state"], "in_force");
    assert_eq!(shown.ckan["registration_query_code"], code.as_str());
    assert_eq!(shown.ckan["registration_standing"], "in_force");
    assert!(
        shown.dcat.contains(code.as_str()) && shown.dcat.contains("registration-standing/in_force"),
        "{}",
        shown.dcat
    );
    let (status, body, _) = s
        .call(
            Method::POST,
            "/api/v1/exchange/listings",
            Some(&exchange),
            Some(json!({"registration_id": reg_id, "listing_ref": "SZDE-2026-0001", "price_fen": 90000})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "price_fen");
    let listing = ok(
        &s,
        Method::POST,
        "/api/v1/exchange/listings",
        &exchange,
        json!({"registration_id": reg_id, "listing_ref": "SZDE-2026-0001", "price_fen": 60000}),
    )
    .await;
    let lid = listing["id"].as_str().unwrap().to_string();
    let (status, _, _) = s
        .call(
            Method::PUT,
            &format!("/api/v1/exchange/listings/{lid}"),
            Some(&rival),
            Some(json!({"status": "suspended", "price_fen": 60000})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the reporting exchange edits it"
    );
    let (status, on_product, _) = s
        .call(
            Method::GET,
            &format!("/api/v1/products/{pid}/listings"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(on_product[0]["listing_ref"], "SZDE-2026-0001");
    assert_eq!(on_product[0]["query_code"], code.as_str());

    // The sample is public now, byte for byte, with its hash as the ETag.
    let public = s
        .http
        .get(s.server.url(&format!("/api/v1/products/{pid}/sample")))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    assert_eq!(
        public.headers()["etag"].to_str().unwrap(),
        format!("\"{sha}\"")
    );
    assert_eq!(public.headers()["x-content-type-options"], "nosniff");
    assert_eq!(public.text().await.unwrap(), csv);
    drop(s);

    // 注销登记: applied 10-30, accepted 11-02 (due 11-16), flagged overdue and completed 11-17;
    // the cancellation is pushed too.
    let s = on(d, "2026-10-30");
    let app = ok(
        &s,
        Method::POST,
        &format!("/api/v1/registrations/{reg_id}/cancellation"),
        &operator,
        json!({"ground": "登记主体放弃相关权益或权益期限届满", "detail": "产品停止运营"}),
    )
    .await;
    assert_eq!(app["kind"], "注销登记");
    let app_id = app["id"].as_str().unwrap().to_string();
    drop(s);
    let s = on(d, "2026-11-02");
    let accepted = ok(
        &s,
        Method::POST,
        &format!("/api/v1/registrar/registrations/{app_id}/accept"),
        &registrar,
        json!({}),
    )
    .await;
    assert_eq!(accepted["completion_due"], "2026-11-16");
    drop(s);
    let s = on(d, "2026-11-17");
    let (_, desk, _) = s
        .call(
            Method::GET,
            "/api/v1/registrar/registrations?status=accepted",
            Some(&registrar),
            None,
        )
        .await;
    assert_eq!(
        desk["items"][0]["overdue"],
        json!(["cancellation"]),
        "{desk}"
    );
    ok(
        &s,
        Method::POST,
        &format!("/api/v1/registrar/registrations/{app_id}/complete"),
        &registrar,
        json!({}),
    )
    .await;
    receiver.wait_for(3).await;
    let cancelled = receiver.verified(2);
    assert_eq!(cancelled["action"], "registration.cancel");
    assert_eq!(cancelled["registration"]["status"], "cancelled");
    assert!(cancelled["seq"].as_i64() > pushed["seq"].as_i64());
    let (_, verified, _) = s
        .call(Method::GET, &format!("/api/v1/verify/{code}"), None, None)
        .await;
    assert_eq!(verified["valid"], false);
    // The record says it ended and why, as every public surface does.
    let standing = &verified["registration"]["standing"];
    assert_eq!(standing["state"], "ended", "{verified}");
    assert!(
        standing["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "{verified}"
    );
    let shown = public_record(&s, &pid).await;
    assert_eq!(shown.json["registration"]["standing"]["state"], "ended");
    assert_eq!(shown.ckan["registration_standing"], "ended");
    assert!(!shown.ckan["registration_end_reason"].is_null());
    assert!(shown.dcat.contains("registration-standing/ended"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        receiver.count(),
        3,
        "every change delivered once after its success"
    );
}

/// A registered product as the public reads it: the JSON record, the CKAN extras (by key) and
/// the DCAT dataset document (Turtle).
struct PublicRecord {
    json: Value,
    ckan: Value,
    dcat: String,
}

async fn public_record(s: &Api, pid: &str) -> PublicRecord {
    let http = reqwest::Client::new();
    let get = |path: String| http.get(s.server.url(&path)).send();
    let json: Value = get(format!("/api/v1/products/{pid}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let name = format!("product-{}", pid.replace('-', ""));
    let package: Value = get(format!("/api/3/action/package_show?id={name}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ckan = package["result"]["extras"]
        .as_array()
        .unwrap_or_else(|| panic!("{package}"))
        .iter()
        .map(|e| (e["key"].as_str().unwrap().to_string(), e["value"].clone()))
        .collect::<serde_json::Map<_, _>>();
    let dcat = get(format!("/datasets/{pid}.ttl"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    PublicRecord {
        json,
        ckan: Value::Object(ckan),
        dcat,
    }
}
