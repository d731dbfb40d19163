//! Organizations (机构) and the roles they act in.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::text::{Lines, check_text};
use super::{RegionCode, Uscc};
use crate::error::{CatalogError, Result};

/// What an organization may act as; one organization can hold several kinds.
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
pub enum OrgKind {
    /// 数源单位 / 数据提供单位
    Provider,
    /// 数据管理部门 / 实施机构
    DataAdmin,
    /// 登记机构
    Registrar,
    /// 运营机构
    Operator,
    /// 开发利用机构
    Developer,
    /// 数据交易所
    Exchange,
    /// 监管
    Auditor,
}

impl OrgKind {
    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Provider => "数源单位",
            OrgKind::DataAdmin => "数据管理部门",
            OrgKind::Registrar => "登记机构",
            OrgKind::Operator => "运营机构",
            OrgKind::Developer => "开发利用机构",
            OrgKind::Exchange => "数据交易所",
            OrgKind::Auditor => "监管部门",
        }
    }
}

/// Internal contact details: never part of any public view.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contact {
    pub person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgStatus {
    Active,
    Deactivated,
}

impl OrgStatus {
    pub fn label(&self) -> &'static str {
        match self {
            OrgStatus::Active => "正常",
            OrgStatus::Deactivated => "已停用",
        }
    }
}

/// What a caller supplies to register an organization.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewOrganization {
    pub uscc: Uscc,
    pub name: String,
    pub region: RegionCode,
    #[serde(deserialize_with = "super::unique::set")]
    pub kinds: BTreeSet<OrgKind>,
    #[serde(default)]
    pub contact: Option<Contact>,
}

impl NewOrganization {
    pub fn validate(&self) -> Result<()> {
        require_text("name", &self.name, 200)?;
        if self.kinds.is_empty() {
            return Err(CatalogError::invalid("kinds", "至少指定一种机构类型"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Organization {
    pub id: Uuid,
    pub uscc: Uscc,
    pub name: String,
    pub region: RegionCode,
    pub kinds: BTreeSet<OrgKind>,
    pub contact: Option<Contact>,
    pub status: OrgStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Organization {
    pub fn new(input: NewOrganization, now: DateTime<Utc>) -> Result<Self> {
        input.validate()?;
        Ok(Organization {
            id: Uuid::now_v7(),
            uscc: input.uscc,
            name: input.name.trim().to_string(),
            region: input.region,
            kinds: input.kinds,
            contact: input.contact,
            status: OrgStatus::Active,
            created_at: now,
            updated_at: now,
        })
    }

    pub fn has_kind(&self, kind: OrgKind) -> bool {
        self.status == OrgStatus::Active && self.kinds.contains(&kind)
    }

    /// Refuse unless the organization can act as `kind`; `field` names the reference in the request.
    pub fn require_kind(&self, kind: OrgKind, field: &str) -> Result<()> {
        if self.has_kind(kind) {
            Ok(())
        } else {
            Err(CatalogError::invalid(
                field,
                format!("机构“{}”不是有效的{}", self.name, kind.label()),
            ))
        }
    }
}

/// Fields of at most this many characters are single-line (names, titles, references); longer
/// ones (descriptions, reasons, opinions) may span lines.
pub const SINGLE_LINE_MAX_CHARS: usize = 200;

/// A required free-text field: trimmed non-empty, at most `max_chars` characters, and no control
/// characters or noncharacters (`text::check_text`; line breaks only when `max_chars` is above
/// [`SINGLE_LINE_MAX_CHARS`]).
pub fn require_text(field: &str, value: &str, max_chars: usize) -> Result<()> {
    let lines = if max_chars > SINGLE_LINE_MAX_CHARS {
        Lines::Many
    } else {
        Lines::One
    };
    check_text(field, value, lines)?;
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(CatalogError::invalid(field, "不能为空"));
    }
    let n = trimmed.chars().count();
    if n > max_chars {
        return Err(CatalogError::invalid(
            field,
            format!("长度为{n}个字符，超过上限{max_chars}"),
        ));
    }
    Ok(())
}
