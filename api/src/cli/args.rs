//! Every argument of the `mulu` command line (clap), parsed once here; each subcommand's module
//! takes its arguments from this one.

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;

use catalog::CatalogError;
use catalog::store::{self, Store};
use clap::{Args, Parser, Subcommand};
use importers::harvest;

use super::CliError;
use crate::web::WebConfig;
use crate::web::oidc::OidcSettings;

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
        command: UserCommand,
    },
    /// Rebuild the search index from the database (stop `mulu serve` on this index first).
    Reindex(ReindexArgs),
    /// Import a filled directory template (.xlsx/.csv) or a corpus file (.jsonl[.gz]) as drafts.
    Import(ImportArgs),
    /// Harvest a foreign catalog (DCAT or CKAN) as drafts.
    Harvest {
        #[command(subcommand)]
        command: HarvestCommand,
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
    Create(TokenCreateArgs),
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
    pub fn open(&self, db: &DbArgs) -> Result<search::SearchIndex, CliError> {
        if let Some(path) = &self.words {
            let text = std::fs::read_to_string(path)
                .map_err(CliError::io(format!("无法读取分词词典 {}", path.display())))?;
            let n = search::set_deployment_words(&text)?;
            tracing::info!(path = %path.display(), words = n, "部署分词词典已加载");
        }
        let opened = match &self.index_dir {
            Some(dir) if dir.as_os_str() == ":memory:" => search::SearchIndex::in_memory(),
            Some(dir) => search::SearchIndex::open_or_create(dir),
            None => search::SearchIndex::open_or_create(&db.data_dir.join("index")),
        };
        Ok(opened?)
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
    pub webhooks: crate::jobs::webhooks::WebhookArgs,
    #[command(flatten)]
    pub web: WebArgs,
    /// Secret the search cursors are signed with (the same on every node). Default: a random
    /// key the first node keeps in the database.
    #[arg(long, env = "MULU_CURSOR_KEY", hide_env_values = true)]
    pub cursor_key: Option<String>,
}

/// Parse a snake_case enum value given on the command line.
pub fn parse_enum<T: serde::de::DeserializeOwned>(
    field: &str,
    raw: &str,
) -> Result<T, CatalogError> {
    catalog::domain::from_code(raw)
        .ok_or_else(|| CatalogError::invalid(field, format!("“{raw}”无效")))
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Open an account as the service (bootstrap the first security administrator). Prints the
    /// initial password when none is given; it must be changed at first sign-in.
    Create {
        #[command(flatten)]
        db: DbArgs,
        /// Sign-in name (3–32 letters, digits, `.`, `_`, `-`).
        #[arg(long)]
        account: String,
        /// The person's name.
        #[arg(long)]
        name: String,
        /// 统一社会信用代码 of the person's organization.
        #[arg(long)]
        org: String,
        /// provider, data_admin, registrar, operator, developer, exchange, auditor,
        /// system_admin, security_admin, audit_admin (repeatable; at most one of the last three).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Initial password (read from the environment, never from history, when possible).
        #[arg(long, env = "MULU_INITIAL_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// The single-sign-on claim value that identifies this person.
        #[arg(long)]
        sso_subject: Option<String>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct TokenCreateArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The account the token belongs to.
    #[arg(long, conflicts_with = "org", required_unless_present = "org")]
    pub user: Option<String>,
    /// For scripts: the organization's 统一社会信用代码; the token then belongs to that
    /// organization's interface account `svc.<uscc>` (`sys.`, `sec.`, `aud.` for the three duties), which is opened (or given the role) as needed.
    #[arg(long)]
    pub org: Option<String>,
    /// The role the token acts in (one the person holds).
    #[arg(long)]
    pub role: String,
    /// What the token is for, e.g. the system that uses it.
    #[arg(long)]
    pub name: String,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// A filled template (.xlsx or .csv), or an open-data corpus file (.jsonl or .jsonl.gz).
    pub file: PathBuf,
    /// The provider's 统一社会信用代码; the drafts are created for it.
    #[arg(long)]
    pub provider: String,
    /// Import the valid rows and report the rest (default: all or nothing).
    #[arg(long)]
    pub partial: bool,
    /// Validate and report only; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum HarvestCommand {
    /// A DCAT catalog (Turtle or JSON-LD); pages are followed through `hydra:next`.
    Dcat(HarvestArgs),
    /// A CKAN portal through the Action API (`package_search`, start/rows paging).
    Ckan {
        #[command(flatten)]
        args: HarvestArgs,
        /// Packages per `package_search` page (1–1000).
        #[arg(long, default_value_t = 100)]
        rows: usize,
    },
}

#[derive(Debug, Clone, Args)]
pub struct HarvestArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The catalog's address: a DCAT page, or a CKAN site (or its package_search URL).
    pub url: String,
    /// The provider's 统一社会信用代码; the drafts are created for it.
    #[arg(long)]
    pub provider: String,
    /// Import the valid datasets and report the rest (default: all or nothing).
    #[arg(long)]
    pub partial: bool,
    /// Fetch, validate and report only; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Stop after this many pages.
    #[arg(long, default_value_t = harvest::DEFAULT_MAX_PAGES)]
    pub max_pages: usize,
}

#[derive(Debug, Clone, Args)]
pub struct WebArgs {
    /// The address people reach Mulu at, e.g. https://data.example.gov.cn (https makes cookies
    /// `Secure`; the single sign-on callback is built from it).
    #[arg(long, env = "MULU_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The OpenID Connect issuer of the province's identity platform (统一身份认证); enables
    /// single sign-on.
    #[arg(long, env = "MULU_OIDC_ISSUER", requires_all = ["oidc_client_id", "public_url"])]
    pub oidc_issuer: Option<String>,
    #[arg(long, env = "MULU_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    #[arg(long, env = "MULU_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// The ID-token claim matched against a person's single-sign-on subject.
    #[arg(long, env = "MULU_OIDC_CLAIM", default_value = "preferred_username")]
    pub oidc_claim: String,
    /// The site's name in every page's header and title, e.g. 四川省公共数据授权运营目录.
    #[arg(long, env = "MULU_SITE_NAME", default_value = crate::portal::layout::DEFAULT_SITE_NAME)]
    pub site_name: String,
    /// The ICP filing number (ICP备案号) in every page's footer, linked to the MIIT filing
    /// system, e.g. 蜀ICP备12345678号-1.
    #[arg(long, env = "MULU_ICP_FILING")]
    pub icp_filing: Option<String>,
}

impl WebArgs {
    /// The site's name and filing number, for every page.
    pub fn site(&self) -> crate::portal::layout::Site {
        let name = self.site_name.trim();
        crate::portal::layout::Site {
            name: if name.is_empty() {
                crate::portal::layout::DEFAULT_SITE_NAME.to_owned()
            } else {
                name.to_owned()
            },
            icp_filing: self
                .icp_filing
                .as_deref()
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_owned),
        }
    }

    pub fn config(&self) -> Result<WebConfig, CliError> {
        let base = self.public_url.as_deref().map(public_base).transpose()?;
        Ok(WebConfig {
            secure_cookies: base.as_deref().is_some_and(|u| u.starts_with("https://")),
            public_base: base.clone().map(Into::into).unwrap_or_default(),
            oidc: self.oidc_issuer.as_ref().map(|issuer| OidcSettings {
                issuer: issuer.clone(),
                client_id: self.oidc_client_id.clone().unwrap_or_default(),
                client_secret: self.oidc_client_secret.clone().unwrap_or_default(),
                redirect_url: format!(
                    "{}/signin/oidc/callback",
                    base.as_deref().unwrap_or_default()
                ),
                claim: self.oidc_claim.clone(),
            }),
            oidc_client: Default::default(),
        })
    }
}

/// `--public-url` as the base of absolute links: an http(s) URL with a host and nothing after its
/// path, normalized (IDNA host, percent-encoded path) and without a trailing slash, so it can go
/// into IRIs and XML unchanged.
fn public_base(raw: &str) -> Result<String, CliError> {
    let invalid = |why: &str| {
        CliError::Setting(format!(
            "--public-url“{raw}”无效：{why}（应如 https://data.example.gov.cn）"
        ))
    };
    let url = url::Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("只能是 http 或 https 地址"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("缺少主机名"));
    }
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(invalid("不能含用户名、查询参数或片段"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}
