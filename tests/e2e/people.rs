//! People and sign-in against the real server: a browser session that survives a restart; five
//! wrong passwords lock an account and the security administrator unlocks it (with the second
//! factor); forms without their CSRF token are refused; a data administration gets 403 in
//! another region; the audit export names the person behind every write; single sign-on
//! against a real OpenID provider (oidc-provider, run by node).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::Locator;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::app::{Org, TestApp};
use crate::portal::{Driver, browser};
use crate::server::{Server, person_token};

pub(crate) const DEMO_PASSWORD: &str = "Mulu-Demo-2026";
const DEMO_TOTP_SECRET: &str = "MULUDEMOMULUDEMOMULUDEMOMULUDEMO";

/// A browser-like HTTP client: keeps cookies, follows no redirects (the test reads each one).
pub(crate) fn browser_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of hidden field `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The demo's current second-factor code (the test plays the person's authenticator app).
fn totp_code() -> String {
    let secret = totp_rs::Secret::Encoded(DEMO_TOTP_SECRET.to_string())
        .to_bytes()
        .unwrap();
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        secret,
        None,
        String::new(),
    )
    .unwrap()
    .generate_current()
    .unwrap()
}

/// Post the sign-in form as a browser would; the response (not followed).
pub(crate) async fn sign_in(
    http: &reqwest::Client,
    server: &Server,
    account: &str,
    password: &str,
) -> reqwest::Response {
    let page = http.get(server.url("/signin")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let csrf = hidden(&html, "csrf");
    http.post(server.url("/signin"))
        .form(&[
            ("account", account),
            ("password", password),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn wrong_passwords_lock_the_security_admin_unlocks_and_forms_need_their_token() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_demo(dir.path());
    let clerk = browser_client();

    // A post without the sign-in form's token is refused, whatever the password.
    let forged = clerk
        .post(server.url("/signin"))
        .form(&[("account", "tianbao"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.text().await.unwrap().contains("安全校验码"));

    for attempt in 1..=5 {
        let r = sign_in(&clerk, &server, "tianbao", "Wrong-Password-1").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
        let html = r.text().await.unwrap();
        if attempt < 5 {
            assert!(html.contains("账号或密码错误"), "{html}");
        } else {
            assert!(html.contains("账号已锁定"), "{html}");
        }
    }
    let locked = sign_in(&clerk, &server, "tianbao", DEMO_PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::UNAUTHORIZED);
    assert!(
        locked
            .text()
            .await
            .unwrap()
            .contains("请联系安全管理员解锁")
    );

    // The security administrator: password, then the second factor, then the people page.
    let security = browser_client();
    let r = sign_in(&security, &server, "anquan", DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/signin/second-factor");
    let page = security.get(server.url("/workbench")).send().await.unwrap();
    assert_eq!(
        location(&page),
        "/signin/second-factor",
        "no workbench before the second factor"
    );
    let form = security
        .get(server.url("/signin/second-factor"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = hidden(&form, "csrf");
    let wrong = security
        .post(server.url("/signin/second-factor"))
        .form(&[("code", "000000"), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("动态验证码不正确"));
    let code = totp_code();
    let r = security
        .post(server.url("/signin/second-factor"))
        .form(&[("code", code.as_str()), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/workbench");
    let people = security
        .get(server.url("/workbench/people"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(people.contains("已锁定"), "the locked clerk is listed");
    let row = people.find("tianbao").unwrap();
    let href = &people[..row];
    let id = href[href.rfind("/workbench/people/").unwrap() + 18..]
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let csrf = hidden(&people, "csrf");
    // The unlock form without its token is refused and changes nothing.
    let forged = security
        .post(server.url(&format!("/workbench/people/{id}/unlock")))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        sign_in(&clerk, &server, "tianbao", DEMO_PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let r = security
        .post(server.url(&format!("/workbench/people/{id}/unlock")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The security administrator cannot grant themselves a role.
    let me = security
        .get(server.url("/workbench/people"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mine = me.find(">anquan<").unwrap();
    let my_id = me[..mine][me[..mine].rfind("/workbench/people/").unwrap() + 18..]
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let own = security
        .post(server.url(&format!("/workbench/people/{my_id}/roles")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("roles", "security_admin"),
            ("roles", "data_admin"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::FORBIDDEN);

    // Unlocked: the clerk signs in.
    let r = sign_in(&clerk, &server, "tianbao", DEMO_PASSWORD).await;
    assert_eq!(location(&r), "/workbench");
    let home = clerk.get(server.url("/workbench")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.unwrap().contains("田宝"));
    // A form of the clerk's session without its token is refused.
    let forged = clerk
        .post(server.url("/workbench/tokens"))
        .form(&[("name", "对接")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // The lock and the unlock are audit events; the unlock names the security administrator.
    let auditor = person_token(dir.path(), "jianguan", "auditor");
    let export = reqwest::Client::new()
        .get(server.url("/api/v1/audit/export"))
        .bearer_auth(&auditor)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let events: Vec<Value> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(events.iter().any(|e| e["action"] == "person.lock"));
    let unlock = events
        .iter()
        .find(|e| e["action"] == "person.unlock")
        .unwrap();
    assert!(
        unlock["actor"].as_str().unwrap().contains(" person:"),
        "{unlock}"
    );
}

#[tokio::test]
async fn a_data_administration_is_refused_in_another_region_and_every_write_names_its_person() {
    let guizhou = Org::new(
        "11520000000000001Q",
        "贵州省大数据发展管理局",
        "520000",
        "data_admin",
    );
    let shandong = Org::new(
        "113700000000000023",
        "山东省大数据局",
        "370000",
        "data_admin",
    );
    let jinan = Org::new("11370100000000003B", "济南市统计局", "370100", "provider");
    let audit = Org::new(
        "113700000000000049",
        "山东省审计监督局",
        "370000",
        "auditor",
    );
    let app = TestApp::new().with_orgs(&[guizhou, shandong, jinan, audit]);
    let d = app.dir();
    let [guizhou, shandong, provider, auditor] = app.tokens([&guizhou, &shandong, &jinan, &audit]);
    let server = Server::start_empty(d);
    let http = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str, token: &str, body: Option<Value>| {
        let mut r = http.request(method, server.url(path)).bearer_auth(token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send()
    };
    let created: Value = call(
        reqwest::Method::POST,
        "/api/v1/workspace/resources",
        &provider,
        Some(json!({"content": {
            "name": "济南市常住人口统计", "summary": "分区县常住人口，按年更新",
            "grade": {"level": "一般数据"}, "share_type": "无条件共享", "open_type": "无条件开放",
            "update_frequency": "每年", "formats": ["csv"], "usage_restrictions": "不得用于商业营销"
        }})),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let id = created["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_string();
    let submitted = call(
        reqwest::Method::POST,
        &format!("/api/v1/workspace/resources/{id}/submit"),
        &provider,
        None,
    )
    .await
    .unwrap();
    assert!(
        submitted.status().is_success(),
        "{:?}",
        submitted.text().await
    );
    // Guizhou: 403 on Shandong's submission, and it is not in Guizhou's list.
    let refused = call(
        reqwest::Method::POST,
        &format!("/api/v1/workspace/resources/{id}/approve"),
        &guizhou,
        None,
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let problem: Value = refused.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("辖区"),
        "{problem}"
    );
    let read = call(
        reqwest::Method::GET,
        &format!("/api/v1/workspace/resources/{id}"),
        &guizhou,
        None,
    )
    .await
    .unwrap();
    assert_eq!(read.status(), StatusCode::FORBIDDEN);
    let listed: Value = call(
        reqwest::Method::GET,
        "/api/v1/workspace/resources?status=submitted",
        &guizhou,
        None,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert!(!listed.to_string().contains(&id), "{listed}");
    // Shandong approves it.
    let approved = call(
        reqwest::Method::POST,
        &format!("/api/v1/workspace/resources/{id}/approve"),
        &shandong,
        None,
    )
    .await
    .unwrap();
    assert!(
        approved.status().is_success(),
        "{:?}",
        approved.text().await
    );

    // The export names the person behind every write made with a token.
    let export = call(reqwest::Method::GET, "/api/v1/audit/export", &auditor, None)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let writes: Vec<Value> = export
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["entity_type"] == "resource")
        .collect();
    assert_eq!(writes.len(), 3, "create, submit, approve");
    for e in &writes {
        let actor = e["actor"].as_str().unwrap();
        assert!(
            actor.contains(" person:") && actor.contains(" token:"),
            "{actor}"
        );
    }
}

#[tokio::test]
async fn a_person_signs_in_in_a_browser_and_the_session_survives_a_restart() {
    let Some((driver_path, chrome)) = browser() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium and chromedriver"
        );
        println!("SKIPPED sign-in browser test: chromium/chromedriver not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let driver = Driver::start(&driver_path);
    let server = Server::start_demo(dir.path());
    let client = driver.session(&chrome).await;
    client.goto(&server.url("/workbench")).await.unwrap();
    // Not signed in: the workbench sends the browser to the sign-in page.
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/signin")
    );
    client
        .find(Locator::Id("account"))
        .await
        .unwrap()
        .send_keys("shenhe")
        .await
        .unwrap();
    client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(DEMO_PASSWORD)
        .await
        .unwrap();
    client
        .find(Locator::Css("form.stack button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_h1(&client, "待办").await;
    let page = client.source().await.unwrap();
    assert!(page.contains("沈禾"), "the person's name is shown");
    assert!(page.contains("数据管理部门"), "the role is shown");
    assert!(page.contains("辖区 四川省"), "the region is shown");
    let base = server.base.clone();
    drop(server);
    // Same database, new process (and port: cookies are per host, not per port).
    let server = Server::start_demo(dir.path());
    client.goto(&server.url("/workbench")).await.unwrap();
    wait_for_h1(&client, "待办").await;
    assert_ne!(base, server.base);
    // Sign out: the session ends for good.
    client
        .find(Locator::Css("form[action='/signout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_h1(&client, "已退出").await;
    client.goto(&server.url("/workbench")).await.unwrap();
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/signin")
    );
    let _ = client.close().await;
}

async fn wait_for_h1(client: &fantoccini::Client, text: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Ok(h1) = client.find(Locator::Css("h1")).await
            && h1.text().await.unwrap_or_default() == text
        {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no h1 {text}: {}",
            client.source().await.unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// single sign-on against a real OpenID provider

#[path = "../oidc/drive.rs"]
mod drive;

/// The test OpenID provider (tests/oidc/provider.mjs), killed on drop.
struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_provider(redirect_uri: &str) -> Option<Provider> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/oidc");
    if !folder.join("node_modules/oidc-provider").is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run `npm ci` in tests/oidc"
        );
        println!("SKIPPED single sign-on test: run `npm ci` in tests/oidc");
        return None;
    }
    let port = free_port();
    let mut child = Command::new("node")
        .arg(folder.join("provider.mjs"))
        .env("OIDC_PORT", port.to_string())
        .env("OIDC_CLIENT_ID", "mulu")
        .env("OIDC_CLIENT_SECRET", "mulu-test-secret")
        .env("OIDC_REDIRECT_URI", redirect_uri)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    // Keep reading: a provider whose stdout is closed dies of EPIPE on its next notice.
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if line.contains("listening on") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("oidc-provider starts");
    Some(Provider {
        child,
        issuer: format!("http://127.0.0.1:{port}"),
    })
}

#[tokio::test]
async fn single_sign_on_maps_the_provider_claim_to_a_person() {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let callback = format!("{base}/signin/oidc/callback");
    let Some(provider) = start_provider(&callback) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_at(
        &format!("127.0.0.1:{port}"),
        &[
            "--demo",
            "--demo-corpus",
            "builtin",
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--public-url",
            &base,
            "--oidc-issuer",
            &provider.issuer,
            "--oidc-client-id",
            "mulu",
            "--oidc-client-secret",
            "mulu-test-secret",
        ],
    );
    assert_eq!(server.base, base);
    let sign_in_as = |login: &'static str| {
        let server = &server;
        let callback = callback.clone();
        async move {
            let http = browser_client();
            let start = http.get(server.url("/signin/oidc")).send().await.unwrap();
            assert_eq!(start.status(), StatusCode::SEE_OTHER);
            let authorize = location(&start);
            assert!(
                authorize.contains("code_challenge_method=S256"),
                "{authorize}"
            );
            let (code, state) =
                drive::sign_in_at_provider(&http, &authorize, &callback, login).await;
            let back = http
                .get(format!("{callback}?code={code}&state={state}"))
                .send()
                .await
                .unwrap();
            (http, back)
        }
    };
    // The demo's clerk is known to the identity platform as "tianbao".
    let (http, back) = sign_in_as("tianbao").await;
    assert_eq!(
        back.status(),
        StatusCode::SEE_OTHER,
        "{:?}",
        back.text().await
    );
    assert_eq!(location(&back), "/workbench");
    let home = http.get(server.url("/workbench")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.unwrap().contains("田宝"));
    // Someone the platform knows but Mulu does not: refused with the reason.
    let (_, back) = sign_in_as("mallory").await;
    assert_eq!(back.status(), StatusCode::FORBIDDEN);
    assert!(back.text().await.unwrap().contains("尚未关联本系统账号"));
    // A forged callback (no pending sign-in) is refused.
    let forged = browser_client()
        .get(format!("{callback}?code=abc&state=def"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
}
