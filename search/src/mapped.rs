//! The index directory, memory-mapped as tantivy's `MmapDirectory` does, with a way to give the
//! mapped pages back while a merge reads every segment.
//!
//! A merge of every segment reads the whole index through its mappings; each page it touched stays
//! in the process's resident set until the merged segment replaces the old ones. At a million
//! entries that was 945 MiB of file pages on top of the heap: the process's peak. The pages are
//! the kernel's page cache either way; `release_pages` only drops this process's mappings of them
//! (`MADV_DONTNEED` on a read-only shared file mapping), so the next read faults them back in
//! from the cache, unchanged. Index files are never modified once written.

use std::path::Path;
use std::sync::{Arc, Mutex, Weak};

use tantivy::Directory;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// The files opened for reading so far, weakly: a file no reader holds is unmapped already.
#[derive(Clone, Default)]
pub(crate) struct MappedFiles {
    handles: Arc<Mutex<Vec<Weak<dyn FileHandle>>>>,
}

impl std::fmt::Debug for MappedFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MappedFiles").finish_non_exhaustive()
    }
}

impl MappedFiles {
    fn remember(&self, handle: &Arc<dyn FileHandle>) {
        let mut handles = self.handles.lock().unwrap_or_else(|e| e.into_inner());
        handles.retain(|h| h.strong_count() > 0);
        handles.push(Arc::downgrade(handle));
    }

    /// Drops this process's mappings of every open index file's pages; returns the bytes
    /// advised. Readers fault the pages they need back in from the page cache.
    pub(crate) fn release_pages(&self) -> u64 {
        let live: Vec<Arc<dyn FileHandle>> = {
            let mut handles = self.handles.lock().unwrap_or_else(|e| e.into_inner());
            handles.retain(|h| h.strong_count() > 0);
            handles.iter().filter_map(Weak::upgrade).collect()
        };
        // `live` keeps every mapping alive while it is advised.
        live.iter().map(|handle| release(handle.as_ref())).sum()
    }
}

#[cfg(target_os = "linux")]
fn release(handle: &dyn FileHandle) -> u64 {
    let Ok(bytes) = handle.read_bytes(0..handle.len()) else {
        return 0;
    };
    let (start, len) = (bytes.as_slice().as_ptr(), bytes.len());
    // SAFETY: `sysconf` has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    // A mapping starts on a page; anything else is not one of MmapDirectory's mappings.
    if len == 0 || page <= 0 || !(start as usize).is_multiple_of(page as usize) {
        return 0;
    }
    // SAFETY: [start, start + len) is one live read-only mapping of an immutable file (`bytes`
    // holds it). MADV_DONTNEED on a shared file mapping only unmaps pages: the next access maps
    // the same file contents again, so no reader ever sees different bytes.
    let advised = unsafe { libc::madvise(start as *mut libc::c_void, len, libc::MADV_DONTNEED) };
    if advised == 0 { len as u64 } else { 0 }
}

#[cfg(not(target_os = "linux"))]
fn release(_: &dyn FileHandle) -> u64 {
    0
}

/// `MmapDirectory`, remembering what it maps in a [`MappedFiles`].
#[derive(Clone, Debug)]
pub(crate) struct ReleasableMmapDirectory {
    mmap: MmapDirectory,
    mapped: MappedFiles,
}

impl ReleasableMmapDirectory {
    pub(crate) fn open(dir: &Path) -> tantivy::Result<Self> {
        Ok(ReleasableMmapDirectory {
            mmap: MmapDirectory::open(dir)?,
            mapped: MappedFiles::default(),
        })
    }

    pub(crate) fn mapped(&self) -> MappedFiles {
        self.mapped.clone()
    }
}

impl Directory for ReleasableMmapDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let handle = self.mmap.get_file_handle(path)?;
        self.mapped.remember(&handle);
        Ok(handle)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mmap.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mmap.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mmap.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mmap.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.mmap.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.mmap.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mmap.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mmap.watch(watch_callback)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::{
        DocAddress, Document, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher,
        TantivyDocument, doc,
    };

    /// Resident kilobytes of this process's mappings of files under `dir` (/proc/self/smaps).
    fn resident_kb(dir: &Path) -> u64 {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut ours = false;
        let mut kb = 0;
        for line in smaps.lines() {
            if let Some(rss) = line.strip_prefix("Rss:") {
                if ours {
                    kb += rss
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .unwrap();
                }
            } else if is_mapping_header(line) {
                // Address range, perms, offset, device, inode[, path].
                let path = line.split_whitespace().nth(5);
                ours = path.is_some_and(|p| Path::new(p).starts_with(dir));
            }
        }
        kb
    }

    fn is_mapping_header(line: &str) -> bool {
        line.split_whitespace().next().is_some_and(|range| {
            range.contains('-') && range.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        })
    }

    #[test]
    fn released_pages_leave_the_resident_set_and_read_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let directory = ReleasableMmapDirectory::open(dir.path()).unwrap();
        let mapped = directory.mapped();
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT | STORED);
        let index = Index::create(directory, schema.build(), Default::default()).unwrap();
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        for i in 0..20_000 {
            writer
                .add_document(doc!(body => format!("entry {i} of the catalog")))
                .unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let read_all = || {
            (0..20_000u32)
                .step_by(97)
                .map(|d| {
                    searcher
                        .doc::<TantivyDocument>(tantivy::DocAddress::new(0, d))
                        .unwrap()
                })
                .map(|d| format!("{d:?}"))
                .collect::<Vec<_>>()
        };
        let before = read_all();
        assert!(
            resident_kb(dir.path()) > 0,
            "reading maps the store's pages"
        );
        assert!(mapped.release_pages() > 0);
        assert_eq!(
            resident_kb(dir.path()),
            0,
            "nothing of the index stays mapped"
        );
        assert_eq!(read_all(), before, "the pages read back are the same");
    }

    /// Writes `n` documents to a new index in `dir` and returns its reader's documents, read
    /// back, with the files it mapped.
    fn write_and_read(dir: &Path, n: u32) -> (Vec<String>, MappedFiles) {
        let directory = ReleasableMmapDirectory::open(dir).unwrap();
        let mapped = directory.mapped();
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT | STORED);
        let index = Index::create(directory, schema.build(), Default::default()).unwrap();
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        for i in 0..n {
            writer
                .add_document(doc!(body => format!("entry {i} of the catalog")))
                .unwrap();
        }
        writer.commit().unwrap();
        (read_every_doc(&index), mapped)
    }

    fn read_every_doc(index: &Index) -> Vec<String> {
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .unwrap();
        let searcher: Searcher = reader.searcher();
        let mut docs = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for d in 0..segment.max_doc() {
                let doc: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, d)).unwrap();
                docs.push(doc.to_json(searcher.schema()));
            }
        }
        docs.sort();
        docs
    }

    /// Only files some reader still holds are remembered: once the index is closed nothing is
    /// left to release (a strong reference would keep every file ever opened mapped). The files
    /// reopen as they were written, released or not.
    #[test]
    fn closed_files_are_forgotten_and_reopen_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let (written, mapped) = write_and_read(dir.path(), 5_000);
        assert_eq!(written.len(), 5_000);
        assert_eq!(
            mapped.release_pages(),
            0,
            "the index and its readers are gone"
        );

        let directory = ReleasableMmapDirectory::open(dir.path()).unwrap();
        let reopened_mapped = directory.mapped();
        let index = Index::open(directory).unwrap();
        assert_eq!(read_every_doc(&index), written);
        assert!(
            written
                .iter()
                .any(|d| d.contains("entry 4999 of the catalog"))
        );
        let reader: IndexReader = index.reader().unwrap();
        let searcher = reader.searcher();
        assert!(
            reopened_mapped.release_pages() > 0,
            "the open segments are mapped"
        );
        assert_eq!(
            read_every_doc(&index),
            written,
            "released pages read back the same"
        );
        drop((searcher, reader, index));
        assert_eq!(reopened_mapped.release_pages(), 0);
    }
}
