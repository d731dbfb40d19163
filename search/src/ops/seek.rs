//! Moving a scorer forward, shared by the walks that leapfrog several scorers
//! ([`super::conjunction`], [`super::covered`]).

use tantivy::DocId;
use tantivy::query::Scorer;

/// Moves `scorer` to its first document at or after `target`: one step when that is the next
/// one (a walk's common case, and cheaper than a seek's search of the block).
pub(crate) fn move_to(scorer: &mut dyn Scorer, target: DocId) -> DocId {
    let doc = scorer.doc();
    if doc >= target {
        doc
    } else if doc + 1 == target {
        scorer.advance()
    } else {
        scorer.seek(target)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::query::{BitSetDocSet, ConstScorer};
    use tantivy::{BitSet, DocSet, TERMINATED};

    use super::*;

    /// Stays, steps or seeks, and always lands on the first document at or after the target.
    #[test]
    fn lands_on_the_first_document_at_or_after_the_target() {
        let docs = [2, 3, 7, 40, 41, 900];
        let mut set = BitSet::with_max_value(1_000);
        for d in docs {
            set.insert(d);
        }
        let mut scorer = ConstScorer::new(BitSetDocSet::from(set), 1.0);
        let expected = |target: DocId| {
            docs.iter()
                .copied()
                .find(|&d| d >= target)
                .unwrap_or(TERMINATED)
        };
        for target in [0, 2, 3, 4, 8, 40, 41, 42, 899, 900, 901] {
            let want = expected(target);
            assert_eq!(move_to(&mut scorer, target), want, "target {target}");
            assert_eq!(scorer.doc(), want);
            if want == TERMINATED {
                break;
            }
        }
    }
}
