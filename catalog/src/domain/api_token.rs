//! API tokens: a secret shown once, stored only as its SHA-256, bound to one organization and role.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{CatalogError, Result};
use crate::service::Role;

/// Every token starts with this, so leaked tokens are easy to spot in logs and scanners.
pub const TOKEN_PREFIX: &str = "mulu_";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    Active,
    Revoked,
}

/// The stored side of a token. Never holds the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub org_id: Uuid,
    /// The person the token belongs to; `None` only for tokens issued before people existed.
    #[serde(default)]
    pub person_id: Option<Uuid>,
    pub role: Role,
    /// Hex SHA-256 of the secret.
    pub secret_hash: String,
    pub status: TokenStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A freshly issued token: the secret exists only here, to be shown once.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: ApiToken,
    pub secret: String,
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn generate_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| CatalogError::Storage(format!("无法生成随机数：{e}")))?;
    Ok(format!("{TOKEN_PREFIX}{}", hex::encode(bytes)))
}
