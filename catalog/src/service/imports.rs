//! Batch import of a provider's directory file: every valid row becomes a draft in one
//! transaction (all or nothing), each with its own audit event, like `create_resource` one by one.
//! The system's bulk load of already-published entries takes the same path.
//!
//! Two threads share the work: a blocking task builds the drafts, serializes each body once (the
//! row, its version snapshot and its audit event store the same canonical text) and chains the
//! audit hashes in memory, while the write transaction stores the previous chunk with multi-row
//! statements. A 30,000-row file costs a few dozen round trips instead of 120,000.

use chrono::Utc;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::entity::{self, Entity};
use super::resources::load_provider;
use super::{Actor, Catalog, Role};
use crate::audit::{ChainHead, CreatedEvent};
use crate::domain::resource::{Resource, ResourceContent, ResourceStatus};
use crate::domain::{RegionCode, ResourceCode};
use crate::error::{CatalogError, Result};
use crate::store::{RawBody, Record, VersionRecord};

/// Rows per chunk: one progress report and three multi-row statements.
const CHUNK: usize = 2000;
/// Chunks prepared ahead of the writer: enough to keep both threads busy, bounded for memory.
const CHUNKS_AHEAD: usize = 2;

/// One chunk ready to store.
struct PreparedChunk {
    resources: Vec<Resource>,
    records: Vec<Record<RawBody>>,
    versions: Vec<VersionRecord<RawBody>>,
    events: Vec<CreatedEvent>,
}

impl Catalog {
    /// Create drafts for `contents` of one provider; the provider itself (or the system) only.
    /// Field paths of errors are prefixed with the content's index, `[i].content.…`;
    /// `progress` hears how many rows are written so far (for a progress bar).
    pub async fn import_drafts(
        &self,
        actor: &Actor,
        provider_id: Uuid,
        contents: Vec<ResourceContent>,
        progress: impl Fn(usize) + Send,
    ) -> Result<Vec<Resource>> {
        actor.require_org(Role::Provider, provider_id, "导入本单位的资源目录")?;
        self.store_new_resources(actor, provider_id, contents, Arrival::Draft, progress)
            .await
    }

    /// Bulk-load entries that were already published elsewhere (a portal being migrated, demo data):
    /// one transaction, each entry created directly as published with its own audit event.
    /// System only: it skips the review workflow on purpose.
    pub async fn import_published_resources(
        &self,
        actor: &Actor,
        provider_id: Uuid,
        contents: Vec<ResourceContent>,
    ) -> Result<Vec<Resource>> {
        actor.require_role(&[], "批量导入已发布资源")?;
        self.store_new_resources(actor, provider_id, contents, Arrival::Published, |_| {})
            .await
    }

    async fn store_new_resources(
        &self,
        actor: &Actor,
        provider_id: Uuid,
        contents: Vec<ResourceContent>,
        arrival: Arrival,
        progress: impl Fn(usize) + Send,
    ) -> Result<Vec<Resource>> {
        let mut tx = self.store.begin_write().await?;
        let provider = load_provider(tx.as_mut(), provider_id).await?;
        if contents.is_empty() {
            tx.commit().await?;
            return Ok(Vec::new());
        }
        let region = provider.region;
        let counter = format!("resource_code:{}", region.as_str());
        let first_code = tx.reserve_sequence(&counter, contents.len() as i64).await?;
        let plan = NewResourcePlan {
            region,
            provider_id,
            first_code,
            arrival,
            actor: actor.audit_name(),
            head: ChainHead::read(tx.as_mut()).await?,
        };

        let (chunks, mut prepared) = mpsc::channel(CHUNKS_AHEAD);
        let preparer = tokio::task::spawn_blocking(move || plan.prepare(contents, chunks));
        let mut out = Vec::new();
        while let Some(chunk) = prepared.recv().await {
            let chunk: PreparedChunk = chunk?;
            tx.insert_many(Resource::TABLE, &chunk.records).await?;
            tx.put_versions(&chunk.versions).await?;
            tx.insert_audits(&chunk.events).await?;
            out.extend(chunk.resources);
            progress(out.len());
        }
        preparer
            .await
            .map_err(|e| CatalogError::Storage(format!("导入准备线程异常结束：{e}")))?;
        tx.commit().await?;
        Ok(out)
    }
}

/// The state new resources are stored in, and the audit action that says so.
#[derive(Debug, Clone, Copy)]
enum Arrival {
    /// A provider's draft, to go through review.
    Draft,
    /// Already published elsewhere; the system's bulk load only.
    Published,
}

impl Arrival {
    fn action(self) -> &'static str {
        match self {
            Arrival::Draft => "resource.import",
            Arrival::Published => "resource.import_published",
        }
    }
}

/// What the preparing thread needs to turn contents into stored resources.
struct NewResourcePlan {
    region: RegionCode,
    provider_id: Uuid,
    /// The reserved sequence number of the first row's resource code.
    first_code: i64,
    arrival: Arrival,
    actor: String,
    head: ChainHead,
}

impl NewResourcePlan {
    /// Build, serialize and chain the resources chunk by chunk; stops at the first error (sent on)
    /// or when the writer hangs up (its transaction failed).
    fn prepare(
        mut self,
        contents: Vec<ResourceContent>,
        chunks: mpsc::Sender<Result<PreparedChunk>>,
    ) {
        let mut contents = contents.into_iter().enumerate().peekable();
        while contents.peek().is_some() {
            let rows: Vec<(usize, ResourceContent)> = contents.by_ref().take(CHUNK).collect();
            let chunk = self.chunk(rows);
            let failed = chunk.is_err();
            if chunks.blocking_send(chunk).is_err() || failed {
                return;
            }
        }
    }

    fn chunk(&mut self, rows: Vec<(usize, ResourceContent)>) -> Result<PreparedChunk> {
        let now = Utc::now();
        let mut chunk = PreparedChunk {
            resources: Vec::with_capacity(rows.len()),
            records: Vec::with_capacity(rows.len()),
            versions: Vec::with_capacity(rows.len()),
            events: Vec::with_capacity(rows.len()),
        };
        for (i, content) in rows {
            let code = ResourceCode::new(&self.region, (self.first_code + i as i64) as u64)
                .map_err(|e| CatalogError::Storage(e.message))?;
            let mut resource =
                Resource::new(code, self.provider_id, content, now).map_err(|e| at_row(i, e))?;
            if let Arrival::Published = self.arrival {
                resource.status = ResourceStatus::Published;
                resource.published_version = Some(resource.version);
            }
            let record = entity::to_created_record(&resource)?;
            // A draft's first version snapshot is its stored body.
            chunk.versions.push(VersionRecord {
                resource_id: record.id.clone(),
                version: i64::from(resource.version),
                status: resource.status.as_str().to_string(),
                recorded_at: resource.updated_at,
                body: record.body.clone(),
            });
            chunk.events.push(self.head.next_created(
                &self.actor,
                self.arrival.action(),
                Resource::TYPE,
                &record.id,
                record.body.clone(),
            ));
            chunk.records.push(record);
            chunk.resources.push(resource);
        }
        Ok(chunk)
    }
}

fn at_row(i: usize, e: CatalogError) -> CatalogError {
    match e {
        CatalogError::Invalid { field, message } => CatalogError::Invalid {
            field: format!("[{i}].{field}"),
            message,
        },
        other => other,
    }
}
