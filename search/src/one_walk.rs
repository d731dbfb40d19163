//! A small result of several words, ranked and counted in one walk: every match is counted (and
//! its facets), only those that may reach the page are scored (see [`EveryMatch`]).

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, Score, Searcher, SegmentOrdinal};

use crate::conjunction::AllWords;
use crate::cursor::{PageCollector, SortKey};
use crate::facets::FacetFruit;
use crate::tally::SampledFacets;

type Page = Vec<(SortKey, Score, DocAddress)>;

/// The number of matches, the page, and the facets of the matches (sampled as `tally` samples).
pub fn rank_and_count(
    searcher: &Searcher,
    all: &AllWords,
    page: &PageCollector,
    facets: Option<&SampledFacets>,
) -> tantivy::Result<(usize, Page, Option<FacetFruit>)> {
    let walk = all.every_match(searcher)?;
    let mut count = 0;
    let (mut pages, mut facet_fruits) = (Vec::new(), Vec::new());
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let ord = ord as SegmentOrdinal;
        let mut on_page = page.for_segment(ord, reader)?;
        let mut on_facets = facets.map(|f| f.for_segment(ord, reader)).transpose()?;
        let alive = reader.alive_bitset();
        let is_alive = |doc| alive.is_none_or(|a| a.is_alive(doc));
        walk.walk(
            reader,
            &mut |doc| {
                if is_alive(doc) {
                    count += 1;
                    if let Some(f) = on_facets.as_mut() {
                        f.collect(doc, 0.0);
                    }
                }
            },
            &mut |doc, score| {
                if is_alive(doc) {
                    on_page.collect(doc, score);
                }
                on_page.score_threshold()
            },
        )?;
        pages.push(on_page.harvest());
        facet_fruits.extend(on_facets.map(SegmentCollector::harvest));
    }
    let facets = facets.map(|f| f.merge_fruits(facet_fruits)).transpose()?;
    Ok((count, page.merge_fruits(pages)?, facets))
}
