//! Secrets never reach the log or the audit trail: API tokens (good and bad), webhook signing
//! secrets and database passwords, with the server logging at debug level in both formats.

use std::process::Command;

use reqwest::{Client, Method, StatusCode};
use serde_json::json;

use crate::app::{ADMIN, EXCHANGE, TestApp};
use crate::server::{Api, MULU, Server, fresh_database};

const WEBHOOK_SECRET: &str = "whsec-never-logged-7f3a9c";
const ROTATED_SECRET: &str = "whsec-rotated-never-logged-41be";
const DB_PASSWORD: &str = "db-pass-never-logged-93d1";
const WRONG_TOKEN: &str = "mulu_wrongtokennever0logged0a1b2c3d4e5f6";

fn assert_absent(haystack: &str, secrets: &[&str], place: &str) {
    for secret in secrets {
        assert!(
            !haystack.contains(secret),
            "{place} contains the secret {secret:?}"
        );
    }
}

#[tokio::test]
async fn tokens_and_webhook_secrets_stay_out_of_logs_and_audit() {
    let auditor_org = ADMIN.with_kind("auditor");
    let app = TestApp::new().with_orgs(&[EXCHANGE, auditor_org]);
    let d = app.dir();
    let [exchange, auditor] = app.tokens([&EXCHANGE, &auditor_org]);

    for format in [&[][..], &["--log-json"][..]] {
        // The endpoint below is on loopback, which only this switch allows.
        let mut args = vec![
            "--data-dir",
            d.to_str().unwrap(),
            "--webhook-allow-private-targets",
        ];
        args.extend_from_slice(format);
        let api = Api {
            http: Client::new(),
            server: Server::start_logged(&args, "debug"),
        };

        let (status, _, _) = api
            .call(
                Method::GET,
                "/api/v1/exchange/webhooks",
                Some(&exchange),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, _) = api
            .call(
                Method::GET,
                "/api/v1/exchange/webhooks",
                Some(WRONG_TOKEN),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        // A rejected body that carries a secret: the error explains the field, not the value.
        let (status, _, _) = api
            .call(
                Method::POST,
                "/api/v1/exchange/webhooks",
                Some(&exchange),
                Some(json!({"url": "ftp://nowhere/x", "secret": WEBHOOK_SECRET})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, endpoint, _) = api
            .call(
                Method::POST,
                "/api/v1/exchange/webhooks",
                Some(&exchange),
                Some(json!({"url": "http://127.0.0.1:9/hook", "secret": WEBHOOK_SECRET})),
            )
            .await;
        assert!(status.is_success(), "{endpoint}");
        let id = endpoint["id"].as_str().unwrap();
        let (status, body, _) = api
            .call(
                Method::PUT,
                &format!("/api/v1/exchange/webhooks/{id}"),
                Some(&exchange),
                Some(json!({"url": "http://127.0.0.1:9/hook2", "secret": ROTATED_SECRET})),
            )
            .await;
        assert!(status.is_success(), "{body}");

        let audit = api
            .http
            .get(api.server.url("/api/v1/audit/export"))
            .bearer_auth(&auditor)
            .send()
            .await
            .unwrap();
        assert_eq!(audit.status(), StatusCode::OK);
        let audit = audit.text().await.unwrap();
        assert!(
            audit.contains("hook2"),
            "the endpoint change is audited: {audit}"
        );
        let secrets = [
            exchange.as_str(),
            auditor.as_str(),
            WRONG_TOKEN,
            WEBHOOK_SECRET,
            ROTATED_SECRET,
        ];
        assert_absent(&audit, &secrets, "the audit export");

        let log = api.server.log_text();
        // The log is really on: requests show up in it.
        assert!(
            log.contains("/api/v1/exchange/webhooks"),
            "debug log records requests: {log}"
        );
        assert_absent(&log, &secrets, "the server log");
    }
}

#[tokio::test]
async fn database_password_stays_out_of_logs_and_errors() {
    // A server that cannot reach its database says so without printing the password.
    let unreachable = format!("postgres://mulu:{DB_PASSWORD}@127.0.0.1:1/mulu");
    let out = Command::new(MULU)
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &unreachable,
        ])
        .env("RUST_LOG", "debug")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!printed.trim().is_empty(), "the failure is explained");
    assert_absent(&printed, &[DB_PASSWORD], "the start-up failure");

    // `--help` lists the environment variable, not its value.
    let help = Command::new(MULU)
        .args(["serve", "--help"])
        .env("MULU_DATABASE_URL", &unreachable)
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("MULU_DATABASE_URL"), "{help}");
    assert_absent(&help, &[DB_PASSWORD], "`mulu serve --help`");

    // A server that reaches it logs at debug level without the password either.
    let Some(url) = fresh_database().await else {
        return;
    };
    let with_password = url.replacen("://postgres@", &format!("://postgres:{DB_PASSWORD}@"), 1);
    assert_ne!(with_password, url, "test URL has the expected user");
    let server = Server::start_logged(
        &["--database-url", &with_password, "--index-dir", ":memory:"],
        "debug",
    );
    let response = reqwest::get(server.url("/readyz")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let log = server.log_text();
    assert!(!log.is_empty());
    assert_absent(&log, &[DB_PASSWORD], "the server log");
}
