//! Who performs a write: a person acting in one role for their organization (or the service
//! itself), and through which token when a machine calls.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{CatalogError, Result};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The service itself (migrations, demo data, scheduled expiry, the bootstrap CLI).
    System,
    Provider,
    DataAdmin,
    Registrar,
    Operator,
    Developer,
    Exchange,
    Auditor,
    /// A member of the public (objections); never holds a token.
    Public,
    /// 系统管理员 (三员分立): service settings.
    SystemAdmin,
    /// 安全管理员 (三员分立): accounts, roles, tokens, unlock.
    SecurityAdmin,
    /// 审计管理员 (三员分立): reads and exports the audit trail, nothing else.
    AuditAdmin,
}

impl Role {
    /// Every role a person can hold.
    pub const PERSON_ROLES: [Role; 10] = [
        Role::Provider,
        Role::DataAdmin,
        Role::Registrar,
        Role::Operator,
        Role::Developer,
        Role::Exchange,
        Role::Auditor,
        Role::SystemAdmin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::Provider => "provider",
            Role::DataAdmin => "data_admin",
            Role::Registrar => "registrar",
            Role::Operator => "operator",
            Role::Developer => "developer",
            Role::Exchange => "exchange",
            Role::Auditor => "auditor",
            Role::Public => "public",
            Role::SystemAdmin => "system_admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        [Role::System, Role::Public]
            .into_iter()
            .chain(Role::PERSON_ROLES)
            .find(|r| r.as_str() == raw)
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Role::System => "系统",
            Role::Provider => "数源单位填报",
            Role::DataAdmin => "数据管理部门",
            Role::Registrar => "登记机构",
            Role::Operator => "运营机构",
            Role::Developer => "开发利用机构",
            Role::Exchange => "数据交易所",
            Role::Auditor => "监管审计",
            Role::Public => "社会公众",
            Role::SystemAdmin => "系统管理员",
            Role::SecurityAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
        }
    }

    /// One of the three separated duties (三员分立, GB/T 22239-2019 8.1.4.2): no person holds two,
    /// and each must sign in with a second factor.
    pub fn is_duty(self) -> bool {
        matches!(
            self,
            Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin
        )
    }

    /// Acts only inside its organization's region (rule 9): reviews, lists, authorizes, registers.
    pub fn is_jurisdictional(self) -> bool {
        matches!(self, Role::DataAdmin | Role::Registrar)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub role: Role,
    pub org_id: Option<Uuid>,
    /// The person (账号) acting; `None` for the service itself and for tokens issued before
    /// people existed.
    pub person_id: Option<Uuid>,
    /// The API token presented, when a machine calls.
    pub token_id: Option<Uuid>,
}

impl Actor {
    pub fn system() -> Self {
        Actor {
            role: Role::System,
            org_id: None,
            person_id: None,
            token_id: None,
        }
    }

    /// A member of the public (a real-name objection; a developer's application).
    pub fn public() -> Self {
        Actor {
            role: Role::Public,
            ..Actor::system()
        }
    }

    pub fn new(role: Role, org_id: Uuid) -> Self {
        Actor {
            role,
            org_id: Some(org_id),
            person_id: None,
            token_id: None,
        }
    }

    /// A person acting in `role` for `org_id`.
    pub fn person(role: Role, org_id: Uuid, person_id: Uuid) -> Self {
        Actor {
            person_id: Some(person_id),
            ..Actor::new(role, org_id)
        }
    }

    pub fn with_token(mut self, token_id: Uuid) -> Self {
        self.token_id = Some(token_id);
        self
    }

    /// How the actor appears in audit events: `role:org`, then ` person:id` and ` token:id` when
    /// known (SD 30; C 9.5: every act attributable to a person). Events written before people
    /// existed keep their `role:org` form, so old chains verify unchanged.
    pub fn audit_name(&self) -> String {
        let mut name = match self.org_id {
            Some(org) => format!("{}:{org}", self.role.as_str()),
            None => self.role.as_str().to_string(),
        };
        if let Some(person) = self.person_id {
            name.push_str(&format!(" person:{person}"));
        }
        if let Some(token) = self.token_id {
            name.push_str(&format!(" token:{token}"));
        }
        name
    }

    /// Allow the system, or one of `roles`.
    pub fn require_role(&self, roles: &[Role], action: &str) -> Result<()> {
        if self.role == Role::System || roles.contains(&self.role) {
            Ok(())
        } else {
            Err(CatalogError::Forbidden(format!(
                "角色“{}”无权{action}",
                self.role.label()
            )))
        }
    }

    /// Allow the system, or `role` acting for `org`.
    pub fn require_org(&self, role: Role, org: Uuid, action: &str) -> Result<()> {
        if self.role == Role::System || (self.role == role && self.org_id == Some(org)) {
            Ok(())
        } else {
            Err(CatalogError::Forbidden(format!(
                "只有所属{}本身可以{action}",
                match role {
                    Role::Provider => "数源单位",
                    Role::Operator => "运营机构",
                    _ => "机构",
                }
            )))
        }
    }
}

/// The parts of an audit event's `actor` text (see `Actor::audit_name`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActorName {
    pub role: String,
    pub org_id: Option<String>,
    pub person_id: Option<String>,
    pub token_id: Option<String>,
}

impl ActorName {
    pub fn parse(text: &str) -> Self {
        let mut parts = text.split(' ');
        let head = parts.next().unwrap_or_default();
        let (role, org) = match head.split_once(':') {
            Some((role, org)) => (role.to_string(), Some(org.to_string())),
            None => (head.to_string(), None),
        };
        let mut name = ActorName {
            role,
            org_id: org,
            ..ActorName::default()
        };
        for part in parts {
            match part.split_once(':') {
                Some(("person", id)) => name.person_id = Some(id.to_string()),
                Some(("token", id)) => name.token_id = Some(id.to_string()),
                _ => {}
            }
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_name_round_trips_through_its_parser() {
        let (org, person, token) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let actor = Actor::person(Role::DataAdmin, org, person).with_token(token);
        let name = ActorName::parse(&actor.audit_name());
        assert_eq!(name.role, "data_admin");
        assert_eq!(name.org_id, Some(org.to_string()));
        assert_eq!(name.person_id, Some(person.to_string()));
        assert_eq!(name.token_id, Some(token.to_string()));
        // Events written before people existed.
        let old = ActorName::parse(&format!("provider:{org}"));
        assert_eq!(old.person_id, None);
        assert_eq!(ActorName::parse("system").role, "system");
    }

    #[test]
    fn role_names_parse_back() {
        for role in Role::PERSON_ROLES {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
