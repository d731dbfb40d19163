//! Who reads which products before they are public: the operator its own, the implementing body
//! of the product's authorization those it reviews (C 10.4), 监管 all.

use uuid::Uuid;

use super::{Actor, Catalog, Role};
use crate::domain::authorization::Authorization;
use crate::domain::product::Product;
use crate::error::{CatalogError, Result};
use crate::store::RecordFilter;

/// A product with the authorization it is built under, as its reader may see them.
#[derive(Debug, Clone)]
pub struct ProductView {
    pub product: Product,
    pub authorization: Authorization,
    /// The reader's organization is the implementing body: it records the compliance review.
    pub reviewing: bool,
}

impl Catalog {
    /// The products the actor may read, newest first.
    pub async fn products_as(&self, actor: &Actor) -> Result<Vec<Product>> {
        require_reader(actor)?;
        let mut products = match actor.role {
            Role::Operator => {
                let filter = RecordFilter {
                    owner_id: Some(own_org(actor)?.to_string()),
                    ..RecordFilter::default()
                };
                self.products(&filter).await?
            }
            Role::DataAdmin => {
                let body = own_org(actor)?;
                let own: Vec<Uuid> = self
                    .authorizations(&RecordFilter::default())
                    .await?
                    .into_iter()
                    .filter(|a| a.plan.implementing_body_id == body)
                    .map(|a| a.id)
                    .collect();
                self.products(&RecordFilter::default())
                    .await?
                    .into_iter()
                    .filter(|p| own.contains(&p.details.authorization_id))
                    .collect()
            }
            _ => self.products(&RecordFilter::default()).await?,
        };
        products.sort_by_key(|p| std::cmp::Reverse(p.updated_at));
        Ok(products)
    }

    /// One product, with its authorization, for a reader who may see it.
    pub async fn product_as(&self, actor: &Actor, id: Uuid) -> Result<ProductView> {
        require_reader(actor)?;
        let product = self.product(id).await?.value;
        let authorization = self
            .authorization(product.details.authorization_id)
            .await?
            .value;
        let reviewing = actor.role == Role::DataAdmin
            && actor.org_id == Some(authorization.plan.implementing_body_id);
        let allowed = match actor.role {
            Role::Operator => actor.org_id == Some(product.operator_id),
            Role::DataAdmin => reviewing,
            _ => true,
        };
        if !allowed {
            return Err(CatalogError::Forbidden(
                "只能查看本机构的产品或本机构授权下的产品".to_string(),
            ));
        }
        Ok(ProductView {
            product,
            authorization,
            reviewing,
        })
    }
}

fn require_reader(actor: &Actor) -> Result<()> {
    actor.require_role(
        &[Role::Operator, Role::DataAdmin, Role::Auditor],
        "查看产品",
    )
}

fn own_org(actor: &Actor) -> Result<Uuid> {
    actor
        .org_id
        .ok_or_else(|| CatalogError::Forbidden("须以所属机构身份查看".to_string()))
}
