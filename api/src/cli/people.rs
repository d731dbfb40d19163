//! People on the command line: the first security administrator (bootstrap), API tokens, and the
//! web's settings (public URL, single sign-on).

use std::collections::BTreeSet;
use std::process::ExitCode;

use catalog::domain::person::{Account, NewPerson, Person};
use catalog::error::AtField;
use catalog::{Actor, Catalog, CatalogError, Role};

use super::CliError;
use super::args::{TokenCreateArgs, UserCommand, parse_enum};
use super::org::registered_org;

pub async fn run(command: UserCommand) -> Result<ExitCode, CliError> {
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
fn initial_password() -> Result<String, CliError> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| CliError::Setting(format!("无法生成随机数：{e}")))?;
    let body: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    Ok(format!("Mu-{body}-7a"))
}

pub async fn token_create(args: TokenCreateArgs) -> Result<ExitCode, CliError> {
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
        (None, None) => return Err(CatalogError::invalid("user", "请指定 --user 或 --org").into()),
    };
    let issued = catalog
        .issue_token(&Actor::system(), person.id, role, &args.name)
        .await?;
    eprintln!("令牌只显示这一次，请妥善保存：");
    println!("{}", issued.secret);
    Ok(ExitCode::SUCCESS)
}

/// The organization's interface account (接口账号) holding `role`, opened or extended as needed.
async fn interface_account(catalog: &Catalog, uscc: &str, role: Role) -> Result<Person, CliError> {
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
            Ok(catalog
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
                .await?)
        }
    }
}
