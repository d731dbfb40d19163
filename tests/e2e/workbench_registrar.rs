//! The registrar's workbench (R 9 (四), R 10–11) in a real headless Chromium: the demo operator
//! applies to cancel its coded registration; the registrar finds the application in the
//! worklist with its acceptance deadline, reads the materials, is refused a 不予受理 without a
//! reason (the catalog's message in the page), accepts it, and completes it; the registration
//! it names is then cancelled, its end shown on the same page.

use serde_json::{Value, json};

use crate::workbench::{sign_in, start};

#[tokio::test]
async fn a_registrar_takes_a_cancellation_from_the_worklist_to_its_end() {
    let Some(session) = start("registrar workbench").await else {
        return;
    };
    let b = &session.b;
    let base = session.server.base.clone();
    let operator = crate::server::mulu(
        session._dir.path(),
        &[
            "token", "create", "--user", "yunying", "--role", "operator", "--name", "t",
        ],
    );
    let http = reqwest::Client::new();
    let mine: Value = http
        .get(format!("{base}/api/v1/registrant/registrations"))
        .bearer_auth(&operator)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let coded = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "coded")
        .unwrap_or_else(|| panic!("the demo has a coded registration: {mine}"));
    let (registration, name) = (
        coded["id"].as_str().unwrap().to_string(),
        coded["subject_name"].as_str().unwrap().to_string(),
    );
    // The operator applies (its own workbench pages come with part 2 of issue 28).
    let applied = http
        .post(format!(
            "{base}/api/v1/registrations/{registration}/cancellation"
        ))
        .bearer_auth(&operator)
        .json(&json!({"ground": "登记主体放弃相关权益或权益期限届满", "detail": "该产品停止运营"}))
        .send()
        .await
        .unwrap();
    assert_eq!(applied.status(), 201);
    let application = applied.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    sign_in(b, "dengji").await;
    b.check_page().await;
    let todo = b
        .text("tbody tr:has(a[href='/workbench/registrations?status=submitted'])")
        .await;
    assert!(todo.contains('1') && todo.contains("最早应于"), "{todo}");
    b.click("a[href='/workbench/registrations?status=submitted']")
        .await;
    b.check_page().await;
    let row = b
        .text(&format!(
            "#worklist tr:has(a[href='/workbench/registrations/{application}'])"
        ))
        .await;
    assert!(row.contains("注销登记") && row.contains("受理 20"), "{row}");
    b.shots("workbench-registrar-worklist").await;
    b.click(&format!("a[href='/workbench/registrations/{application}']"))
        .await;
    b.check_page().await;
    assert_eq!(b.text("#status").await, "已申请");
    assert!(b.text("#materials").await.contains("数据安全风险评估"));
    assert!(b.text("#deadline").await.starts_with("受理 "));

    // 不予受理 needs its reason: the catalog says so in the page, nothing changes.
    b.click("button[value='refuse']").await;
    assert!(b.text(".error-summary").await.contains("不能为空"));
    assert_eq!(b.text("#status").await, "已申请");
    b.click("button[value='accept']").await;
    assert_eq!(b.text("#status").await, "已受理");
    assert!(b.text("#deadline").await.starts_with("办结注销 "));
    b.shots("workbench-registrar-application").await;
    b.click("button[value='complete']").await;
    assert_eq!(
        b.path().await,
        format!("/workbench/registrations/{registration}"),
        "completing leads to the registration it ended"
    );
    assert_eq!(b.text("#status").await, "已注销");
    assert!(b.text("h1").await.contains(&name));
    assert!(b.text("#history").await.contains("依申请注销"));
    b.check_page().await;
    b.shots("workbench-registrar-cancelled").await;
    let _ = b.client.clone().close().await;
}
