//! Webhooks: exchanges register endpoints; a worker turns each feed change into one delivery per
//! active endpoint (queued in the same transaction that moves the endpoint's feed cursor, so no
//! change is queued twice or skipped), claims due deliveries, and records every attempt.
//! Everything is in the database, so pending deliveries survive restarts.

use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::entity::{self, Entity, from_record};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::webhook::{
    Attempt, DeliveryStatus, EndpointStatus, EndpointUpdate, NewEndpoint, RetryPolicy, Targets,
    WebhookDelivery, WebhookEndpoint,
};
use crate::error::{AtField, CatalogError, Result};
use crate::store::{RecordFilter, Table};

impl Entity for WebhookEndpoint {
    const TABLE: Table = Table::WebhookEndpoints;
    const TYPE: &'static str = "webhook_endpoint";
    const LABEL: &'static str = "推送地址";
    fn id(&self) -> Uuid {
        self.id
    }
    fn owner_id(&self) -> Option<Uuid> {
        Some(self.exchange_id)
    }
    fn status(&self) -> &'static str {
        match self.status {
            EndpointStatus::Active => "active",
            EndpointStatus::Disabled => "disabled",
        }
    }
    fn is_public(&self) -> bool {
        false
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}

impl Entity for WebhookDelivery {
    const TABLE: Table = Table::WebhookDeliveries;
    const TYPE: &'static str = "webhook_delivery";
    const LABEL: &'static str = "推送记录";
    fn id(&self) -> Uuid {
        self.id
    }
    fn natural_key(&self) -> Option<String> {
        Some(self.key())
    }
    /// The endpoint (not the exchange), so one endpoint's log pages by the owner index.
    fn owner_id(&self) -> Option<Uuid> {
        Some(self.endpoint_id)
    }
    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn is_public(&self) -> bool {
        false
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
        .ok_or_else(|| CatalogError::Forbidden("须以数据交易所身份管理推送".into()))?;
    actor.require_org(Role::Exchange, org, "管理本交易所的推送地址")?;
    Ok(org)
}

/// A claimed delivery with what the sender needs: where to, and the key to sign with.
pub struct ClaimedDelivery {
    pub delivery: WebhookDelivery,
    pub url: String,
    pub secret: Vec<u8>,
}

/// Filters for an endpoint's delivery log.
#[derive(Debug, Clone, Default)]
pub struct DeliveryQuery {
    pub status: Option<DeliveryStatus>,
    pub after: Option<Uuid>,
    pub limit: Option<i64>,
}

impl Catalog {
    /// Register an endpoint; it receives the feed changes made from now on. With
    /// `Targets::PublicOnly` (the deployment default) an address inside a private network, on this
    /// host or at a cloud metadata service is refused.
    pub async fn register_webhook(
        &self,
        actor: &Actor,
        input: NewEndpoint,
        targets: Targets,
    ) -> Result<WebhookEndpoint> {
        let exchange = exchange_of(actor)?;
        input.url.check_target(targets).at("url")?;
        let mut tx = self.store.begin_write().await?;
        let head = tx.last_audit().await?.map_or(0, |(seq, _)| seq);
        let endpoint = WebhookEndpoint::new(exchange, &input, head, Utc::now())?;
        tx.put_blob(&endpoint.secret_key(), input.secret.as_bytes())
            .await?;
        entity::insert(tx.as_mut(), actor, "webhook.register", &endpoint).await?;
        tx.commit().await?;
        Ok(endpoint)
    }

    /// Change an own endpoint: address (checked as at registration), secret (rotation), paused or
    /// active, description.
    pub async fn update_webhook(
        &self,
        actor: &Actor,
        id: Uuid,
        update: EndpointUpdate,
        if_match: Option<i64>,
        targets: Targets,
    ) -> Result<Versioned<WebhookEndpoint>> {
        let exchange = exchange_of(actor)?;
        if let Some(url) = &update.url {
            url.check_target(targets).at("url")?;
        }
        let mut tx = self.store.begin_write().await?;
        let before = self.own_endpoint(tx.as_mut(), exchange, id).await?;
        let mut after = before.value.clone();
        after.apply(&update, Utc::now())?;
        if let Some(secret) = &update.secret {
            tx.put_blob(&after.secret_key(), secret.as_bytes()).await?;
        }
        let row_version = entity::update(
            tx.as_mut(),
            actor,
            "webhook.update",
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

    async fn own_endpoint(
        &self,
        tx: &mut dyn crate::store::WriteTx,
        exchange: Uuid,
        id: Uuid,
    ) -> Result<Versioned<WebhookEndpoint>> {
        let endpoint: Versioned<WebhookEndpoint> = entity::load(tx, id).await?;
        if endpoint.value.exchange_id != exchange {
            // Another exchange's endpoint does not exist for this caller.
            return Err(CatalogError::not_found("webhook_endpoint", id.to_string()));
        }
        Ok(endpoint)
    }

    pub async fn own_webhooks(&self, actor: &Actor) -> Result<Vec<WebhookEndpoint>> {
        let exchange = exchange_of(actor)?;
        let filter = RecordFilter {
            owner_id: Some(exchange.to_string()),
            ..RecordFilter::default()
        };
        self.store
            .list(Table::WebhookEndpoints, &filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect()
    }

    /// One own endpoint's delivery log, oldest first.
    pub async fn webhook_deliveries(
        &self,
        actor: &Actor,
        endpoint_id: Uuid,
        query: DeliveryQuery,
    ) -> Result<Vec<WebhookDelivery>> {
        let exchange = exchange_of(actor)?;
        let endpoint: WebhookEndpoint = entity::read(self.store(), endpoint_id).await?.value;
        if endpoint.exchange_id != exchange {
            return Err(CatalogError::not_found(
                "webhook_endpoint",
                endpoint_id.to_string(),
            ));
        }
        let filter = RecordFilter {
            owner_id: Some(endpoint_id.to_string()),
            statuses: query
                .status
                .map(|s| vec![s.as_str().to_string()])
                .unwrap_or_default(),
            after_id: query.after.map(|a| a.to_string()),
            limit: query.limit,
            ..RecordFilter::default()
        };
        self.deliveries(&filter).await
    }

    /// The exchange asks for a delivery that was given up to be tried again.
    pub async fn requeue_delivery(
        &self,
        actor: &Actor,
        delivery_id: Uuid,
    ) -> Result<Versioned<WebhookDelivery>> {
        let exchange = exchange_of(actor)?;
        entity::transition(
            self.store(),
            actor,
            delivery_id,
            None,
            "webhook.requeue",
            |d: &mut WebhookDelivery| {
                if d.exchange_id != exchange {
                    return Err(CatalogError::not_found(
                        "webhook_delivery",
                        d.id.to_string(),
                    ));
                }
                d.requeue(Utc::now())
            },
        )
        .await
    }

    async fn deliveries(&self, filter: &RecordFilter) -> Result<Vec<WebhookDelivery>> {
        self.store
            .list(Table::WebhookDeliveries, filter)
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect()
    }

    /// Queue one delivery per active endpoint for each feed change after its cursor (at most
    /// `batch` per endpoint). Returns how many were queued.
    pub async fn enqueue_webhook_deliveries(&self, batch: usize) -> Result<usize> {
        let active = RecordFilter {
            statuses: vec!["active".into()],
            ..RecordFilter::default()
        };
        let mut queued = 0;
        for record in self.store.list(Table::WebhookEndpoints, &active).await? {
            let endpoint: Versioned<WebhookEndpoint> = from_record(record)?;
            let page = self
                .registration_feed(endpoint.value.feed_cursor, batch, None)
                .await?;
            if page.items.is_empty() {
                continue;
            }
            let mut tx = self.store.begin_write().await?;
            let before: Versioned<WebhookEndpoint> =
                entity::load(tx.as_mut(), endpoint.value.id).await?;
            if before.row_version != endpoint.row_version {
                // Another worker moved the cursor meanwhile; its deliveries stand.
                continue;
            }
            let now = Utc::now();
            for item in &page.items {
                let payload =
                    serde_json::to_value(item).map_err(|e| CatalogError::Storage(e.to_string()))?;
                let delivery =
                    WebhookDelivery::new(&before.value, item.seq, &item.action, payload, now);
                entity::insert(tx.as_mut(), &Actor::system(), "webhook.queue", &delivery).await?;
            }
            let mut after = before.value.clone();
            after.feed_cursor = page.next;
            after.updated_at = now;
            entity::update(
                tx.as_mut(),
                &Actor::system(),
                "webhook.advance",
                &before,
                &after,
                Some(before.row_version),
            )
            .await?;
            tx.commit().await?;
            queued += page.items.len();
        }
        Ok(queued)
    }

    /// Pending deliveries whose next attempt is due, oldest first.
    pub async fn due_webhook_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<WebhookDelivery>> {
        let pending = RecordFilter {
            statuses: vec![DeliveryStatus::Pending.as_str().into()],
            ..RecordFilter::default()
        };
        Ok(self
            .deliveries(&pending)
            .await?
            .into_iter()
            .filter(|d| d.is_due(now))
            .take(limit)
            .collect())
    }

    /// Take a due delivery for one attempt. `None` when another sender has it or its endpoint is
    /// paused.
    pub async fn claim_webhook_delivery(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Option<ClaimedDelivery>> {
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<WebhookDelivery> = entity::load(tx.as_mut(), id).await?;
        let endpoint: WebhookEndpoint = entity::load(tx.as_mut(), before.value.endpoint_id)
            .await?
            .value;
        let mut after = before.value.clone();
        if endpoint.status != EndpointStatus::Active || after.claim(now, lease).is_err() {
            return Ok(None);
        }
        entity::update(
            tx.as_mut(),
            &Actor::system(),
            "webhook.claim",
            &before,
            &after,
            None,
        )
        .await?;
        tx.commit().await?;
        let secret = self
            .store
            .get_blob(&endpoint.secret_key())
            .await?
            .ok_or_else(|| CatalogError::Storage(format!("推送地址 {} 的密钥缺失", endpoint.id)))?;
        Ok(Some(ClaimedDelivery {
            delivery: after,
            url: endpoint.url.as_str().to_string(),
            secret,
        }))
    }

    /// Record one attempt: delivered, or when to try next, or given up.
    pub async fn record_webhook_attempt(
        &self,
        id: Uuid,
        attempt: Attempt,
        retry: &RetryPolicy,
    ) -> Result<Versioned<WebhookDelivery>> {
        entity::transition(
            self.store(),
            &Actor::system(),
            id,
            None,
            "webhook.attempt",
            |d: &mut WebhookDelivery| {
                d.record(attempt, retry, Utc::now());
                Ok(())
            },
        )
        .await
    }
}
