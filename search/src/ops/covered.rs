//! "Any of these alternatives" where the first matches every document any of them matches: the
//! combined `text` field holds a document's title, tags and body, so a word's spelling there is
//! found wherever its spelling in the title or tags is. Such a word is walked (advanced, sought,
//! counted) through that one postings list; the others are sought only to score a match. A union
//! of five alternatives cost five seeks per candidate where this costs one.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use crate::ops::seek::move_to;
use crate::ops::union::{matching_explanations, matching_scorers, sum_explanation};

/// Matches what `cover` matches; scores the sum of `cover` and the `extras` matching there, in
/// that order (the order [`crate::ops::union::AnyOf`] sums the same alternatives in).
#[derive(Debug)]
pub struct Covered {
    cover: Box<dyn Query>,
    extras: Vec<Box<dyn Query>>,
}

impl Covered {
    pub fn new(cover: Box<dyn Query>, extras: Vec<Box<dyn Query>>) -> Self {
        Covered { cover, extras }
    }
}

impl Clone for Covered {
    fn clone(&self) -> Self {
        Covered {
            cover: self.cover.box_clone(),
            extras: self.extras.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

impl Query for Covered {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(CoveredWeight {
            cover: self.cover.weight(enable_scoring)?,
            extras: self
                .extras
                .iter()
                .map(|q| q.weight(enable_scoring))
                .collect::<tantivy::Result<_>>()?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.cover.query_terms(visitor);
        for q in &self.extras {
            q.query_terms(visitor);
        }
    }
}

struct CoveredWeight {
    cover: Box<dyn Weight>,
    extras: Vec<Box<dyn Weight>>,
}

impl Weight for CoveredWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(CoveredScorer {
            cover: self.cover.scorer(reader, boost)?,
            extras: matching_scorers(&self.extras, reader, boost)?,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut parts = vec![self.cover.explain(reader, doc)?];
        parts.extend(matching_explanations(&self.extras, reader, doc));
        Ok(sum_explanation(
            "any of (the first covering the rest)",
            parts,
        ))
    }
}

struct CoveredScorer {
    cover: Box<dyn Scorer>,
    extras: Vec<Box<dyn Scorer>>,
}

impl DocSet for CoveredScorer {
    fn advance(&mut self) -> DocId {
        self.cover.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.cover.seek(target)
    }

    fn doc(&self) -> DocId {
        self.cover.doc()
    }

    fn size_hint(&self) -> u32 {
        self.cover.size_hint()
    }

    fn cost(&self) -> u64 {
        self.cover.cost()
    }
}

impl Scorer for CoveredScorer {
    fn score(&mut self) -> Score {
        let doc = self.cover.doc();
        let mut score = self.cover.score();
        for e in &mut self.extras {
            if move_to(e.as_mut(), doc) == doc {
                score += e.score();
            }
        }
        score
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, doc};

    use super::*;
    use crate::ops::union::AnyOf;

    /// Where the cover holds everything the others match, the covered query finds and scores
    /// what the plain union does.
    #[test]
    fn matches_and_scores_as_the_union() {
        let mut b = Schema::builder();
        let title = b.add_text_field("title", TEXT);
        let text = b.add_text_field("text", TEXT);
        let index = Index::create_in_ram(b.build());
        let mut w: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        for i in 0..3_000u32 {
            let t = if i % 7 == 0 { "x y" } else { "y" };
            let body = if i % 3 == 0 { "x z z" } else { "z" };
            // The text field holds the title too.
            w.add_document(doc!(title => t, text => t, text => body))
                .unwrap();
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = crate::terms::term_query;
        let covered = Covered::new(term(text, "x"), vec![term(title, "x")]);
        let union = AnyOf::new(vec![term(text, "x"), term(title, "x")]);
        let count = |q: &dyn Query| searcher.search(q, &Count).unwrap();
        assert_eq!(count(&covered), count(&union));
        assert!(count(&covered) > 1_000);
        let top = |q: &dyn Query| {
            searcher
                .search(q, &TopDocs::with_limit(50).order_by_score())
                .unwrap()
        };
        assert_eq!(top(&covered), top(&union));
    }
}
