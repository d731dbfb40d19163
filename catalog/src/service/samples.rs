//! Product samples (GZ 17): uploaded by the operator, public once the product is registered.
//!
//! Stored in the database (the `blobs` table, keyed by SHA-256), not as files under the data
//! directory: the bytes then commit or roll back with the product's audited update, backups and
//! every PostgreSQL node see them, and the size limit keeps the table small. Old samples are
//! never deleted (rule 6); the audit trail records each reference.

use chrono::Utc;
use uuid::Uuid;

use super::entity::{self};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::authorization::Authorization;
use crate::domain::product::{Product, ProductStatus};
use crate::domain::sample::{MediaType, SampleRef};
use crate::error::{CatalogError, Result};

/// A sample's reference and its bytes.
pub struct SampleDownload {
    pub sample: SampleRef,
    pub bytes: Vec<u8>,
    /// Anyone may download it (the product is registered); otherwise only its operator and the
    /// reviewing implementing body see it, and nothing on the way may keep a copy.
    pub public: bool,
}

impl Catalog {
    /// The largest sample the product's jurisdiction accepts, in bytes.
    pub async fn sample_limit(&self, product_id: Uuid) -> Result<u64> {
        let product: Product = entity::read(self.store(), product_id).await?.value;
        let authorization: Authorization =
            entity::read(self.store(), product.details.authorization_id)
                .await?
                .value;
        Ok(self
            .policy
            .for_region(&authorization.jurisdiction)
            .sample_max_bytes)
    }

    /// The operator uploads (or replaces) its product's sample.
    pub async fn upload_sample(
        &self,
        actor: &Actor,
        product_id: Uuid,
        content_type: MediaType,
        file_name: Option<String>,
        bytes: &[u8],
        if_match: Option<i64>,
    ) -> Result<Versioned<Product>> {
        let current: Product = entity::read(self.store(), product_id).await?.value;
        actor.require_org(
            Role::Operator,
            current.operator_id,
            "上传本机构产品的样例数据",
        )?;
        let limit = self.sample_limit(product_id).await?;
        let sample = SampleRef::new(bytes, content_type, file_name, limit, Utc::now())?;
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<Product> = entity::load(tx.as_mut(), product_id).await?;
        if before.value.status == ProductStatus::Withdrawn {
            return Err(CatalogError::InvalidTransition(format!(
                "产品“{}”已撤回，不能上传样例数据",
                before.value.details.name
            )));
        }
        let mut after = before.value.clone();
        after.sample = Some(sample.clone());
        after.updated_at = Utc::now();
        tx.put_blob(&sample.blob_key(), bytes).await?;
        let row_version = entity::update(
            tx.as_mut(),
            actor,
            "product.upload_sample",
            &before,
            &after,
            if_match,
        )
        .await?;
        tx.commit().await?;
        Ok(Versioned {
            row_version,
            value: after,
        })
    }

    /// The sample: for everyone once the product is registered; before that for the operator and
    /// the implementing body reviewing it.
    pub async fn sample(&self, actor: Option<&Actor>, product_id: Uuid) -> Result<SampleDownload> {
        let product: Product = entity::read(self.store(), product_id).await?.value;
        let hidden = || CatalogError::not_found("sample", product_id.to_string());
        let public = product.status == ProductStatus::Registered;
        if !public {
            let authorization: Authorization =
                entity::read(self.store(), product.details.authorization_id)
                    .await?
                    .value;
            let insider = actor.is_some_and(|a| {
                a.role == Role::System
                    || (a.role == Role::Operator && a.org_id == Some(product.operator_id))
                    || (a.role == Role::DataAdmin
                        && a.org_id == Some(authorization.plan.implementing_body_id))
            });
            if !insider {
                return Err(hidden());
            }
        }
        let sample = product.sample.ok_or_else(hidden)?;
        let bytes = self
            .store
            .get_blob(&sample.blob_key())
            .await?
            .ok_or_else(|| {
                CatalogError::Storage(format!("样例数据 {} 的内容缺失", sample.sha256))
            })?;
        Ok(SampleDownload {
            sample,
            bytes,
            public,
        })
    }
}
