//! The one writer: a thread that owns tantivy's `IndexWriter`, applies batches in the order they
//! were sent, and commits at most [`COMMIT_EVERY`] after the first pending change (at once when
//! asked), recording the change-log sequence number in the commit payload.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::{IndexWriter, TantivyDocument, Term};
use tokio::sync::{mpsc, oneshot};

use crate::SearchError;
use crate::document::to_tantivy;
use crate::index::{CommitPayload, Inner, NO_SEQ, SearchIndex};
use crate::mapped::MappedFiles;
use crate::model::ChangeBatch;
use crate::schema::SCHEMA_VERSION;

/// Longest a change waits for its commit: keeps writes searchable well within a second.
pub const COMMIT_EVERY: Duration = Duration::from_millis(200);
/// Batches queued before senders wait.
const QUEUE: usize = 64;
/// tantivy's indexing memory budget.
const WRITER_HEAP_BYTES: usize = 128 * 1024 * 1024;
/// How often a merge of every segment gives back the index pages it has read.
const RELEASE_EVERY: Duration = Duration::from_millis(500);
/// How often a waiting writer looks for more work while a commit is pending.
const POLL: Duration = Duration::from_millis(5);
/// Tries at merging every segment: one fails when the merge policy was merging some of them.
const MERGE_ATTEMPTS: u8 = 3;

type Reply = oneshot::Sender<Result<(), String>>;

enum Message {
    Batch(ChangeBatch),
    Flush(Reply),
    Merge(Reply),
    /// From the thread that waited for a merge of every segment.
    MergeEnded {
        outcome: Result<(), String>,
        reply: Reply,
        attempt: u8,
    },
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
    async fn ask(&self, make: impl FnOnce(Reply) -> Message) -> Result<(), SearchError> {
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
        .spawn({
            let to_self = tx.downgrade();
            move || Worker::new(inner, writer, to_self).run(rx)
        })?;
    Ok(IndexWriterHandle { tx })
}

struct Worker {
    inner: std::sync::Arc<Inner>,
    writer: IndexWriter<TantivyDocument>,
    /// For the thread waiting on a merge to report back; weak, so it never keeps the writer alive.
    to_self: mpsc::WeakSender<Message>,
    /// When the oldest uncommitted change arrived.
    pending_since: Option<Instant>,
    pending_seq: Option<i64>,
    /// Between a reset and the batch that names the position it reached: the index holds only
    /// what this rebuild added, one document per id, so nothing needs deleting. (tantivy keeps
    /// every delete, a query weight each, until the commit: two million of them held 2.8 GiB
    /// while a million entries were rebuilt.)
    rebuilding: bool,
}

impl Worker {
    fn new(
        inner: std::sync::Arc<Inner>,
        writer: IndexWriter<TantivyDocument>,
        to_self: mpsc::WeakSender<Message>,
    ) -> Self {
        Worker {
            inner,
            writer,
            to_self,
            pending_since: None,
            pending_seq: None,
            rebuilding: false,
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
                        // The reset went with it: deletes are needed again.
                        self.rebuilding = false;
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
                Message::Merge(reply) => self.merge_all(reply, 1),
                Message::MergeEnded {
                    outcome,
                    reply,
                    attempt,
                } => self.merge_ended(outcome, reply, attempt),
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
            // Uncommitted additions would outlive `delete_all_documents`: drop them first.
            self.writer.rollback()?;
            self.writer.delete_all_documents()?;
            // Until a later batch names the position the rebuild reached, commits record none:
            // a crash mid-rebuild then leads to a new rebuild, never to an index that skips rows.
            self.inner.last_seq.store(NO_SEQ, Ordering::Release);
            self.pending_seq = None;
            self.rebuilding = true;
        }
        if batch.up_to_seq.is_some() {
            self.rebuilding = false;
        }
        for doc in &batch.upserts {
            if !self.rebuilding {
                self.writer
                    .delete_term(Term::from_field_text(f.id, &doc.id));
            }
            self.writer.add_document(to_tantivy(f, doc))?;
        }
        if !self.rebuilding {
            for id in &batch.removals {
                self.writer.delete_term(Term::from_field_text(f.id, id));
            }
        }
        if let Some(seq) = batch.up_to_seq {
            self.pending_seq = Some(self.pending_seq.map_or(seq, |s| s.max(seq)));
        }
        self.pending_since.get_or_insert_with(Instant::now);
        Ok(())
    }

    /// Starts merging every segment; `reply` hears when the result is searchable. The merge
    /// policy rests meanwhile, so that its own merges do not take segments from this one.
    fn merge_all(&mut self, reply: Reply, attempt: u8) {
        let ids = self.commit().and_then(|()| {
            self.inner
                .index
                .searchable_segment_ids()
                .map_err(SearchError::from)
        });
        let ids = match ids {
            Ok(ids) if ids.len() > 1 => ids,
            other => {
                self.writer
                    .set_merge_policy(Box::new(LogMergePolicy::default()));
                let _ = reply.send(other.map(|_| ()).map_err(|e| e.to_string()));
                return;
            }
        };
        self.writer.set_merge_policy(Box::new(NoMergePolicy));
        let merge = self.writer.merge(&ids);
        let to_self = self.to_self.clone();
        let mapped = self.inner.mapped.clone();
        std::thread::spawn(move || {
            let outcome = match mapped {
                Some(mapped) => releasing_pages(&mapped, || merge.wait()),
                None => merge.wait(),
            };
            let outcome = outcome.map(|_| ()).map_err(|e| e.to_string());
            let ended = Message::MergeEnded {
                outcome,
                reply,
                attempt,
            };
            // Without a writer left there is nobody to answer: the reply is dropped with it.
            if let Some(to_self) = to_self.upgrade() {
                let _ = to_self.blocking_send(ended);
            }
        });
    }

    fn merge_ended(&mut self, outcome: Result<(), String>, reply: Reply, attempt: u8) {
        match outcome {
            // A merge policy's merge of some of the segments was still running: its merges have
            // ended by now, and none started since.
            Err(e) if attempt < MERGE_ATTEMPTS => {
                tracing::debug!(error = %e, attempt, "search index: merging again");
                self.merge_all(reply, attempt + 1);
            }
            outcome => {
                self.writer
                    .set_merge_policy(Box::new(LogMergePolicy::default()));
                if let Err(e) = outcome {
                    // The index is still correct, only less compact.
                    tracing::warn!(error = %e, "search index: segments not merged");
                }
                let _ = reply.send(self.inner.reader.reload().map_err(|e| e.to_string()));
            }
        }
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
            words: Some(crate::words::fingerprint()),
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

/// Runs `wait` (a merge of every segment), giving back the index pages mapped meanwhile every
/// [`RELEASE_EVERY`]: the merge reads the whole index once, and what it read stays resident
/// otherwise (see [`crate::mapped`]). Searches fault back the few pages they need.
fn releasing_pages<T>(mapped: &MappedFiles, wait: impl FnOnce() -> T) -> T {
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let releaser = scope.spawn(|| {
            while !done.load(Ordering::Acquire) {
                std::thread::park_timeout(RELEASE_EVERY);
                mapped.release_pages();
            }
        });
        let outcome = wait();
        done.store(true, Ordering::Release);
        releaser.thread().unpark();
        outcome
    })
}
