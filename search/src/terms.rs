//! Single terms and phrases of text on one field: the leaves every query is built of.

use tantivy::Term;
use tantivy::query::{EmptyQuery, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

pub(crate) fn term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

/// One term of `field`, scored by its frequency (no positions read): a Han character or pair, a
/// run indexed whole in a `*_grams` field, a jieba word.
pub(crate) fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        term(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// The atoms at their offsets as one query on `field`: a term for one atom, else a phrase.
pub fn atoms_query(field: Field, atoms: &[(usize, &str)], slop: u32) -> Box<dyn Query> {
    match atoms {
        [] => Box::new(EmptyQuery),
        [(_, one)] => term_query(field, one),
        many => {
            let base = many[0].0;
            let terms = many
                .iter()
                .map(|(o, t)| (o - base, term(field, t)))
                .collect();
            Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
        }
    }
}
