//! A provider → data administration flow over HTTP with tokens, and the errors a client meets.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::app::{ADMIN, PROVIDER, TestApp};

fn content(name: &str, grade: &str) -> Value {
    json!({
        "name": name,
        "summary": format!("{name}，按月更新"),
        "grade": {"level": grade},
        "share_type": "无条件共享",
        "open_type": "无条件开放",
        "update_frequency": "每月",
        "formats": ["csv"],
        "usage_restrictions": "不得用于商业营销",
    })
}

#[tokio::test]
async fn provider_to_directory_over_http() {
    let provider_org = PROVIDER.named("市统计局");
    let app = TestApp::new().with_orgs(&[ADMIN, provider_org]);
    let provider_id = app.org_id(&provider_org).to_string();
    let [admin, provider] = app.tokens([&ADMIN, &provider_org]);
    let api = app.serve();
    let ws = "/api/v1/workspace/resources";

    // No token, a bad token, the wrong role.
    let (s, body, _) = api
        .call(
            Method::POST,
            ws,
            None,
            Some(json!({"content": content("人口", "一般数据")})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{body}");
    let (s, _, _) = api.call(Method::GET, ws, Some("mulu_forged"), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Bad JSON values name their path.
    let (s, body, _) = api
        .call(
            Method::POST,
            ws,
            Some(&provider),
            Some(json!({"content": content("人口", "秘密数据")})),
        )
        .await;
    // Well-formed JSON with a value the type refuses: 422, not 400 (that is for malformed text).
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "content.grade.level");

    let (s, created, etag) = api
        .call(
            Method::POST,
            ws,
            Some(&provider),
            Some(json!({"content": content("常住人口", "一般数据")})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["provider_id"], provider_id);
    assert_eq!(etag.as_deref(), Some("\"1\""));
    let id = created["id"].as_str().unwrap().to_string();
    let (s, _, _) = api
        .call(
            Method::POST,
            &format!("{ws}/{id}/approve"),
            Some(&provider),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a provider cannot approve");
    // The draft is invisible to the public.
    let (s, _, _) = api
        .call(Method::GET, &format!("/api/v1/resources/{id}"), None, None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Stale If-Match → 409; the current one → 200.
    let stale = api
        .http
        .put(api.server.url(&format!("{ws}/{id}")))
        .bearer_auth(&provider)
        .header("if-match", "\"7\"")
        .json(&json!({"content": content("常住人口统计", "一般数据")}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let fresh = api
        .http
        .put(api.server.url(&format!("{ws}/{id}")))
        .bearer_auth(&provider)
        .header("if-match", "\"1\"")
        .json(&json!({"content": content("常住人口统计", "一般数据")}))
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), StatusCode::OK);

    for (step, token) in [
        ("submit", &provider),
        ("approve", &admin),
        ("publish", &admin),
    ] {
        let (s, body, _) = api
            .call(
                Method::POST,
                &format!("{ws}/{id}/{step}"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{step}: {body}");
    }
    let (s, public, _) = api
        .call(Method::GET, &format!("/api/v1/resources/{id}"), None, None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(public["content"]["name"], "常住人口统计");

    // Rule 1 over HTTP: 422 naming the rule and the line.
    let code = public["code"].as_str().unwrap();
    let (s, body, _) = api
        .call(
            Method::POST,
            "/api/v1/admin/negative-list",
            Some(&admin),
            Some(json!({
                "target": {"type": "resource", "code": code},
                "scope": {"type": "whole_resource"},
                "kind": "禁止",
                "reason": "涉密",
                "legal_basis": "《保守国家秘密法》",
                "approved_by": "省人民政府",
                "approved_on": "2026-01-05",
                "next_review_on": "2027-01-05",
            })),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let (s, body, _) = api
        .call(
            Method::POST,
            "/api/v1/admin/directory/editions",
            Some(&admin),
            Some(json!({
                "title": "运营目录第1版",
                "lines": [{"resource_id": id}],
            })),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["rule"], 1);
    assert_eq!(body["field"], "lines[0].resource_id");
    assert_eq!(
        body["type"],
        "https://mulu.example/problems/rule/negative-list"
    );

    // The auditor interface sees every write, and the chain verifies.
    let (s, _, _) = api
        .call(Method::GET, "/api/v1/audit/events", Some(&provider), None)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, report, _) = api
        .call(Method::GET, "/api/v1/audit/verify", Some(&admin), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(report["first_break"].is_null());
    assert_eq!(
        report["events"],
        2 + 2 + 2 + 1 + 1 + 3 + 1,
        "orgs, interface accounts, tokens, create, update, 3 steps, negative entry"
    );
}
