//! How many documents a query matches, and which facet values they hold, without walking every
//! match of a large result: one unscored walk that counts by the sampling rule of
//! [`super::sampler`] and seeks past the windows it leaves out. A one-character query matching
//! 700,000 of a million entries then reads ~15,000 of them, not all. (As search engines do: "about
//! 720,000 results".) [`probe`] guesses the size of a result from a much smaller sample, before
//! any walk.

use tantivy::query::{EnableScoring, Query};
use tantivy::{DocId, DocSet, Searcher, TERMINATED};

use crate::SearchError;
use crate::count::facets::{FacetCounter, FacetFruit};
use crate::count::sampler::{Sampler, Tally, Visit, WINDOW};

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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use tantivy::collector::Count;
    use tantivy::query::TermQuery;
    use tantivy::schema::{Facet, FacetOptions, IndexRecordOption, STRING, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument, Term};

    use super::*;
    use crate::count::sampler::EXACT_MATCHES;
    use crate::model::FacetName;

    /// A pseudo-random stream (an LCG): `next(n)` is in `0..n`.
    fn stream(seed: u64) -> impl FnMut(u64) -> u64 {
        let mut state = seed;
        move |n| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        }
    }

    /// `docs` documents in `segments` segments: word `x` on about `x_in_100` in a hundred, `y` on
    /// one in fifty, a provider of four; every `delete_every`th document deleted at the end.
    /// Returns the searcher and, per document, (has x, has y, provider, alive).
    fn index(
        docs: u32,
        segments: u32,
        x_in_100: u64,
        delete_every: Option<u32>,
    ) -> (Searcher, Vec<(bool, bool, String, bool)>) {
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING);
        let word = b.add_text_field("w", STRING);
        let provider = b.add_facet_field(FacetName::Provider.as_str(), FacetOptions::default());
        let index = Index::create_in_ram(b.build());
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 50_000_000).unwrap();
        let mut next = stream(11);
        let mut truth = Vec::new();
        for i in 0..docs {
            let (x, y) = (next(100) < x_in_100, next(50) == 0);
            let p = format!("p{}", next(4));
            let mut d = TantivyDocument::new();
            d.add_text(id, i.to_string());
            if x {
                d.add_text(word, "x");
            }
            if y {
                d.add_text(word, "y");
            }
            d.add_facet(provider, Facet::from_path([p.as_str()]));
            writer.add_document(d).unwrap();
            let alive = delete_every.is_none_or(|every| i % every != 0);
            truth.push((x, y, p, alive));
            if (i + 1) % docs.div_ceil(segments) == 0 {
                writer.commit().unwrap();
            }
        }
        for (i, _) in truth.iter().enumerate().filter(|(_, t)| !t.3) {
            writer.delete_term(Term::from_field_text(id, &i.to_string()));
        }
        writer.commit().unwrap();
        (index.reader().unwrap().searcher(), truth)
    }

    fn term(searcher: &Searcher, text: &str) -> TermQuery {
        let field = searcher.schema().get_field("w").unwrap();
        TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic)
    }

    /// Below the sampling threshold the count is tantivy's `Count` (deleted documents left out,
    /// across segments), not flagged as estimated, and the facets are the matches' exact values.
    #[test]
    fn a_count_below_the_threshold_is_tantivys_count() {
        let (searcher, truth) = index(9_000, 3, 75, Some(7));
        assert_eq!(searcher.segment_readers().len(), 3);
        let counter = FacetCounter::of(vec![FacetName::Provider]);
        for (word, has) in [("x", 0), ("y", 1), ("missing", 2)] {
            let query = term(&searcher, word);
            let (tally, fruit) = tally(&searcher, &query, Some(&counter)).unwrap();
            let count = searcher.search(&query, &Count).unwrap() as u64;
            assert!(count < EXACT_MATCHES);
            assert_eq!(tally, Tally::exact(count), "{word}");
            let matching = truth.iter().filter(|t| {
                t.3 && match has {
                    0 => t.0,
                    1 => t.1,
                    _ => false,
                }
            });
            let mut exact: HashMap<String, u64> = HashMap::new();
            for t in matching {
                *exact.entry(t.2.clone()).or_default() += 1;
            }
            let fruit = fruit.unwrap();
            assert!(!fruit.estimated);
            assert_eq!(fruit.counts, vec![exact], "{word}");
            assert_eq!(tally_exact(&searcher, &query, None).unwrap().0, count);
        }
        assert!(
            tally(&searcher, &term(&searcher, "x"), None)
                .unwrap()
                .0
                .count
                > 5_000
        );
    }

    /// Past the threshold, with many more matches to come, the count is sampled: flagged as an
    /// estimate, close to the exact count (and so are its facets), while `tally_exact` still
    /// counts every match. A probe guesses the size within a quarter.
    #[test]
    fn a_large_count_is_a_flagged_close_estimate() {
        let (searcher, truth) = index(48_000, 2, 75, None);
        let query = term(&searcher, "x");
        let exact = searcher.search(&query, &Count).unwrap() as u64;
        assert!(exact > 3 * EXACT_MATCHES, "{exact}");
        let counter = FacetCounter::of(vec![FacetName::Provider]);
        let (about, fruit) = tally(&searcher, &query, Some(&counter)).unwrap();
        assert!(about.estimated);
        // About 10,000 counted one by one and ~5,000 sampled in windows of 32: a relative
        // standard error near 1 %; six points leave room for chance, not for a wrong scale.
        let off = |estimate: u64, exact: u64| (estimate as f64 - exact as f64).abs() / exact as f64;
        assert!(off(about.count, exact) < 0.06, "{} vs {exact}", about.count);
        let fruit = fruit.unwrap();
        assert!(fruit.estimated);
        for (provider, estimate) in &fruit.counts[0] {
            let exact = truth.iter().filter(|t| t.0 && &t.2 == provider).count() as u64;
            assert!(
                off(*estimate, exact) < 0.12,
                "{provider}: {estimate} vs {exact}"
            );
        }
        assert_eq!(fruit.counts[0].len(), 4);

        assert_eq!(tally_exact(&searcher, &query, None).unwrap().0, exact);
        let guess = probe(&searcher, &query).unwrap();
        assert!(off(guess, exact) < 0.25, "probe {guess} vs {exact}");
        // And tells a result of a thousand from one of thirty thousand.
        let rare = term(&searcher, "y");
        assert!(searcher.search(&rare, &Count).unwrap() < 1_200);
        assert!(probe(&searcher, &rare).unwrap() < 3_000);
    }
}
