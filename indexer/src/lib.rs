//! Keeps the search index in step with the database. The audit log is the durable change log:
//! every write appends an event with a sequence number in the same transaction. The follower reads
//! events after the index's last committed sequence number, re-reads the current state of each
//! touched entity and sends the resulting documents to the index writer. After a crash the
//! commit payload says where to resume; several nodes sharing one PostgreSQL each follow it.

mod docs;
pub mod labels;
mod public_names;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use catalog::store::RecordFilter;
use catalog::{Catalog, CatalogError};
use search::{ChangeBatch, IndexWriterHandle, SearchIndex};

pub use docs::{INDEXED, published_resource_doc};
pub use public_names::{ckan_tag, directory_line_href};

/// Events read per step.
const EVENTS_PER_STEP: i64 = 1_000;
/// Pause when caught up: a write is searchable within this plus the writer's commit interval.
const IDLE_POLL: Duration = Duration::from_millis(100);
/// Pause after a failed step (database unavailable…).
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// Rows read per page during a rebuild.
const REBUILD_PAGE: i64 = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum IndexerError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Search(#[from] search::SearchError),
}

/// Follows the change log from the index's last applied sequence number.
pub struct Follower {
    catalog: Catalog,
    writer: IndexWriterHandle,
    names: docs::OrgNames,
    applied: i64,
}

impl Follower {
    pub fn new(catalog: Catalog, index: &SearchIndex, writer: IndexWriterHandle) -> Self {
        Follower {
            catalog,
            writer,
            names: docs::OrgNames::default(),
            applied: index.last_applied_seq().unwrap_or(0),
        }
    }

    /// Runs forever (until the writer stops).
    pub async fn run(mut self) {
        let started = Instant::now();
        let mut caught_up = false;
        loop {
            match self.step().await {
                Ok(0) => {
                    if !caught_up {
                        caught_up = true;
                        tracing::info!(
                            seq = self.applied,
                            elapsed_ms = started.elapsed().as_millis() as u64,
                            "搜索索引已追上变更日志"
                        );
                    }
                    tokio::time::sleep(IDLE_POLL).await;
                }
                Ok(_) => {}
                Err(IndexerError::Search(search::SearchError::WriterClosed)) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "搜索索引跟随变更日志失败，稍后重试");
                    tokio::time::sleep(RETRY_AFTER).await;
                }
            }
        }
    }

    /// Applies the next events; returns how many there were.
    pub async fn step(&mut self) -> Result<usize, IndexerError> {
        let events = self
            .catalog
            .store()
            .audit_events(self.applied, EVENTS_PER_STEP)
            .await?;
        let Some(last) = events.last().map(|e| e.seq) else {
            return Ok(0);
        };
        let touched: BTreeSet<(&str, &str)> = events
            .iter()
            .filter(|e| docs::table_of(&e.entity_type).is_some())
            .map(|e| (e.entity_type.as_str(), e.entity_id.as_str()))
            .collect();
        let mut batch = ChangeBatch {
            up_to_seq: Some(last),
            ..ChangeBatch::default()
        };
        for (entity_type, id) in touched {
            let Some(table) = docs::table_of(entity_type) else {
                continue;
            };
            if let Some(record) = self.catalog.store().get(table, id).await? {
                docs::apply(&self.catalog, &mut self.names, table, &record, &mut batch).await?;
            }
        }
        tracing::debug!(
            from = self.applied,
            to = last,
            documents = batch.upserts.len(),
            "search index step"
        );
        self.writer.send(batch).await?;
        self.applied = last;
        Ok(events.len())
    }
}

/// Starts the index writer and, on the runtime, the follower: a fresh index (no sequence number
/// committed yet) is first rebuilt from the tables, which is faster than replaying the whole log.
pub fn start(catalog: Catalog, index: &SearchIndex) -> Result<IndexWriterHandle, CatalogError> {
    let writer = search::spawn_writer(index).map_err(|e| CatalogError::Config(e.to_string()))?;
    let handle = writer.clone();
    let index = index.clone();
    tokio::spawn(async move {
        if index.last_applied_seq().is_none() {
            let started = Instant::now();
            match rebuild(&catalog, &writer, |_| {}).await {
                Ok(rows) => {
                    tracing::info!(
                        rows,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "搜索索引已从数据库重建"
                    );
                    // In the background: the follower starts at once, its writes go on meanwhile.
                    let merging = writer.clone();
                    tokio::spawn(async move {
                        if let Err(e) = merging.merge_segments().await {
                            tracing::warn!(error = %e, "搜索索引合并失败");
                        }
                    });
                }
                Err(e) => tracing::warn!(error = %e, "搜索索引重建失败，改为跟随变更日志"),
            }
        }
        Follower::new(catalog, &index, writer).run().await;
    });
    Ok(handle)
}

/// Rebuilds the index from the database: a reset, then every indexed entity, page by page.
/// `progress` is called with the number of rows done so far. Returns the rows read.
pub async fn rebuild(
    catalog: &Catalog,
    writer: &IndexWriterHandle,
    mut progress: impl FnMut(u64),
) -> Result<u64, IndexerError> {
    // Events after this point are replayed by the follower: applying one twice is harmless.
    let head = catalog.store().audit_head().await?;
    let mut names = docs::OrgNames::default();
    let mut done = 0u64;
    let mut first = true;
    for (_, table) in INDEXED {
        let mut after_id = None;
        loop {
            let page = catalog
                .store()
                .list(
                    table,
                    &RecordFilter {
                        after_id: after_id.take(),
                        limit: Some(REBUILD_PAGE),
                        ..RecordFilter::default()
                    },
                )
                .await?;
            let Some(last) = page.last().map(|r| r.id.clone()) else {
                break;
            };
            let mut batch = ChangeBatch {
                reset: std::mem::take(&mut first),
                ..ChangeBatch::default()
            };
            for record in &page {
                docs::apply(catalog, &mut names, table, record, &mut batch).await?;
            }
            writer.send(batch).await?;
            done += page.len() as u64;
            progress(done);
            if (page.len() as i64) < REBUILD_PAGE {
                break;
            }
            after_id = Some(last);
        }
    }
    // Only now is the position durable: a crash before this commit means a new rebuild.
    writer
        .send(ChangeBatch {
            reset: first,
            up_to_seq: Some(head),
            ..ChangeBatch::default()
        })
        .await?;
    writer.flush().await?;
    Ok(done)
}

/// Rows the rebuild will read (for the progress bar).
pub async fn rebuild_total(catalog: &Catalog) -> Result<u64, CatalogError> {
    let mut total = 0;
    for (_, table) in INDEXED {
        total += catalog.store().count(table).await? as u64;
    }
    Ok(total)
}

/// How far the index is behind the database, in change-log events.
pub async fn lag(catalog: &Catalog, index: &SearchIndex) -> Result<i64, CatalogError> {
    let head = catalog.store().audit_head().await?;
    Ok((head - index.last_applied_seq().unwrap_or(0)).max(0))
}
