//! People (账号): one person belongs to one organization and holds one or more roles there.
//! The stored person holds no secret: credentials live apart (see `Credentials`), so the audit
//! trail records that a password changed, never a hash of it.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::InvalidValue;
use crate::error::{CatalogError, Result};
use crate::service::Role;

/// A sign-in name: 3–32 characters of lowercase ASCII letters, digits, `.`, `_` and `-`,
/// starting with a letter or digit. Case-insensitive (stored lowercase).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Account(String);

super::string_schema!(
    Account,
    r"^[a-zA-Z0-9][a-zA-Z0-9._-]{2,31}$",
    "zhang.san",
    "登录账号（3–32位字母、数字、点、下划线或连字符）"
);

impl Account {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim().to_ascii_lowercase();
        let n = s.chars().count();
        if !(3..=32).contains(&n) {
            return Err(InvalidValue::new("账号长度应为3–32个字符"));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(InvalidValue::new(
                "账号只能包含字母、数字、点、下划线和连字符",
            ));
        }
        if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(InvalidValue::new("账号应以字母或数字开头"));
        }
        Ok(Account(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Account {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, InvalidValue> {
        Account::parse(&value)
    }
}

impl From<Account> for String {
    fn from(value: Account) -> String {
        value.0
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonStatus {
    Active,
    /// Locked after repeated failed sign-ins; a security administrator unlocks.
    Locked,
    /// Switched off by a security administrator; tokens and sessions stop working.
    Disabled,
}

impl PersonStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PersonStatus::Active => "active",
            PersonStatus::Locked => "locked",
            PersonStatus::Disabled => "disabled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PersonStatus::Active => "正常",
            PersonStatus::Locked => "已锁定",
            PersonStatus::Disabled => "已停用",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Person {
    pub id: Uuid,
    pub account: Account,
    /// The person's name as colleagues read it.
    pub name: String,
    pub org_id: Uuid,
    pub roles: BTreeSet<Role>,
    pub status: PersonStatus,
    /// Set for an initial or reset password: nothing but a password change until it is done.
    pub must_change_password: bool,
    /// A second factor (TOTP, RFC 6238) is enrolled and asked at every sign-in.
    pub totp_enabled: bool,
    /// The value of the single-sign-on claim that identifies this person at the province's
    /// identity platform (统一身份认证), if they sign in there.
    #[serde(default)]
    pub sso_subject: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a security administrator supplies to open an account.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewPerson {
    pub account: Account,
    pub name: String,
    pub org_id: Uuid,
    #[serde(deserialize_with = "super::unique::set")]
    pub roles: BTreeSet<Role>,
    /// The initial password, to be changed at first sign-in.
    pub password: String,
    #[serde(default)]
    pub sso_subject: Option<String>,
}

impl Person {
    pub fn holds(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// A second factor is required: the person holds one of the three duties.
    pub fn needs_second_factor(&self) -> bool {
        self.roles.iter().any(|r| r.is_duty())
    }
}

/// The roles one person may hold together: only roles a person can hold, at least one, and at
/// most one of the three separated duties (三员分立).
pub fn check_roles(roles: &BTreeSet<Role>) -> Result<()> {
    if roles.is_empty() {
        return Err(CatalogError::invalid("roles", "至少指定一个角色"));
    }
    if let Some(r) = roles.iter().find(|r| !Role::PERSON_ROLES.contains(r)) {
        return Err(CatalogError::invalid(
            "roles",
            format!("角色“{}”不能授予人员", r.label()),
        ));
    }
    let duties: Vec<&str> = roles
        .iter()
        .filter(|r| r.is_duty())
        .map(|r| r.label())
        .collect();
    if duties.len() > 1 {
        return Err(CatalogError::Forbidden(format!(
            "三员分立：同一人员不能兼任{}",
            duties.join("和")
        )));
    }
    Ok(())
}

/// A person's secrets, stored outside the audit trail.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Credentials {
    /// argon2id PHC string; `None` for people who sign in only through single sign-on.
    pub password_hash: Option<String>,
    /// Failed password sign-ins since the last success or unlock.
    pub failed_attempts: u32,
    /// Base32 TOTP secret: enrolled when `totp_enabled`, pending confirmation otherwise.
    pub totp_secret: Option<String>,
    /// The last TOTP time step accepted: a code is good once (RFC 6238 5.2).
    pub totp_last_step: Option<u64>,
}

/// Password rules (GB/T 22239-2019 8.1.4.1 a: complexity): at least 10 characters, three of the
/// four classes (upper case, lower case, digits, symbols), and not containing the account name.
pub fn check_password(account: &Account, password: &str) -> Result<()> {
    let n = password.chars().count();
    if n < 10 {
        return Err(CatalogError::invalid(
            "password",
            "密码至少10个字符，并包含大写字母、小写字母、数字、符号中的三类",
        ));
    }
    if n > 128 {
        return Err(CatalogError::invalid("password", "密码不能超过128个字符"));
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password
            .chars()
            .any(|c| !c.is_ascii_alphanumeric() && !c.is_whitespace()),
    ]
    .into_iter()
    .filter(|present| *present)
    .count();
    if classes < 3 {
        return Err(CatalogError::invalid(
            "password",
            "密码应包含大写字母、小写字母、数字、符号中的至少三类",
        ));
    }
    if password.to_ascii_lowercase().contains(account.as_str()) {
        return Err(CatalogError::invalid("password", "密码不能包含账号"));
    }
    Ok(())
}

/// An argon2id hash (RustCrypto `argon2`, default parameters: 19 MiB, 2 passes) in PHC form.
pub fn hash_password(password: &str) -> Result<String> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| CatalogError::Storage(format!("无法生成随机数：{e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| CatalogError::Storage(e.to_string()))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CatalogError::Storage(format!("密码散列失败：{e}")))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(phc)
        .map(|hash| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_parse_lowercase_and_refuse_odd_characters() {
        assert_eq!(Account::parse(" Zhang.San ").unwrap().as_str(), "zhang.san");
        for bad in ["ab", "张三", "a b", ".abc", &"x".repeat(33), "a\u{0}bc"] {
            assert!(Account::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_need_length_three_classes_and_not_the_account() {
        let account = Account::parse("zhangsan").unwrap();
        assert!(check_password(&account, "Short1!").is_err());
        assert!(check_password(&account, "alllowercase1").is_err());
        assert!(check_password(&account, "Zhangsan-2026").is_err());
        assert!(check_password(&account, "Mulu-Demo-2026").is_ok());
    }

    #[test]
    fn argon2id_hashes_verify_only_their_password() {
        let hash = hash_password("Mulu-Demo-2026").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("Mulu-Demo-2026", &hash));
        assert!(!verify_password("Mulu-Demo-2027", &hash));
        assert!(!verify_password("Mulu-Demo-2026", "garbage"));
    }

    #[test]
    fn no_person_holds_two_duties() {
        let duties = [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin];
        for a in duties {
            for b in duties {
                let roles: BTreeSet<Role> = [a, b].into();
                let result = check_roles(&roles);
                assert_eq!(result.is_ok(), a == b, "{a:?} + {b:?}");
            }
        }
        assert!(check_roles(&[Role::Provider, Role::SecurityAdmin].into()).is_ok());
        assert!(check_roles(&[Role::System].into()).is_err());
        assert!(check_roles(&BTreeSet::new()).is_err());
    }
}
