//! Groonga peer: `groonga -s --protocol http` (Debian `groonga-bin`) with a TokenBigram +
//! NormalizerAuto lexicon over title and body, loaded through `/d/load`, queried through
//! `/d/select` (`match_columns=title*3||body`, by score, limit 10; facet requests add a
//! drilldown on provider and domain).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::Result;
use crate::corpus::{self, Record};
use crate::queries::Query;

pub struct Peer {
    child: Child,
    pub base: String,
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Peer {
    /// A fresh database in `dir` and its HTTP server.
    pub async fn start(dir: &Path, http: &reqwest::Client) -> Result<Peer> {
        std::fs::create_dir_all(dir)?;
        let db = dir.join("db");
        let status = Command::new("groonga")
            .arg("-n")
            .arg(&db)
            .arg("status")
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("groonga: {e} (apt-get install -y groonga-bin)"))?;
        if !status.success() {
            return Err("groonga -n failed".into());
        }
        let port = free_port()?;
        let child = Command::new("groonga")
            .args(["-s", "--protocol", "http", "--bind-address", "127.0.0.1"])
            .args(["--port", &port.to_string(), "--max-threads", "16"])
            .arg(&db)
            .stdout(Stdio::null())
            .spawn()?;
        let peer = Peer {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let start = Instant::now();
        while peer.command(http, "status", &[]).await.is_err() {
            if start.elapsed() > Duration::from_secs(20) {
                return Err("groonga did not start".into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(peer)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    async fn command(
        &self,
        http: &reqwest::Client,
        name: &str,
        params: &[(&str, &str)],
    ) -> Result<Value> {
        let res = http
            .get(format!("{}/d/{name}", self.base))
            .query(params)
            .send()
            .await?;
        let body: Value = res.json().await?;
        if body[0][0].as_i64() != Some(0) {
            return Err(format!("groonga {name}: {body}").into());
        }
        Ok(body)
    }

    /// Loads `records`; returns (load time, index build time).
    pub async fn load(
        &self,
        http: &reqwest::Client,
        records: &[Record],
    ) -> Result<(Duration, Duration)> {
        self.command(
            http,
            "table_create",
            &[
                ("name", "Docs"),
                ("flags", "TABLE_HASH_KEY"),
                ("key_type", "ShortText"),
            ],
        )
        .await?;
        for (name, ty) in [
            ("title", "ShortText"),
            ("body", "Text"),
            ("provider", "ShortText"),
            ("domain", "ShortText"),
        ] {
            self.command(
                http,
                "column_create",
                &[
                    ("table", "Docs"),
                    ("name", name),
                    ("flags", "COLUMN_SCALAR"),
                    ("type", ty),
                ],
            )
            .await?;
        }
        let start = Instant::now();
        for chunk in records.chunks(5000) {
            let rows: Vec<Value> = chunk
                .iter()
                .map(|r| {
                    json!({
                        "_key": r.id,
                        "title": r.title,
                        "body": corpus::body(r),
                        "provider": corpus::provider(r),
                        "domain": corpus::domain(r).unwrap_or(""),
                    })
                })
                .collect();
            let res = http
                .post(format!("{}/d/load?table=Docs", self.base))
                .json(&rows)
                .send()
                .await?;
            let body: Value = res.json().await?;
            if body[0][0].as_i64() != Some(0) {
                return Err(format!("groonga load: {body}").into());
            }
        }
        let loaded = start.elapsed();
        let start = Instant::now();
        self.command(
            http,
            "table_create",
            &[
                ("name", "Terms"),
                ("flags", "TABLE_PAT_KEY"),
                ("key_type", "ShortText"),
                ("default_tokenizer", "TokenBigram"),
                ("normalizer", "NormalizerAuto"),
            ],
        )
        .await?;
        self.command(
            http,
            "column_create",
            &[
                ("table", "Terms"),
                ("name", "docs_index"),
                ("flags", "COLUMN_INDEX|WITH_POSITION|WITH_SECTION"),
                ("type", "Docs"),
                ("source", "title,body"),
            ],
        )
        .await?;
        Ok((loaded, start.elapsed()))
    }

    pub async fn search(
        &self,
        http: &reqwest::Client,
        q: &Query,
    ) -> std::result::Result<Vec<String>, String> {
        // Quoted: the text is matched as typed, never parsed as query syntax.
        let quoted = format!("\"{}\"", q.q.replace('\\', "\\\\").replace('"', "\\\""));
        let mut params = vec![
            ("table", "Docs"),
            ("match_columns", "title*3||body"),
            ("query", quoted.as_str()),
            ("sort_keys", "-_score,_id"),
            ("output_columns", "title"),
            ("limit", "10"),
        ];
        if q.facets {
            params.extend([
                ("drilldown", "provider,domain"),
                ("drilldown_sort_keys", "-_nsubrecs"),
                ("drilldown_limit", "10"),
            ]);
        }
        let res = http
            .get(format!("{}/d/select", self.base))
            .query(&params)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let body: Value = res.json().await.map_err(|e| e.to_string())?;
        if body[0][0].as_i64() != Some(0) {
            return Err(format!("groonga select {}: {}", q.q, body[0]));
        }
        Ok(body[1][0]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .skip(2)
                    .filter_map(|r| r[0].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
