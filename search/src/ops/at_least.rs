//! "At least `required` of these words", scored as the sum of the words that match: the relaxed
//! query, run when a query of several words finds nothing with all of them.
//!
//! tantivy's minimum-should-match scorer walks every word's postings through one heap. A
//! department's name holds words as common as 和 or 局 (half the index), so 合江县住房和城乡规划建设局
//! walked over a million postings for 859 matches (8 ms at a million entries). But a document
//! that matches none of the `n − required + 1` rarest words matches at most `required − 1`:
//! those rarest words alone propose candidates, and the common ones are only sought.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use crate::ops::union::{matching_explanations, matching_scorers, sum_explanation};

/// Matches what at least `required` of `words` match.
#[derive(Debug)]
pub struct AtLeast {
    words: Vec<Box<dyn Query>>,
    required: usize,
}

impl AtLeast {
    pub fn new(words: Vec<Box<dyn Query>>, required: usize) -> Self {
        AtLeast {
            words,
            required: required.max(1),
        }
    }
}

impl Clone for AtLeast {
    fn clone(&self) -> Self {
        AtLeast {
            words: self.words.iter().map(|q| q.box_clone()).collect(),
            required: self.required,
        }
    }
}

impl Query for AtLeast {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let words = self
            .words
            .iter()
            .map(|q| q.weight(enable_scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(AtLeastWeight {
            words,
            required: self.required,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for q in &self.words {
            q.query_terms(visitor);
        }
    }
}

struct AtLeastWeight {
    words: Vec<Box<dyn Weight>>,
    required: usize,
}

impl Weight for AtLeastWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut words = matching_scorers(&self.words, reader, boost)?;
        if words.len() < self.required {
            return Ok(Box::new(EmptyScorer));
        }
        words.sort_by_key(|s| s.cost());
        Ok(Box::new(AtLeastScorer::new(words, self.required)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let parts = matching_explanations(&self.words, reader, doc);
        if parts.len() < self.required {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} matches {} of the {} words required",
                parts.len(),
                self.required
            )));
        }
        Ok(sum_explanation("at least the required words of", parts))
    }
}

/// `words` cheapest first: the first `lead` propose candidates, the rest are sought to them.
struct AtLeastScorer {
    words: Vec<Box<dyn Scorer>>,
    lead: usize,
    required: usize,
    doc: DocId,
}

impl AtLeastScorer {
    fn new(words: Vec<Box<dyn Scorer>>, required: usize) -> Self {
        let lead = words.len() + 1 - required;
        let mut scorer = AtLeastScorer {
            words,
            lead,
            required,
            doc: 0,
        };
        scorer.settle();
        scorer
    }

    /// The first document, from the leads' current ones on, that enough words match.
    fn settle(&mut self) -> DocId {
        loop {
            let candidate = self.words[..self.lead]
                .iter()
                .map(|s| s.doc())
                .min()
                .unwrap_or(TERMINATED);
            if candidate == TERMINATED {
                self.doc = TERMINATED;
                return TERMINATED;
            }
            let mut matched = self.words[..self.lead]
                .iter()
                .filter(|s| s.doc() == candidate)
                .count();
            let mut unsought = self.words.len() - self.lead;
            for s in &mut self.words[self.lead..] {
                if matched >= self.required || matched + unsought < self.required {
                    break;
                }
                unsought -= 1;
                if s.doc() < candidate {
                    s.seek(candidate);
                }
                matched += usize::from(s.doc() == candidate);
            }
            if matched >= self.required {
                self.doc = candidate;
                return candidate;
            }
            self.advance_leads_on(candidate);
        }
    }

    fn advance_leads_on(&mut self, doc: DocId) {
        for s in &mut self.words[..self.lead] {
            if s.doc() == doc {
                s.advance();
            }
        }
    }
}

impl DocSet for AtLeastScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.advance_leads_on(self.doc);
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for s in &mut self.words[..self.lead] {
            if s.doc() < target {
                s.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.words[..self.lead]
            .iter()
            .map(|s| s.size_hint())
            .max()
            .unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.words[..self.lead].iter().map(|s| s.cost()).sum()
    }
}

impl Scorer for AtLeastScorer {
    /// Every word on the document counts, the sought ones included (positioned here first).
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut score = 0.0;
        for s in &mut self.words {
            if s.doc() < doc {
                s.seek(doc);
            }
            if s.doc() == doc {
                score += s.score();
            }
        }
        score
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur};
    use tantivy::schema::{STRING, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument, doc};

    use super::*;

    /// Documents of words a–e, a rare and e in almost every one; every way of requiring k of
    /// them must match and score as tantivy's minimum-should-match query.
    #[test]
    fn matches_and_scores_as_minimum_should_match() {
        let mut b = Schema::builder();
        let field = b.add_text_field("w", STRING);
        let index = Index::create_in_ram(b.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        for i in 0u32..3_000 {
            let mut d = TantivyDocument::new();
            for (word, every) in [("a", 97), ("b", 13), ("c", 5), ("d", 3), ("e", 1)] {
                // Spread differently per word, e skipped now and then.
                if (i * 7 + word.len() as u32).is_multiple_of(every)
                    && !(word == "e" && i % 11 == 0)
                {
                    d.add_text(field, word);
                    if i % 4 == 0 {
                        d.add_text(field, word);
                    }
                }
            }
            writer.add_document(d).unwrap();
        }
        writer.add_document(doc!(field => "z")).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let word = |w: &str| crate::terms::term_query(field, w);
        let words = ["a", "b", "c", "d", "e", "q"];
        for required in 1..=words.len() {
            let ours = AtLeast::new(words.iter().map(|w| word(w)).collect(), required);
            let theirs = BooleanQuery::with_minimum_required_clauses(
                words.iter().map(|w| (Occur::Should, word(w))).collect(),
                required,
            );
            let top = || TopDocs::with_limit(4_000).order_by_score();
            let (ours_n, ours_top) = searcher.search(&ours, &(Count, top())).unwrap();
            let (theirs_n, theirs_top) = searcher.search(&theirs, &(Count, top())).unwrap();
            assert_eq!(ours_n, theirs_n, "{required} required");
            assert_eq!(ours_top.len(), theirs_top.len());
            for &(score, addr) in ours_top.iter().take(5) {
                let explained = ours.explain(&searcher, addr).unwrap().value();
                assert!(
                    (explained - score).abs() < 1e-4,
                    "{required}: {explained} vs {score}"
                );
            }
            let by_doc = |top: Vec<(Score, tantivy::DocAddress)>| {
                let mut v: Vec<_> = top.into_iter().map(|(s, d)| (d, s)).collect();
                v.sort_by_key(|(d, _)| *d);
                v
            };
            for ((d1, s1), (d2, s2)) in by_doc(ours_top).into_iter().zip(by_doc(theirs_top)) {
                assert_eq!(d1, d2, "{required} required");
                assert!((s1 - s2).abs() < 1e-4, "{required} required: {s1} vs {s2}");
            }
            if required <= 4 {
                assert!(ours_n > 0, "{required} required finds something");
            }
        }
    }
}
