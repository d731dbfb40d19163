//! Mulu benchmark harness (issue 8): import, reindex, write→searchable and HTTP search latency of
//! the real service, against PostgreSQL full-text, Groonga and in-process tantivy on the same
//! queries. `--small` is the ≤ 5 minute version over the real corpus only.

mod corpus;
mod engine;
mod gap;
mod groonga_peer;
mod loadgen;
mod mulu;
mod pg_peer;
mod queries;
mod report;
mod tantivy_peer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;

use crate::queries::Query;
use crate::report::{Engine, LEVELS, Results};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[derive(Debug, Clone, Parser)]
#[command(about = "Mulu benchmark: Mulu vs PostgreSQL FTS, Groonga and in-process tantivy")]
pub struct Args {
    /// Small run: real corpus only, a few seconds per concurrency level.
    #[arg(long)]
    pub small: bool,
    /// Entries to index (real corpus first, then synthetic up to this number); default 1,000,000,
    /// or the real 29,318 with --small.
    #[arg(long)]
    pub entries: Option<usize>,
    /// Entries imported into Mulu on PostgreSQL (default: --entries).
    #[arg(long)]
    pub pg_import_entries: Option<usize>,
    /// The real corpus file.
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// Only write the corpus file (real + synthetic, JSONL.gz) and exit.
    #[arg(long)]
    pub generate_only: Option<PathBuf>,
    /// Seed of the synthetic generator and the query mix.
    #[arg(long, default_value_t = 8)]
    pub seed: u64,
    /// Seconds of measurement per concurrency level (after a warm-up of a third of it).
    #[arg(long)]
    pub seconds: Option<u64>,
    /// Writes timed for write→searchable.
    #[arg(long)]
    pub writes: Option<usize>,
    /// PostgreSQL port of the private cluster (started with scripts/pg-test-cluster.sh).
    #[arg(long, env = "MULU_BENCH_PG_PORT", default_value_t = 55436)]
    pub pg_port: u16,
    /// Leave out the PostgreSQL parts (Mulu on PostgreSQL and the PostgreSQL FTS peer).
    #[arg(long)]
    pub no_pg: bool,
    /// Leave out the Groonga peer.
    #[arg(long)]
    pub no_groonga: bool,
    /// Only the search engine, in process: build an index of the entries (kept in the work
    /// directory for the next run) and time the query mix one query at a time, by kind.
    #[arg(long)]
    pub engine_only: bool,
    /// Diagnosis: a running `mulu serve` at this URL, timed query by query against its index
    /// (`--gap-index`) searched in this process.
    #[arg(long, requires = "gap_index")]
    pub gap: Option<String>,
    /// The index directory of the server given to `--gap`.
    #[arg(long)]
    pub gap_index: Option<PathBuf>,
    /// Where databases, indexes, the corpus file and results.md go.
    #[arg(long, default_value = "target/bench")]
    pub work_dir: PathBuf,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn step(what: &str) {
    eprintln!("[{}] {what}", chrono::Utc::now().format("%H:%M:%S"));
}

/// Runs the load generator at every level over `call`, then collects each query's top 10.
async fn measure<F, Fut>(
    name: &str,
    queries: &Arc<Vec<Query>>,
    seconds: u64,
    call: F,
) -> (Vec<(usize, loadgen::Stats)>, Vec<Vec<String>>)
where
    F: Fn(usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = std::result::Result<Vec<String>, String>> + Send,
{
    let mut levels = Vec::new();
    for c in LEVELS {
        let call = call.clone();
        let stats = loadgen::run(
            c,
            Duration::from_secs(seconds.div_ceil(3)),
            Duration::from_secs(seconds),
            queries.len(),
            move |i| {
                let f = call(i);
                async move { f.await.map(|_| ()) }
            },
        )
        .await;
        eprintln!(
            "  {name} c={c}: p50 {:.2} ms p99 {:.2} ms p999 {:.2} ms, {:.0} q/s, {} errors",
            stats.p50_ms, stats.p99_ms, stats.p999_ms, stats.qps, stats.errors
        );
        levels.push((c, stats));
    }
    let mut tops = Vec::with_capacity(queries.len());
    for i in 0..queries.len() {
        tops.push(call(i).await.unwrap_or_default());
    }
    (levels, tops)
}

fn fresh_dir(path: &Path) -> Result<PathBuf> {
    if path.exists() {
        std::fs::remove_dir_all(path)?;
    }
    std::fs::create_dir_all(path)?;
    Ok(std::fs::canonicalize(path)?)
}

fn pg_admin_url(port: u16) -> Result<String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg-test-cluster.sh");
    let out = std::process::Command::new("bash")
        .arg(script)
        .arg("start")
        .env("MULU_PG_PORT", port.to_string())
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "PostgreSQL cluster: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .trim()
        .rsplit_once('=')
        .ok_or("pg-test-cluster.sh printed no URL")?
        .1
        .to_owned())
}

async fn run(args: Args) -> Result<()> {
    let real = corpus::read(&args.corpus.clone().unwrap_or_else(corpus::default_path))?;
    let n = args
        .entries
        .unwrap_or(if args.small { real.len() } else { 1_000_000 });
    let records = corpus::scale_up(&real, n, args.seed);
    if let Some(path) = &args.generate_only {
        corpus::write_jsonl_gz(path, &records)?;
        println!(
            "{} entries ({} synthetic) → {}",
            records.len(),
            records.len().saturating_sub(real.len()),
            path.display()
        );
        return Ok(());
    }
    if let (Some(base), Some(index)) = (&args.gap, &args.gap_index) {
        let queries = queries::mix(&real, 500, args.seed);
        return gap::run(base, index, &queries, 3).await;
    }
    if args.engine_only {
        let queries = queries::mix(&real, 500, args.seed);
        let dir = args.work_dir.join(format!("engine-{n}"));
        std::fs::create_dir_all(&dir)?;
        // More rounds (MULU_ENGINE_ROUNDS) let a profiler see the searches, not the corpus build.
        let rounds = std::env::var("MULU_ENGINE_ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(3);
        return engine::run(&dir, &records, &queries, rounds).await;
    }
    let seconds = args.seconds.unwrap_or(if args.small { 3 } else { 10 });
    let writes = args.writes.unwrap_or(if args.small { 10 } else { 30 });
    std::fs::create_dir_all(&args.work_dir)?;
    let work = std::fs::canonicalize(&args.work_dir)?;
    let corpus_file = work.join(format!("corpus-{n}-seed{}.jsonl.gz", args.seed));
    if !corpus_file.exists() {
        step(&format!("writing {}", corpus_file.display()));
        corpus::write_jsonl_gz(&corpus_file, &records)?;
    }
    let queries = Arc::new(queries::mix(&real, 500, args.seed));
    let mut res = Results {
        entries: n,
        synthetic: records.iter().filter(|r| r.source == "synthetic").count(),
        ..Results::default()
    };
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(60))
        .build()?;

    // The bulk import a provider runs, on its own database.
    step(&format!("mulu import on SQLite: {n} entries"));
    let (took, _) =
        mulu::bulk_import(&fresh_dir(&work.join("import-sqlite"))?, None, &corpus_file)?;
    res.import_sqlite = Some((n, n as f64 / took.as_secs_f64()));
    step(&format!("imported in {:.1} s", took.as_secs_f64()));

    // Mulu on SQLite: demo load, first indexing, write→searchable, HTTP search.
    step(&format!("Mulu on SQLite: loading {n} published entries"));
    let data = fresh_dir(&work.join("mulu-sqlite"))?;
    let server = mulu::Server::start(&data, None, &corpus_file, &[])?;
    res.demo_load_sqlite = Some((n, n as f64 / server.startup.as_secs_f64()));
    step(&format!(
        "loaded in {:.1} s; waiting for the index",
        server.startup.as_secs_f64()
    ));
    let indexed = mulu::await_indexed(&http, &server.base, n).await?;
    res.initial_index_s = Some(indexed.as_secs_f64());
    step(&format!(
        "indexed in {:.1} s; waiting for the background merge",
        indexed.as_secs_f64()
    ));
    let merged = mulu::await_merged(&http, &server.base).await?;
    res.merge_s = Some(merged.as_secs_f64());
    step(&format!(
        "merged in {:.1} s; write→searchable",
        merged.as_secs_f64()
    ));
    let (admin, provider) = mulu::tokens(&data, None)?;
    let mut w2s = Vec::new();
    for i in 0..writes {
        w2s.push(
            mulu::write_to_searchable(&http, &server.base, (&admin, &provider), i)
                .await?
                .as_secs_f64()
                * 1000.0,
        );
    }
    w2s.sort_by(f64::total_cmp);
    let q = |p: f64| w2s[((w2s.len() as f64 * p).ceil() as usize).clamp(1, w2s.len()) - 1];
    res.w2s_ms = Some((q(0.5), q(0.99), w2s.len()));
    step("HTTP search load");
    let (levels, mulu_top) = {
        let (http, base, queries2) = (http.clone(), server.base.clone(), queries.clone());
        measure("Mulu", &queries, seconds, move |i| {
            let (http, base, q) = (http.clone(), base.clone(), queries2[i].clone());
            async move { mulu::search(&http, &base, &q.q, q.facets).await }
        })
        .await
    };
    res.mulu = Engine {
        name: "Mulu",
        load: levels,
        peak_rss: Some(server.peak_rss()),
        ..Engine::default()
    };
    res.rss_serving = Some(server.rss());
    server.stop();
    step("mulu reindex");
    let (took, out) = mulu::reindex(&data, None)?;
    eprintln!("  {out}");
    res.reindex_s = Some(took.as_secs_f64());
    res.mulu.size_bytes = Some(mulu::disk_size(&data.join("index")));
    res.db_bytes = Some(
        ["mulu.db", "mulu.db-wal", "mulu.db-shm"]
            .iter()
            .map(|f| mulu::disk_size(&data.join(f)))
            .sum(),
    );

    // The same index in process: the engine limit.
    step("in-process tantivy");
    {
        let index = tantivy_peer::open(&data.join("index"))?;
        let queries2 = queries.clone();
        let (levels, top) = measure("tantivy", &queries, seconds, move |i| {
            let (index, queries) = (index.clone(), queries2.clone());
            async move { tantivy_peer::search(&index, &queries, i).await }
        })
        .await;
        res.peers.push(Engine {
            name: "tantivy",
            load: levels,
            overlap: report::overlap(&mulu_top, &top),
            ..Engine::default()
        });
    }

    if !args.no_pg {
        let admin_url = pg_admin_url(args.pg_port)?;
        let pg_n = args.pg_import_entries.unwrap_or(n).min(n);
        step(&format!("Mulu on PostgreSQL: importing {pg_n} entries"));
        let pg_file = if pg_n == n {
            corpus_file.clone()
        } else {
            let f = work.join(format!("corpus-{pg_n}-seed{}.jsonl.gz", args.seed));
            corpus::write_jsonl_gz(&f, &records[..pg_n])?;
            f
        };
        let pool = sqlx::PgPool::connect(&admin_url).await?;
        // Fixed names, no input: safe to format.
        for db in ["mulu_bench", "mulu_import_bench"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
            )))
            .execute(&pool)
            .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
                .execute(&pool)
                .await?;
        }
        let base_url = admin_url.rsplit_once('/').ok_or("url")?.0;
        let (took, _) = mulu::bulk_import(
            &fresh_dir(&work.join("import-pg"))?,
            Some(&format!("{base_url}/mulu_import_bench")),
            &pg_file,
        )?;
        res.import_pg = Some((pg_n, pg_n as f64 / took.as_secs_f64()));
        step(&format!(
            "mulu import: {:.1} s; demo load",
            took.as_secs_f64()
        ));
        let url = format!("{base_url}/mulu_bench");
        let pg_data = fresh_dir(&work.join("mulu-pg"))?;
        let server =
            mulu::Server::start(&pg_data, Some(&url), &pg_file, &["--index-dir", ":memory:"])?;
        res.demo_load_pg = Some((pg_n, pg_n as f64 / server.startup.as_secs_f64()));
        server.stop();
        res.pg_db_bytes = Some(
            sqlx::query_scalar::<_, i64>("SELECT pg_database_size('mulu_bench')")
                .fetch_one(&pool)
                .await? as u64,
        );
        pool.close().await;

        step(&format!("PostgreSQL FTS: loading {n} entries"));
        let (peer, loaded, built) = pg_peer::load(&admin_url, &records).await?;
        let peer = Arc::new(peer);
        let p2 = peer.clone();
        let queries2 = queries.clone();
        let (levels, top) = measure("PostgreSQL", &queries, seconds, move |i| {
            let (peer, queries) = (p2.clone(), queries2.clone());
            async move { peer.search(&queries[i]).await }
        })
        .await;
        res.peers.push(Engine {
            name: "PostgreSQL",
            load: levels,
            overlap: report::overlap(&mulu_top, &top),
            load_rate: Some(n as f64 / loaded.as_secs_f64()),
            index_build_s: Some(built.as_secs_f64()),
            size_bytes: Some(peer.size().await? as u64),
            peak_rss: None,
        });
        peer.pool.close().await;
    }

    if !args.no_groonga {
        step(&format!("Groonga: loading {n} entries"));
        let gdir = fresh_dir(&work.join("groonga"))?;
        let peer = Arc::new(groonga_peer::Peer::start(&gdir, &http).await?);
        let (loaded, built) = peer.load(&http, &records).await?;
        let (p2, http2, queries2) = (peer.clone(), http.clone(), queries.clone());
        let (levels, top) = measure("Groonga", &queries, seconds, move |i| {
            let (peer, http, queries) = (p2.clone(), http2.clone(), queries2.clone());
            async move { peer.search(&http, &queries[i]).await }
        })
        .await;
        res.peers.push(Engine {
            name: "Groonga",
            load: levels,
            overlap: report::overlap(&mulu_top, &top),
            load_rate: Some(n as f64 / loaded.as_secs_f64()),
            index_build_s: Some(built.as_secs_f64()),
            size_bytes: Some(mulu::disk_size(&gdir)),
            peak_rss: Some(mulu::peak_rss(peer.pid())),
        });
        if let Ok(peer) = Arc::try_unwrap(peer) {
            peer.stop();
        }
    }

    res.notes.push(format!(
        "{} queries ({} with facets), {seconds} s measured per level after {} s warm-up; {} CPU cores shared by server, peers and load generator.",
        queries.len(),
        queries.iter().filter(|q| q.facets).count(),
        seconds.div_ceil(3),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    ));
    let table = res.table();
    println!("\n{table}");
    let out = work.join("results.md");
    std::fs::write(&out, &table)?;
    step(&format!("table written to {}", out.display()));
    let _ = Instant::now();
    Ok(())
}
