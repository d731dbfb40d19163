//! The real `mulu` binary: import a corpus file through `serve --demo`, follow the background
//! indexer through `/metrics`, reindex, and measure write→searchable over HTTP.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::Result;

pub struct Server {
    child: Child,
    pub base: String,
    /// From spawn to "listening on": the demo import of the corpus file dominates it.
    pub startup: Duration,
}

pub fn binary() -> PathBuf {
    std::env::var_os("MULU_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/mulu"))
}

impl Server {
    /// `mulu serve --demo --demo-corpus FILE` on a free loopback port; returns once it listens.
    /// The anonymous rate limit is lifted: the load generator is one client address.
    pub fn start(
        data_dir: &Path,
        database_url: Option<&str>,
        corpus: &Path,
        extra: &[&str],
    ) -> Result<Server> {
        let mut cmd = Command::new(binary());
        cmd.arg("serve")
            .args(["--bind", "127.0.0.1:0", "--demo", "--demo-corpus"])
            .arg(corpus)
            .arg("--data-dir")
            .arg(data_dir)
            .args([
                "--public-rate",
                "1000000000",
                "--public-burst",
                "1000000000",
                // The bench reads the index's state from /metrics.
                "--metrics-public",
            ])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(url) = database_url {
            cmd.args(["--database-url", url]);
        }
        let started = Instant::now();
        let mut child = cmd.spawn().map_err(|e| {
            format!(
                "{}: {e} (build it: cargo build --release --workspace --bins)",
                binary().display()
            )
        })?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout)
                .lines()
                .map_while(std::result::Result::ok)
            {
                if let Some(addr) = line.strip_prefix("listening on ") {
                    let _ = tx.send(addr.to_owned());
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(3600))
            .map_err(|_| "mulu serve did not start (see its log above)")?;
        Ok(Server {
            startup: started.elapsed(),
            base: if addr.starts_with("http") {
                addr
            } else {
                format!("http://{addr}")
            },
            child,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Peak resident set (VmHWM) of the server process, bytes.
    pub fn peak_rss(&self) -> u64 {
        peak_rss(self.pid())
    }

    /// Resident set now (VmRSS), bytes.
    pub fn rss(&self) -> u64 {
        proc_status_kb(self.pid(), "VmRSS:") * 1024
    }

    pub fn stop(mut self) {
        // SIGTERM lets it commit the index; fall back to kill.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Peak resident set (VmHWM) of process `pid`, bytes.
pub fn peak_rss(pid: u32) -> u64 {
    proc_status_kb(pid, "VmHWM:") * 1024
}

fn proc_status_kb(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// `mulu_search_index_lag` and `mulu_search_documents` from /metrics.
/// (index lag, documents, segments) from `/metrics`.
pub async fn index_state(http: &reqwest::Client, base: &str) -> Result<(f64, f64, f64)> {
    let text = http
        .get(format!("{base}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    let value = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
            .and_then(|l| l.split_whitespace().last()?.parse::<f64>().ok())
    };
    Ok((
        value("mulu_search_index_lag").unwrap_or(f64::MAX),
        value("mulu_search_documents").unwrap_or(0.0),
        value("mulu_search_segments").unwrap_or(0.0),
    ))
}

/// Waits until the merge that ends a rebuild is done (the server merges in the background, on
/// the same two cores the load would use): the search load measures the index as it stands in
/// steady state, not while it is being merged.
pub async fn await_merged(http: &reqwest::Client, base: &str) -> Result<Duration> {
    let start = Instant::now();
    loop {
        let (_, _, segments) = index_state(http, base).await?;
        // One merged segment, perhaps plus one the follower wrote since.
        if segments <= 2.0 {
            return Ok(start.elapsed());
        }
        if start.elapsed() > Duration::from_secs(600) {
            eprintln!("bench: the index is still in {segments} segments after 10 min; measuring");
            return Ok(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until the background indexer has caught up with at least `docs` documents.
pub async fn await_indexed(http: &reqwest::Client, base: &str, docs: usize) -> Result<Duration> {
    let start = Instant::now();
    loop {
        let (lag, n, _) = index_state(http, base).await?;
        if lag == 0.0 && n >= docs as f64 {
            return Ok(start.elapsed());
        }
        if start.elapsed() > Duration::from_secs(7200) {
            return Err(format!("index still behind after 2 h (lag {lag}, {n} documents)").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The mix's search request: the first 10 hits of `q`, with or without facets.
pub fn search_request(
    http: &reqwest::Client,
    base: &str,
    q: &str,
    facets: bool,
) -> reqwest::RequestBuilder {
    http.get(format!("{base}/api/v1/search")).query(&[
        ("q", q),
        ("limit", "10"),
        ("facets", if facets { "true" } else { "false" }),
    ])
}

/// Top hits' titles for one query through GET /api/v1/search.
pub async fn search(
    http: &reqwest::Client,
    base: &str,
    q: &str,
    facets: bool,
) -> std::result::Result<Vec<String>, String> {
    let res = search_request(http, base, q, facets)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = res.status();
    let body: Value = res.json().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}: {body}"));
    }
    if facets && body["facets"].as_object().is_none_or(|f| f.is_empty()) && body["total"] != 0 {
        return Err(format!("no facets for {q}"));
    }
    Ok(body["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .filter_map(|h| h["title"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

fn cli(data_dir: &Path, database_url: Option<&str>, args: &[&str]) -> Result<String> {
    let mut cmd = Command::new(binary());
    cmd.args(args).arg("--data-dir").arg(data_dir);
    if let Some(url) = database_url {
        cmd.args(["--database-url", url]);
    }
    let out = cmd.env("RUST_LOG", "warn").output()?;
    if !out.status.success() {
        return Err(format!(
            "mulu {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// `mulu reindex` on a stopped server's data; wall time of the whole command.
pub fn reindex(data_dir: &Path, database_url: Option<&str>) -> Result<(Duration, String)> {
    let start = Instant::now();
    let out = cli(data_dir, database_url, &["reindex"])?;
    Ok((start.elapsed(), out))
}

/// `mulu import FILE --provider … --partial` into an empty database: the bulk import a provider
/// runs (every row validated, drafts with versions and audit events, one transaction). Wall time
/// of the import command alone, process start and final WAL checkpoint included; the provider
/// is created first by its own command.
pub fn bulk_import(
    data_dir: &Path,
    database_url: Option<&str>,
    corpus: &Path,
) -> Result<(Duration, String)> {
    let provider = uscc("350100", 900_000_010)?;
    cli(
        data_dir,
        database_url,
        &[
            "org",
            "create",
            "--uscc",
            &provider,
            "--name",
            "基准测试导入单位",
            "--region",
            "350100",
            "--kind",
            "provider",
        ],
    )?;
    let file = corpus.display().to_string();
    let start = Instant::now();
    let out = cli(
        data_dir,
        database_url,
        &["import", &file, "--provider", &provider, "--partial"],
    )?;
    Ok((start.elapsed(), out))
}

fn uscc(region: &str, serial: u64) -> Result<String> {
    let first17 = format!("11{region}{serial:09}");
    let check = catalog::domain::Uscc::compute_check_char(&first17).ok_or("uscc")?;
    Ok(format!("{first17}{check}"))
}

/// Bench-only organizations and tokens (serials far above the demo's), made with the CLI.
pub fn tokens(data_dir: &Path, database_url: Option<&str>) -> Result<(String, String)> {
    let (admin, provider) = (uscc("110000", 900_000_001)?, uscc("110100", 900_000_002)?);
    for (u, name, region, kind) in [
        (&admin, "基准测试数据局", "110000", "data_admin"),
        (&provider, "基准测试统计局", "110100", "provider"),
    ] {
        cli(
            data_dir,
            database_url,
            &[
                "org", "create", "--uscc", u, "--name", name, "--region", region, "--kind", kind,
            ],
        )?;
    }
    let admin_token = cli(
        data_dir,
        database_url,
        &[
            "token",
            "create",
            "--org",
            &admin,
            "--role",
            "data_admin",
            "--name",
            "基准审核",
        ],
    )?;
    let provider_token = cli(
        data_dir,
        database_url,
        &[
            "token",
            "create",
            "--org",
            &provider,
            "--role",
            "provider",
            "--name",
            "基准报送",
        ],
    )?;
    Ok((admin_token, provider_token))
}

async fn post(
    http: &reqwest::Client,
    url: String,
    token: &str,
    body: Option<Value>,
) -> Result<Value> {
    let mut req = http.post(url).bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await?;
    let status = res.status();
    let body: Value = res.json().await?;
    if !status.is_success() {
        return Err(format!("{status}: {body}").into());
    }
    Ok(body)
}

/// Creates, submits, approves and publishes a fresh resource, then polls anonymous search until
/// it is found: the time from the publish response to the first hit.
pub async fn write_to_searchable(
    http: &reqwest::Client,
    base: &str,
    (admin, provider): (&str, &str),
    n: usize,
) -> Result<Duration> {
    let title = format!("基准测试专用犀牛湾第{n}号候鸟观测记录");
    let content = json!({
        "name": title,
        "summary": format!("{title}，按月更新"),
        "grade": {"level": "一般数据"},
        "share_type": "无条件共享",
        "open_type": "无条件开放",
        "update_frequency": "每月",
        "formats": ["csv"],
    });
    let created = post(
        http,
        format!("{base}/api/v1/workspace/resources"),
        provider,
        Some(json!({ "content": content })),
    )
    .await?;
    let id = created["id"].as_str().ok_or("no id")?.to_owned();
    for (step, token) in [("submit", provider), ("approve", admin), ("publish", admin)] {
        post(
            http,
            format!("{base}/api/v1/workspace/resources/{id}/{step}"),
            token,
            None,
        )
        .await?;
    }
    let published = Instant::now();
    loop {
        let hits = search(http, base, &title, false).await?;
        if hits.contains(&title) {
            return Ok(published.elapsed());
        }
        if published.elapsed() > Duration::from_secs(30) {
            return Err(format!("{title} not searchable after 30 s").into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Bytes under `path` (a file or a directory tree).
pub fn disk_size(path: &Path) -> u64 {
    let Ok(meta) = std::fs::metadata(path) else {
        return 0;
    };
    if meta.is_file() {
        return meta.len();
    }
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(std::result::Result::ok)
                .map(|e| disk_size(&e.path()))
                .sum()
        })
        .unwrap_or(0)
}

/// A bench that fails half-way leaves no server behind.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
