//! A product from authorization to a coded registration over HTTP, with one objection dismissed
//! and one upheld, walking the working-day clocks by restarting the server on later dates.

use std::path::Path;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::app::{ADMIN, OPERATOR, PROVIDER, REGISTRAR, TestApp};
use crate::server::Server;

struct Session {
    server: Server,
    http: Client,
}

impl Session {
    fn on(dir: &Path, today: &str) -> Session {
        Session {
            server: Server::start_on(dir, today),
            http: Client::new(),
        }
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut request = self.http.post(self.server.url(path)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        (
            response.status(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    async fn ok(&self, path: &str, token: Option<&str>, body: Value) -> Value {
        let (status, body) = self.post(path, token, body).await;
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    async fn get_as(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .get(self.server.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        (
            response.status(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self.http.get(self.server.url(path)).send().await.unwrap();
        (
            response.status(),
            response.json().await.unwrap_or(Value::Null),
        )
    }
}

fn resource(name: &str) -> Value {
    json!({"content": {
        "name": name, "summary": format!("{name}数据"), "grade": {"level": "一般数据"},
        "share_type": "无条件共享", "open_type": "无条件开放", "update_frequency": "每日",
    }})
}

fn product(auth: &str, source: &str, name: &str) -> Value {
    json!({
        "name": name, "summary": "出行指数接口", "delivery_form": "数据接口",
        "authorization_id": auth, "source_resource_ids": [source],
        "applicable_scenarios": ["交通规划"], "forbidden_scenarios": ["个人行踪追踪"],
        "scene_category": "产业发展、行业发展", "price_fen": 50000, "ceiling_fen": 80000,
    })
}

fn application(product_id: &str) -> Value {
    json!({
        "subject": {"type": "product", "product_id": product_id},
        "kind": "首次登记",
        "materials": {
            "registrant_info": "演示运营公司", "legal_source": "授权运营协议第1号",
            "resource_info": "公交刷卡日汇总", "evidence_ref": "存证-0001", "evidence_on": "2026-09-01",
            "product_info": "出行指数接口", "scenario_info": "交通规划", "risk_assessment": "风险可控",
        },
    })
}

fn objection() -> Value {
    json!({
        "objector_name": "李四", "objector_id_number": "510502199001010018", "contact": "13900000000",
        "grounds": "产品包含未授权数据", "evidence": ["证据材料-1"],
    })
}

#[tokio::test]
async fn product_from_authorization_to_coded_registration() {
    let app = TestApp::new().with_orgs(&[ADMIN, PROVIDER, OPERATOR, REGISTRAR]);
    let d = app.dir();
    let admin_id = app.org_id(&ADMIN);
    let [admin, provider, operator, registrar] =
        app.tokens([&ADMIN, &PROVIDER, &OPERATOR, &REGISTRAR]);

    // 2026-08-03: directory entries, the authorization announced, its operator publicized.
    let s = Session::on(d, "2026-08-03");
    let mut ids = Vec::new();
    for name in ["公交刷卡", "出租车轨迹"] {
        let r = s
            .ok(
                "/api/v1/workspace/resources",
                Some(&provider),
                resource(name),
            )
            .await;
        let id = r["id"].as_str().unwrap().to_string();
        s.ok(
            &format!("/api/v1/workspace/resources/{id}/submit"),
            Some(&provider),
            json!({}),
        )
        .await;
        s.ok(
            &format!("/api/v1/workspace/resources/{id}/approve"),
            Some(&admin),
            json!({}),
        )
        .await;
        s.ok(
            &format!("/api/v1/workspace/resources/{id}/publish"),
            Some(&admin),
            json!({}),
        )
        .await;
        ids.push(id);
    }
    // The operation directory the authorization's scope is drawn from (C 6.2).
    let lines: Vec<Value> = ids.iter().map(|id| json!({"resource_id": id})).collect();
    s.ok(
        "/api/v1/admin/directory/editions",
        Some(&admin),
        json!({"title": "运营目录", "lines": lines}),
    )
    .await;
    let auth = s.ok("/api/v1/admin/authorizations", Some(&admin), json!({
        "plan_name": "交通数据授权运营", "implementing_body_id": admin_id, "mode": "依场景授权",
        "operator_type": "场景", "scope_description": "公交出行", "resource_ids": [ids[0]],
        "term_start": "2026-09-01", "term_end": "2028-12-31", "platform": "省授权运营平台",
        "announcement": crate::server::announcement(),
    })).await;
    let auth_id = auth["id"].as_str().unwrap().to_string();
    let operator_id = s
        .ok(
            &format!("/api/v1/authorizations/{auth_id}/apply"),
            Some(&operator),
            crate::server::application(),
        )
        .await["applicants"][0]
        .clone();
    s.ok(
        &format!("/api/v1/admin/authorizations/{auth_id}/select"),
        Some(&admin),
        json!({"operator_id": operator_id}),
    )
    .await;
    // The service's clock dates the step: a date in the body is not the publicity's start.
    let publicized = s
        .ok(
            &format!("/api/v1/admin/authorizations/{auth_id}/publicize"),
            Some(&admin),
            json!({"date": "2026-01-05"}),
        )
        .await;
    assert_eq!(publicized["publicity_start"], "2026-08-03", "{publicized}");
    // Nor can the agreement be signed with a later date while publicity runs (C 8.3).
    let (status, body) = s
        .post(
            &format!("/api/v1/admin/authorizations/{auth_id}/sign"),
            Some(&admin),
            crate::server::agreement_terms("授权协议〔2026〕3号"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // The public objects to the selection while it is publicized (C 8.3): by real name with
    // evidence, no token. The publicity pauses; the implementing body reads who objected and
    // dismisses it; the public record keeps the outcome without the grounds or the person.
    let filed = s
        .ok(
            &format!("/api/v1/authorizations/{auth_id}/objections"),
            None,
            json!({
                "objector_name": "王五", "objector_id_number": "510502199001010018",
                "contact": "13800000002", "grounds": "该运营机构不具备等级保护三级环境（C 7.2 d）",
                "evidence": ["等保测评结论查询截图"],
            }),
        )
        .await;
    let (_, paused) = s.get(&format!("/api/v1/authorizations/{auth_id}")).await;
    assert_eq!(paused["status"], "under_objection", "{paused}");
    assert!(!paused.to_string().contains("王五") && !paused.to_string().contains("等级保护"));
    let (status, objectors) = s
        .get_as(
            &format!("/api/v1/admin/authorizations/{auth_id}/objectors"),
            &admin,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{objectors}");
    assert_eq!(objectors[0]["objector_name"], "王五");
    let (status, _) = s
        .get_as(
            &format!("/api/v1/admin/authorizations/{auth_id}/objectors"),
            &operator,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the operator never reads who objected"
    );
    let resumed = s
        .ok(
            &format!("/api/v1/admin/authorizations/{auth_id}/decide-objection"),
            Some(&admin),
            json!({"objection_id": filed["objection_id"], "upheld": false,
                   "decision": "经核实，该机构已取得等级保护三级测评报告"}),
        )
        .await;
    assert_eq!(resumed["status"], "publicized", "{resumed}");
    // Filed and dismissed on Monday 08-03 with all five days left: publicity runs 08-04 … 08-10.
    assert_eq!(resumed["publicity_end"], "2026-08-10", "{resumed}");
    let (_, audit) = s.get_as("/api/v1/audit/events?limit=1000", &admin).await;
    assert!(
        !audit.to_string().contains("王五") && !audit.to_string().contains("13800000002"),
        "the objector stays out of the audit trail"
    );

    // 2026-09-01: the agreement signed after publicity, operation starts, products.
    drop(s);
    let s = Session::on(d, "2026-09-01");
    let signed = s
        .ok(
            &format!("/api/v1/admin/authorizations/{auth_id}/sign"),
            Some(&admin),
            crate::server::agreement_terms("授权协议〔2026〕3号"),
        )
        .await;
    assert_eq!(signed["signed_on"], "2026-09-01", "{signed}");
    s.ok(
        &format!("/api/v1/admin/authorizations/{auth_id}/activate"),
        Some(&admin),
        json!({}),
    )
    .await;

    // A product from a resource outside the operator's scope: a clear 4xx naming rule 4.
    let (status, body) = s
        .post(
            "/api/v1/operator/products",
            Some(&operator),
            product(&auth_id, &ids[1], "越界产品"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["rule"], 4);
    assert_eq!(body["field"], "source_resource_ids[0]");

    let mut products = Vec::new();
    for name in ["出行指数", "通勤画像"] {
        let p = s
            .ok(
                "/api/v1/operator/products",
                Some(&operator),
                product(&auth_id, &ids[0], name),
            )
            .await;
        let id = p["id"].as_str().unwrap().to_string();
        s.ok(
            &format!("/api/v1/admin/products/{id}/review"),
            Some(&admin),
            json!({"passed": true, "report_ref": "合规报告", "reviewed_on": "2026-09-10"}),
        )
        .await;
        products.push(id);
    }
    drop(s);

    // 2026-09-21: apply; 09-22: accept; 09-29: formal review done, publicity 09-30 … 10-19.
    let s = Session::on(d, "2026-09-21");
    let mut regs = Vec::new();
    for p in &products {
        let r = s
            .ok("/api/v1/registrations", Some(&operator), application(p))
            .await;
        assert_eq!(r["acceptance_due"], "2026-09-24");
        regs.push(r["id"].as_str().unwrap().to_string());
    }
    let (status, _) = s.get(&format!("/api/v1/registrations/{}", regs[0])).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not public before publicity");
    // The registrant reads its own applications in every state; nobody else reads them.
    let (status, own) = s
        .get_as("/api/v1/registrant/registrations", &operator)
        .await;
    assert_eq!(status, StatusCode::OK, "{own}");
    let states: Vec<&str> = own["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["submitted", "submitted"], "{own}");
    assert_eq!(own["items"][0]["acceptance_due"], "2026-09-24");
    let (status, _) = s
        .get_as(
            &format!("/api/v1/registrant/registrations/{}", regs[0]),
            &provider,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another organization's");
    drop(s);
    let s = Session::on(d, "2026-09-22");
    for r in &regs {
        s.ok(
            &format!("/api/v1/registrar/registrations/{r}/accept"),
            Some(&registrar),
            json!({}),
        )
        .await;
    }
    drop(s);
    let s = Session::on(d, "2026-09-29");
    for r in &regs {
        let p = s
            .ok(
                &format!("/api/v1/registrar/registrations/{r}/publicize"),
                Some(&registrar),
                json!({}),
            )
            .await;
        assert_eq!(
            (p["publicity_start"].as_str(), p["publicity_end"].as_str()),
            (Some("2026-09-30"), Some("2026-10-19"))
        );
    }
    drop(s);

    // 2026-10-09: the public objects to both, without a token; the notice hides who objected.
    let s = Session::on(d, "2026-10-09");
    let (_, notices) = s.get("/api/v1/publicity").await;
    assert_eq!(notices["items"].as_array().unwrap().len(), 2);
    let mut objections = Vec::new();
    for r in &regs {
        let filed = s
            .ok(
                &format!("/api/v1/registrations/{r}/objections"),
                None,
                objection(),
            )
            .await;
        objections.push(filed["objection_id"].as_str().unwrap().to_string());
    }
    let (_, public) = s.get(&format!("/api/v1/registrations/{}", regs[0])).await;
    assert_eq!(public["objections_filed"], 1);
    assert!(
        !public.to_string().contains("510502199001010018"),
        "no objector identity in public"
    );
    drop(s);

    // 2026-10-14: dismissed for the first, upheld for the second.
    let s = Session::on(d, "2026-10-14");
    for (i, upheld) in [(0, false), (1, true)] {
        s.ok(
            &format!(
                "/api/v1/registrar/registrations/{}/decide-objection",
                regs[i]
            ),
            Some(&registrar),
            json!({"objection_id": objections[i], "upheld": upheld, "decision": "经复核"}),
        )
        .await;
    }
    // Rule 10: who objected stays out of the exportable audit chain; the registrar reads it, the
    // administration (which reads the chain) does not.
    let chain = s
        .http
        .get(s.server.url("/api/v1/audit/export"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(chain.contains("registration.objection"));
    for personal in ["李四", "510502199001010018", "13900000000"] {
        assert!(!chain.contains(personal), "{personal} in the audit export");
    }
    let objectors = |token: String| {
        let url = s.server.url(&format!(
            "/api/v1/registrar/registrations/{}/objectors",
            regs[0]
        ));
        let http = s.http.clone();
        async move { http.get(url).bearer_auth(token).send().await.unwrap() }
    };
    let by_registrar = objectors(registrar.clone()).await;
    assert_eq!(by_registrar.status(), StatusCode::OK);
    assert!(by_registrar.text().await.unwrap().contains("李四"));
    assert_eq!(
        objectors(admin.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    drop(s);

    // 2026-10-27: publicity (resumed for 8 working days to 10-26) has ended: code the first.
    let s = Session::on(d, "2026-10-27");
    let coded = s
        .ok(
            &format!("/api/v1/registrar/registrations/{}/code", regs[0]),
            Some(&registrar),
            json!({}),
        )
        .await;
    assert_eq!(coded["status"], "coded");
    assert_eq!(
        coded["valid_to"], "2028-12-31",
        "capped by the agreement term"
    );
    assert_eq!(coded["objection_flag"], true);
    let (status, body) = s
        .post(
            &format!("/api/v1/registrar/registrations/{}/code", regs[1]),
            Some(&registrar),
            json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the upheld objection terminated it: {body}"
    );
    let code = coded["query_code"].as_str().unwrap();
    // The feed carries the coding exactly once; its cursor moves past it.
    let feed: Value = s
        .get_as("/api/v1/exchange/feed?after=0&limit=10", &admin)
        .await
        .1;
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{feed}");
    assert_eq!(items[0]["action"], "registration.issue_code");
    assert_eq!(items[0]["registration"]["query_code"], code);
    let next = feed["next"].as_i64().unwrap();
    let again: Value = s
        .get_as(&format!("/api/v1/exchange/feed?after={next}"), &admin)
        .await
        .1;
    assert_eq!(again["items"].as_array().unwrap().len(), 0, "{again}");

    // R 9 (三): the provider, an interested party, asks for a correction with evidence; the
    // request is private (not in the public record, not in the feed); the registrar refuses it.
    let (status, filed) = s
        .post(
            &format!("/api/v1/registrations/{}/correction-requests", regs[0]),
            Some(&provider),
            json!({
                "errors": "简介中的数据来源单位写错",
                "subject_summary": "以市交通局公交数据加工的出行指数",
                "basis": "evidence",
                "documents": [{"name": "来源说明.pdf", "sha256": "cd".repeat(32)}]
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let (_, public) = s.get(&format!("/api/v1/registrations/{}", regs[0])).await;
    assert!(!public.to_string().contains("来源说明"), "{public}");
    let cases: Value = s.get_as("/api/v1/correction-requests", &provider).await.1;
    assert_eq!(cases[0]["request"]["status"], "pending", "{cases}");
    let refused = s
        .ok(
            &format!(
                "/api/v1/registrar/registrations/{}/correction-requests/{}/decide",
                regs[0],
                filed["id"].as_str().unwrap()
            ),
            Some(&registrar),
            json!({"correct": false, "reason": "来源说明与登记材料一致，简介无误"}),
        )
        .await;
    assert_eq!(refused["version"], 1, "{refused}");
    let quiet: Value = s
        .get_as(&format!("/api/v1/exchange/feed?after={next}"), &admin)
        .await
        .1;
    assert_eq!(quiet["items"].as_array().unwrap().len(), 0, "{quiet}");

    let (_, verified) = s.get(&format!("/api/v1/verify/{code}")).await;
    assert_eq!(
        (
            verified["well_formed"].as_bool(),
            verified["valid"].as_bool()
        ),
        (Some(true), Some(true))
    );
    let (_, typo) = s
        .get(&format!(
            "/api/v1/verify/{}",
            code.replace("-0000001-", "-0000002-")
        ))
        .await;
    assert_eq!(typo["well_formed"], false);
    let (_, listed) = s.get("/api/v1/products").await;
    let names: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["出行指数"]);
    drop(s);

    // 2029-01-02: nobody acts, yet the agreement and the registration have run out; the
    // server's housekeeping expires both and the feed carries the cancellation.
    let s = Session::on(d, "2029-01-02");
    let mut actions = Vec::new();
    for _ in 0..100 {
        let feed: Value = s
            .get_as(&format!("/api/v1/exchange/feed?after={next}"), &admin)
            .await
            .1;
        actions = feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["action"].as_str().unwrap().to_string())
            .collect();
        if actions.iter().any(|a| a == "registration.expire") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        actions.iter().any(|a| a == "registration.expire"),
        "{actions:?}"
    );
    let (_, auth) = s.get(&format!("/api/v1/authorizations/{auth_id}")).await;
    assert_eq!(auth["status"], "expired", "{auth}");
}
