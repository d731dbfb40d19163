//! API tokens for machines (exchanges, scripts): each belongs to a person and acts in one of their
//! roles. The person lists and revokes their own; a security administrator revokes anyone's.

use chrono::Utc;
use uuid::Uuid;

use super::entity::{self, from_record};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::api_token::{
    ApiToken, IssuedToken, TOKEN_PREFIX, TokenStatus, generate_secret, hash_secret,
};
use crate::domain::organization::require_text;
use crate::domain::person::{Person, PersonStatus};
use crate::error::{CatalogError, Result};
use crate::store::{RecordFilter, Table};

impl Catalog {
    /// Issue a token for `person_id` acting as `role`, which the person must hold. Only the
    /// person themselves (or the service, for the bootstrap CLI) may: nobody mints credentials
    /// for somebody else. The secret is returned once and never stored.
    pub async fn issue_token(
        &self,
        actor: &Actor,
        person_id: Uuid,
        role: Role,
        name: &str,
    ) -> Result<IssuedToken> {
        if actor.role != Role::System && actor.person_id != Some(person_id) {
            return Err(CatalogError::Forbidden(
                "只能为自己签发访问令牌".to_string(),
            ));
        }
        require_text("name", name, 100)?;
        let mut tx = self.store.begin_write().await?;
        let person: Versioned<Person> = entity::load(tx.as_mut(), person_id)
            .await
            .map_err(|_| CatalogError::invalid("person_id", "人员不存在"))?;
        if !person.value.holds(role) {
            return Err(CatalogError::invalid(
                "role",
                format!("未被授予“{}”角色，不能签发该角色的令牌", role.label()),
            ));
        }
        if person.value.status == PersonStatus::Disabled {
            return Err(CatalogError::Forbidden("账号已停用".to_string()));
        }
        let secret = generate_secret()?;
        let now = Utc::now();
        let token = ApiToken {
            id: Uuid::now_v7(),
            name: name.trim().to_string(),
            org_id: person.value.org_id,
            person_id: Some(person_id),
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

    /// The actor a presented secret stands for; `None` for unknown or revoked tokens, and for
    /// tokens whose person is switched off or no longer holds the token's role.
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
        let actor = match token.person_id {
            Some(person_id) => {
                let person = self.person(person_id).await?.value;
                if person.status == PersonStatus::Disabled || !person.holds(token.role) {
                    return Ok(None);
                }
                Actor::person(token.role, person.org_id, person_id)
            }
            None => Actor::new(token.role, token.org_id),
        };
        Ok(Some((actor.with_token(token.id), token)))
    }

    /// Tokens: a person's own, or, for the security administrator, everyone's.
    pub async fn tokens_as(&self, actor: &Actor) -> Result<Vec<ApiToken>> {
        let owner = match actor.role {
            Role::SecurityAdmin | Role::System => None,
            _ => Some(
                actor
                    .person_id
                    .ok_or_else(|| CatalogError::Forbidden("令牌不属于任何人员".to_string()))?,
            ),
        };
        let filter = RecordFilter {
            owner_id: owner.map(|id| id.to_string()),
            ..RecordFilter::default()
        };
        self.store
            .list(Table::ApiTokens, &filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v: Versioned<ApiToken>| v.value))
            .collect()
    }

    /// Revoke a token: its person may, and the security administrator may revoke anyone's.
    pub async fn revoke_token(&self, actor: &Actor, id: Uuid) -> Result<ApiToken> {
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<ApiToken> = entity::load(tx.as_mut(), id).await?;
        let own = actor.person_id.is_some() && before.value.person_id == actor.person_id;
        if !own && !matches!(actor.role, Role::SecurityAdmin | Role::System) {
            // Another person's token does not exist, as far as this caller can tell.
            return Err(CatalogError::not_found("api_token", id.to_string()));
        }
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
