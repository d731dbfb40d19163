//! Accounts (账号): opened, given roles, unlocked and switched off by a security administrator
//! (安全管理员, GB/T 22239-2019 8.1.4.2), never by the person themselves.

use std::collections::BTreeSet;

use chrono::Utc;
use uuid::Uuid;

use super::entity::{self, from_record};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::organization::{OrgKind, Organization};
use crate::domain::person::{
    Account, Credentials, NewPerson, Person, PersonStatus, check_password, check_roles,
    hash_password,
};
use crate::error::{CatalogError, Result};
use crate::store::{RecordFilter, Table, WriteTx};

/// The organization kind a business role requires; the three duties need none.
pub(super) fn kind_for(role: Role) -> Option<OrgKind> {
    Some(match role {
        Role::Provider => OrgKind::Provider,
        Role::DataAdmin => OrgKind::DataAdmin,
        Role::Registrar => OrgKind::Registrar,
        Role::Operator => OrgKind::Operator,
        Role::Developer => OrgKind::Developer,
        Role::Exchange => OrgKind::Exchange,
        Role::Auditor => OrgKind::Auditor,
        Role::System
        | Role::Public
        | Role::SystemAdmin
        | Role::SecurityAdmin
        | Role::AuditAdmin => {
            return None;
        }
    })
}

/// Every role is one the person's organization can act as, and the duties stay separated.
fn check_roles_for(org: &Organization, roles: &BTreeSet<Role>) -> Result<()> {
    check_roles(roles)?;
    for role in roles {
        if let Some(kind) = kind_for(*role) {
            org.require_kind(kind, "roles")?;
        }
    }
    Ok(())
}

const MANAGE_PEOPLE: &str = "管理人员账号（仅安全管理员）";

/// A security administrator (or the service) changes someone else's account.
fn require_security_admin(actor: &Actor, person_id: Uuid) -> Result<()> {
    actor.require_role(&[Role::SecurityAdmin], MANAGE_PEOPLE)?;
    if actor.person_id == Some(person_id) {
        return Err(CatalogError::Forbidden(
            "不能变更自己的账号、角色或锁定状态，请由另一名安全管理员办理".to_string(),
        ));
    }
    Ok(())
}

impl Catalog {
    /// Open an account with an initial password that must be changed at first sign-in.
    pub async fn create_person(&self, actor: &Actor, input: NewPerson) -> Result<Person> {
        self.open_account(actor, input, true).await
    }

    /// Open an account whose password is final (the demo's people; the bootstrap CLI's first
    /// administrator chooses their own).
    pub async fn create_person_with_final_password(
        &self,
        actor: &Actor,
        input: NewPerson,
    ) -> Result<Person> {
        actor.require_role(&[], "开设免改密账号")?;
        self.open_account(actor, input, false).await
    }

    async fn open_account(
        &self,
        actor: &Actor,
        input: NewPerson,
        must_change_password: bool,
    ) -> Result<Person> {
        actor.require_role(&[Role::SecurityAdmin], MANAGE_PEOPLE)?;
        crate::domain::organization::require_text("name", &input.name, 50)?;
        check_password(&input.account, &input.password)?;
        let sso_subject = clean_subject(input.sso_subject)?;
        let mut tx = self.store.begin_write().await?;
        let org: Versioned<Organization> = entity::load(tx.as_mut(), input.org_id)
            .await
            .map_err(|_| CatalogError::invalid("org_id", "机构不存在"))?;
        check_roles_for(&org.value, &input.roles)?;
        if tx
            .get_by_key(Table::People, input.account.as_str())
            .await?
            .is_some()
        {
            return Err(CatalogError::Conflict(format!(
                "账号 {} 已存在",
                input.account
            )));
        }
        let now = Utc::now();
        let person = Person {
            id: Uuid::now_v7(),
            account: input.account,
            name: input.name.trim().to_string(),
            org_id: input.org_id,
            roles: input.roles,
            status: PersonStatus::Active,
            must_change_password,
            totp_enabled: false,
            sso_subject,
            created_at: now,
            updated_at: now,
        };
        entity::insert(tx.as_mut(), actor, "person.create", &person).await?;
        let credentials = Credentials {
            password_hash: Some(hash_password(&input.password)?),
            ..Credentials::default()
        };
        put_credentials(tx.as_mut(), person.id, &credentials).await?;
        tx.commit().await?;
        Ok(person)
    }

    /// Give a person their roles (all of them at once); their open sessions end so the change
    /// takes effect at once.
    pub async fn set_person_roles(
        &self,
        actor: &Actor,
        id: Uuid,
        roles: BTreeSet<Role>,
    ) -> Result<Versioned<Person>> {
        require_security_admin(actor, id)?;
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<Person> = entity::load(tx.as_mut(), id).await?;
        let org: Versioned<Organization> = entity::load(tx.as_mut(), before.value.org_id).await?;
        check_roles_for(&org.value, &roles)?;
        let mut after = before.value.clone();
        after.roles = roles;
        after.updated_at = Utc::now();
        let row_version = entity::update(
            tx.as_mut(),
            actor,
            "person.set_roles",
            &before,
            &after,
            None,
        )
        .await?;
        tx.end_sessions_of(&id.to_string(), after.updated_at)
            .await?;
        tx.commit().await?;
        Ok(Versioned {
            row_version,
            value: after,
        })
    }

    /// Unlock an account locked by failed sign-ins.
    pub async fn unlock_person(&self, actor: &Actor, id: Uuid) -> Result<Versioned<Person>> {
        require_security_admin(actor, id)?;
        self.change_account(actor, id, "person.unlock", |p, c| {
            if p.status != PersonStatus::Locked {
                return Err(CatalogError::InvalidTransition("账号未被锁定".to_string()));
            }
            p.status = PersonStatus::Active;
            c.failed_attempts = 0;
            Ok(())
        })
        .await
    }

    /// Switch an account off (its tokens and sessions stop working) or back on.
    pub async fn set_person_enabled(
        &self,
        actor: &Actor,
        id: Uuid,
        enabled: bool,
    ) -> Result<Versioned<Person>> {
        require_security_admin(actor, id)?;
        let action = if enabled {
            "person.enable"
        } else {
            "person.disable"
        };
        self.change_account(actor, id, action, |p, c| {
            match (enabled, p.status) {
                (true, PersonStatus::Disabled) => p.status = PersonStatus::Active,
                (false, PersonStatus::Active | PersonStatus::Locked) => {
                    p.status = PersonStatus::Disabled
                }
                _ => {
                    return Err(CatalogError::InvalidTransition(format!(
                        "账号当前状态为“{}”",
                        p.status.label()
                    )));
                }
            }
            c.failed_attempts = 0;
            Ok(())
        })
        .await
    }

    /// Set a new initial password (the person must change it at their next sign-in); unlocks.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        id: Uuid,
        password: &str,
    ) -> Result<Versioned<Person>> {
        require_security_admin(actor, id)?;
        let hash_for = |p: &Person| -> Result<String> {
            check_password(&p.account, password)?;
            hash_password(password)
        };
        self.change_account(actor, id, "person.reset_password", |p, c| {
            c.password_hash = Some(hash_for(p)?);
            c.failed_attempts = 0;
            p.must_change_password = true;
            if p.status == PersonStatus::Locked {
                p.status = PersonStatus::Active;
            }
            Ok(())
        })
        .await
    }

    /// Load a person and their credentials, change both, save with one audit event (which
    /// records the person's change, never the credentials), and end their sessions.
    async fn change_account(
        &self,
        actor: &Actor,
        id: Uuid,
        action: &str,
        apply: impl FnOnce(&mut Person, &mut Credentials) -> Result<()>,
    ) -> Result<Versioned<Person>> {
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<Person> = entity::load(tx.as_mut(), id).await?;
        let mut credentials = credentials_in(tx.as_mut(), id).await?;
        let mut after = before.value.clone();
        apply(&mut after, &mut credentials)?;
        after.updated_at = Utc::now();
        let row_version = entity::update(tx.as_mut(), actor, action, &before, &after, None).await?;
        put_credentials(tx.as_mut(), id, &credentials).await?;
        tx.end_sessions_of(&id.to_string(), after.updated_at)
            .await?;
        tx.commit().await?;
        Ok(Versioned {
            row_version,
            value: after,
        })
    }

    pub async fn person(&self, id: Uuid) -> Result<Versioned<Person>> {
        entity::read(self.store(), id).await
    }

    pub async fn person_by_account(&self, account: &Account) -> Result<Option<Person>> {
        self.store
            .get_by_key(Table::People, account.as_str())
            .await?
            .map(|r| from_record(r).map(|v| v.value))
            .transpose()
    }

    /// The person whose single-sign-on claim is `subject`, if one is active.
    pub async fn person_by_sso_subject(&self, subject: &str) -> Result<Option<Person>> {
        let people = self.all_people().await?;
        Ok(people
            .into_iter()
            .find(|p| p.sso_subject.as_deref() == Some(subject)))
    }

    /// Accounts, for the security administrator (every one) or anyone else (only their own).
    pub async fn people_as(&self, actor: &Actor) -> Result<Vec<Person>> {
        if actor.role == Role::SecurityAdmin || actor.role == Role::System {
            return self.all_people().await;
        }
        match actor.person_id {
            Some(id) => Ok(vec![self.person(id).await?.value]),
            None => Ok(Vec::new()),
        }
    }

    async fn all_people(&self) -> Result<Vec<Person>> {
        self.store
            .list(Table::People, &RecordFilter::default())
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect()
    }
}

fn clean_subject(subject: Option<String>) -> Result<Option<String>> {
    match subject.map(|s| s.trim().to_string()) {
        Some(s) if s.is_empty() => Ok(None),
        Some(s) if s.chars().count() > 200 || s.chars().any(char::is_control) => {
            Err(CatalogError::invalid(
                "sso_subject",
                "统一身份认证标识不能超过200个字符或含控制字符",
            ))
        }
        other => Ok(other),
    }
}

pub(super) async fn credentials_in(tx: &mut dyn WriteTx, id: Uuid) -> Result<Credentials> {
    match tx.get_credentials(&id.to_string()).await? {
        Some(text) => parse_credentials(&text),
        None => Ok(Credentials::default()),
    }
}

pub(super) fn parse_credentials(text: &str) -> Result<Credentials> {
    serde_json::from_str(text).map_err(|e| CatalogError::Storage(format!("凭据无法解析：{e}")))
}

pub(super) async fn put_credentials(
    tx: &mut dyn WriteTx,
    id: Uuid,
    credentials: &Credentials,
) -> Result<()> {
    let text =
        serde_json::to_string(credentials).map_err(|e| CatalogError::Storage(e.to_string()))?;
    tx.put_credentials(&id.to_string(), &text).await
}
