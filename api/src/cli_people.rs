//! People on the command line: the first security administrator (bootstrap), API tokens, and the
//! web's settings (public URL, single sign-on).

use std::collections::BTreeSet;
use std::process::ExitCode;

use catalog::domain::person::{Account, NewPerson, Person};
use catalog::error::AtField;
use catalog::{Actor, Catalog, CatalogError, Role};
use clap::{Args, Subcommand};

use crate::cli::{DbArgs, parse_enum, registered_org};
use crate::web::WebConfig;
use crate::web::oidc::OidcSettings;

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

    pub fn config(&self) -> Result<WebConfig, CatalogError> {
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
fn public_base(raw: &str) -> Result<String, CatalogError> {
    let invalid = |why: &str| {
        CatalogError::Config(format!(
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

pub async fn run(command: UserCommand) -> Result<ExitCode, CatalogError> {
    match command {
        UserCommand::Create {
            db,
            account,
            name,
            org,
            roles,
            password,
            sso_subject,
        } => {
            let catalog = Catalog::with_builtin_config(db.open().await?);
            let org = registered_org(&catalog, &org, "org").await?;
            let generated = password.is_none();
            let password = match password {
                Some(p) => p,
                None => initial_password()?,
            };
            let person = catalog
                .create_person(
                    &Actor::system(),
                    NewPerson {
                        account: Account::parse(&account).at("account")?,
                        name,
                        org_id: org.id,
                        roles: parse_roles(&roles)?,
                        password: password.clone(),
                        sso_subject,
                    },
                )
                .await?;
            println!("{}", person.id);
            if generated {
                eprintln!("初始密码（只显示这一次，首次登录须修改）：");
                println!("{password}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn parse_roles(raw: &[String]) -> Result<BTreeSet<Role>, CatalogError> {
    raw.iter().map(|r| parse_enum::<Role>("role", r)).collect()
}

/// A random initial password that meets the password rules (16 characters, all four classes).
fn initial_password() -> Result<String, CatalogError> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes)
        .map_err(|e| CatalogError::Config(format!("无法生成随机数：{e}")))?;
    let body: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    Ok(format!("Mu-{body}-7a"))
}

pub async fn token_create(args: TokenCreateArgs) -> Result<ExitCode, CatalogError> {
    let catalog = Catalog::with_builtin_config(args.db.open().await?);
    let role: Role = parse_enum("role", &args.role)?;
    let person = match (&args.user, &args.org) {
        (Some(user), _) => {
            let account = Account::parse(user).at("user")?;
            catalog
                .person_by_account(&account)
                .await?
                .ok_or_else(|| CatalogError::invalid("user", format!("账号 {account} 不存在")))?
        }
        (None, Some(uscc)) => interface_account(&catalog, uscc, role).await?,
        (None, None) => return Err(CatalogError::invalid("user", "请指定 --user 或 --org")),
    };
    let issued = catalog
        .issue_token(&Actor::system(), person.id, role, &args.name)
        .await?;
    eprintln!("令牌只显示这一次，请妥善保存：");
    println!("{}", issued.secret);
    Ok(ExitCode::SUCCESS)
}

/// The organization's interface account (接口账号) holding `role`, opened or extended as needed.
async fn interface_account(
    catalog: &Catalog,
    uscc: &str,
    role: Role,
) -> Result<Person, CatalogError> {
    let org = registered_org(catalog, uscc, "org").await?;
    // The three duties stay separated: each has its own interface account.
    let prefix = match role {
        Role::SystemAdmin => "sys",
        Role::SecurityAdmin => "sec",
        Role::AuditAdmin => "aud",
        _ => "svc",
    };
    let uscc = org.uscc.as_str().to_ascii_lowercase();
    let account = Account::parse(&format!("{prefix}.{uscc}")).at("org")?;
    let system = Actor::system();
    match catalog.person_by_account(&account).await? {
        Some(person) if person.holds(role) => Ok(person),
        Some(person) => {
            let mut roles = person.roles.clone();
            roles.insert(role);
            Ok(catalog
                .set_person_roles(&system, person.id, roles)
                .await?
                .value)
        }
        None => {
            catalog
                .create_person_with_final_password(
                    &system,
                    NewPerson {
                        account,
                        name: format!("{}接口账号", org.name),
                        org_id: org.id,
                        roles: [role].into(),
                        // Interface accounts sign in with tokens only; nobody knows this password.
                        password: initial_password()?,
                        sso_subject: None,
                    },
                )
                .await
        }
    }
}
