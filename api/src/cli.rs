//! The `mulu` command line: serve, audit verify.

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use catalog::calendar::WorkingCalendar;
use catalog::domain::organization::{NewOrganization, OrgKind, Organization};
use catalog::domain::{RegionCode, Uscc};
use catalog::error::AtField;
use catalog::policy::PolicySet;
use catalog::store::{self, Store};
use catalog::{Actor, Catalog, CatalogError};
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
    Serve(Box<ServeArgs>),
    /// Audit trail tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Register organizations (bootstrap the first data administration).
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Issue API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// People (accounts): bootstrap the first security administrator.
    User {
        #[command(subcommand)]
        command: crate::cli_people::UserCommand,
    },
    /// Rebuild the search index from the database (stop `mulu serve` on this index first).
    Reindex(ReindexArgs),
    /// Import a filled directory template (.xlsx/.csv) or a corpus file (.jsonl[.gz]) as drafts.
    Import(crate::cli_import::ImportArgs),
    /// Harvest a foreign catalog (DCAT or CKAN) as drafts.
    Harvest {
        #[command(subcommand)]
        command: crate::cli_harvest::HarvestCommand,
    },
    /// Print the OpenAPI 3.1 document (regenerate the committed one:
    /// `cargo run -p api --bin mulu -- openapi > openapi/openapi.json`).
    Openapi,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Register an organization (as the system).
    Create {
        #[command(flatten)]
        db: DbArgs,
        /// 统一社会信用代码
        #[arg(long)]
        uscc: String,
        #[arg(long)]
        name: String,
        /// 行政区划代码 (GB/T 2260)
        #[arg(long)]
        region: String,
        /// provider, data_admin, registrar, operator, developer, exchange, auditor (repeatable)
        #[arg(long = "kind", required = true)]
        kinds: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Issue a token; the secret is printed once and only its hash is stored.
    Create(crate::cli_people::TokenCreateArgs),
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain; exits 1 and names the first bad event if any was altered.
    Verify(DbArgs),
    /// Write the whole chain as NDJSON to standard output (for regulators, C 9.6).
    Export(DbArgs),
    /// Check an exported NDJSON file offline, without any database; exits 1 at the first break.
    VerifyExport {
        /// The file written by `mulu audit export` or GET /api/v1/audit/export.
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// `postgres://…` for PostgreSQL, or `sqlite://PATH`; default: SQLite under --data-dir.
    // hide_env_values: `--help` would otherwise print the URL, password included.
    #[arg(long, env = "MULU_DATABASE_URL", hide_env_values = true)]
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
pub struct IndexArgs {
    /// Where the search index lives (default: `index` under --data-dir); `:memory:` keeps it in
    /// memory and rebuilds it at every start.
    #[arg(long, env = "MULU_INDEX_DIR")]
    pub index_dir: Option<PathBuf>,
    /// The deployment's own words for the segmenter (one per line, `#` comments), added to the
    /// shipped search/data/words.txt: local places, departments, project names. The index is
    /// rebuilt at the next start when the words change.
    #[arg(long, env = "MULU_WORDS")]
    pub words: Option<PathBuf>,
}

impl IndexArgs {
    pub fn open(&self, db: &DbArgs) -> Result<search::SearchIndex, CatalogError> {
        if let Some(path) = &self.words {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CatalogError::Config(format!("无法读取分词词典 {}：{e}", path.display()))
            })?;
            let n = search::set_deployment_words(&text)
                .map_err(|e| CatalogError::Config(e.to_string()))?;
            tracing::info!(path = %path.display(), words = n, "部署分词词典已加载");
        }
        let opened = match &self.index_dir {
            Some(dir) if dir.as_os_str() == ":memory:" => search::SearchIndex::in_memory(),
            Some(dir) => search::SearchIndex::open_or_create(dir),
            None => search::SearchIndex::open_or_create(&db.data_dir.join("index")),
        };
        opened.map_err(|e| CatalogError::Config(e.to_string()))
    }
}

#[derive(Debug, Clone, Args)]
pub struct ReindexArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub index: IndexArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub index: IndexArgs,
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
    /// Synonym and abbreviation table replacing the shipped one (the format of
    /// search/data/synonyms.txt); reloaded when the file changes, no reindex needed.
    #[arg(long, env = "MULU_SYNONYMS")]
    pub synonyms: Option<PathBuf>,
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, env = "MULU_LOG_JSON")]
    pub log_json: bool,
    /// Browser origin allowed to call the API cross-site, e.g. https://data.example.gov.cn
    /// (repeatable; none means same-origin only).
    #[arg(long = "cors-origin", env = "MULU_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Anonymous requests per second per client address (sustained).
    #[arg(long, env = "MULU_PUBLIC_RATE", default_value_t = NonZeroU32::new(20).unwrap())]
    pub public_rate: NonZeroU32,
    /// Anonymous requests a client address may make in a burst.
    #[arg(long, env = "MULU_PUBLIC_BURST", default_value_t = NonZeroU32::new(200).unwrap())]
    pub public_burst: NonZeroU32,
    /// Take the client address from X-Forwarded-For (only behind a trusted reverse proxy).
    #[arg(long, env = "MULU_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Serve `/metrics` to anyone (default: only with a system administrator's or auditor's token).
    #[arg(long, env = "MULU_METRICS_PUBLIC")]
    pub metrics_public: bool,
    /// Requests per second per API token (sustained); token holders are not held to the
    /// anonymous limit but to this one.
    #[arg(long, env = "MULU_TOKEN_RATE", default_value_t = NonZeroU32::new(1000).unwrap())]
    pub token_rate: NonZeroU32,
    /// Requests one API token may make in a burst.
    #[arg(long, env = "MULU_TOKEN_BURST", default_value_t = NonZeroU32::new(2000).unwrap())]
    pub token_burst: NonZeroU32,
    /// Failed token authentications a client address may make per minute; beyond, its
    /// requests with a token get 429 until the allowance refills.
    #[arg(long, env = "MULU_AUTH_FAILURES_PER_MINUTE", default_value_t = NonZeroU32::new(20).unwrap())]
    pub auth_failures_per_minute: NonZeroU32,
    /// Seconds a client has to send a request's headers (from connecting, or from the previous
    /// response: idle keep-alive connections close after it too).
    #[arg(long, env = "MULU_HEADER_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,
    /// Seconds without a byte read or written after which a connection is closed.
    #[arg(long, env = "MULU_IDLE_TIMEOUT_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout_secs: u64,
    /// Open connections per client address (0: no limit); not applied with
    /// --trust-forwarded-for, where every connection comes from the proxy.
    #[arg(long, env = "MULU_MAX_CONNECTIONS_PER_CLIENT", default_value_t = 128)]
    pub max_connections_per_client: usize,
    #[command(flatten)]
    pub webhooks: crate::webhook_worker::WebhookArgs,
    #[command(flatten)]
    pub web: crate::cli_people::WebArgs,
    /// Secret the search cursors are signed with (the same on every node). Default: a random
    /// key the first node keeps in the database.
    #[arg(long, env = "MULU_CURSOR_KEY", hide_env_values = true)]
    pub cursor_key: Option<String>,
}

pub async fn run(cli: Cli) -> ExitCode {
    let outcome = match cli.command {
        Command::Serve(args) => serve(*args).await,
        Command::Reindex(args) => crate::reindex_cli::run(args).await,
        Command::Import(args) => crate::cli_import::run(args).await,
        Command::Harvest { command } => crate::cli_harvest::run(command).await,
        Command::User { command } => crate::cli_people::run(command).await,
        Command::Openapi => {
            print!("{}", crate::openapi::document_json());
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::Verify(db),
        } => audit_verify(db).await,
        Command::Audit {
            command: AuditCommand::Export(db),
        } => crate::audit_cli::export(db).await,
        Command::Audit {
            command: AuditCommand::VerifyExport { file },
        } => crate::audit_cli::verify_export(&file),
        Command::Org {
            command:
                OrgCommand::Create {
                    db,
                    uscc,
                    name,
                    region,
                    kinds,
                },
        } => org_create(db, &uscc, &name, &region, &kinds).await,
        Command::Token {
            command: TokenCommand::Create(args),
        } => crate::cli_people::token_create(args).await,
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
    // Settings first: a bad one stops the start before anything is opened.
    let web = args.web.config()?;
    crate::portal::layout::configure_site(args.web.site());
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
    // Read first: the demo dates its workflows by the same "today" the service runs on.
    let clock = crate::clock::Clock::from_env().map_err(CatalogError::Config)?;
    if args.demo {
        crate::demo::load(&catalog, args.demo_corpus.as_deref(), clock.today()).await?;
    }
    let search = args.index.open(&args.db)?;
    let cursor_secret = match args.cursor_key.as_deref().filter(|s| !s.is_empty()) {
        Some(secret) => secret.as_bytes().to_vec(),
        None => catalog.deployment_secret("search-cursor").await?,
    };
    search.set_cursor_key(&cursor_secret);
    if let Some(path) = &args.synonyms {
        crate::synonyms::watch(path.clone(), &search)?;
    }
    crate::indexer::start(catalog.clone(), &search)?;
    crate::webhook_worker::spawn(catalog.clone(), args.webhooks.clone());
    crate::housekeeping::spawn(catalog.clone(), clock);
    let edge = crate::server::EdgeOptions {
        cors_origins: args.cors_origins.clone(),
        rate_limit: crate::middleware::rate_limit::RateLimit {
            per_second: args.public_rate,
            burst: args.public_burst,
            trust_forwarded_for: args.trust_forwarded_for,
            token_per_second: args.token_rate,
            token_burst: args.token_burst,
            auth_failures_per_minute: args.auth_failures_per_minute,
        },
        webhook_targets: args.webhooks.targets(),
        connections: crate::server::ConnectionLimits {
            header_timeout: std::time::Duration::from_secs(args.header_timeout_secs),
            idle_timeout: std::time::Duration::from_secs(args.idle_timeout_secs),
            per_client: if args.trust_forwarded_for {
                0
            } else {
                args.max_connections_per_client
            },
        },
        metrics_public: args.metrics_public,
    };
    let state = crate::state::AppState {
        catalog,
        clock,
        search,
        web: std::sync::Arc::new(web),
        import_jobs: Default::default(),
    };
    crate::server::serve(state, &args.bind, &edge).await?;
    Ok(ExitCode::SUCCESS)
}

async fn audit_verify(db: DbArgs) -> Result<ExitCode, CatalogError> {
    let store = db.open().await?;
    let report = catalog::audit::verify_store(store.as_ref()).await?;
    store.close().await;
    Ok(crate::audit_cli::print_report(&report))
}

/// Parse a snake_case enum value given on the command line.
pub(crate) fn parse_enum<T: serde::de::DeserializeOwned>(
    field: &str,
    raw: &str,
) -> Result<T, CatalogError> {
    serde_json::from_value(serde_json::Value::from(raw))
        .map_err(|_| CatalogError::invalid(field, format!("“{raw}”无效")))
}

async fn org_create(
    db: DbArgs,
    uscc: &str,
    name: &str,
    region: &str,
    kinds: &[String],
) -> Result<ExitCode, CatalogError> {
    let catalog = Catalog::with_builtin_config(db.open().await?);
    let input = NewOrganization {
        uscc: Uscc::parse(uscc).at("uscc")?,
        name: name.to_string(),
        region: RegionCode::parse(region).at("region")?,
        kinds: kinds
            .iter()
            .map(|k| parse_enum::<OrgKind>("kind", k))
            .collect::<Result<_, _>>()?,
        contact: None,
    };
    let org = catalog
        .register_organization(&Actor::system(), input)
        .await?;
    println!("{}", org.id);
    Ok(ExitCode::SUCCESS)
}

/// The organization whose 统一社会信用代码 is `uscc`, given on the command line as `field`: a
/// malformed code or one not registered is that argument's error.
pub(crate) async fn registered_org(
    catalog: &Catalog,
    uscc: &str,
    field: &str,
) -> Result<Organization, CatalogError> {
    let uscc = Uscc::parse(uscc).at(field)?;
    catalog
        .organization_by_uscc(&uscc)
        .await?
        .ok_or_else(|| CatalogError::invalid(field, format!("机构 {uscc} 未登记")))
}

/// Logging when `RUST_LOG` is unset. tantivy warns "couldn't find segment in SegmentManager"
/// whenever a merge's segments were merged by another merge first; the search writer merges again
/// (`search::writer`), so at every demo start an operator saw a warning about nothing.
const DEFAULT_LOG_FILTER: &str = "info,tantivy::indexer::segment_manager=error";

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
