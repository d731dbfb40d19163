//! Who performs a write: a role, and the organization it acts for.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{CatalogError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The service itself (migrations, demo data, scheduled expiry).
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
}

impl Role {
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
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub role: Role,
    pub org_id: Option<Uuid>,
}

impl Actor {
    pub fn system() -> Self {
        Actor {
            role: Role::System,
            org_id: None,
        }
    }

    pub fn new(role: Role, org_id: Uuid) -> Self {
        Actor {
            role,
            org_id: Some(org_id),
        }
    }

    /// How the actor appears in audit events.
    pub fn audit_name(&self) -> String {
        match self.org_id {
            Some(org) => format!("{}:{org}", self.role.as_str()),
            None => self.role.as_str().to_string(),
        }
    }

    /// Allow the system, or one of `roles`.
    pub fn require_role(&self, roles: &[Role], action: &str) -> Result<()> {
        if self.role == Role::System || roles.contains(&self.role) {
            Ok(())
        } else {
            Err(CatalogError::Forbidden(format!(
                "角色 {} 无权{action}",
                self.role.as_str()
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
