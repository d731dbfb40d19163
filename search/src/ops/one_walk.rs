//! A small result of several words, ranked and counted in one walk: every match is counted (and
//! its facets), only those that may reach the page are scored (see [`EveryMatch`]).

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{Searcher, SegmentOrdinal};

use crate::count::facets::FacetFruit;
use crate::count::sampler::SampledFacets;
use crate::cursor::{Page, PageCollector};
use crate::ops::conjunction::AllWords;

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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query};
    use tantivy::schema::{FAST, Facet, FacetOptions, STRING, Schema, TEXT};
    use tantivy::{DocAddress, Index, IndexWriter, Score, TantivyDocument, Term};

    use super::*;
    use crate::count::facets::FacetCounter;
    use crate::count::tally::tally_exact;
    use crate::cursor::{SortMode, id_hash};
    use crate::model::FacetName;
    use crate::ops::conjunction::{Alternative, Word};
    use crate::terms::term_query;

    const VOCABULARY: [&str; 5] = ["x", "y", "z", "w", "v"];
    /// Below this many matches facets are counted one by one (and so compare as equal).
    const EXACT: usize = crate::count::sampler::EXACT_MATCHES as usize;

    /// The one walk's count, page and facets are tantivy's `Count`, `TopDocs` and facet counts
    /// over the same words as a plain boolean query (every word a union of its alternatives, the
    /// bonus optional), on every page size, past a cursor, with deleted documents.
    #[test]
    fn page_count_and_facets_equal_top_docs_and_count() {
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING);
        let title = b.add_text_field("title", TEXT);
        let body = b.add_text_field("body", TEXT);
        // Title and body together: a word's cover.
        let all = b.add_text_field("all", TEXT);
        let tiebreak = b.add_u64_field("tiebreak", FAST);
        let updated = b.add_i64_field("updated_at", FAST);
        let provider = b.add_facet_field(FacetName::Provider.as_str(), FacetOptions::default());
        let index = Index::create_in_ram(b.build());
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut seed: u64 = 3;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        for i in 0..6_000u64 {
            let mut text = |len: u64| {
                (0..1 + next(len))
                    .map(|_| VOCABULARY[next(5) as usize])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let (t, bd) = (text(4), text(12));
            let mut d = TantivyDocument::new();
            d.add_text(id, i.to_string());
            d.add_text(title, &t);
            d.add_text(body, &bd);
            d.add_text(all, &t);
            d.add_text(all, &bd);
            d.add_u64(tiebreak, id_hash(&i.to_string()));
            d.add_i64(updated, i as i64);
            d.add_facet(provider, Facet::from_path([format!("p{}", i % 3)]));
            writer.add_document(d).unwrap();
            if i % 3_000 == 2_999 {
                writer.commit().unwrap();
            }
        }
        for i in (0..6_000u64).step_by(7) {
            writer.delete_term(Term::from_field_text(id, &i.to_string()));
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();

        let phrase = |a: &str, z: &str| -> Box<dyn Query> {
            Box::new(PhraseQuery::new(vec![
                Term::from_field_text(title, a),
                Term::from_field_text(title, z),
            ]))
        };
        let x = vec![
            Alternative::new(term_query(all, "x"), 1.0),
            Alternative::new(term_query(title, "x"), 3.0),
        ];
        let y = vec![
            Alternative::new(term_query(title, "y"), 3.0),
            Alternative::new(term_query(body, "y"), 1.0),
        ];
        let bonus = vec![Alternative::new(phrase("x", "y"), 6.0)];
        let words = AllWords::new(
            vec![Word::covered(x.clone()), Word::any(y.clone())],
            bonus.clone(),
        );
        // The same words in tantivy's own pieces.
        let union = |alternatives: &[Alternative]| -> Box<dyn Query> {
            Box::new(BooleanQuery::union(
                alternatives
                    .iter()
                    .map(|a| {
                        Box::new(BoostQuery::new(a.query.box_clone(), a.boost)) as Box<dyn Query>
                    })
                    .collect(),
            ))
        };
        let plain = BooleanQuery::new(vec![
            (Occur::Must, union(&x)),
            (Occur::Must, union(&y)),
            (Occur::Should, union(&bonus)),
        ]);

        let counter = FacetCounter::of(vec![FacetName::Provider]);
        let total = searcher.search(&plain, &Count).unwrap();
        assert!((1_000..EXACT).contains(&total), "{total}");
        let (_, exact_facets) = tally_exact(&searcher, &plain, Some(&counter)).unwrap();
        for k in [1, 10, 11, 100] {
            let mut after = None;
            let mut theirs_seen = 0;
            for _page in 0..2 {
                let collector = PageCollector {
                    mode: SortMode::Score,
                    limit: k,
                    after,
                };
                let facets = SampledFacets::new(&searcher, &counter);
                let (count, ours, fruit) =
                    rank_and_count(&searcher, &words, &collector, Some(&facets)).unwrap();
                assert_eq!(count, total, "k = {k}");
                assert_eq!(fruit.unwrap().counts, exact_facets.clone().unwrap().counts);
                // The plain query's page past the same cursor, every match scored.
                let theirs = searcher
                    .search(
                        &plain,
                        &TopDocs::with_limit(theirs_seen + k).order_by_score(),
                    )
                    .unwrap()
                    .split_off(theirs_seen);
                theirs_seen += k;
                assert_eq!(ours.len(), k);
                // The same scores (but for the rounding of summing in another order)…
                for ((_, a, _), (b, _)) in ours.iter().zip(&theirs) {
                    assert!((a - b).abs() <= b.abs() * 1e-5, "k = {k}: {a} vs {b}");
                }
                // …and the same documents, but for those tied with the page's edges.
                let (first, last) = (theirs[0].0, theirs[k - 1].0);
                let inside = |s: Score| s > last * 1.0001 && s < first * 0.9999;
                let sure_ours: BTreeSet<DocAddress> = ours
                    .iter()
                    .filter(|(_, s, _)| inside(*s))
                    .map(|(_, _, d)| *d)
                    .collect();
                let sure_theirs: BTreeSet<DocAddress> = theirs
                    .iter()
                    .filter(|(s, _)| inside(*s))
                    .map(|(_, d)| *d)
                    .collect();
                assert_eq!(sure_ours, sure_theirs, "k = {k}");
                after = Some(ours[k - 1].0);
            }
        }
    }
}
