//! The index handle: opening (or rebuilding an incompatible index), and the read side: search
//! (its steps in [`crate::run`], its plans in [`crate::plan`]), listings, suggestions.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy, Searcher};

use crate::SearchError;
use crate::cursor::CursorKey;
use crate::mapped::{MappedFiles, ReleasableMmapDirectory};
use crate::model::{
    ListingRequest, ListingResults, MAX_LIMIT, SearchRequest, SearchResults, Suggestion, Viewer,
};
use crate::plan::Lane;
use crate::query::Matching;
use crate::run::{Found, SearchRun};
use crate::schema::{Fields, SCHEMA_VERSION, build_schema, register_tokenizers};
use crate::suggest;
use crate::synonyms::Synonyms;

/// "No sequence number applied yet".
pub(crate) const NO_SEQ: i64 = i64::MIN;

/// What each commit records: the schema and the segmenter's dictionary it was written with, and
/// the change-log position reached.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct CommitPayload {
    pub schema: u32,
    pub seq: Option<i64>,
    /// [`crate::words::fingerprint`]: other words segment text into other terms.
    #[serde(default)]
    pub words: Option<u64>,
}

impl CommitPayload {
    fn read(index: &Index) -> Option<CommitPayload> {
        let metas = index.load_metas().ok()?;
        serde_json::from_str(metas.payload.as_deref()?).ok()
    }
}

pub(crate) struct Inner {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub last_seq: AtomicI64,
    /// tantivy allows one writer per index; [`crate::spawn_writer`] takes it once.
    pub writer_taken: AtomicBool,
    /// The files of an index on disk, whose mapped pages a merge gives back as it goes.
    pub mapped: Option<MappedFiles>,
    /// Signs the cursors handed out; random until [`SearchIndex::set_cursor_key`].
    pub cursor_key: RwLock<CursorKey>,
    /// Expanded at query time; the shipped table until [`SearchIndex::set_synonyms`].
    pub synonyms: RwLock<Arc<Synonyms>>,
}

/// The search index. Cheap to clone; every clone reads the same index.
#[derive(Clone)]
pub struct SearchIndex {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("docs", &self.doc_count())
            .field("last_applied_seq", &self.last_applied_seq())
            .finish()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it if absent; an index written with another schema
    /// version is replaced by an empty one (it is derived data: the caller reindexes).
    pub fn open_or_create(dir: &Path) -> Result<Self, SearchError> {
        let directory_error = |e: &dyn std::fmt::Display| SearchError::Directory {
            path: dir.display().to_string(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(|e| directory_error(&e))?;
        let mmap = ReleasableMmapDirectory::open(dir).map_err(|e| directory_error(&e))?;
        let mapped = mmap.mapped();
        let (schema, fields) = build_schema();
        let existing = if Index::exists(&mmap).map_err(|e| directory_error(&e))? {
            Index::open(mmap.clone())
                .ok()
                .filter(|index| compatible(index, &schema))
        } else {
            None
        };
        let index = match existing {
            Some(index) => index,
            None => Index::create(mmap, schema, IndexSettings::default())?,
        };
        Self::from_index(index, fields, Some(mapped))
    }

    /// A fresh index in memory (tests, `--index-dir :memory:`).
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, fields) = build_schema();
        Self::from_index(Index::create_in_ram(schema), fields, None)
    }

    fn from_index(
        index: Index,
        fields: Fields,
        mapped: Option<MappedFiles>,
    ) -> Result<Self, SearchError> {
        register_tokenizers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let seq = CommitPayload::read(&index)
            .and_then(|p| p.seq)
            .unwrap_or(NO_SEQ);
        Ok(SearchIndex {
            inner: Arc::new(Inner {
                index,
                reader,
                fields,
                last_seq: AtomicI64::new(seq),
                writer_taken: AtomicBool::new(false),
                mapped,
                cursor_key: RwLock::new(CursorKey::random()),
                synonyms: RwLock::new(Arc::new(Synonyms::builtin())),
            }),
        })
    }

    /// Replace the synonym table (a deployment's own): the next query uses it, no reindex.
    pub fn set_synonyms(&self, synonyms: Synonyms) {
        *self
            .inner
            .synonyms
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Arc::new(synonyms);
    }

    fn synonyms(&self) -> Arc<Synonyms> {
        self.inner
            .synonyms
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Sign cursors with a key derived from `secret`; nodes given the same secret accept each
    /// other's cursors, and cursors signed before are refused from now on.
    pub fn set_cursor_key(&self, secret: &[u8]) {
        let key = CursorKey::from_secret(secret);
        *self
            .inner
            .cursor_key
            .write()
            .unwrap_or_else(|e| e.into_inner()) = key;
    }

    fn cursor_key(&self) -> CursorKey {
        self.inner
            .cursor_key
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The change-log sequence number of the last committed batch that carried one.
    pub fn last_applied_seq(&self) -> Option<i64> {
        match self.inner.last_seq.load(Ordering::Acquire) {
            NO_SEQ => None,
            seq => Some(seq),
        }
    }

    /// No position is durable yet: the index is being rebuilt from the database (after a start on
    /// an empty index, or a reset), so what it counts and finds is partial until the end.
    pub fn rebuilding(&self) -> bool {
        self.last_applied_seq().is_none()
    }

    /// Documents in the index (all visibilities).
    pub fn doc_count(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// Segments searched per query (each adds a fixed cost).
    pub fn segment_count(&self) -> usize {
        self.inner.reader.searcher().segment_readers().len()
    }

    fn searcher(&self) -> Searcher {
        self.inner.reader.searcher()
    }

    /// One page of results for `req`, only ever from documents the viewer may see.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        // Read before the searcher is taken: a rebuild that ends meanwhile is still reported.
        let partial = self.rebuilding();
        let run = SearchRun::new(
            req,
            &self.inner.fields,
            self.searcher(),
            self.synonyms(),
            self.cursor_key(),
        )?;
        // Each lane is tried only when those before it matched nothing.
        let lanes = run.lanes();
        let mut found = Found::nothing(lanes[0]);
        for lane in lanes {
            if !run.worth_trying(lane) {
                continue;
            }
            let plan = run.plan(lane)?;
            found = run.page_and_count(lane, plan)?;
            if found.total.count > 0 {
                break;
            }
        }
        let Found {
            lane,
            total,
            page,
            facets,
        } = found;
        let (hits, next_cursor) = run.hits(page)?;
        let (facets, facets_estimated) = run.facets(lane, facets)?;
        let did_you_mean = run.did_you_mean(lane, total, &hits)?;
        Ok(SearchResults {
            total: total.count,
            total_estimated: total.estimated,
            hits,
            facets,
            facets_estimated,
            next_cursor,
            did_you_mean,
            relaxed: lane == Lane::Words(Matching::Most),
            by_sound: lane == Lane::Words(Matching::AllBySound),
            exact_code: lane == Lane::Code,
            partial,
        })
    }

    /// A catalog listing: the exact count, the facets asked for and one page of ids, only ever
    /// from documents the viewer may see.
    pub fn listing(&self, req: &ListingRequest) -> Result<ListingResults, SearchError> {
        crate::listing::listing(&self.searcher(), &self.inner.fields, req, &self.synonyms())
    }

    /// Titles completing what the viewer has typed so far (Chinese, Latin or pinyin).
    pub fn suggest(
        &self,
        prefix: &str,
        viewer: &Viewer,
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchError> {
        suggest::suggest(
            &self.searcher(),
            &self.inner.fields,
            prefix,
            viewer,
            limit.min(MAX_LIMIT),
        )
    }
}

fn compatible(index: &Index, schema: &Schema) -> bool {
    let payload_ok = CommitPayload::read(index)
        .is_none_or(|p| p.schema == SCHEMA_VERSION && p.words == Some(crate::words::fingerprint()));
    payload_ok && index.schema() == *schema
}
