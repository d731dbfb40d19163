//! Public data products and services (公共数据产品和服务) built by operators (N 16; C 10.4; GZ 17).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::organization::require_text;
use crate::error::{CatalogError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum DeliveryForm {
    #[serde(rename = "数据集")]
    Dataset,
    #[serde(rename = "数据接口")]
    Api,
    #[serde(rename = "数据应用")]
    Application,
    #[serde(rename = "数据报告")]
    Report,
    #[serde(rename = "模型")]
    Model,
    #[serde(rename = "其他")]
    Other,
}

impl DeliveryForm {
    /// Every value, in the order forms list them.
    pub const ALL: [DeliveryForm; 6] = [
        DeliveryForm::Dataset,
        DeliveryForm::Api,
        DeliveryForm::Application,
        DeliveryForm::Report,
        DeliveryForm::Model,
        DeliveryForm::Other,
    ];
}

/// Public-good scenes are free; industry scenes may charge up to a government-guided ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum SceneCategory {
    #[serde(rename = "公共治理、公益事业")]
    PublicGood,
    #[serde(rename = "产业发展、行业发展")]
    Industry,
}

impl SceneCategory {
    /// Every value, in the order forms list them.
    pub const ALL: [SceneCategory; 2] = [SceneCategory::PublicGood, SceneCategory::Industry];
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewProduct {
    pub name: String,
    pub summary: String,
    pub delivery_form: DeliveryForm,
    /// The authorization the product is built under.
    pub authorization_id: Uuid,
    pub source_resource_ids: Vec<Uuid>,
    /// 适用场景
    pub applicable_scenarios: Vec<String>,
    /// 禁用场景
    #[serde(default)]
    pub forbidden_scenarios: Vec<String>,
    pub scene_category: SceneCategory,
    /// Price in fen (分); must be absent or 0 for public-good scenes.
    #[serde(default)]
    pub price_fen: Option<u64>,
    /// Government-guided ceiling price in fen (政府指导价/上限价格), required for industry scenes.
    #[serde(default)]
    pub ceiling_fen: Option<u64>,
}

impl NewProduct {
    pub fn validate(&self) -> Result<()> {
        require_text("name", &self.name, 200)?;
        require_text("summary", &self.summary, 4000)?;
        if self.source_resource_ids.is_empty() {
            return Err(CatalogError::invalid(
                "source_resource_ids",
                "须列出来源数据资源",
            ));
        }
        if self
            .applicable_scenarios
            .iter()
            .all(|s| s.trim().is_empty())
        {
            return Err(CatalogError::invalid(
                "applicable_scenarios",
                "须写明适用场景",
            ));
        }
        match self.scene_category {
            SceneCategory::PublicGood if self.price_fen.unwrap_or(0) > 0 => Err(
                CatalogError::invalid("price_fen", "用于公共治理、公益事业的产品应无偿提供"),
            ),
            SceneCategory::Industry => match (self.price_fen, self.ceiling_fen) {
                (_, None) => Err(CatalogError::invalid(
                    "ceiling_fen",
                    "用于产业发展、行业发展的产品须写明政府指导的上限价格",
                )),
                (Some(price), Some(ceiling)) if price > ceiling => Err(CatalogError::invalid(
                    "price_fen",
                    format!("价格 {price} 分高于上限价格 {ceiling} 分"),
                )),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

/// The outcome of the compliance review (C 10.4) by the data administration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ComplianceReview {
    pub passed: bool,
    /// Reference of the review report.
    pub report_ref: String,
    /// The day the review was recorded, by the service's clock.
    pub reviewed_on: NaiveDate,
    #[serde(default)]
    pub notes: Option<String>,
}

/// What the implementing body finds in a compliance review (C 10.4); the service dates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewFinding {
    pub passed: bool,
    /// Reference of the review report.
    pub report_ref: String,
    #[serde(default)]
    pub notes: Option<String>,
}

impl ReviewFinding {
    pub fn on(self, reviewed_on: NaiveDate) -> ComplianceReview {
        ComplianceReview {
            passed: self.passed,
            report_ref: self.report_ref,
            reviewed_on,
            notes: self.notes,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Draft,
    ReviewPassed,
    ReviewFailed,
    Registered,
    Withdrawn,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::ReviewPassed => "review_passed",
            ProductStatus::ReviewFailed => "review_failed",
            ProductStatus::Registered => "registered",
            ProductStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProductStatus::Draft => "待合规审核",
            ProductStatus::ReviewPassed => "合规审核通过",
            ProductStatus::ReviewFailed => "合规审核未通过",
            ProductStatus::Registered => "已登记",
            ProductStatus::Withdrawn => "已撤回",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Product {
    pub id: Uuid,
    pub operator_id: Uuid,
    #[serde(flatten)]
    pub details: NewProduct,
    pub status: ProductStatus,
    #[serde(default)]
    pub compliance: Option<ComplianceReview>,
    /// The conditions its sources are authorized under (重要数据 conditions of the operation
    /// directory, 限制 entries of the negative list), inherited from the scope when drafted:
    /// what the compliance review checks the product against.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// 样例数据 (GZ 17): public with the product once it is registered.
    #[serde(default)]
    pub sample: Option<super::sample::SampleRef>,
    /// Why the operator withdrew it (rule 6: withdrawn, never deleted).
    #[serde(default)]
    pub withdrawal_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Product {
    pub fn new(operator_id: Uuid, details: NewProduct, now: DateTime<Utc>) -> Result<Self> {
        details.validate()?;
        Ok(Product {
            id: Uuid::now_v7(),
            operator_id,
            details,
            status: ProductStatus::Draft,
            compliance: None,
            conditions: Vec::new(),
            sample: None,
            withdrawal_reason: None,
            created_at: now,
            updated_at: now,
        })
    }

    /// Revise a draft or a product that failed its review (C 10.4): it goes back to draft and
    /// waits for a new review; the authorization it draws on cannot change.
    pub fn revise(&mut self, details: NewProduct, now: DateTime<Utc>) -> Result<()> {
        if !matches!(
            self.status,
            ProductStatus::Draft | ProductStatus::ReviewFailed
        ) {
            return Err(CatalogError::InvalidTransition(format!(
                "产品“{}”当前为{}，只有草稿或未通过合规审核的产品可以修改",
                self.details.name,
                self.status.label()
            )));
        }
        details.validate()?;
        if details.authorization_id != self.details.authorization_id {
            return Err(CatalogError::invalid(
                "authorization_id",
                "不能更换产品所依据的授权，请另建产品",
            ));
        }
        self.details = details;
        self.status = ProductStatus::Draft;
        self.updated_at = now;
        Ok(())
    }

    /// Withdraw before registration (a registered product ends by cancelling its registration).
    pub fn withdraw(&mut self, reason: &str, now: DateTime<Utc>) -> Result<()> {
        if !matches!(
            self.status,
            ProductStatus::Draft | ProductStatus::ReviewFailed | ProductStatus::ReviewPassed
        ) {
            return Err(CatalogError::InvalidTransition(format!(
                "产品“{}”当前为{}，不能撤回（已登记的产品请申请注销登记）",
                self.details.name,
                self.status.label()
            )));
        }
        require_text("reason", reason, 1000)?;
        self.withdrawal_reason = Some(reason.trim().to_string());
        self.status = ProductStatus::Withdrawn;
        self.updated_at = now;
        Ok(())
    }

    /// Record the compliance review; a failed product may be revised and reviewed again.
    pub fn record_review(&mut self, review: ComplianceReview, now: DateTime<Utc>) -> Result<()> {
        require_text("report_ref", &review.report_ref, 200)?;
        if !matches!(
            self.status,
            ProductStatus::Draft | ProductStatus::ReviewFailed | ProductStatus::ReviewPassed
        ) {
            return Err(CatalogError::InvalidTransition(format!(
                "产品“{}”已登记或已撤回，不能再做合规审核",
                self.details.name
            )));
        }
        self.status = if review.passed {
            ProductStatus::ReviewPassed
        } else {
            ProductStatus::ReviewFailed
        };
        self.compliance = Some(review);
        self.updated_at = now;
        Ok(())
    }
}
