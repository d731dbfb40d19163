//! The `mulu` command line: serve, audit verify.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use catalog::calendar::WorkingCalendar;
use catalog::policy::PolicySet;
use catalog::store::{self, Store};
use catalog::{Catalog, CatalogError};
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "mulu",
    version,
    about = "目录 Mulu：公共数据资源授权运营目录与登记系统"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service.
    Serve(ServeArgs),
    /// Audit trail tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain; exits 1 and names the first bad event if any was altered.
    Verify(DbArgs),
}

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// `postgres://…` for PostgreSQL, or `sqlite://PATH`; default: SQLite under --data-dir.
    #[arg(long, env = "MULU_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Where the embedded database (and later the index) lives.
    #[arg(long, env = "MULU_DATA_DIR", default_value = "./mulu-data")]
    pub data_dir: PathBuf,
}

impl DbArgs {
    pub fn url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("mulu.db").display()))
    }

    pub async fn open(&self) -> Result<Arc<dyn Store>, CatalogError> {
        store::open(&self.url()).await
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "MULU_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Load demo data (the real open-data corpus when present, else a small built-in set) into an
    /// empty database before serving.
    #[arg(long)]
    pub demo: bool,
    /// Demo source: a corpus JSONL(.gz) file, or `builtin` for the small built-in set.
    /// Default: ../shared/corpus when present, else the built-in set.
    #[arg(long, env = "MULU_DEMO_CORPUS", requires = "demo")]
    pub demo_corpus: Option<String>,
    /// Jurisdiction policy file (TOML); default: the shipped national/Guizhou/Shandong/Laiyuan presets.
    #[arg(long, env = "MULU_POLICY")]
    pub policy: Option<PathBuf>,
    /// Working-day calendar file (TOML); default: the shipped calendar.
    #[arg(long, env = "MULU_CALENDAR")]
    pub calendar: Option<PathBuf>,
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, env = "MULU_LOG_JSON")]
    pub log_json: bool,
}

pub async fn run(cli: Cli) -> ExitCode {
    let outcome = match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Audit {
            command: AuditCommand::Verify(db),
        } => audit_verify(db).await,
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(2)
        }
    }
}

async fn serve(args: ServeArgs) -> Result<ExitCode, CatalogError> {
    init_logging(args.log_json);
    let policy = match &args.policy {
        Some(path) => PolicySet::load(path)?,
        None => PolicySet::builtin(),
    };
    let calendar = match &args.calendar {
        Some(path) => WorkingCalendar::load(path)?,
        None => WorkingCalendar::builtin(),
    };
    let store = args.db.open().await?;
    let catalog = Catalog::new(store, policy, calendar);
    if args.demo {
        crate::demo::load(&catalog, args.demo_corpus.as_deref()).await?;
    }
    crate::server::serve(catalog, &args.bind)
        .await
        .map_err(|e| CatalogError::Config(format!("无法在 {} 上提供服务：{e}", args.bind)))?;
    Ok(ExitCode::SUCCESS)
}

async fn audit_verify(db: DbArgs) -> Result<ExitCode, CatalogError> {
    let store = db.open().await?;
    let report = catalog::audit::verify_store(store.as_ref()).await?;
    store.close().await;
    match report.first_break {
        None => {
            println!(
                "审计链完整：{} 个事件，链头哈希 {}",
                report.events, report.head_hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(b) => {
            println!(
                "审计链被破坏：第 {} 号事件 {}（此前 {} 个事件验证通过）",
                b.seq, b.problem, report.events
            );
            Ok(ExitCode::from(1))
        }
    }
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
