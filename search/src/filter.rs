//! A filter on a set of indexed terms (visibility, kinds, facet values) that knows when it filters
//! nothing: in a segment where one of its terms is on every document, it hands tantivy an
//! `AllScorer`, which a boolean query drops from its intersection. Anonymous searches of a
//! mostly public index then walk the text matches alone instead of seeking the `public` postings
//! (a million entries) for each of them.

use crate::union::AnyOf;
use tantivy::query::{
    AllScorer, ConstScoreQuery, EnableScoring, Explanation, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, Searcher, SegmentReader, Term};

/// Matches documents holding any of `terms` (all on one field); scores nothing.
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
