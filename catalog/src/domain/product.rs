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

/// Public-good scenes are free; industry scenes may charge up to a government-guided ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum SceneCategory {
    #[serde(rename = "公共治理、公益事业")]
    PublicGood,
    #[serde(rename = "产业发展、行业发展")]
    Industry,
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
    pub reviewed_on: NaiveDate,
    #[serde(default)]
    pub notes: Option<String>,
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
            created_at: now,
            updated_at: now,
        })
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
