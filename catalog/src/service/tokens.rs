//! Issuing, checking and revoking API tokens.

use chrono::Utc;
use uuid::Uuid;

use super::entity::{self, from_record};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::api_token::{
    ApiToken, IssuedToken, TOKEN_PREFIX, TokenStatus, generate_secret, hash_secret,
};
use crate::domain::organization::{OrgKind, Organization, require_text};
use crate::error::{CatalogError, Result};
use crate::store::Table;

/// The organization kind a role requires.
fn kind_for(role: Role) -> Option<OrgKind> {
    Some(match role {
        Role::System | Role::Public => return None,
        Role::Provider => OrgKind::Provider,
        Role::DataAdmin => OrgKind::DataAdmin,
        Role::Registrar => OrgKind::Registrar,
        Role::Operator => OrgKind::Operator,
        Role::Developer => OrgKind::Developer,
        Role::Exchange => OrgKind::Exchange,
        Role::Auditor => OrgKind::Auditor,
    })
}

impl Catalog {
    /// Issue a token for `org_id` acting as `role`; the secret is returned once and never stored.
    pub async fn issue_token(
        &self,
        actor: &Actor,
        org_id: Uuid,
        role: Role,
        name: &str,
    ) -> Result<IssuedToken> {
        actor.require_role(&[Role::DataAdmin], "签发访问令牌")?;
        require_text("name", name, 100)?;
        let kind = kind_for(role)
            .ok_or_else(|| CatalogError::invalid("role", "不能为 system 角色签发令牌"))?;
        let mut tx = self.store.begin_write().await?;
        let org: Versioned<Organization> = entity::load(tx.as_mut(), org_id)
            .await
            .map_err(|_| CatalogError::invalid("org_id", "机构不存在"))?;
        org.value.require_kind(kind, "role")?;
        let secret = generate_secret()?;
        let now = Utc::now();
        let token = ApiToken {
            id: Uuid::now_v7(),
            name: name.trim().to_string(),
            org_id,
            role,
            secret_hash: hash_secret(&secret),
            status: TokenStatus::Active,
            created_at: now,
            updated_at: now,
        };
        entity::insert(tx.as_mut(), actor, "token.issue", &token).await?;
        tx.commit().await?;
        Ok(IssuedToken { token, secret })
    }

    /// The actor a presented secret stands for; `None` for unknown or revoked tokens.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<(Actor, ApiToken)>> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let Some(record) = self
            .store
            .get_by_key(Table::ApiTokens, &hash_secret(secret))
            .await?
        else {
            return Ok(None);
        };
        let token: ApiToken = from_record(record)?.value;
        if token.status != TokenStatus::Active {
            return Ok(None);
        }
        Ok(Some((Actor::new(token.role, token.org_id), token)))
    }

    pub async fn revoke_token(&self, actor: &Actor, id: Uuid) -> Result<ApiToken> {
        actor.require_role(&[Role::DataAdmin], "吊销访问令牌")?;
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<ApiToken> = entity::load(tx.as_mut(), id).await?;
        if before.value.status == TokenStatus::Revoked {
            return Err(CatalogError::InvalidTransition("令牌已吊销".to_string()));
        }
        let mut after = before.value.clone();
        after.status = TokenStatus::Revoked;
        after.updated_at = Utc::now();
        entity::update(tx.as_mut(), actor, "token.revoke", &before, &after, None).await?;
        tx.commit().await?;
        Ok(after)
    }
}
