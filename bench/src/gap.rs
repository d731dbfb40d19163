//! `--gap URL --gap-index DIR`: where the time between the engine and the HTTP answer goes. Each
//! query of the mix runs in process on the index a running `mulu serve` uses and over HTTP to that
//! server, a few rounds each, one at a time; prints both distributions and the queries with the
//! largest difference (fastest round of each, so preemptions do not count).

use std::path::Path;
use std::time::Instant;

use crate::Result;
use crate::queries::Query;
use crate::{mulu, tantivy_peer};

pub async fn run(base: &str, index_dir: &Path, queries: &[Query], rounds: usize) -> Result<()> {
    let index = tantivy_peer::open(index_dir)?;
    let http = reqwest::Client::new();
    let mut engine = vec![f64::INFINITY; queries.len()];
    let mut over_http = vec![f64::INFINITY; queries.len()];
    let mut in_server = vec![f64::INFINITY; queries.len()];
    // One path at a time, so neither leaves its caches or threads in the other's way; the first
    // round of each warms up.
    for round in 0..rounds + 1 {
        for (i, q) in queries.iter().enumerate() {
            let started = Instant::now();
            index.search(&tantivy_peer::request(q))?;
            if round > 0 {
                engine[i] = engine[i].min(started.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    for round in 0..rounds + 1 {
        for (i, q) in queries.iter().enumerate() {
            let started = Instant::now();
            let res = mulu::search_request(&http, base, &q.q, q.facets)
                .send()
                .await?;
            let timing = res
                .headers()
                .get("server-timing")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("search;dur="))
                .and_then(|v| v.parse::<f64>().ok())
                .ok_or("no Server-Timing header")?;
            res.bytes().await?;
            if round > 0 {
                over_http[i] = over_http[i].min(started.elapsed().as_secs_f64() * 1e3);
                in_server[i] = in_server[i].min(timing);
            }
        }
    }
    let at = |ms: &[f64], p: f64| {
        let mut ms = ms.to_vec();
        ms.sort_by(f64::total_cmp);
        ms[((ms.len() - 1) as f64 * p).round() as usize]
    };
    println!("| path | p50 ms | p90 ms | p99 ms | max ms |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, ms) in [
        ("in process", &engine),
        ("in the server (Server-Timing)", &in_server),
        ("HTTP", &over_http),
    ] {
        println!(
            "| {name} | {:.2} | {:.2} | {:.2} | {:.2} |",
            at(ms, 0.5),
            at(ms, 0.9),
            at(ms, 0.99),
            at(ms, 1.0)
        );
    }
    let mut gaps: Vec<(f64, usize)> = (0..queries.len())
        .map(|i| (over_http[i] - engine[i], i))
        .collect();
    gaps.sort_by(|a, b| b.0.total_cmp(&a.0));
    let all: Vec<f64> = gaps.iter().map(|g| g.0).collect();
    println!(
        "\nHTTP − in process: p50 {:.2} ms, p99 {:.2} ms",
        at(&all, 0.5),
        at(&all, 0.99)
    );
    println!("largest differences:");
    for (gap, i) in gaps.iter().take(15) {
        let q = &queries[*i];
        println!(
            "  +{gap:6.2} ms  in process {:6.2}  server {:6.2}  HTTP {:6.2}  facets={:5}  {}",
            engine[*i], in_server[*i], over_http[*i], q.facets, q.q
        );
    }
    let mut slowest: Vec<usize> = (0..queries.len()).collect();
    slowest.sort_by(|&a, &b| over_http[b].total_cmp(&over_http[a]));
    println!("slowest over HTTP:");
    for &i in slowest.iter().take(15) {
        let q = &queries[i];
        println!(
            "  HTTP {:6.2} ms  server {:6.2}  in process {:6.2}  facets={:5}  {}",
            over_http[i], in_server[i], engine[i], q.facets, q.q
        );
    }
    Ok(())
}
