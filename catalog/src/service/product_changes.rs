//! A product before registration: the operator revises it after a failed review or withdraws
//! it; the implementing body keeps a queue of the products awaiting its review (C 10.4).

use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::entity;
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::authorization::Authorization;
use crate::domain::product::{NewProduct, Product, ProductStatus};
use crate::error::{CatalogError, Result};
use crate::store::RecordFilter;

impl Catalog {
    /// Revise a draft or failed product: the same checks as drafting (rules 1 and 4), the
    /// inherited conditions recomputed; it waits for a new review.
    pub async fn revise_product(
        &self,
        actor: &Actor,
        id: Uuid,
        details: NewProduct,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Product>> {
        let current = self.product(id).await?.value;
        actor.require_org(Role::Operator, current.operator_id, "修改本机构的产品")?;
        let mut candidate = current;
        candidate.revise(details, Utc::now())?;
        let authorization = self.check_product_scope(&candidate, today).await?;
        let conditions = authorization.conditions_of(&candidate.details.source_resource_ids);
        let revised = candidate.details;
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "product.revise",
            |p: &mut Product| {
                p.revise(revised, Utc::now())?;
                p.conditions = conditions;
                Ok(())
            },
        )
        .await
    }

    pub async fn withdraw_product(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: &str,
        if_match: Option<i64>,
    ) -> Result<Versioned<Product>> {
        let current = self.product(id).await?.value;
        actor.require_org(Role::Operator, current.operator_id, "撤回本机构的产品")?;
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "product.withdraw",
            |p: &mut Product| p.withdraw(reason, Utc::now()),
        )
        .await
    }

    /// Products under the actor's authorizations (it is their implementing body) in `statuses`
    /// (drafts awaiting review when empty), oldest first.
    pub async fn product_review_queue(
        &self,
        actor: &Actor,
        statuses: Vec<ProductStatus>,
    ) -> Result<Vec<Product>> {
        actor.require_role(&[Role::DataAdmin], "查看待审核的产品")?;
        let body = actor
            .org_id
            .ok_or_else(|| CatalogError::Forbidden("须以实施机构身份查看".to_string()))?;
        let own: Vec<Uuid> = self
            .authorizations(&RecordFilter::default())
            .await?
            .into_iter()
            .filter(|a: &Authorization| a.plan.implementing_body_id == body)
            .map(|a| a.id)
            .collect();
        let statuses = if statuses.is_empty() {
            vec![ProductStatus::Draft]
        } else {
            statuses
        };
        let filter = RecordFilter {
            statuses: statuses.iter().map(|s| s.as_str().to_string()).collect(),
            ..RecordFilter::default()
        };
        Ok(self
            .products(&filter)
            .await?
            .into_iter()
            .filter(|p| own.contains(&p.details.authorization_id))
            .collect())
    }
}
