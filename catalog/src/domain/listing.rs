//! Listings (挂牌): a data exchange reports that it lists a registered product, under its own
//! listing id, with a status and a price. Only coded registrations can be listed; the price keeps
//! to the product's pricing rule (free for public-good scenes, at most the guided ceiling).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::QueryCode;
use super::organization::require_text;
use super::product::{Product, SceneCategory};
use super::registration::{Registration, RegistrationStatus, RegistrationSubject, Standing};
use crate::error::{CatalogError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListingStatus {
    /// 挂牌中
    Listed,
    /// 暂停交易
    Suspended,
    /// 已摘牌 (final)
    Delisted,
}

impl ListingStatus {
    /// Every value, in the order forms list them.
    pub const ALL: [ListingStatus; 3] = [
        ListingStatus::Listed,
        ListingStatus::Suspended,
        ListingStatus::Delisted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ListingStatus::Listed => "listed",
            ListingStatus::Suspended => "suspended",
            ListingStatus::Delisted => "delisted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ListingStatus::Listed => "挂牌中",
            ListingStatus::Suspended => "暂停交易",
            ListingStatus::Delisted => "已摘牌",
        }
    }
}

/// What an exchange reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewListing {
    /// The coded registration of the product being listed.
    pub registration_id: Uuid,
    /// The exchange's own listing id (挂牌编号), unique per exchange.
    pub listing_ref: String,
    #[serde(default = "listed")]
    pub status: ListingStatus,
    /// Listing price in fen (分).
    pub price_fen: u64,
    /// The listing's page at the exchange.
    #[serde(default)]
    pub url: Option<String>,
}

fn listed() -> ListingStatus {
    ListingStatus::Listed
}

/// A later report on the same listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ListingUpdate {
    pub status: ListingStatus,
    pub price_fen: u64,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ListingEvent {
    pub status: ListingStatus,
    pub price_fen: u64,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExchangeListing {
    pub id: Uuid,
    pub exchange_id: Uuid,
    pub product_id: Uuid,
    pub registration_id: Uuid,
    pub query_code: QueryCode,
    pub listing_ref: String,
    pub status: ListingStatus,
    pub price_fen: u64,
    #[serde(default)]
    pub url: Option<String>,
    /// Every reported status and price, oldest first.
    pub history: Vec<ListingEvent>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn check_url(url: &Option<String>) -> Result<()> {
    if let Some(u) = url {
        let parsed = url::Url::parse(u.trim())
            .map_err(|_| CatalogError::invalid("url", format!("挂牌页面地址“{u}”无效")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(CatalogError::invalid(
                "url",
                "挂牌页面地址须为 http 或 https",
            ));
        }
    }
    Ok(())
}

/// The product's pricing rule applies to what exchanges charge too.
fn check_price(product: &Product, price_fen: u64) -> Result<()> {
    match product.details.scene_category {
        SceneCategory::PublicGood if price_fen > 0 => Err(CatalogError::invalid(
            "price_fen",
            "用于公共治理、公益事业的产品应无偿提供，挂牌价格须为 0",
        )),
        SceneCategory::Industry => match product.details.ceiling_fen {
            Some(ceiling) if price_fen > ceiling => Err(CatalogError::invalid(
                "price_fen",
                format!("挂牌价格 {price_fen} 分高于政府指导的上限价格 {ceiling} 分"),
            )),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

impl ExchangeListing {
    pub fn new(
        exchange_id: Uuid,
        input: NewListing,
        registration: &Registration,
        product: &Product,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        require_text("listing_ref", &input.listing_ref, 100)?;
        let RegistrationSubject::Product { product_id } = registration.subject else {
            return Err(CatalogError::invalid(
                "registration_id",
                "只能挂牌已登记的产品和服务",
            ));
        };
        let (RegistrationStatus::Coded, Some(code)) =
            (registration.status, registration.query_code.clone())
        else {
            return Err(CatalogError::invalid(
                "registration_id",
                format!(
                    "登记“{}”当前状态为{}，只有已赋码的登记可以挂牌",
                    registration.subject_name,
                    registration.status.label()
                ),
            ));
        };
        if let Standing::Ended { reason, .. } = registration.standing(today) {
            return Err(CatalogError::invalid(
                "registration_id",
                format!("登记结果已失效（{reason}），不能挂牌"),
            ));
        }
        if input.status == ListingStatus::Delisted {
            return Err(CatalogError::invalid("status", "新挂牌的状态不能是已摘牌"));
        }
        check_price(product, input.price_fen)?;
        check_url(&input.url)?;
        Ok(ExchangeListing {
            id: Uuid::now_v7(),
            exchange_id,
            product_id,
            registration_id: registration.id,
            query_code: code,
            listing_ref: input.listing_ref.trim().to_string(),
            status: input.status,
            price_fen: input.price_fen,
            url: input.url.map(|u| u.trim().to_string()),
            history: vec![ListingEvent {
                status: input.status,
                price_fen: input.price_fen,
                on: today,
            }],
            created_at: now,
            updated_at: now,
        })
    }

    /// One listing per exchange and listing id.
    pub fn key(&self) -> String {
        format!("{}:{}", self.exchange_id, self.listing_ref)
    }

    /// A new report. Delisting is always possible; anything else needs the registration to be
    /// still coded (a cancelled or revoked product can only come off the market).
    pub fn update(
        &mut self,
        update: ListingUpdate,
        registration: &Registration,
        product: &Product,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if self.status == ListingStatus::Delisted {
            return Err(CatalogError::InvalidTransition(format!(
                "挂牌“{}”已摘牌，不能再变更",
                self.listing_ref
            )));
        }
        if update.status != ListingStatus::Delisted {
            if !registration.in_force(today) {
                return Err(CatalogError::InvalidTransition(format!(
                    "登记“{}”已不在有效期内（{}），该挂牌只能摘牌",
                    registration.subject_name,
                    match registration.standing(today) {
                        Standing::Ended { reason, .. } => reason,
                        _ => registration.status.label().to_string(),
                    }
                )));
            }
            check_price(product, update.price_fen)?;
        }
        check_url(&update.url)?;
        self.status = update.status;
        self.price_fen = update.price_fen;
        if update.url.is_some() {
            self.url = update.url.map(|u| u.trim().to_string());
        }
        self.history.push(ListingEvent {
            status: update.status,
            price_fen: update.price_fen,
            on: today,
        });
        self.updated_at = now;
        Ok(())
    }
}
