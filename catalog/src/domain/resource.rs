//! Directory entries (公共数据资源目录条目), their data items and their review lifecycle.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::organization::require_text;
use super::{Grade, OpenType, RegionCode, ResourceCode, ShareType, UpdateFrequency};
use crate::error::{CatalogError, Result};

/// 信息项: one column or field of the resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DataItem {
    pub name: String,
    #[serde(default)]
    pub english_name: Option<String>,
    pub data_type: String,
    #[serde(default)]
    pub length_format: Option<String>,
    #[serde(default)]
    pub value_domain: Option<String>,
    /// Sensitivity of this item; the entry's grade must be at least the highest of these.
    #[serde(default)]
    pub sensitivity: Option<Grade>,
    #[serde(default)]
    pub description: Option<String>,
}

/// Everything a provider describes about a resource; versioned as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResourceContent {
    pub name: String,
    pub summary: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// 行业分类: GB/T 4754-2017 section letter (A–T).
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub theme: Option<String>,
    /// The provider's own category path (类/项/目/细目), at most four levels.
    #[serde(default)]
    pub category_path: Vec<String>,
    pub grade: Grade,
    pub share_type: ShareType,
    #[serde(default)]
    pub share_condition: Option<String>,
    #[serde(default)]
    pub share_method: Option<String>,
    pub open_type: OpenType,
    #[serde(default)]
    pub open_condition: Option<String>,
    pub update_frequency: UpdateFrequency,
    #[serde(default)]
    pub formats: Vec<String>,
    #[serde(default)]
    pub record_count: Option<u64>,
    #[serde(default)]
    pub storage_size: Option<String>,
    #[serde(default)]
    pub coverage_time: Option<String>,
    #[serde(default)]
    pub coverage_region: Option<RegionCode>,
    #[serde(default)]
    pub usage_restrictions: Option<String>,
    #[serde(default)]
    pub quality_notes: Option<String>,
    #[serde(default)]
    pub release_date: Option<NaiveDate>,
    #[serde(default)]
    pub related_codes: Vec<ResourceCode>,
    #[serde(default)]
    pub data_items: Vec<DataItem>,
}

const GB4754_SECTIONS: &str = "ABCDEFGHIJKLMNOPQRST";

impl ResourceContent {
    /// Checks that need more than one field; every error names its field path.
    pub fn validate(&self) -> Result<()> {
        require_text("content.name", &self.name, 200)?;
        require_text("content.summary", &self.summary, 4000)?;
        if let Some(domain) = &self.domain
            && !(domain.len() == 1 && GB4754_SECTIONS.contains(domain.as_str()))
        {
            return Err(CatalogError::invalid(
                "content.domain",
                format!("行业分类“{domain}”不是 GB/T 4754-2017 门类代码（A–T）"),
            ));
        }
        if self.category_path.len() > 4 {
            return Err(CatalogError::invalid(
                "content.category_path",
                "分类路径最多四级（类/项/目/细目）",
            ));
        }
        if self.share_type == ShareType::Conditional && blank(&self.share_condition) {
            return Err(CatalogError::invalid(
                "content.share_condition",
                "有条件共享的资源必须写明共享条件",
            ));
        }
        if self.share_type == ShareType::None && blank(&self.share_condition) {
            return Err(CatalogError::invalid(
                "content.share_condition",
                "不予共享的资源必须写明依据",
            ));
        }
        if self.open_type == OpenType::Conditional && blank(&self.open_condition) {
            return Err(CatalogError::invalid(
                "content.open_condition",
                "有条件开放的资源必须写明开放条件",
            ));
        }
        let mut names = BTreeSet::new();
        for (i, item) in self.data_items.iter().enumerate() {
            require_text(&format!("content.data_items[{i}].name"), &item.name, 200)?;
            require_text(
                &format!("content.data_items[{i}].data_type"),
                &item.data_type,
                50,
            )?;
            if !names.insert(item.name.trim()) {
                return Err(CatalogError::invalid(
                    format!("content.data_items[{i}].name"),
                    format!("信息项“{}”重复", item.name),
                ));
            }
            // An entry takes the highest level of its data items.
            if let Some(sensitivity) = item.sensitivity
                && sensitivity > self.grade
            {
                return Err(CatalogError::invalid(
                    format!("content.data_items[{i}].sensitivity"),
                    format!(
                        "信息项“{}”的级别（{sensitivity}）高于资源分级（{}），资源应取其信息项的最高级别",
                        item.name, self.grade
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|s| s.trim().is_empty())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceStatus {
    Draft,
    Submitted,
    Approved,
    Returned,
    Published,
    Withdrawn,
}

impl ResourceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceStatus::Draft => "draft",
            ResourceStatus::Submitted => "submitted",
            ResourceStatus::Approved => "approved",
            ResourceStatus::Returned => "returned",
            ResourceStatus::Published => "published",
            ResourceStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ResourceStatus::Draft => "草稿",
            ResourceStatus::Submitted => "已提交",
            ResourceStatus::Approved => "已审核",
            ResourceStatus::Returned => "已退回",
            ResourceStatus::Published => "已发布",
            ResourceStatus::Withdrawn => "已撤回",
        }
    }
}

/// A directory entry. `version` counts content versions: every change after approval makes a new one,
/// while `published_version` keeps pointing at what the public sees until the change is published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Resource {
    pub id: Uuid,
    pub code: ResourceCode,
    pub provider_id: Uuid,
    pub version: u32,
    pub status: ResourceStatus,
    pub published_version: Option<u32>,
    pub content: ResourceContent,
    /// Reasons given the last time a reviewer returned the entry.
    #[serde(default)]
    pub return_reasons: Vec<String>,
    #[serde(default)]
    pub withdrawal_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Resource {
    pub fn new(
        code: ResourceCode,
        provider_id: Uuid,
        content: ResourceContent,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        content.validate()?;
        Ok(Resource {
            id: Uuid::now_v7(),
            code,
            provider_id,
            version: 1,
            status: ResourceStatus::Draft,
            published_version: None,
            content,
            return_reasons: Vec::new(),
            withdrawal_reason: None,
            created_at: now,
            updated_at: now,
        })
    }

    /// Publicly visible: some version was published and the entry was not withdrawn.
    pub fn is_public(&self) -> bool {
        self.published_version.is_some() && self.status != ResourceStatus::Withdrawn
    }

    fn refuse(&self, action: &str) -> CatalogError {
        CatalogError::InvalidTransition(format!(
            "资源“{}”当前状态为{}，不能{action}",
            self.content.name,
            self.status.label()
        ))
    }

    /// Replace the content. Drafts and returned entries change in place; approved or published ones
    /// start a new version, leaving the old one readable.
    pub fn edit(&mut self, content: ResourceContent, now: DateTime<Utc>) -> Result<()> {
        content.validate()?;
        match self.status {
            ResourceStatus::Draft | ResourceStatus::Returned => {}
            ResourceStatus::Approved | ResourceStatus::Published => self.version += 1,
            ResourceStatus::Submitted | ResourceStatus::Withdrawn => {
                return Err(self.refuse("修改"));
            }
        }
        self.content = content;
        self.status = ResourceStatus::Draft;
        self.updated_at = now;
        Ok(())
    }

    pub fn submit(&mut self, now: DateTime<Utc>) -> Result<()> {
        match self.status {
            ResourceStatus::Draft | ResourceStatus::Returned => {
                self.status = ResourceStatus::Submitted;
                self.updated_at = now;
                Ok(())
            }
            _ => Err(self.refuse("提交审核")),
        }
    }

    pub fn approve(&mut self, now: DateTime<Utc>) -> Result<()> {
        if self.status != ResourceStatus::Submitted {
            return Err(self.refuse("审核通过"));
        }
        self.status = ResourceStatus::Approved;
        self.return_reasons.clear();
        self.updated_at = now;
        Ok(())
    }

    pub fn return_for_revision(&mut self, reasons: Vec<String>, now: DateTime<Utc>) -> Result<()> {
        if self.status != ResourceStatus::Submitted {
            return Err(self.refuse("退回"));
        }
        let reasons: Vec<String> = reasons
            .into_iter()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        if reasons.is_empty() {
            return Err(CatalogError::invalid("reasons", "退回时必须说明理由"));
        }
        self.status = ResourceStatus::Returned;
        self.return_reasons = reasons;
        self.updated_at = now;
        Ok(())
    }

    pub fn publish(&mut self, now: DateTime<Utc>) -> Result<()> {
        if self.status != ResourceStatus::Approved {
            return Err(self.refuse("发布"));
        }
        self.status = ResourceStatus::Published;
        self.published_version = Some(self.version);
        self.updated_at = now;
        Ok(())
    }

    /// Withdrawal is a state with a reason, never a deletion (rule 6).
    pub fn withdraw(&mut self, reason: &str, now: DateTime<Utc>) -> Result<()> {
        require_text("reason", reason, 1000)?;
        if self.status == ResourceStatus::Withdrawn {
            return Err(self.refuse("撤回"));
        }
        self.status = ResourceStatus::Withdrawn;
        self.withdrawal_reason = Some(reason.trim().to_string());
        self.updated_at = now;
        Ok(())
    }
}
