//! How many documents a query matches, and which facet values they hold, without walking every
//! match of a large result. Matches are counted one by one up to [`EXACT_MATCHES`]; past that,
//! if the rest of the index looks to hold many more, only a systematic sample of short doc-id
//! windows is walked (one window in `step`, each match standing for `step`), sized for about
//! [`SAMPLE_MATCHES`] more. A one-character query matching 700,000 of a million entries then
//! reads ~15,000 of them, not all. (As search engines do: "about 720,000 results".)

use std::sync::{Arc, Mutex, PoisonError};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED};

use crate::SearchError;
use crate::facets::{FacetCounter, FacetFruit, FacetSegmentCounter};

/// Matches counted one by one before any are estimated.
pub const EXACT_MATCHES: u64 = 10_000;
/// About how many matches the sample past [`EXACT_MATCHES`] walks.
const SAMPLE_MATCHES: u64 = 5_000;
/// Doc ids per sampled window: short, so the sample is spread over many places of the index
/// (documents that arrived together sit together and share a provider), and the seek from one
/// window to the next costs less than the matches it skips.
const WINDOW: DocId = 32;

/// A count of matches, exact or estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub count: u64,
    pub estimated: bool,
}

impl Tally {
    pub fn exact(count: u64) -> Self {
        Tally {
            count,
            estimated: false,
        }
    }
}

/// Counts what `query` matches in `searcher` (live documents only) and, with `facets`, the values
/// of those facets the matches hold, both from the same walk (so from the same sample).
pub fn tally(
    searcher: &Searcher,
    query: &dyn Query,
    facets: Option<&FacetCounter>,
) -> Result<(Tally, Option<FacetFruit>), SearchError> {
    walk(searcher, query, facets, Sampler::new(searcher))
}

/// [`tally`] without the sample: every match counted one by one, however many (a listing whose
/// total pages are walked by offset must be exact).
pub fn tally_exact(
    searcher: &Searcher,
    query: &dyn Query,
    facets: Option<&FacetCounter>,
) -> Result<(u64, Option<FacetFruit>), SearchError> {
    let (tally, fruit) = walk(searcher, query, facets, Sampler::exact(searcher))?;
    Ok((tally.count, fruit))
}

fn walk(
    searcher: &Searcher,
    query: &dyn Query,
    facets: Option<&FacetCounter>,
    mut sampler: Sampler,
) -> Result<(Tally, Option<FacetFruit>), SearchError> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut fruits = Vec::new();
    for reader in searcher.segment_readers() {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut counter = facets.map(|f| f.for_segment(reader)).transpose()?;
        sampler.start_segment(reader.max_doc());
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            match sampler.visit(doc) {
                Visit::Count(weight) => {
                    if alive.is_none_or(|a| a.is_alive(doc)) {
                        sampler.count(weight);
                        if let Some(c) = counter.as_mut() {
                            c.add(doc, weight);
                        }
                    }
                    doc = scorer.advance();
                }
                Visit::SkipTo(next) if next < reader.max_doc() => doc = scorer.seek(next),
                Visit::SkipTo(_) => break,
            }
        }
        sampler.end_segment();
        fruits.extend(counter.map(|c| c.harvest(sampler.estimated())));
    }
    let fruit = facets.map(|f| f.merge(fruits));
    Ok((sampler.tally(), fruit))
}

/// Doc ids between two windows of [`probe`]: one window in 64.
const PROBE_STRIDE: DocId = 64 * WINDOW;

/// About how many documents `query` matches, from one window of [`WINDOW`] doc ids in 64 (a
/// few hundred seeks at a million entries, a fraction of a millisecond): enough to tell a result
/// of some thousands from one of a hundred thousand, which the words' document frequencies
/// cannot (区 + 服务机构 + 信 matches 8,000; 接口 + 服, 110,000).
pub fn probe(searcher: &Searcher, query: &dyn Query) -> Result<u64, SearchError> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut sampled = 0u64;
    for reader in searcher.segment_readers() {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            let start = doc - doc % PROBE_STRIDE;
            if doc < start + WINDOW {
                sampled += 1;
                doc = scorer.advance();
            } else {
                let next = u64::from(start) + u64::from(PROBE_STRIDE);
                if next >= u64::from(reader.max_doc()) {
                    break;
                }
                doc = scorer.seek(next as DocId);
            }
        }
    }
    Ok(sampled * u64::from(PROBE_STRIDE / WINDOW))
}

/// What a match visited by [`Sampler::visit`] counts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Visit {
    /// Count it, as this many documents.
    Count(u32),
    /// Outside the sample: the next doc id that may count (possibly past the segment).
    SkipTo(DocId),
}

/// The sampling rule, kept by any walk of a query's matches in doc-id order, segment after
/// segment: the walk that seeks past what it skips (`tally`) and the page pass that visits every
/// match anyway (`SampledFacets`). Whether to sample is decided when a window is left, so every
/// window is counted whole or not at all.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sampler {
    /// Doc ids in the whole index, and in the segments before the current one.
    all_docs: u64,
    docs_before: u64,
    /// Matches counted so far, each as its weight.
    counted: u64,
    /// 1 while counting one by one; then one window in `step` counts, each match as `step`.
    step: u32,
    /// The sample's windows in this segment are `grid`, `grid + step`, …
    grid: u32,
    max_doc: DocId,
    /// The window of the last match visited in this segment.
    window: Option<u32>,
    /// Never sample.
    exact: bool,
}

impl Sampler {
    /// A sampler that never samples: every match counts once.
    pub fn exact(searcher: &Searcher) -> Self {
        Sampler {
            exact: true,
            ..Self::new(searcher)
        }
    }

    pub fn new(searcher: &Searcher) -> Self {
        Sampler {
            all_docs: searcher
                .segment_readers()
                .iter()
                .map(|r| u64::from(r.max_doc()))
                .sum(),
            docs_before: 0,
            counted: 0,
            step: 1,
            grid: 0,
            max_doc: 0,
            window: None,
            exact: false,
        }
    }

    pub fn start_segment(&mut self, max_doc: DocId) {
        self.max_doc = max_doc;
        self.grid = 0;
        self.window = None;
    }

    /// What a match at `doc` (after the previous one visited) counts for.
    pub fn visit(&mut self, doc: DocId) -> Visit {
        let window = doc / WINDOW;
        if self.window.is_some_and(|w| w != window) {
            self.leave_window();
        }
        self.window = Some(window);
        if self.step > 1 {
            let off = (window - self.grid) % self.step;
            if off != 0 {
                let next = u64::from(window + self.step - off) * u64::from(WINDOW);
                return Visit::SkipTo(next.min(u64::from(DocId::MAX)) as DocId);
            }
        }
        Visit::Count(self.step)
    }

    /// A visited match was counted (it is alive), as `weight`.
    pub fn count(&mut self, weight: u32) {
        self.counted += u64::from(weight);
    }

    pub fn end_segment(&mut self) {
        self.leave_window();
        self.docs_before += u64::from(self.max_doc);
        self.window = None;
    }

    /// Whether anything was sampled rather than counted one by one.
    pub fn estimated(&self) -> bool {
        self.step > 1
    }

    pub fn tally(&self) -> Tally {
        Tally {
            count: self.counted,
            estimated: self.estimated(),
        }
    }

    /// The window of the last visit is done: past [`EXACT_MATCHES`], sample the rest if it looks
    /// to hold many more.
    fn leave_window(&mut self) {
        let Some(window) = self.window else { return };
        if self.exact || self.step > 1 || self.counted < EXACT_MATCHES {
            return;
        }
        let walked = self.docs_before + u64::from(window + 1) * u64::from(WINDOW);
        let left = self.all_docs.saturating_sub(walked);
        // Matches to come if the rest of the index is like what was walked.
        let expected = self.counted * left / walked.max(1);
        self.step = (expected / SAMPLE_MATCHES).clamp(1, u64::from(u32::MAX / WINDOW)) as u32;
        self.grid = window + 1;
    }
}

/// Facet counts taken by a pass that visits every match anyway (a multi-word query's page), by
/// the same rule as [`tally`]: the values of matches outside the sample are not read, so the
/// facets need no second walk and agree with what `tally` would count.
pub(crate) struct SampledFacets<'a> {
    counter: &'a FacetCounter,
    /// The rule's state between segments. Tantivy collects segments one after another (the
    /// searcher has no multi-threaded executor), each segment collector taking the state on
    /// and handing it back.
    sampler: Arc<Mutex<Sampler>>,
}

impl<'a> SampledFacets<'a> {
    pub fn new(searcher: &Searcher, counter: &'a FacetCounter) -> Self {
        SampledFacets {
            counter,
            sampler: Arc::new(Mutex::new(Sampler::new(searcher))),
        }
    }
}

pub(crate) struct SampledSegmentFacets {
    counter: FacetSegmentCounter,
    sampler: Sampler,
    shared: Arc<Mutex<Sampler>>,
}

impl Collector for SampledFacets<'_> {
    type Fruit = FacetFruit;
    type Child = SampledSegmentFacets;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SampledSegmentFacets> {
        let mut sampler = *self.sampler.lock().unwrap_or_else(PoisonError::into_inner);
        sampler.start_segment(reader.max_doc());
        Ok(SampledSegmentFacets {
            counter: self.counter.for_segment(reader)?,
            sampler,
            shared: self.sampler.clone(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        Ok(self.counter.merge(fruits))
    }
}

impl SegmentCollector for SampledSegmentFacets {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Visit::Count(weight) = self.sampler.visit(doc) {
            self.sampler.count(weight);
            self.counter.add(doc, weight);
        }
    }

    fn harvest(mut self) -> FacetFruit {
        self.sampler.end_segment();
        *self.shared.lock().unwrap_or_else(PoisonError::into_inner) = self.sampler;
        self.counter.harvest(self.sampler.estimated())
    }
}
