//! Exchanges report their listings of registered products; anyone reads them on the product.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::entity::{self, Entity, from_record};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::listing::{ExchangeListing, ListingUpdate, NewListing};
use crate::domain::product::{Product, ProductStatus};
use crate::domain::registration::{Registration, RegistrationSubject};
use crate::error::{CatalogError, Result};
use crate::store::{RecordFilter, Table};

impl Entity for ExchangeListing {
    const TABLE: Table = Table::Listings;
    const TYPE: &'static str = "listing";
    const LABEL: &'static str = "交易挂牌";
    fn id(&self) -> Uuid {
        self.id
    }
    fn natural_key(&self) -> Option<String> {
        Some(self.key())
    }
    fn owner_id(&self) -> Option<Uuid> {
        Some(self.exchange_id)
    }
    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    /// Listings of registered products are public, delisted ones included (history).
    fn is_public(&self) -> bool {
        true
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

fn exchange_of(actor: &Actor) -> Result<Uuid> {
    let org = actor
        .org_id
        .ok_or_else(|| CatalogError::Forbidden("须以数据交易所身份报告挂牌".into()))?;
    actor.require_org(Role::Exchange, org, "报告本交易所的挂牌")?;
    Ok(org)
}

impl Catalog {
    async fn listed_registration(&self, id: Uuid) -> Result<(Registration, Product)> {
        let registration: Registration = entity::read(self.store(), id)
            .await
            .map_err(|_| CatalogError::invalid("registration_id", "登记不存在"))?
            .value;
        let RegistrationSubject::Product { product_id } = registration.subject else {
            return Err(CatalogError::invalid(
                "registration_id",
                "只能挂牌已登记的产品和服务",
            ));
        };
        let product: Product = entity::read(self.store(), product_id).await?.value;
        Ok((registration, product))
    }

    /// An exchange reports a listing of a coded product registration.
    pub async fn report_listing(
        &self,
        actor: &Actor,
        input: NewListing,
        today: NaiveDate,
    ) -> Result<ExchangeListing> {
        let exchange = exchange_of(actor)?;
        let (registration, product) = self.listed_registration(input.registration_id).await?;
        let listing =
            ExchangeListing::new(exchange, input, &registration, &product, today, Utc::now())?;
        let mut tx = self.store.begin_write().await?;
        if tx
            .get_by_key(Table::Listings, &listing.key())
            .await?
            .is_some()
        {
            return Err(CatalogError::Conflict(format!(
                "挂牌编号“{}”已报告过，请更新原挂牌",
                listing.listing_ref
            )));
        }
        entity::insert(tx.as_mut(), actor, "listing.report", &listing).await?;
        tx.commit().await?;
        Ok(listing)
    }

    /// A later report on an exchange's own listing (status, price).
    pub async fn update_listing(
        &self,
        actor: &Actor,
        id: Uuid,
        update: ListingUpdate,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<ExchangeListing>> {
        let exchange = exchange_of(actor)?;
        let current: ExchangeListing = entity::read(self.store(), id).await?.value;
        if current.exchange_id != exchange {
            return Err(CatalogError::Forbidden("只能更新本交易所的挂牌".into()));
        }
        let (registration, product) = self.listed_registration(current.registration_id).await?;
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "listing.update",
            |l: &mut ExchangeListing| {
                if l.exchange_id != exchange {
                    return Err(CatalogError::Forbidden("只能更新本交易所的挂牌".into()));
                }
                l.update(update, &registration, &product, today, Utc::now())
            },
        )
        .await
    }

    /// An exchange's own listings.
    pub async fn own_listings(&self, actor: &Actor) -> Result<Vec<ExchangeListing>> {
        let exchange = exchange_of(actor)?;
        let filter = RecordFilter {
            owner_id: Some(exchange.to_string()),
            ..RecordFilter::default()
        };
        self.list_listings(&filter).await
    }

    pub async fn listing(&self, id: Uuid) -> Result<Versioned<ExchangeListing>> {
        entity::read(self.store(), id).await
    }

    /// The listings of a registered product, for everyone.
    pub async fn product_listings(&self, product_id: Uuid) -> Result<Vec<ExchangeListing>> {
        let product: Product = entity::read(self.store(), product_id).await?.value;
        if product.status != ProductStatus::Registered {
            return Err(CatalogError::not_found("product", product_id.to_string()));
        }
        let all = self.list_listings(&RecordFilter::default()).await?;
        Ok(all
            .into_iter()
            .filter(|l| l.product_id == product_id)
            .collect())
    }

    async fn list_listings(&self, filter: &RecordFilter) -> Result<Vec<ExchangeListing>> {
        self.store
            .list(Table::Listings, filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect()
    }
}
