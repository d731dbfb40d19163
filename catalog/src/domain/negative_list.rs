//! The negative list (负面清单): resources or categories excluded from authorized operation
//! (GZ 2; C 6.1), under dynamic management with a full status history.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::organization::require_text;
use super::resource::ResourceContent;
use super::{RegionCode, ResourceCode};
use crate::error::{CatalogError, Result};

/// What an entry covers: one resource, or a whole category of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NegativeTarget {
    Resource {
        code: ResourceCode,
    },
    /// Matches resources whose 行业分类 equals `domain` (when given) and whose category path starts
    /// with `category_path` (when non-empty).
    Category {
        #[serde(default)]
        domain: Option<String>,
        #[serde(default)]
        category_path: Vec<String>,
    },
}

impl NegativeTarget {
    /// How pages and search results name the target: 数据资源 511000-00000001-T, or
    /// 类别 Q 卫生和社会工作 医疗 / 病历.
    pub fn label(&self) -> String {
        match self {
            NegativeTarget::Resource { code } => format!("数据资源 {}", code.as_str()),
            NegativeTarget::Category {
                domain,
                category_path,
            } => {
                let mut parts = vec!["类别".to_string()];
                parts.extend(domain.as_deref().map(super::industry::section_label));
                if !category_path.is_empty() {
                    parts.push(category_path.join(" / "));
                }
                parts.join(" ")
            }
        }
    }

    pub fn covers(&self, code: &ResourceCode, content: &ResourceContent) -> bool {
        match self {
            NegativeTarget::Resource { code: c } => c == code,
            NegativeTarget::Category {
                domain,
                category_path,
            } => {
                domain
                    .as_ref()
                    .is_none_or(|d| content.domain.as_ref() == Some(d))
                    && content.category_path.starts_with(category_path)
            }
        }
    }
}

/// Whole resource, or only the named data items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", content = "items", rename_all = "snake_case")]
pub enum NegativeScope {
    WholeResource,
    DataItems(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum NegativeKind {
    #[serde(rename = "禁止")]
    Prohibited,
    #[serde(rename = "限制")]
    Restricted,
}

/// Reason categories of C 6.1, plus 涉密 (LY).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum NegativeReason {
    #[serde(rename = "危害国家安全")]
    NationalSecurity,
    #[serde(rename = "损害社会公共利益")]
    PublicInterest,
    #[serde(rename = "侵犯合法权益且无法取得授权")]
    LawfulRights,
    #[serde(rename = "法律法规禁止")]
    ProhibitedByLaw,
    #[serde(rename = "涉密")]
    Classified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NegativeStatus {
    Active,
    Lifted,
}

impl NegativeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NegativeStatus::Active => "active",
            NegativeStatus::Lifted => "lifted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NegativeStatus::Active => "有效",
            NegativeStatus::Lifted => "已解除",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NegativeStatusChange {
    pub status: NegativeStatus,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// What a data administration files to put something on the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewNegativeListEntry {
    pub target: NegativeTarget,
    pub scope: NegativeScope,
    pub kind: NegativeKind,
    /// Conditions under which a restricted (限制) resource may still be used.
    #[serde(default)]
    pub conditions: Option<String>,
    pub reason: NegativeReason,
    pub legal_basis: String,
    pub approved_by: String,
    pub approved_on: NaiveDate,
    pub next_review_on: NaiveDate,
    /// Confidential entries are enforced but never shown to the public.
    #[serde(default)]
    pub confidential: bool,
}

impl NewNegativeListEntry {
    pub fn validate(&self) -> Result<()> {
        if let NegativeTarget::Category {
            domain,
            category_path,
        } = &self.target
            && domain.is_none()
            && category_path.is_empty()
        {
            return Err(CatalogError::invalid(
                "target",
                "按类别列入负面清单时须指定行业分类或分类路径",
            ));
        }
        if let NegativeScope::DataItems(items) = &self.scope
            && items.iter().all(|i| i.trim().is_empty())
        {
            return Err(CatalogError::invalid("scope.items", "须列出至少一个信息项"));
        }
        if self.kind == NegativeKind::Restricted
            && self
                .conditions
                .as_deref()
                .is_none_or(|c| c.trim().is_empty())
        {
            return Err(CatalogError::invalid(
                "conditions",
                "限制类条目必须写明限制条件",
            ));
        }
        require_text("legal_basis", &self.legal_basis, 2000)?;
        require_text("approved_by", &self.approved_by, 200)?;
        if self.next_review_on <= self.approved_on {
            return Err(CatalogError::invalid(
                "next_review_on",
                "下次评估日期必须晚于批准日期（负面清单实行动态管理）",
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NegativeListEntry {
    pub id: Uuid,
    #[serde(flatten)]
    pub details: NewNegativeListEntry,
    /// The region of the data administration that keeps the entry (rule 9): it covers only
    /// resources of that region. Absent on entries recorded before regions: those cover all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionCode>,
    pub status: NegativeStatus,
    pub history: Vec<NegativeStatusChange>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl NegativeListEntry {
    pub fn new(
        details: NewNegativeListEntry,
        region: Option<RegionCode>,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        details.validate()?;
        Ok(NegativeListEntry {
            id: Uuid::now_v7(),
            details,
            region,
            status: NegativeStatus::Active,
            history: vec![NegativeStatusChange {
                status: NegativeStatus::Active,
                at: now,
                reason: "列入负面清单".to_string(),
            }],
            created_at: now,
            updated_at: now,
        })
    }

    pub fn is_active(&self) -> bool {
        self.status == NegativeStatus::Active
    }

    /// Active and covering this resource of its region.
    fn applies_to(&self, code: &ResourceCode, content: &ResourceContent) -> bool {
        self.is_active()
            && self
                .region
                .as_ref()
                .is_none_or(|region| code.region().is_within(region))
            && self.details.target.covers(code, content)
    }

    /// Active and past its next review date (dynamic management, GZ 2): the keeper's 待办.
    pub fn review_overdue(&self, today: NaiveDate) -> bool {
        self.is_active() && self.details.next_review_on < today
    }

    /// Active, prohibiting (禁止) and covering the whole of the resource: it must stay out of
    /// editions and scopes (rule 1; C 6.1).
    pub fn excludes(&self, code: &ResourceCode, content: &ResourceContent) -> bool {
        self.details.kind == NegativeKind::Prohibited
            && self.details.scope == NegativeScope::WholeResource
            && self.applies_to(code, content)
    }

    /// Active, restricting (限制) and covering the resource: it may be operated only under the
    /// entry's recorded conditions, which travel with it into editions and scopes (C 6.1).
    pub fn restriction(&self, code: &ResourceCode, content: &ResourceContent) -> Option<String> {
        if !(self.details.kind == NegativeKind::Restricted && self.applies_to(code, content)) {
            return None;
        }
        let conditions = self.details.conditions.as_deref().unwrap_or("").trim();
        Some(match &self.details.scope {
            NegativeScope::WholeResource => format!("负面清单限制：{conditions}"),
            NegativeScope::DataItems(items) => {
                format!("负面清单限制（信息项 {}）：{conditions}", items.join("、"))
            }
        })
    }

    /// Data items of the resource this active prohibiting entry withholds, if it is scoped to
    /// items (a restricting one conditions them instead: `restriction`).
    pub fn withheld_items(&self, code: &ResourceCode, content: &ResourceContent) -> Vec<String> {
        match &self.details.scope {
            NegativeScope::DataItems(items)
                if self.details.kind == NegativeKind::Prohibited
                    && self.applies_to(code, content) =>
            {
                items.clone()
            }
            _ => Vec::new(),
        }
    }

    pub fn lift(&mut self, reason: &str, now: DateTime<Utc>) -> Result<()> {
        require_text("reason", reason, 1000)?;
        if !self.is_active() {
            return Err(CatalogError::InvalidTransition(
                "该负面清单条目已解除".to_string(),
            ));
        }
        self.set_status(NegativeStatus::Lifted, reason, now);
        Ok(())
    }

    pub fn reinstate(&mut self, reason: &str, now: DateTime<Utc>) -> Result<()> {
        require_text("reason", reason, 1000)?;
        if self.is_active() {
            return Err(CatalogError::InvalidTransition(
                "该负面清单条目仍然有效".to_string(),
            ));
        }
        self.set_status(NegativeStatus::Active, reason, now);
        Ok(())
    }

    fn set_status(&mut self, status: NegativeStatus, reason: &str, now: DateTime<Utc>) {
        self.status = status;
        self.history.push(NegativeStatusChange {
            status,
            at: now,
            reason: reason.trim().to_string(),
        });
        self.updated_at = now;
    }
}
