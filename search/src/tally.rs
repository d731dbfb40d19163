//! How many documents a query matches, and which facet values they hold, without walking every
//! match of a large result. Matches are counted one by one up to [`EXACT_MATCHES`]; past that,
//! if the rest of the index looks to hold many more, only a systematic sample of short doc-id
//! windows is walked (one window in `step`, each match standing for `step`), sized for about
//! [`SAMPLE_MATCHES`] more. A one-character query matching 700,000 of a million entries then
//! reads ~15,000 of them, not all. (As search engines do: "about 720,000 results".)

use tantivy::query::{EnableScoring, Query};
use tantivy::{DocId, DocSet, Searcher, TERMINATED};

use crate::SearchError;
use crate::facets::{FacetCounter, FacetFruit};

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
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let all_docs: u64 = searcher
        .segment_readers()
        .iter()
        .map(|r| u64::from(r.max_doc()))
        .sum();
    let mut count = 0u64;
    // 1 while counting one by one; then one window in `step` is walked.
    let mut step = 1u64;
    let mut docs_before = 0u64;
    let mut fruits = Vec::new();
    for reader in searcher.segment_readers() {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut counter = facets.map(|f| f.for_segment(reader)).transpose()?;
        let mut doc = scorer.doc();
        // The sample's windows are `grid`, `grid + step`, … of this segment.
        let mut grid = 0u64;
        while doc != TERMINATED {
            let window = u64::from(doc / WINDOW);
            if step > 1 {
                let off = (window - grid) % step;
                if off != 0 {
                    let next = (window + step - off) * u64::from(WINDOW);
                    if next >= u64::from(reader.max_doc()) {
                        break;
                    }
                    doc = scorer.seek(next as DocId);
                    continue;
                }
            }
            if alive.is_none_or(|a| a.is_alive(doc)) {
                count += step;
                if let Some(c) = counter.as_mut() {
                    c.add(doc, step as u32);
                }
            }
            doc = scorer.advance();
            // Decide on sampling at a window's end, so every window is counted whole or not.
            let window_done = doc == TERMINATED || u64::from(doc / WINDOW) != window;
            if step == 1 && count >= EXACT_MATCHES && window_done {
                let walked = docs_before + (window + 1) * u64::from(WINDOW);
                let left = all_docs.saturating_sub(walked);
                // Matches to come if the rest of the index is like what was walked.
                let expected = count * left / walked.max(1);
                step = (expected / SAMPLE_MATCHES).max(1);
                grid = window + 1;
            }
        }
        docs_before += u64::from(reader.max_doc());
        fruits.extend(counter.map(|c| c.harvest(step > 1)));
    }
    let estimated = step > 1;
    let fruit = facets.map(|f| f.merge(fruits));
    Ok((Tally { count, estimated }, fruit))
}
