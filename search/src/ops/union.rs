//! "Any of these alternatives", scored as the sum of those that match, built for being skipped
//! through. A query word is a handful of alternatives (its spelling in the title, body and tags,
//! the whole word, pinyin); in a multi-word query the rarest word leads and the others are asked
//! to `seek` to its documents. tantivy's `BufferedUnionScorer` answers a distant seek by clearing
//! and refilling a 4,096-document window of every alternative, so a word as common as 信息 cost a
//! window per candidate: most of a million-entry query's time. This union seeks each alternative
//! along its skip list instead, and keeps no window. Walked from end to end (a one-word query, the
//! rarest word of several) the buffered union is the faster, so after a run of plain `advance`s
//! the scorer hands over to tantivy's.

use std::sync::Arc;

use tantivy::query::{
    BooleanQuery, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// Matches what any of `alternatives` matches; the score is the sum of the matching ones'.
#[derive(Debug)]
pub struct AnyOf {
    alternatives: Vec<Box<dyn Query>>,
}

impl AnyOf {
    pub fn new(alternatives: Vec<Box<dyn Query>>) -> Self {
        AnyOf { alternatives }
    }
}

impl Clone for AnyOf {
    fn clone(&self) -> Self {
        AnyOf {
            alternatives: self.alternatives.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

impl Query for AnyOf {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .alternatives
            .iter()
            .map(|q| q.weight(enable_scoring))
            .collect::<tantivy::Result<_>>()?;
        let buffered =
            BooleanQuery::union(self.alternatives.iter().map(|q| q.box_clone()).collect())
                .weight(enable_scoring)?
                .into();
        Ok(Box::new(AnyOfWeight { weights, buffered }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for q in &self.alternatives {
            q.query_terms(visitor);
        }
    }
}

struct AnyOfWeight {
    weights: Vec<Box<dyn Weight>>,
    /// The same alternatives as tantivy's union, for walking.
    buffered: Arc<dyn Weight>,
}

/// The scorers of `weights` in `reader` that match something there.
pub(crate) fn matching_scorers(
    weights: &[Box<dyn Weight>],
    reader: &SegmentReader,
    boost: Score,
) -> tantivy::Result<Vec<Box<dyn Scorer>>> {
    let mut scorers = Vec::with_capacity(weights.len());
    for w in weights {
        let s = w.scorer(reader, boost)?;
        if s.doc() != TERMINATED {
            scorers.push(s);
        }
    }
    Ok(scorers)
}

impl Weight for AnyOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = matching_scorers(&self.weights, reader, boost)?;
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => scorers.pop().expect("one scorer"),
            _ => Box::new(HybridUnion::new(
                SeekingUnion::new(scorers),
                (self.buffered.clone(), reader.clone(), boost),
            )),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let parts = matching_explanations(&self.weights, reader, doc);
        if parts.is_empty() {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(sum_explanation("any of", parts))
    }
}

/// The explanations of those of `weights` that match `doc`, in their order.
pub(crate) fn matching_explanations(
    weights: &[Box<dyn Weight>],
    reader: &SegmentReader,
    doc: DocId,
) -> Vec<Explanation> {
    weights
        .iter()
        .filter_map(|w| w.explain(reader, doc).ok())
        .collect()
}

/// `label`, scored as the sum of `parts` (in their order, as the scorers sum), each a detail.
pub(crate) fn sum_explanation(label: &'static str, parts: Vec<Explanation>) -> Explanation {
    let mut out = Explanation::new(label, parts.iter().map(Explanation::value).sum());
    for e in parts {
        out.add_detail(e);
    }
    out
}

/// Plain `advance`s in a row after which the union is taken to be walked, not skipped through.
const WALK_AFTER: u32 = 64;

/// Seeks with [`SeekingUnion`] until the caller starts walking, then hands over to tantivy's
/// buffered union, positioned on the same document.
struct HybridUnion {
    mode: Mode,
    /// Plain `advance`s since the last seek.
    advances: u32,
    /// What builds the buffered union for this segment.
    buffered: (Arc<dyn Weight>, SegmentReader, Score),
    /// The seeking union's, kept after the hand-over.
    cost: u64,
}

enum Mode {
    Seeking(SeekingUnion),
    Walking(Box<dyn Scorer>),
}

impl HybridUnion {
    fn new(seeking: SeekingUnion, buffered: (Arc<dyn Weight>, SegmentReader, Score)) -> Self {
        HybridUnion {
            cost: seeking.cost(),
            mode: Mode::Seeking(seeking),
            advances: 0,
            buffered,
        }
    }

    fn current(&self) -> &dyn Scorer {
        match &self.mode {
            Mode::Seeking(s) => s,
            Mode::Walking(w) => w.as_ref(),
        }
    }

    fn current_mut(&mut self) -> &mut dyn Scorer {
        match &mut self.mode {
            Mode::Seeking(s) => s,
            Mode::Walking(w) => w.as_mut(),
        }
    }

    /// Swaps in the buffered union at the current document. Should tantivy fail to build it
    /// (it builds the same weights that already succeeded), the union keeps seeking.
    fn hand_over(&mut self) {
        let Mode::Seeking(seeking) = &self.mode else {
            return;
        };
        let doc = seeking.doc;
        let (weight, reader, boost) = &self.buffered;
        if let Ok(mut walking) = weight.scorer(reader, *boost) {
            if walking.doc() < doc {
                walking.seek(doc);
            }
            debug_assert_eq!(walking.doc(), doc);
            self.mode = Mode::Walking(walking);
        }
    }
}

impl DocSet for HybridUnion {
    fn advance(&mut self) -> DocId {
        if matches!(self.mode, Mode::Seeking(_)) {
            self.advances += 1;
            if self.advances == WALK_AFTER {
                self.hand_over();
            }
        }
        self.current_mut().advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.advances = 0;
        let current = self.current_mut();
        if current.doc() < target {
            current.seek(target)
        } else {
            current.doc()
        }
    }

    fn doc(&self) -> DocId {
        self.current().doc()
    }

    fn size_hint(&self) -> u32 {
        self.current().size_hint()
    }

    fn cost(&self) -> u64 {
        self.cost
    }
}

impl Scorer for HybridUnion {
    fn score(&mut self) -> Score {
        self.current_mut().score()
    }
}

/// The union scorer: the current document is the smallest of the alternatives' current ones.
pub struct SeekingUnion {
    scorers: Vec<Box<dyn Scorer>>,
    doc: DocId,
}

impl SeekingUnion {
    fn new(scorers: Vec<Box<dyn Scorer>>) -> Self {
        let doc = scorers.iter().map(|s| s.doc()).min().unwrap_or(TERMINATED);
        SeekingUnion { scorers, doc }
    }

    fn settle(&mut self) -> DocId {
        self.doc = self
            .scorers
            .iter()
            .map(|s| s.doc())
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for SeekingUnion {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        for s in &mut self.scorers {
            if s.doc() == current {
                s.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for s in &mut self.scorers {
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
        self.scorers
            .iter()
            .map(|s| s.size_hint())
            .max()
            .unwrap_or(0)
    }

    /// How many documents the union may yield, which is what an intersection orders its
    /// members by (the fewest leads). tantivy prices a phrase at ten times its terms' co-occurrences
    /// per term; an intersection would then rather walk 局 (half the index) than seek 内江市.
    fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| u64::from(s.size_hint())).sum()
    }
}

impl Scorer for SeekingUnion {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        self.scorers
            .iter_mut()
            .filter(|s| s.doc() == doc)
            .map(|s| s.score())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur};
    use tantivy::schema::{STRING, Schema};
    use tantivy::{Index, doc};

    use super::*;

    /// Same documents and scores as tantivy's own union, through full walks and through seeks
    /// from an intersection.
    #[test]
    fn agrees_with_tantivy_union() {
        let mut b = Schema::builder();
        let a = b.add_text_field("a", STRING);
        let c = b.add_text_field("c", STRING);
        let index = Index::create_in_ram(b.build());
        let mut w: tantivy::IndexWriter = index.writer(50_000_000).unwrap();
        for i in 0..20_000u32 {
            let word = |m: u32| if i % m == 0 { "x" } else { "y" };
            w.add_document(doc!(a => word(3), c => word(7))).unwrap();
            if i % 5 == 0 {
                w.add_document(doc!(a => "z")).unwrap();
            }
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let t = crate::terms::term_query;
        let alternatives = || vec![t(a, "x"), t(c, "x"), t(a, "missing")];
        let ours = AnyOf::new(alternatives());
        let theirs = BooleanQuery::union(alternatives());
        let top = || TopDocs::with_limit(50).order_by_score();
        for (q1, q2) in [
            (
                Box::new(ours.clone()) as Box<dyn Query>,
                Box::new(theirs.clone()) as Box<dyn Query>,
            ),
            (
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, t(c, "y")),
                    (Occur::Must, Box::new(ours.clone())),
                ])),
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, t(c, "y")),
                    (Occur::Must, Box::new(theirs.clone())),
                ])),
            ),
        ] {
            let (n1, d1) = searcher.search(&q1, &(Count, top())).unwrap();
            let (n2, d2) = searcher.search(&q2, &(Count, top())).unwrap();
            assert!(n1 > 1000);
            assert_eq!(n1, n2);
            let scores = |d: Vec<(f32, tantivy::DocAddress)>| {
                d.into_iter()
                    .map(|(s, a)| ((s * 1e4).round() as i64, a))
                    .collect::<Vec<_>>()
            };
            assert_eq!(scores(d1), scores(d2));
        }
    }
}
