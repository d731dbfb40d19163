//! Start and stop a real `mulu serve` process.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const MULU: &str = env!("CARGO_BIN_EXE_mulu");

pub struct Server {
    child: Child,
    pub base: String,
    /// Every line the server logged (stdout), kept so tests can check what reaches the log.
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// `mulu serve --demo --demo-corpus builtin` on port 0, in `data_dir`; waits for it to listen.
    pub fn start_demo(data_dir: &Path) -> Server {
        Self::start(&[
            "--demo",
            "--demo-corpus",
            "builtin",
            "--data-dir",
            data_dir.to_str().unwrap(),
        ])
    }

    /// The demo in `data_dir` with "today" pinned (loaded once; a restart on another day serves
    /// the same data, as time passes).
    pub fn start_demo_today(data_dir: &Path, today: &str) -> Server {
        let dir = data_dir.to_str().unwrap();
        let args = ["--demo", "--demo-corpus", "builtin", "--data-dir", dir];
        Self::start_with_env(&args, Some(today))
    }

    /// Stop the process now (before another serves the same data directory).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// An empty service on SQLite in `data_dir`.
    pub fn start_empty(data_dir: &Path) -> Server {
        Self::start(&["--data-dir", data_dir.to_str().unwrap()])
    }

    /// The service in `data_dir` with "today" pinned, to walk working-day clocks.
    pub fn start_on(data_dir: &Path, today: &str) -> Server {
        Self::start_with_env(&["--data-dir", data_dir.to_str().unwrap()], Some(today))
    }

    /// The service in `data_dir` with "today" pinned and extra `serve` flags.
    pub fn start_on_with(data_dir: &Path, today: &str, extra: &[&str]) -> Server {
        let mut args = vec!["--data-dir", data_dir.to_str().unwrap()];
        args.extend_from_slice(extra);
        Self::start_with_env(&args, Some(today))
    }

    /// The same against PostgreSQL at `database_url`.
    pub fn start_demo_on(database_url: &str) -> Server {
        Self::start(&[
            "--demo",
            "--demo-corpus",
            "builtin",
            "--database-url",
            database_url,
            // Each test server keeps its own index: nothing shared under the working directory.
            "--index-dir",
            ":memory:",
        ])
    }

    /// `mulu serve` with these extra arguments.
    pub fn start(extra: &[&str]) -> Server {
        Self::start_with_env(extra, None)
    }

    /// `mulu serve` with these extra arguments, logging at `rust_log`.
    pub fn start_logged(extra: &[&str], rust_log: &str) -> Server {
        Self::spawn(extra, None, rust_log)
    }

    fn start_with_env(extra: &[&str], today: Option<&str>) -> Server {
        let rust_log = std::env::var("MULU_TEST_LOG").unwrap_or_else(|_| "warn".into());
        Self::spawn(extra, today, &rust_log)
    }

    fn spawn(extra: &[&str], today: Option<&str>, rust_log: &str) -> Server {
        Self::spawn_at("127.0.0.1:0", extra, today, rust_log)
    }

    /// `mulu serve` on a given address (when the URL must be known before it starts).
    pub fn start_at(bind: &str, extra: &[&str]) -> Server {
        Self::spawn_at(bind, extra, None, "warn")
    }

    fn spawn_at(bind: &str, extra: &[&str], today: Option<&str>, rust_log: &str) -> Server {
        let mut command = Command::new(MULU);
        if let Some(today) = today {
            command.env("MULU_TODAY", today);
        }
        let mut child = command
            .arg("serve")
            .args(["--bind", bind])
            .args(extra)
            .env("RUST_LOG", rust_log)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("mulu starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let log = Arc::new(Mutex::new(Vec::new()));
        let kept = log.clone();
        std::thread::spawn(move || {
            // With MULU_TEST_LOG set, the server's log (on stdout) is shown with the test's output.
            let forward = std::env::var_os("MULU_TEST_LOG").is_some();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("listening on ") {
                    let _ = tx.send(addr.to_string());
                } else {
                    if forward {
                        eprintln!("{line}");
                    }
                    kept.lock().unwrap().push(line);
                }
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("mulu prints its address within 60 s");
        Server { child, base, log }
    }

    /// Waits until `/readyz` says the search index holds every change (it rebuilds or catches up
    /// in the background after a start), so what a test reads from it is complete.
    pub async fn search_current(&self) {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let ready: serde_json::Value = reqwest::get(self.url("/readyz"))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if ready["search_index"] == "current" {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the search index catches up within 60 s: {ready}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// What the server has logged so far, one line per entry.
    pub fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server's process id (to read its memory from /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Run a `mulu` subcommand against the SQLite database in `data_dir`; its stdout, trimmed.
pub fn mulu(data_dir: &Path, args: &[&str]) -> String {
    let out = Command::new(MULU)
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mulu {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A token for a demo person (`tianbao`, `dengji`, …) in one of their roles, through the CLI
/// acting as the service, against the SQLite database in `data_dir`.
pub fn person_token(data_dir: &Path, account: &str, role: &str) -> String {
    mulu(
        data_dir,
        &[
            "token", "create", "--user", account, "--role", role, "--name", "e2e",
        ],
    )
}

/// A JSON client for one server: status, body and ETag of each call.
pub struct Api {
    pub http: reqwest::Client,
    pub server: Server,
}

impl Api {
    pub fn over(server: Server) -> Api {
        Api {
            http: reqwest::Client::new(),
            server,
        }
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (reqwest::StatusCode, serde_json::Value, Option<String>) {
        let mut request = self.http.request(method, self.server.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let etag = response
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_string());
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, body, etag)
    }
}

/// A fresh schema on the test PostgreSQL, or `None` outside CI when there is none.
pub async fn fresh_database() -> Option<String> {
    let Ok(url) = std::env::var("MULU_TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set MULU_TEST_DATABASE_URL"
        );
        eprintln!("MULU_TEST_DATABASE_URL not set: skipping");
        return None;
    };
    let schema = format!("e2e_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .unwrap();
    let separator = if url.contains('?') { '&' } else { '?' };
    Some(format!("{url}{separator}options=-csearch_path%3D{schema}"))
}

/// What a signed agreement states (N 14), as the sign endpoint takes it.
pub fn agreement_terms(number: &str) -> serde_json::Value {
    let mut terms = serde_json::json!({
        "number": number,
        "document": {
            "name": "授权运营协议.pdf",
            "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        },
    });
    for clause in [
        "products_and_standards",
        "asset_ownership",
        "disclosure_duties",
        "accounting_and_revenue",
        "security_duties",
        "evaluation_and_exit",
        "liability",
        "dispute_resolution",
        "change_and_termination",
    ] {
        terms[clause] = serde_json::Value::String("按协议约定执行".to_string());
    }
    terms
}

/// What an announcement states (C 8.1), as the announce endpoint takes it.
pub fn announcement() -> serde_json::Value {
    serde_json::json!({
        "selection_method": "遴选",
        "application_conditions": "符合《实施规范》7.2 运营机构资格条件",
        "review_process": "材料审查、专家评审、结果公示",
        "review_criteria": "安全保障能力 40%，技术能力 30%，运营方案 30%",
        "applications_close_on": "2099-12-31",
    })
}

/// An operator's application declaring every C 7.2 condition, with its materials (C 8.2).
pub fn application() -> serde_json::Value {
    serde_json::json!({
        "declarations": [
            "no_security_incidents", "no_penalties", "security_organization",
            "protection_level_three", "technical_capability", "data_security_capability",
        ],
        "materials": ["授权运营申请书", "等保三级测评报告"],
    })
}
