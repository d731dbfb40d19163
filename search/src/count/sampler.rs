//! The sampling rule every count of a search's matches keeps. Matches are counted one by one up
//! to [`EXACT_MATCHES`]; past that, if the rest of the index looks to hold many more, only a
//! systematic sample of short doc-id windows counts (one window in `step`, each match standing
//! for `step`), sized for about [`SAMPLE_MATCHES`] more. [`super::tally`] keeps it while seeking
//! past what it leaves out; [`SampledFacets`] keeps it in a page pass that visits every match
//! anyway, so both count the very same windows.

use std::sync::{Arc, Mutex, PoisonError};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::count::facets::{FacetCounter, FacetFruit, FacetSegmentCounter};

/// Matches counted one by one before any are estimated.
pub const EXACT_MATCHES: u64 = 10_000;
/// About how many matches the sample past [`EXACT_MATCHES`] walks.
const SAMPLE_MATCHES: u64 = 5_000;
/// Doc ids per sampled window: short, so the sample is spread over many places of the index
/// (documents that arrived together sit together and share a provider), and the seek from one
/// window to the next costs less than the matches it skips.
pub(crate) const WINDOW: DocId = 32;

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
/// the same rule as [`super::tally::tally`]: the values of matches outside the sample are not
/// read, so the facets need no second walk and agree with what `tally` would count.
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
