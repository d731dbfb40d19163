//! Import of a corpus file (JSON Lines, gzip or not) while it is read: each batch of rows is
//! validated on every core and handed to the catalog's write transaction, which stores it while
//! the next batch is read. The import costs about the longer of reading and writing instead of
//! their sum, and holds a few batches in memory instead of the file. Still one transaction: all
//! or nothing unless `partial`, exactly as `report::import_prepared`.

use std::io::{BufReader, Read};

use catalog::{Actor, Catalog, CatalogError, DraftFeed, FeedOutcome};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::report::{CorpusBatches, ImportMode, ImportReport, NO_DATA_ROWS, RowChecker};

/// Batches read ahead of the writer: reading never waits on one slow statement, and memory stays
/// bounded.
const BATCHES_AHEAD: usize = 2;

/// A corpus file to import.
pub struct CorpusFile<R> {
    pub bytes: R,
    /// Gzip-compressed.
    pub gzip: bool,
    /// Its name in problems.
    pub name: String,
}

/// Read, validate and (unless a dry run) write `file` as drafts of `provider_id`; `progress`
/// hears how many rows are written so far.
pub async fn import_corpus_stream<R: Read + Send + 'static>(
    catalog: &Catalog,
    actor: &Actor,
    provider_id: Uuid,
    file: CorpusFile<R>,
    mode: ImportMode,
    progress: impl Fn(usize) + Send,
) -> Result<ImportReport, CatalogError> {
    let (feed, fed) = mpsc::channel(BATCHES_AHEAD);
    let feed = (!mode.dry_run).then_some(feed);
    let reader = tokio::task::spawn_blocking(move || read_and_feed(file, mode, feed));
    let written = if mode.dry_run {
        drop(fed);
        None
    } else {
        Some(
            catalog
                .import_draft_feed(actor, provider_id, fed, progress)
                .await,
        )
    };
    let checker = reader
        .await
        .map_err(|e| CatalogError::Storage(format!("导入读取线程异常结束：{e}")))?;
    let codes = match written.transpose()? {
        Some(FeedOutcome::Committed(codes)) => {
            codes.into_iter().map(|c| c.as_str().to_string()).collect()
        }
        Some(FeedOutcome::Abandoned) | None => Vec::new(),
    };
    Ok(checker.into_report(mode.dry_run, codes))
}

/// The reading side: hands every batch's valid rows on while the import may still stand, and
/// `Commit` at the end if it does; dropping the feed instead rolls the write back.
fn read_and_feed(
    file: CorpusFile<impl Read>,
    mode: ImportMode,
    mut feed: Option<mpsc::Sender<DraftFeed>>,
) -> RowChecker {
    let CorpusFile { bytes, gzip, name } = file;
    let file = BufReader::with_capacity(1 << 16, bytes);
    let text: Box<dyn Read> = if gzip {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut batches = CorpusBatches::new(BufReader::with_capacity(1 << 16, text));
    let mut checker = RowChecker::new(&name);
    while let Some(valid) = batches.next_checked(&mut checker) {
        if !mode.partial && checker.has_problems() {
            // All or nothing, and one row failed: stop writing, keep checking for the report.
            feed = None;
        }
        if let Some(sender) = &feed {
            let rows = valid.into_iter().map(|r| r.content).collect();
            if sender.blocking_send(DraftFeed::Rows(rows)).is_err() {
                // The writer failed; its error is the answer.
                return checker;
            }
        }
    }
    if checker.total_rows() == 0 && !checker.has_problems() {
        checker.whole_file_problem(NO_DATA_ROWS);
    }
    let stands =
        !checker.refused() && checker.valid_rows() > 0 && (mode.partial || !checker.has_problems());
    if let (true, Some(sender)) = (stands, feed) {
        let _ = sender.blocking_send(DraftFeed::Commit);
    }
    checker
}
