//! Registered products as the public sees them: the product with its registration result
//! (query code, standing, validity), the one view the JSON API, portal, CKAN and DCAT share.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use super::Catalog;
use super::head_cache::HeadCache;
use crate::domain::product::{Product, ProductStatus};
use crate::domain::registration::{PublicRegistration, RegistrationSubject};
use crate::error::{CatalogError, Result};
use crate::store::RecordFilter;

/// A registered product and its latest public registration result.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PublicProduct {
    #[serde(flatten)]
    pub product: Product,
    /// The registration result: query code, whether it is in force on the day asked, validity.
    /// `None` only for products registered before results were linked.
    pub registration: Option<Box<PublicRegistration>>,
}

/// Each product's latest public registration, as of one day.
pub(super) type RegistrationResultsCache = HeadCache<NaiveDate, HashMap<Uuid, PublicRegistration>>;

impl Catalog {
    /// One registered product with its registration result; `NotFound` for any other product.
    pub async fn public_product(&self, id: Uuid, today: NaiveDate) -> Result<PublicProduct> {
        let product = self.product(id).await?.value;
        if product.status != ProductStatus::Registered {
            return Err(CatalogError::not_found("product", id.to_string()));
        }
        Ok(self
            .with_registrations(vec![product], today)
            .await?
            .remove(0))
    }

    /// Registered products (`filter` must ask for public rows) with their registration results.
    pub async fn public_products(
        &self,
        filter: &RecordFilter,
        today: NaiveDate,
    ) -> Result<Vec<PublicProduct>> {
        let products = self.products(filter).await?;
        self.with_registrations(products, today).await
    }

    /// Pair each product with its latest public registration (one scan of the public ones).
    pub(super) async fn with_registrations(
        &self,
        products: Vec<Product>,
        today: NaiveDate,
    ) -> Result<Vec<PublicProduct>> {
        let results = if products.is_empty() {
            Arc::default()
        } else {
            self.registration_results(today).await?
        };
        Ok(products
            .into_iter()
            .map(|product| PublicProduct {
                registration: results.get(&product.id).cloned().map(Box::new),
                product,
            })
            .collect())
    }

    /// The latest public registration of every product that has one, as of `today`; worked out
    /// again after a write or on another day (CKAN, DCAT and every product list ask for it).
    async fn registration_results(
        &self,
        today: NaiveDate,
    ) -> Result<Arc<HashMap<Uuid, PublicRegistration>>> {
        let head = self.store.audit_head().await?;
        self.registration_results
            .get_or_build(head, today, || async {
                let filter = RecordFilter {
                    public_only: true,
                    ..RecordFilter::default()
                };
                let mut latest: HashMap<Uuid, PublicRegistration> = HashMap::new();
                for r in self.registrations(&filter).await? {
                    let RegistrationSubject::Product { product_id } = r.subject else {
                        continue;
                    };
                    let Some(public) = r.public_view(today) else {
                        continue;
                    };
                    match latest.get(&product_id) {
                        Some(seen) if seen.updated_at >= public.updated_at => {}
                        _ => {
                            latest.insert(product_id, public);
                        }
                    }
                }
                Ok(latest)
            })
            .await
    }
}
