//! Mulu benchmark harness (issue 8): import, reindex, write→searchable and HTTP search latency of
//! the real service, against PostgreSQL full-text, Groonga and in-process tantivy on the same
//! queries. `--small` is the ≤ 5 minute version over the real corpus only.

mod corpus;
mod queries;

use std::path::PathBuf;

use clap::Parser;

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
    /// The real corpus file.
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// Only write the synthetic corpus file (JSONL.gz) and exit.
    #[arg(long)]
    pub generate_only: Option<PathBuf>,
    /// Seed of the synthetic generator and the query mix.
    #[arg(long, default_value_t = 8)]
    pub seed: u64,
    /// Where temporary databases, indexes and the result table go.
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

async fn run(args: Args) -> Result<()> {
    let real = corpus::read(&args.corpus.clone().unwrap_or_else(corpus::default_path))?;
    let n = args
        .entries
        .unwrap_or(if args.small { real.len() } else { 1_000_000 });
    if let Some(path) = &args.generate_only {
        let all = corpus::scale_up(&real, n, args.seed);
        corpus::write_jsonl_gz(path, &all)?;
        println!("{} entries ({} synthetic) → {}", all.len(), all.len().saturating_sub(real.len()), path.display());
        return Ok(());
    }
    let mix = queries::mix(&real, 500, args.seed);
    println!("{} real records, {n} entries, {} queries", real.len(), mix.len());
    Ok(())
}
