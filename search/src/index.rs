//! The index handle: opening (or rebuilding an incompatible index), and the read side: search,
//! facets, highlights, suggestions.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::query::Query;
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy, Searcher, TantivyDocument};

use crate::SearchError;
use crate::code::{code_query, query_code_key};
use crate::conjunction::AllWords;
use crate::cursor::{Cursor, CursorKey, PageCollector, SortMode};
use crate::document::{Stored, from_tantivy};
use crate::facets::{FacetCounter, count_facets};
use crate::highlight::Highlighter;
use crate::mapped::{MappedFiles, ReleasableMmapDirectory};
use crate::model::{
    Hit, ListingRequest, ListingResults, MAX_LIMIT, SearchRequest, SearchResults, SortOrder,
    Suggestion, Viewer,
};
use crate::one_walk::rank_and_count;
use crate::query::{Matching, ParsedQuery, combine, filters, is_prunable, text_query};
use crate::schema::{Fields, SCHEMA_VERSION, build_schema, register_tokenizers};
use crate::suggest;
use crate::synonyms::Synonyms;
use crate::tally::{SampledFacets, Tally, probe, tally};

/// Up to about this many likely matches, a query of several words is ranked and counted in one
/// walk (see `SearchIndex::search`): twice `tally`'s exact count, past which the count samples.
const ONE_WALK_MATCHES: u64 = 2 * crate::tally::EXACT_MATCHES;

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
        if req.limit > MAX_LIMIT {
            return Err(SearchError::InvalidRequest {
                field: "limit".into(),
                message: format!("每页最多 {MAX_LIMIT} 条"),
            });
        }
        let f = &self.inner.fields;
        let parsed = ParsedQuery::parse(&req.q);
        let mode = if parsed.is_empty() || req.sort == SortOrder::UpdatedDesc {
            SortMode::Updated
        } else {
            SortMode::Score
        };
        let cursor_key = self.cursor_key();
        let after = match req.cursor.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => Some(Cursor::decode(c, mode, &cursor_key)?.after),
            None => None,
        };
        let searcher = self.searcher();
        let synonyms = self.synonyms();
        let code = query_code_key(&req.q);
        // The words with those no entry spells marked: looked up only when the words as typed
        // match nothing (most searches never need it).
        let sounded: OnceCell<ParsedQuery> = OnceCell::new();
        let query_for = |lane: Lane, except| {
            let text = match lane {
                Lane::Code => code.as_deref().map(|key| code_query(f, key)),
                Lane::Words(Matching::AllBySound) => sounded
                    .get()
                    .map(|marked| text_query(f, marked, Matching::AllBySound, &synonyms)),
                Lane::Words(matching) => {
                    (!parsed.is_empty()).then(|| text_query(f, &parsed, matching, &synonyms))
                }
            };
            combine(
                text,
                filters(f, &searcher, &req.viewer, &req.kinds, &req.filters, except),
            )
        };
        // Ranked by score, the page pass skips what cannot reach the page (block-max WAND for
        // one word, MaxScore for several: see `conjunction`), so it does not see every match and
        // the count is a second walk. Where a probe finds few matches (the count would walk them
        // all, and walking is most of the cost), one walk that scores and counts them is cheaper.
        let ranked = |query: &dyn Query, lane: Lane| -> Result<bool, SearchError> {
            Ok(mode == SortMode::Score
                && lane != Lane::Code
                && match query.downcast_ref::<AllWords>() {
                    Some(all) => {
                        all.most_matches(&searcher) > ONE_WALK_MATCHES
                            && probe(&searcher, query)? > ONE_WALK_MATCHES
                    }
                    // One word: block-max WAND. (A relaxed query is walked whole.)
                    None => is_prunable(&parsed),
                })
        };
        // The page, the count and the unfiltered facets; a second time only when the strict
        // query found nothing and a relaxed one may.
        let main_pass = |query: &dyn Query, lane: Lane| {
            let page_collector = PageCollector {
                mode,
                // One more than asked tells whether another page exists.
                limit: req.limit + 1,
                after,
            };
            let facet_counter = req.facets.then(|| FacetCounter::shared(req));
            let (total, page, fruit) = if ranked(query, lane)? {
                // The count walks the matches unscored, sampling a large result (see `tally`).
                let page = searcher.search(query, &page_collector)?;
                let (total, fruit) = tally(&searcher, query, facet_counter.as_ref())?;
                (total, page, fruit)
            } else {
                // The page visits every match (by time, a small result, a relaxed query):
                // counting them, and their facets (sampled as `tally` would), on the way is free.
                let facets = facet_counter
                    .as_ref()
                    .map(|counter| SampledFacets::new(&searcher, counter));
                let (count, page, fruit) = match query.downcast_ref::<AllWords>() {
                    // Scoring only what may reach the page (the bonus's positions are costly).
                    Some(all) if mode == SortMode::Score => {
                        rank_and_count(&searcher, all, &page_collector, facets.as_ref())?
                    }
                    _ => searcher.search(query, &(Count, page_collector, facets))?,
                };
                (Tally::exact(count as u64), page, fruit)
            };
            Ok::<_, SearchError>((total, page, facet_counter.zip(fruit)))
        };
        // An identifier first; then every word; then, when nothing matched them all, most.
        let mut lanes = Vec::with_capacity(3);
        if code.is_some() {
            lanes.push(Lane::Code);
        }
        lanes.push(Lane::Words(Matching::All));
        lanes.push(Lane::Words(Matching::AllBySound));
        if parsed.clause_count() > 1 {
            lanes.push(Lane::Words(Matching::Most));
        }
        let mut lane = lanes[0];
        let (mut total, mut page, mut facet_fruit) = (Tally::exact(0), Vec::new(), None);
        for candidate in lanes {
            if candidate == Lane::Words(Matching::AllBySound)
                && !sounded
                    .get_or_init(|| parsed.with_unspelled(f, &searcher))
                    .has_unspelled_words()
            {
                continue;
            }
            lane = candidate;
            let query = query_for(lane, None);
            (total, page, facet_fruit) = main_pass(query.as_ref(), lane)?;
            if total.count > 0 {
                break;
            }
        }
        let relaxed = lane == Lane::Words(Matching::Most);
        let by_sound = lane == Lane::Words(Matching::AllBySound);

        let more = page.len() > req.limit;
        let highlighter = Highlighter::new(&parsed);
        let mut hits = Vec::with_capacity(req.limit);
        let mut last_key = None;
        for (key, score, addr) in page.into_iter().take(req.limit) {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let Some(stored) = from_tantivy(f, &doc) else {
                continue;
            };
            last_key = Some(key);
            hits.push(hit(stored, score, &highlighter));
        }
        let next_cursor = match (more, last_key) {
            (true, Some(after)) => Some(Cursor { mode, after }.encode(&cursor_key)),
            _ => None,
        };

        let (facets, facets_estimated) = match facet_fruit {
            Some((shared, fruit)) => count_facets(
                &searcher,
                req,
                &|except| query_for(lane, except),
                shared,
                fruit,
            )?,
            None => (BTreeMap::new(), false),
        };
        let did_you_mean = if by_sound {
            hits.first()
                .and_then(|top| suggest::respelled(&parsed, &top.title))
        } else if total.count == 0 || relaxed {
            suggest::did_you_mean(&searcher, f, &parsed, &req.viewer)?
        } else {
            None
        };
        Ok(SearchResults {
            total: total.count,
            total_estimated: total.estimated,
            hits,
            facets,
            facets_estimated,
            next_cursor,
            did_you_mean,
            relaxed,
            by_sound,
            exact_code: lane == Lane::Code,
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

fn hit(stored: Stored, score: f32, highlighter: &Highlighter) -> Hit {
    Hit {
        title_html: highlighter.title_html(&stored.title),
        snippet_html: highlighter.snippet_html(&stored.body),
        id: stored.id,
        kind: stored.kind,
        title: stored.title,
        url: stored.url,
        score,
        updated_at: stored.updated_at,
        facets: stored.facets,
    }
}

/// Which query a search runs: an identifier's exact lane, or the words (all of them as typed;
/// when nothing holds them, all of them as typed or as they sound; then most).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lane {
    Code,
    Words(Matching),
}
