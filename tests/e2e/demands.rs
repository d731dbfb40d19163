//! Operators ask for data per scenario and report quality problems; providers answer; the
//! administration reviews; an auditor exports the chain and anyone verifies the file offline.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::app::{ADMIN, OPERATOR, Org, PROVIDER, TestApp};
use crate::server::MULU;

/// Every organization of these tests is provincial.
const ADMIN_AUDITOR: Org = ADMIN.also("auditor");
const STATS: Org = PROVIDER.named("市统计局").in_region("510000");
const COMPANY: Org = OPERATOR.named("数据运营公司").in_region("510000");
/// Registers itself through the API (GZ 14).
const DEVELOPER: Org = Org::new(
    "12510000000000004T",
    "某数据科技有限公司",
    "510000",
    "developer",
);

#[tokio::test]
async fn demand_feedback_and_audit_export_over_http() {
    let app = TestApp::new().with_orgs(&[ADMIN_AUDITOR, STATS, COMPANY]);
    let d = app.dir();
    let [admin, provider, operator] = app.tokens([&ADMIN_AUDITOR, &STATS, &COMPANY]);
    let auditor = app.token_as(&ADMIN_AUDITOR, "auditor");
    let api = app.serve();
    let call = |m: Method, path: &str, t: &str, body: Option<Value>| {
        let t = t.to_string();
        let path = path.to_string();
        let api = &api;
        async move { api.call(m, &path, Some(&t), body).await }
    };

    // A published resource to ask for.
    let (s, created, _) = call(
        Method::POST,
        "/api/v1/workspace/resources",
        &provider,
        Some(json!({"content": {
            "name": "企业纳税信用等级",
            "summary": "按年更新的纳税信用评价结果",
            "grade": {"level": "一般数据", "sub_level": 2},
            "share_type": "无条件共享",
            "open_type": "无条件开放",
            "update_frequency": "每年",
            "formats": ["csv"],
        }})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let rid = created["id"].as_str().unwrap().to_string();
    let ws = format!("/api/v1/workspace/resources/{rid}");
    let (s, _, _) = call(Method::POST, &format!("{ws}/submit"), &provider, None).await;
    assert_eq!(s, StatusCode::OK);
    for step in ["approve", "publish"] {
        let (s, b, _) = call(Method::POST, &format!("{ws}/{step}"), &admin, None).await;
        assert_eq!(s, StatusCode::OK, "{step}: {b}");
    }

    // One scenario, one application.
    let demand = json!({
        "scenario": "普惠金融授信",
        "scenario_description": "为小微企业授信核验纳税信用",
        "resource_ids": [rid],
        "justification": "授信只需信用等级，不含明细",
    });
    let (s, b, _) = call(
        Method::POST,
        "/api/v1/demands",
        &provider,
        Some(demand.clone()),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "providers do not file demands: {b}"
    );
    let (s, bad, _) = call(
        Method::POST,
        "/api/v1/demands",
        &operator,
        Some(json!({"scenario": "x", "scenario_description": "y", "resource_ids": [], "justification": "z"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(bad["field"], "resource_ids");
    let (s, filed, _) = call(Method::POST, "/api/v1/demands", &operator, Some(demand)).await;
    assert_eq!(s, StatusCode::CREATED, "{filed}");
    let did = filed["id"].as_str().unwrap();
    let (s, _, _) = call(
        Method::GET,
        &format!("/api/v1/demands/{did}"),
        &provider,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "role outside the readers");
    let (s, reviewed, etag) = call(
        Method::POST,
        &format!("/api/v1/admin/demands/{did}/review"),
        &admin,
        Some(json!({"approved": true, "opinion": "符合最小必要原则", "valid_until": "2099-12-31"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{reviewed}");
    assert_eq!(reviewed["status"], "approved");
    assert_eq!(etag.as_deref(), Some("\"2\""));
    let (_, mine, _) = call(Method::GET, "/api/v1/demands", &operator, None).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);

    // Quality feedback (C 10.6): operator reports, the administration refers it, the provider
    // answers by the due day, the operator closes.
    let (s, report, _) = call(
        Method::POST,
        "/api/v1/feedback",
        &operator,
        Some(json!({"resource_id": rid, "dimension": "timeliness", "description": "2025 年度结果未发布"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{report}");
    let fid = report["id"].as_str().unwrap();
    let (s, _, _) = call(
        Method::POST,
        &format!("/api/v1/feedback/{fid}/conclude"),
        &operator,
        Some(json!({"resolved": true, "text": "先关了"})),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "nothing answered yet");
    let answer = || {
        call(
            Method::POST,
            &format!("/api/v1/feedback/{fid}/answer"),
            &provider,
            Some(json!({"text": "已于本周发布"})),
        )
    };
    let (s, _, _) = answer().await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "not referred by the implementing body yet"
    );
    let (s, referred, _) = call(
        Method::POST,
        &format!("/api/v1/admin/feedback/{fid}/verify"),
        &admin,
        Some(json!({"substantiated": true, "text": "属实，请尽快发布"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{referred}");
    assert_eq!(referred["status"], "referred");
    assert!(referred["answer_due"].is_string(), "{referred}");
    let (s, _, _) = answer().await;
    assert_eq!(s, StatusCode::OK);
    let (s, closed, _) = call(
        Method::POST,
        &format!("/api/v1/feedback/{fid}/conclude"),
        &operator,
        Some(json!({"resolved": true, "text": "确认"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(closed["status"], "closed");
    let (_, inbox, _) = call(Method::GET, "/api/v1/feedback", &provider, None).await;
    assert_eq!(inbox.as_array().unwrap().len(), 1);

    // The auditor exports the chain; the file verifies offline, and a one-byte edit is caught.
    let export = api
        .http
        .get(api.server.url("/api/v1/audit/export"))
        .bearer_auth(&auditor)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    assert_eq!(export.headers()["content-type"], "application/x-ndjson");
    let text = export.text().await.unwrap();
    let lines = text.lines().count();
    assert!(lines >= 14, "every write is an event: {lines}");
    let file = d.join("export.ndjson");
    std::fs::write(&file, &text).unwrap();
    let verify = |path: &std::path::Path| {
        std::process::Command::new(MULU)
            .args(["audit", "verify-export"])
            .arg(path)
            .output()
            .unwrap()
    };
    let ok = verify(&file);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains(&format!("{lines} 个事件")));
    let tampered = text.replacen("符合最小必要原则", "不符合最小必要原则", 1);
    assert_ne!(tampered, text);
    std::fs::write(&file, tampered).unwrap();
    let bad = verify(&file);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("审计链被破坏"));
}

#[tokio::test]
async fn disclosures_are_drafted_published_corrected_and_public() {
    let app = TestApp::new().with_orgs(&[ADMIN, COMPANY]);
    let [admin, operator] = app.tokens([&ADMIN, &COMPANY]);
    let api = app.serve_on("2026-02-10");
    let statement = |usage: &str| {
        json!({"kind": "operator", "product_list": "出行指数（数据接口）",
               "data_usage": usage, "actual_fees": "0 元"})
    };
    // An operator cannot state as an implementing body, nor for a year not yet over.
    let (s, b, _) = api
        .call(
            Method::POST,
            "/api/v1/disclosures",
            Some(&operator),
            Some(json!({"year": 2025, "content": {"kind": "implementing_body",
                "authorized_parties": "x", "content_and_scope": "x", "term": "x", "fee_ceilings": "x"}})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let (s, b, _) = api
        .call(
            Method::POST,
            "/api/v1/disclosures",
            Some(&operator),
            Some(json!({"year": 2026, "content": statement("公交数据")})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["field"], "year");
    let (s, draft, _) = api
        .call(
            Method::POST,
            "/api/v1/disclosures",
            Some(&operator),
            Some(json!({"year": 2025, "content": statement("公交到站数据")})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{draft}");
    assert_eq!(draft["due"], "2026-03-31");
    let id = draft["id"].as_str().unwrap();
    let (s, _, _) = api
        .call(
            Method::GET,
            &format!("/api/v1/disclosures/{id}"),
            None,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a draft is not public");
    let (s, _, _) = api
        .call(
            Method::POST,
            &format!("/api/v1/disclosures/{id}/publish"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the discloser publishes");
    let (s, published, _) = api
        .call(
            Method::POST,
            &format!("/api/v1/disclosures/{id}/publish"),
            Some(&operator),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{published}");
    let (s, corrected, etag) = api
        .call(
            Method::PUT,
            &format!("/api/v1/disclosures/{id}"),
            Some(&operator),
            Some(statement("公交到站与线路数据")),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{corrected}");
    assert_eq!(corrected["version"], 2);
    assert_eq!(
        corrected["history"][0]["content"]["data_usage"],
        "公交到站数据"
    );
    assert_eq!(etag.as_deref(), Some("\"3\""));
    let (_, listed, _) = api
        .call(Method::GET, "/api/v1/disclosures", None, None)
        .await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["content"]["data_usage"], "公交到站与线路数据");
}

#[tokio::test]
async fn a_developer_registers_itself_is_publicized_then_admitted() {
    let app = TestApp::new().with_org(ADMIN);
    let admin = app.token(&ADMIN);
    let application = json!({
        "organization": {
            "uscc": "12510000000000004T", "name": "某数据科技有限公司", "region": "510000",
            "kinds": ["operator"], "contact": {"person": "李四", "phone": "13900000000"}
        },
        "qualifications": "具备数据安全管理制度与等保三级系统",
        "intended_use": "基于已登记的出行指数开发通勤服务",
    });
    let api = app.serve_on("2026-09-28");
    let (s, applied, _) = api
        .call(
            Method::POST,
            "/api/v1/developers/applications",
            None,
            Some(application.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{applied}");
    let id = applied["application_id"].as_str().unwrap().to_string();
    let (_, listed, _) = api
        .call(Method::GET, "/api/v1/developers", None, None)
        .await;
    assert!(
        listed["items"].as_array().unwrap().is_empty(),
        "not public before publicity"
    );
    let (s, publicized, _) = api
        .call(
            Method::POST,
            &format!("/api/v1/admin/developers/{id}/publicize"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{publicized}");
    assert_eq!(publicized["publicity_start"], "2026-09-29");
    let end = publicized["publicity_end"].as_str().unwrap().to_string();
    let (_, listed, _) = api
        .call(Method::GET, "/api/v1/developers", None, None)
        .await;
    let notice = &listed["items"][0];
    assert_eq!(notice["name"], "某数据科技有限公司");
    assert!(
        !listed.to_string().contains("13900000000"),
        "no contact in the notice"
    );
    let (s, _, _) = api
        .call(
            Method::POST,
            &format!("/api/v1/admin/developers/{id}/admit"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "not before publicity ends ({end})");
    drop(api);

    let api = app.serve_on("2026-12-01");
    let (s, admitted, _) = api
        .call(
            Method::POST,
            &format!("/api/v1/admin/developers/{id}/admit"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{admitted}");
    let org_id = admitted["organization_id"].as_str().unwrap();
    let (_, org, _) = api
        .call(
            Method::GET,
            &format!("/api/v1/organizations/{org_id}"),
            None,
            None,
        )
        .await;
    assert_eq!(
        org["kinds"],
        json!(["developer"]),
        "the kinds asked for are not granted"
    );
    let developer = app.token(&DEVELOPER);
    assert!(developer.starts_with("mulu_"));
    let (s, _, _) = api
        .call(
            Method::POST,
            "/api/v1/developers/applications",
            None,
            Some(application),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "an admitted USCC cannot apply again"
    );
}
