//! Products: operators build them from their authorized scope; the implementing body reviews
//! compliance (C 10.4) before any registration (rule 4).

use chrono::{NaiveDate, Utc};
use uuid::Uuid;

use super::entity::{self, from_record};
use super::negative_list::refuse_if_negative_listed;
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::authorization::Authorization;
use crate::domain::product::{NewProduct, Product, ReviewFinding};
use crate::domain::resource::Resource;
use crate::error::{CatalogError, Result};
use crate::store::{RecordFilter, Table, WriteTx};

impl Catalog {
    /// Draft a product. Its sources must already be inside the operator's active authorization.
    pub async fn create_product(
        &self,
        actor: &Actor,
        operator_id: Uuid,
        details: NewProduct,
        today: NaiveDate,
    ) -> Result<Product> {
        actor.require_org(Role::Operator, operator_id, "以本机构名义开发产品")?;
        let mut product = Product::new(operator_id, details, Utc::now())?;
        let authorization = self.check_product_scope(&product, today).await?;
        product.conditions = authorization.conditions_of(&product.details.source_resource_ids);
        let mut tx = self.store.begin_write().await?;
        entity::insert(tx.as_mut(), actor, "product.create", &product).await?;
        tx.commit().await?;
        Ok(product)
    }

    /// Rule 4 (scope half) and rule 1: every source inside an active authorization of the operator
    /// (the product's own), and none negative-listed. Returns that authorization.
    pub(crate) async fn check_product_scope(
        &self,
        product: &Product,
        today: NaiveDate,
    ) -> Result<Authorization> {
        let authorization: Authorization =
            entity::read(self.store(), product.details.authorization_id)
                .await
                .map_err(|_| CatalogError::invalid("authorization_id", "授权不存在"))?
                .value;
        if authorization.operator_id != Some(product.operator_id) {
            return Err(CatalogError::invalid(
                "authorization_id",
                "该授权不属于本运营机构",
            ));
        }
        for (i, resource_id) in product.details.source_resource_ids.iter().enumerate() {
            let field = format!("source_resource_ids[{i}]");
            if !authorization.plan.resource_ids.contains(resource_id) {
                return Err(CatalogError::rule(
                    crate::error::Rule::ProductScope,
                    field,
                    format!(
                        "资源 {resource_id} 不在授权“{}”的范围内",
                        authorization.plan.plan_name
                    ),
                ));
            }
            self.check_operator_access(product.operator_id, *resource_id, today)
                .await
                .map_err(|e| with_field(e, &field))?;
        }
        let negative: Vec<_> = self
            .negative_list(false)
            .await?
            .into_iter()
            .filter(|e| e.is_active())
            .collect();
        for (i, resource_id) in product.details.source_resource_ids.iter().enumerate() {
            let resource: Versioned<Resource> = entity::read(self.store(), *resource_id).await?;
            refuse_if_negative_listed(
                &negative,
                &resource.value,
                &format!("source_resource_ids[{i}]"),
            )?;
        }
        Ok(authorization)
    }

    /// The implementing body of the product's authorization records the compliance review.
    pub async fn review_product(
        &self,
        actor: &Actor,
        id: Uuid,
        finding: ReviewFinding,
        today: NaiveDate,
        if_match: Option<i64>,
    ) -> Result<Versioned<Product>> {
        let product: Product = entity::read(self.store(), id).await?.value;
        let authorization: Authorization =
            entity::read(self.store(), product.details.authorization_id)
                .await?
                .value;
        actor.require_org(
            Role::DataAdmin,
            authorization.plan.implementing_body_id,
            "审核本机构授权下的产品",
        )?;
        entity::transition(
            self.store(),
            actor,
            id,
            if_match,
            "product.review",
            |p: &mut Product| p.record_review(finding.on(today), Utc::now()),
        )
        .await
    }

    pub async fn product(&self, id: Uuid) -> Result<Versioned<Product>> {
        entity::read(self.store(), id).await
    }

    pub async fn products(&self, filter: &RecordFilter) -> Result<Vec<Product>> {
        self.store
            .list(Table::Products, filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect()
    }
}

fn with_field(e: CatalogError, field: &str) -> CatalogError {
    match e {
        CatalogError::RuleViolation { rule, message, .. } => CatalogError::RuleViolation {
            rule,
            field: field.to_string(),
            message,
        },
        other => other,
    }
}

/// Mark a product registered inside the registration's coding transaction.
pub(super) async fn mark_registered(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    product_id: Uuid,
) -> Result<()> {
    let before: Versioned<Product> = entity::load(tx, product_id).await?;
    let mut after = before.value.clone();
    after.status = crate::domain::product::ProductStatus::Registered;
    after.updated_at = Utc::now();
    entity::update(tx, actor, "product.registered", &before, &after, None).await?;
    Ok(())
}
