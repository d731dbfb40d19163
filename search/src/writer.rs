//! The one writer: a thread that owns tantivy's `IndexWriter`, applies batches in the order they
//! were sent, and commits at most [`COMMIT_EVERY`] after the first pending change (at once when
//! asked), recording the change-log sequence number in the commit payload.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tantivy::{IndexWriter, TantivyDocument, Term};
use tokio::sync::{mpsc, oneshot};

use crate::SearchError;
use crate::document::to_tantivy;
use crate::index::{CommitPayload, Inner, NO_SEQ, SearchIndex};
use crate::model::ChangeBatch;
use crate::schema::SCHEMA_VERSION;

/// Longest a change waits for its commit: keeps writes searchable well within a second.
pub const COMMIT_EVERY: Duration = Duration::from_millis(200);
/// Batches queued before senders wait.
const QUEUE: usize = 64;
/// tantivy's indexing memory budget.
const WRITER_HEAP_BYTES: usize = 128 * 1024 * 1024;
/// How often a waiting writer looks for more work while a commit is pending.
const POLL: Duration = Duration::from_millis(5);

enum Message {
    Batch(ChangeBatch),
    Flush(oneshot::Sender<Result<(), String>>),
    Merge(oneshot::Sender<Result<(), String>>),
    Shutdown(oneshot::Sender<()>),
}

/// Sends work to the writer thread. Cloneable; the thread stops when every handle is dropped
/// (after committing what is pending).
#[derive(Clone, Debug)]
pub struct IndexWriterHandle {
    tx: mpsc::Sender<Message>,
}

impl IndexWriterHandle {
    /// Queues a batch; it becomes searchable with the next commit (at most ~200 ms later).
    pub async fn send(&self, batch: ChangeBatch) -> Result<(), SearchError> {
        self.tx
            .send(Message::Batch(batch))
            .await
            .map_err(|_| SearchError::WriterClosed)
    }

    /// Waits until everything sent before is committed and visible to searches.
    pub async fn flush(&self) -> Result<(), SearchError> {
        self.ask(Message::Flush).await
    }

    /// Sends the message `make` builds around a reply channel and waits for the writer's answer.
    async fn ask(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<(), String>>) -> Message,
    ) -> Result<(), SearchError> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(make(tx))
            .await
            .map_err(|_| SearchError::WriterClosed)?;
        match rx.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(SearchError::Directory {
                path: "index".into(),
                message,
            }),
            Err(_) => Err(SearchError::WriterClosed),
        }
    }
}

impl IndexWriterHandle {
    /// Commits what is pending, then merges every segment into one; returns when the merged
    /// segment is searchable. For the end of a rebuild, which leaves dozens of segments, each a
    /// fixed cost to every query (a third of the median query's time at a million entries).
    /// The merge runs on tantivy's merge threads: writes sent meanwhile are applied and committed
    /// as usual, whether or not the caller waits.
    pub async fn merge_segments(&self) -> Result<(), SearchError> {
        self.ask(Message::Merge).await
    }

    /// Commits what is pending, releases the index lock and stops the writer (for every handle).
    pub async fn shutdown(self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Message::Shutdown(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }
}

/// Starts the writer thread for `index`. There is one writer per index: a second call fails.
pub fn spawn_writer(index: &SearchIndex) -> Result<IndexWriterHandle, SearchError> {
    let inner = index.inner.clone();
    if inner.writer_taken.swap(true, Ordering::AcqRel) {
        return Err(SearchError::Directory {
            path: "index".into(),
            message: "搜索索引已有写入任务".into(),
        });
    }
    let writer: IndexWriter<TantivyDocument> = inner.index.writer(WRITER_HEAP_BYTES)?;
    let (tx, rx) = mpsc::channel(QUEUE);
    std::thread::Builder::new()
        .name("search-writer".into())
        .spawn(move || Worker::new(inner, writer).run(rx))?;
    Ok(IndexWriterHandle { tx })
}

struct Worker {
    inner: std::sync::Arc<Inner>,
    writer: IndexWriter<TantivyDocument>,
    /// When the oldest uncommitted change arrived.
    pending_since: Option<Instant>,
    pending_seq: Option<i64>,
}

impl Worker {
    fn new(inner: std::sync::Arc<Inner>, writer: IndexWriter<TantivyDocument>) -> Self {
        Worker {
            inner,
            writer,
            pending_since: None,
            pending_seq: None,
        }
    }

    fn run(mut self, mut rx: mpsc::Receiver<Message>) {
        loop {
            let message = match self.pending_since {
                None => match rx.blocking_recv() {
                    Some(m) => m,
                    None => return,
                },
                Some(since) => match rx.try_recv() {
                    Ok(m) => m,
                    Err(mpsc::error::TryRecvError::Empty) => {
                        if since.elapsed() >= COMMIT_EVERY {
                            self.commit_logged();
                        } else {
                            std::thread::sleep(POLL);
                        }
                        continue;
                    }
                    Err(mpsc::error::TryRecvError::Disconnected) => {
                        self.commit_logged();
                        return;
                    }
                },
            };
            match message {
                Message::Batch(batch) => {
                    let reset = batch.reset;
                    if let Err(e) = self.apply(batch) {
                        tracing::error!(error = %e, "search index: batch not applied");
                        let _ = self.writer.rollback();
                        self.pending_since = None;
                        self.pending_seq = None;
                        continue;
                    }
                    if reset {
                        self.commit_logged();
                    }
                }
                Message::Flush(reply) => {
                    let result = self.commit().map_err(|e| e.to_string());
                    let _ = reply.send(result);
                }
                Message::Merge(reply) => self.merge_all(reply),
                Message::Shutdown(reply) => {
                    self.commit_logged();
                    // Dropping the writer waits for merges and releases the directory lock.
                    drop(self);
                    let _ = reply.send(());
                    return;
                }
            }
        }
    }

    fn apply(&mut self, batch: ChangeBatch) -> Result<(), SearchError> {
        let f = &self.inner.fields;
        if batch.reset {
            self.writer.delete_all_documents()?;
            // Until a later batch names the position the rebuild reached, commits record none:
            // a crash mid-rebuild then leads to a new rebuild, never to an index that skips rows.
            self.inner.last_seq.store(NO_SEQ, Ordering::Release);
            self.pending_seq = None;
        }
        for doc in &batch.upserts {
            self.writer
                .delete_term(Term::from_field_text(f.id, &doc.id));
            self.writer.add_document(to_tantivy(f, doc))?;
        }
        for id in &batch.removals {
            self.writer.delete_term(Term::from_field_text(f.id, id));
        }
        if let Some(seq) = batch.up_to_seq {
            self.pending_seq = Some(self.pending_seq.map_or(seq, |s| s.max(seq)));
        }
        self.pending_since.get_or_insert_with(Instant::now);
        Ok(())
    }

    /// Starts merging every segment; `reply` hears when the result is searchable (or failed).
    fn merge_all(&mut self, reply: oneshot::Sender<Result<(), String>>) {
        let ids = self.commit().and_then(|()| {
            self.inner
                .index
                .searchable_segment_ids()
                .map_err(SearchError::from)
        });
        let ids = match ids {
            Ok(ids) if ids.len() > 1 => ids,
            other => {
                let _ = reply.send(other.map(|_| ()).map_err(|e| e.to_string()));
                return;
            }
        };
        let merge = self.writer.merge(&ids);
        let inner = self.inner.clone();
        std::thread::spawn(move || {
            // A segment the merge policy is merging already makes this merge fail: the index is
            // then still correct, only less compact.
            if let Err(e) = merge.wait() {
                tracing::warn!(error = %e, "search index: segments not merged");
            }
            let _ = reply.send(inner.reader.reload().map_err(|e| e.to_string()));
        });
    }

    fn commit_logged(&mut self) {
        if let Err(e) = self.commit() {
            tracing::error!(error = %e, "search index: commit failed");
        }
    }

    /// Commits pending changes with the sequence number reached, then makes them visible.
    fn commit(&mut self) -> Result<(), SearchError> {
        if self.pending_since.is_none() {
            return Ok(());
        }
        let seq = self
            .pending_seq
            .or_else(|| match self.inner.last_seq.load(Ordering::Acquire) {
                NO_SEQ => None,
                s => Some(s),
            });
        let payload = serde_json::to_string(&CommitPayload {
            schema: SCHEMA_VERSION,
            seq,
        })
        .unwrap_or_default();
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.inner.reader.reload()?;
        if let Some(seq) = seq {
            self.inner.last_seq.store(seq, Ordering::Release);
        }
        self.pending_since = None;
        self.pending_seq = None;
        Ok(())
    }
}
