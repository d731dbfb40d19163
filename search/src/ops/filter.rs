//! A filter on a set of indexed terms (visibility, kinds, facet values) that knows when it filters
//! nothing: in a segment where one of its terms is on every document, it hands tantivy an
//! `AllScorer`, which a boolean query drops from its intersection. Anonymous searches of a
//! mostly public index then walk the text matches alone instead of seeking the `public` postings
//! (a million entries) for each of them.

use tantivy::query::{
    AllScorer, ConstScoreQuery, EnableScoring, Explanation, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, Searcher, SegmentReader, Term};

use crate::ops::union::AnyOf;

/// Matches documents holding any of `terms` (all on one field); adds nothing to the score of an
/// intersection it is part of.
#[derive(Debug, Clone)]
pub struct TermsFilter {
    terms: Vec<Term>,
}

impl TermsFilter {
    pub fn new(terms: Vec<Term>) -> Self {
        TermsFilter { terms }
    }

    /// Whether the filter holds for every document of every segment (and so filters nothing).
    pub fn covers_every_segment(&self, searcher: &Searcher) -> bool {
        searcher
            .segment_readers()
            .iter()
            .all(|r| covers_segment(&self.terms, r).unwrap_or(false))
    }

    fn as_const_query(&self) -> ConstScoreQuery {
        let any = AnyOf::new(
            self.terms
                .iter()
                .map(|t| {
                    Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic)) as Box<dyn Query>
                })
                .collect(),
        );
        ConstScoreQuery::new(Box::new(any), 0.0)
    }
}

impl Query for TermsFilter {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(TermsFilterWeight {
            terms: self.terms.clone(),
            inner: self.as_const_query().weight(enable_scoring)?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for t in &self.terms {
            visitor(t, false);
        }
    }
}

struct TermsFilterWeight {
    terms: Vec<Term>,
    inner: Box<dyn Weight>,
}

/// Whether one of `terms` is on every document of the segment (deleted ones included, as
/// postings are).
fn covers_segment(terms: &[Term], reader: &SegmentReader) -> tantivy::Result<bool> {
    let max_doc = reader.max_doc();
    for term in terms {
        let inverted = reader.inverted_index(term.field())?;
        if let Some(info) = inverted.get_term_info(term)?
            && info.doc_freq == max_doc
        {
            return Ok(true);
        }
    }
    Ok(false)
}

impl Weight for TermsFilterWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if reader.max_doc() > 0 && covers_segment(&self.terms, reader)? {
            return Ok(Box::new(AllScorer::new(reader.max_doc())));
        }
        self.inner.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use tantivy::collector::{Count, DocSetCollector, TopDocs};
    use tantivy::query::{AllQuery, BooleanQuery, EnableScoring, Occur};
    use tantivy::schema::{Field, STRING, Schema};
    use tantivy::{DocAddress, Index, IndexWriter, TantivyDocument};

    use super::*;

    /// Two segments: in the first every document is public (a few deleted); in the second,
    /// documents are public, an organization's, both, another's or nobody's. Every document is
    /// of one kind, and holds word x or y.
    fn index() -> (Searcher, Field, Field, Field) {
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING);
        let visible = b.add_text_field("visible_to", STRING);
        let word = b.add_text_field("w", STRING);
        let kind = b.add_text_field("kind", STRING);
        let index = Index::create_in_ram(b.build());
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        let add = |writer: &mut IndexWriter<TantivyDocument>, i: u32, to: &[&str]| {
            let mut d = TantivyDocument::new();
            d.add_text(id, i.to_string());
            d.add_text(word, if i.is_multiple_of(3) { "x" } else { "y" });
            d.add_text(kind, "resource");
            for v in to {
                d.add_text(visible, v);
            }
            writer.add_document(d).unwrap();
        };
        for i in 0..500 {
            add(&mut writer, i, &["public"]);
        }
        writer.commit().unwrap();
        let kinds: [&[&str]; 5] = [
            &["public"],
            &["org:a"],
            &["public", "org:a"],
            &["org:b"],
            &[],
        ];
        for i in 500..1_500 {
            add(&mut writer, i, kinds[i as usize % 5]);
        }
        for i in (0..500).step_by(9) {
            writer.delete_term(Term::from_field_text(id, &i.to_string()));
        }
        writer.commit().unwrap();
        (index.reader().unwrap().searcher(), visible, word, kind)
    }

    fn terms(field: Field, values: &[&str]) -> Vec<Term> {
        values
            .iter()
            .map(|v| Term::from_field_text(field, v))
            .collect()
    }

    /// tantivy's union of the same terms.
    fn union(terms: &[Term]) -> BooleanQuery {
        BooleanQuery::union(
            terms
                .iter()
                .map(|t| {
                    Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic)) as Box<dyn Query>
                })
                .collect(),
        )
    }

    fn docs(searcher: &Searcher, query: &dyn Query) -> HashSet<DocAddress> {
        searcher.search(query, &DocSetCollector).unwrap()
    }

    /// The filter matches exactly the live documents holding one of its terms, alone and inside
    /// an intersection, whether it hands tantivy an `AllScorer` (the all-public segment) or not;
    /// in an intersection it adds nothing to a score.
    #[test]
    fn matches_exactly_the_documents_holding_one_of_its_terms() {
        let (searcher, visible, word, _) = index();
        assert_eq!(searcher.segment_readers().len(), 2);
        for values in [
            &["public"][..],
            &["public", "org:a"],
            &["org:a"],
            &["org:b", "nobody"],
            &["nobody"],
        ] {
            let terms = terms(visible, values);
            let filter = TermsFilter::new(terms.clone());
            let plain = union(&terms);
            assert_eq!(
                docs(&searcher, &filter),
                docs(&searcher, &plain),
                "{values:?}"
            );
            assert_eq!(
                searcher.search(&filter, &Count).unwrap(),
                searcher.search(&plain, &Count).unwrap()
            );
            let within = |q: Box<dyn Query>| {
                BooleanQuery::new(vec![
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(
                            Term::from_field_text(word, "x"),
                            IndexRecordOption::WithFreqs,
                        )),
                    ),
                    (Occur::Must, q),
                ])
            };
            let (ours, theirs) = (
                within(Box::new(filter.clone())),
                within(Box::new(plain.clone())),
            );
            assert_eq!(
                docs(&searcher, &ours),
                docs(&searcher, &theirs),
                "{values:?}"
            );
            // Each match scores what the word alone scores there.
            let top = || TopDocs::with_limit(2_000).order_by_score();
            let word_alone = searcher
                .search(&within(Box::new(AllQuery)), &top())
                .unwrap();
            let word_alone: HashMap<DocAddress, Score> =
                word_alone.into_iter().map(|(s, d)| (d, s)).collect();
            for (score, doc) in searcher.search(&ours, &top()).unwrap() {
                assert_eq!(score, word_alone[&doc], "{values:?}");
            }
        }
    }

    /// Where one of its terms is on every document the filter is an `AllScorer` (which an
    /// intersection drops), elsewhere not; it covers every segment only where it does so in each.
    #[test]
    fn it_knows_where_it_filters_nothing() {
        let (searcher, visible, word, kind) = index();
        let public = TermsFilter::new(terms(visible, &["public"]));
        let weight = public
            .weight(EnableScoring::disabled_from_searcher(&searcher))
            .unwrap();
        // The first segment's 500 documents are all public; the second's are not.
        let all_scorer = |max_doc: u32| {
            let reader = searcher
                .segment_readers()
                .iter()
                .find(|r| r.max_doc() == max_doc)
                .unwrap();
            let scorer = weight.scorer(reader, 1.0).unwrap();
            scorer.downcast_ref::<AllScorer>().is_some()
        };
        assert!(all_scorer(500));
        assert!(!all_scorer(1_000));
        assert!(!public.covers_every_segment(&searcher));
        let everyone = TermsFilter::new(terms(visible, &["public", "org:a", "org:b"]));
        assert!(
            !everyone.covers_every_segment(&searcher),
            "some are nobody's"
        );
        let any_word = TermsFilter::new(terms(word, &["x", "y"]));
        assert!(
            !any_word.covers_every_segment(&searcher),
            "no one term is on all"
        );
        let resources = TermsFilter::new(terms(kind, &["resource", "product"]));
        assert!(resources.covers_every_segment(&searcher));
    }
}
