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
use crate::audit_log;
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

/// What a streaming import hears from the reader of the file, in order.
#[derive(Debug)]
pub enum DraftFeed {
    /// The next valid rows.
    Rows(Vec<ResourceContent>),
    /// Every row has arrived and the import may stand: commit. A feed that ends without it
    /// (the reader found a problem in an all-or-nothing import, or stopped) is rolled back.
    Commit,
}

/// How a streaming import ended.
#[derive(Debug, PartialEq, Eq)]
pub enum FeedOutcome {
    /// Committed: the codes of the drafts, in row order.
    Committed(Vec<ResourceCode>),
    /// The feed ended without `Commit`: nothing was written, no code consumed.
    Abandoned,
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
        self.store_whole(actor, provider_id, contents, Arrival::Draft, progress)
            .await
    }

    /// Create drafts of one provider from rows that arrive while the file is still being read
    /// and validated: the write of one chunk overlaps the reading of the next, and no more than a
    /// few chunks are held in memory. The whole import is one transaction, as `import_drafts`;
    /// it holds the write lock (and the provider region's code sequence) from the first row on.
    pub async fn import_draft_feed(
        &self,
        actor: &Actor,
        provider_id: Uuid,
        feed: mpsc::Receiver<DraftFeed>,
        progress: impl Fn(usize) + Send,
    ) -> Result<FeedOutcome> {
        actor.require_org(Role::Provider, provider_id, "导入本单位的资源目录")?;
        let stored = self
            .store_new_resources(actor, provider_id, feed, Arrival::Draft, 0, progress)
            .await?;
        Ok(match stored {
            Some(stored) => FeedOutcome::Committed(stored.codes),
            None => FeedOutcome::Abandoned,
        })
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
        self.store_whole(actor, provider_id, contents, Arrival::Published, |_| {})
            .await
    }

    /// Store rows already all in memory, through the same path as a feed.
    async fn store_whole(
        &self,
        actor: &Actor,
        provider_id: Uuid,
        contents: Vec<ResourceContent>,
        arrival: Arrival,
        progress: impl Fn(usize) + Send,
    ) -> Result<Vec<Resource>> {
        let keep = contents.len();
        let (feed, fed) = mpsc::channel(2);
        for message in [DraftFeed::Rows(contents), DraftFeed::Commit] {
            feed.try_send(message)
                .map_err(|_| CatalogError::Storage("导入队列意外已满".to_string()))?;
        }
        let stored = self
            .store_new_resources(actor, provider_id, fed, arrival, keep, progress)
            .await?;
        Ok(stored.map(|s| s.resources).unwrap_or_default())
    }

    /// The one write path of imports: `None` when the feed ended without `Commit`.
    /// The first `keep` resources are returned whole, every code is.
    async fn store_new_resources(
        &self,
        actor: &Actor,
        provider_id: Uuid,
        feed: mpsc::Receiver<DraftFeed>,
        arrival: Arrival,
        keep: usize,
        progress: impl Fn(usize) + Send,
    ) -> Result<Option<Stored>> {
        let mut tx = self.store.begin_write().await?;
        let provider = load_provider(tx.as_mut(), provider_id).await?;
        let region = provider.region;
        let counter = format!("resource_code:{}", region.as_str());
        // Reserving nothing reads the next code and, inside this transaction, holds the sequence
        // (the write lock on SQLite, the row lock on PostgreSQL) until the count is known.
        let first_code = tx.reserve_sequence(&counter, 0).await?;
        let plan = NewResourcePlan {
            region,
            provider_id,
            first_code,
            next_row: 0,
            arrival,
            actor: actor.audit_name(),
            head: audit_log::chain_head(tx.as_mut()).await?,
        };

        let (chunks, mut prepared) = mpsc::channel(CHUNKS_AHEAD);
        let preparer = tokio::task::spawn_blocking(move || plan.prepare(feed, chunks));
        let mut stored = Stored::default();
        let mut committed = false;
        while let Some(message) = prepared.recv().await {
            let chunk = match message {
                Prepared::Chunk(chunk) => chunk?,
                Prepared::Commit => {
                    committed = true;
                    break;
                }
            };
            tx.insert_many(Resource::TABLE, &chunk.records).await?;
            tx.put_versions(&chunk.versions).await?;
            tx.insert_audits(&chunk.events).await?;
            stored
                .codes
                .extend(chunk.resources.iter().map(|r| r.code.clone()));
            let room = keep.saturating_sub(stored.resources.len());
            stored
                .resources
                .extend(chunk.resources.into_iter().take(room));
            progress(stored.codes.len());
        }
        preparer
            .await
            .map_err(|e| CatalogError::Storage(format!("导入准备线程异常结束：{e}")))?;
        if !committed {
            // Dropping the transaction rolls it back.
            return Ok(None);
        }
        if !stored.codes.is_empty() {
            let count = stored.codes.len() as i64;
            let reserved = tx.reserve_sequence(&counter, count).await?;
            if reserved != first_code {
                return Err(CatalogError::Storage(format!(
                    "资源编码序列在导入期间被改动（应从 {first_code} 起，实为 {reserved}）"
                )));
            }
        }
        tx.commit().await?;
        Ok(Some(stored))
    }
}

/// What an import wrote.
#[derive(Default)]
struct Stored {
    codes: Vec<ResourceCode>,
    resources: Vec<Resource>,
}

/// What the preparing thread hands the writer.
enum Prepared {
    Chunk(Result<PreparedChunk>),
    Commit,
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
    /// The sequence number of the first row's resource code.
    first_code: i64,
    /// Rows prepared so far: the next row's index.
    next_row: usize,
    arrival: Arrival,
    actor: String,
    head: ChainHead,
}

impl NewResourcePlan {
    /// Build, serialize and chain the fed rows chunk by chunk; stops at the first error (sent
    /// on), at the end of the feed (`Commit` passed on) or when the writer hangs up.
    fn prepare(mut self, mut feed: mpsc::Receiver<DraftFeed>, chunks: mpsc::Sender<Prepared>) {
        while let Some(message) = feed.blocking_recv() {
            let rows = match message {
                DraftFeed::Rows(rows) => rows,
                DraftFeed::Commit => {
                    let _ = chunks.blocking_send(Prepared::Commit);
                    return;
                }
            };
            let mut rows = rows.into_iter().peekable();
            while rows.peek().is_some() {
                let chunk = self.chunk(rows.by_ref().take(CHUNK));
                let failed = chunk.is_err();
                if chunks.blocking_send(Prepared::Chunk(chunk)).is_err() || failed {
                    return;
                }
            }
        }
    }

    fn chunk(&mut self, rows: impl Iterator<Item = ResourceContent>) -> Result<PreparedChunk> {
        let now = Utc::now();
        let mut chunk = PreparedChunk {
            resources: Vec::with_capacity(CHUNK),
            records: Vec::with_capacity(CHUNK),
            versions: Vec::with_capacity(CHUNK),
            events: Vec::with_capacity(CHUNK),
        };
        for content in rows {
            let i = self.next_row;
            self.next_row += 1;
            let code = ResourceCode::new(&self.region, (self.first_code + i as i64) as u64)
                .map_err(|e| CatalogError::Storage(e.message))?;
            let mut resource =
                Resource::new(code, self.provider_id, content, now).map_err(|e| at_row(i, e))?;
            if let Arrival::Published = self.arrival {
                resource.status = ResourceStatus::Published;
                resource.published_version = Some(resource.version);
                resource.published_at = Some(resource.updated_at);
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
