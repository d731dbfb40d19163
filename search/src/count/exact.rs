//! Small facet counts made exact. Past `EXACT_MATCHES` a search counts its facets on a sample
//! (one window in `step`, each match standing for `step`): close for a value thousands of matches
//! hold, wrong for one a few hold — one product among 30,000 resources shows as 约140, or not at
//! all. So a listed value the sample counts below [`SMALL_COUNT`], and, in a facet of few values
//! (kinds, grades, open types…), any value the sample missed, is counted again exactly: the
//! value's documents walked against the query, each side seeking to the other (the cost is
//! bounded by the shorter of the two, and is small when the value's documents sit apart from the
//! query's matches, as kinds do). A search spends at most [`STEPS_PER_SEARCH`] such steps; a value
//! they do not reach keeps its estimate, marked as one.

use std::collections::HashMap;

use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, TERMINATED, Term};

use crate::SearchError;
use crate::count::facets::by_count;
use crate::model::FacetCount;
use crate::query::facet_term;

/// A value counted below this from a sample is counted again exactly.
pub(crate) const SMALL_COUNT: u64 = 1_000;
/// A facet with at most this many values in every segment has each of them checked, counted or not.
const FEW_VALUES: usize = 64;
/// Steps of the exact walks one search may take (each a seek in the value's documents or the
/// query's matches): about a millisecond at a million entries.
pub(crate) const STEPS_PER_SEARCH: u64 = 20_000;

/// What is left of a search's steps for exact counts.
#[derive(Debug)]
pub(crate) struct Budget(u64);

impl Budget {
    pub fn per_search() -> Self {
        Budget(STEPS_PER_SEARCH)
    }

    #[cfg(test)]
    pub fn of(steps: u64) -> Self {
        Budget(steps)
    }

    fn take(&mut self) -> bool {
        let left = self.0 > 0;
        self.0 = self.0.saturating_sub(1);
        left
    }
}

/// One facet's values as a search lists them (most first, at most `MAX_FACET_VALUES`): `counts`
/// as `query` matched them, `estimated` when from a sample, with its small values made exact.
pub(crate) fn listed(
    searcher: &Searcher,
    field: Field,
    query: &dyn Query,
    counts: HashMap<String, u64>,
    estimated: bool,
    budget: &mut Budget,
) -> Result<Vec<FacetCount>, SearchError> {
    if !estimated {
        return Ok(by_count(counts, |_| false));
    }
    let mut candidates: Vec<(u64, String)> = Vec::new();
    for c in by_count(counts.clone(), |_| true) {
        if c.count < SMALL_COUNT {
            candidates.push((0, c.value));
        }
    }
    for value in few_values(searcher, field)? {
        if !counts.contains_key(&value) {
            candidates.push((0, value));
        }
    }
    // The cheapest first: a value's documents bound its walk.
    for (df, value) in &mut candidates {
        *df = searcher.doc_freq(&facet_term(field, value))?;
    }
    candidates.sort();

    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut exact = HashMap::new();
    for (_, value) in candidates {
        match count_holding(
            searcher,
            weight.as_ref(),
            &facet_term(field, &value),
            budget,
        )? {
            Some(n) => exact.insert(value, n),
            None => break,
        };
    }
    let mut all = counts;
    all.extend(exact.iter().map(|(v, n)| (v.clone(), *n)));
    all.retain(|_, n| *n > 0);
    Ok(by_count(all, |value| !exact.contains_key(value)))
}

/// Every value of a facet that has at most [`FEW_VALUES`] in each segment; none for a facet of
/// many (providers, regions), whose dictionary would cost more to read than the search.
fn few_values(searcher: &Searcher, field: Field) -> Result<Vec<String>, SearchError> {
    let name = searcher.schema().get_field_name(field);
    let mut out = Vec::new();
    let mut facet = Facet::root();
    for reader in searcher.segment_readers() {
        let facets = reader.facet_reader(name)?;
        if facets.num_facets() > FEW_VALUES {
            return Ok(Vec::new());
        }
        for ord in 0..facets.num_facets() as u64 {
            facets.facet_from_ord(ord, &mut facet)?;
            if let Some(value) = facet.to_path().first() {
                out.push((*value).to_owned());
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// How many live documents match `weight` and hold `term`, or `None` when the budget ran out.
fn count_holding(
    searcher: &Searcher,
    weight: &dyn Weight,
    term: &Term,
    budget: &mut Budget,
) -> Result<Option<u64>, SearchError> {
    let mut n = 0;
    for reader in searcher.segment_readers() {
        let Some(mut holding) = reader
            .inverted_index(term.field())?
            .read_postings(term, IndexRecordOption::Basic)?
        else {
            continue;
        };
        let mut matching = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut doc = holding.doc();
        while doc != TERMINATED {
            if !budget.take() {
                return Ok(None);
            }
            let next = if matching.doc() < doc {
                matching.seek(doc)
            } else {
                matching.doc()
            };
            if next == TERMINATED {
                break;
            }
            if next == doc {
                n += u64::from(alive.is_none_or(|a| a.is_alive(doc)));
                doc = holding.advance();
            } else {
                doc = holding.seek(next);
            }
        }
    }
    Ok(Some(n))
}

#[cfg(test)]
mod tests {
    use tantivy::collector::Count;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{FacetOptions, STRING, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    use super::*;

    /// 30,000 documents of word `x` (kind `a`, one in three of them also provider `p`), then a
    /// few of kind `b` (the first three with `x`), and `c` documents without `x`; every 97th
    /// deleted.
    fn index() -> (Searcher, Field, Field, Field) {
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING);
        let word = b.add_text_field("w", STRING);
        let kind = b.add_facet_field("kind", FacetOptions::default());
        let provider = b.add_facet_field("provider", FacetOptions::default());
        let index = Index::create_in_ram(b.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(30_000_000).unwrap();
        let add = |i: u32, w: &str, k: &str, p: Option<&str>| {
            let mut d = TantivyDocument::new();
            d.add_text(id, i.to_string());
            d.add_text(word, w);
            d.add_facet(kind, Facet::from_path([k]));
            if let Some(p) = p {
                d.add_facet(provider, Facet::from_path([p]));
            }
            writer.add_document(d).unwrap();
        };
        for i in 0..30_000 {
            add(i, "x", "a", (i % 3 == 0).then_some("p"));
        }
        for i in 30_000..30_010 {
            add(i, if i < 30_003 { "x" } else { "y" }, "b", None);
        }
        for i in 30_010..30_500 {
            add(i, "y", "c", Some("q"));
        }
        writer.commit().unwrap();
        for i in (0..30_500u32).filter(|i| i % 97 == 5) {
            writer.delete_term(Term::from_field_text(id, &i.to_string()));
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        (searcher, word, kind, provider)
    }

    fn x(word: Field) -> TermQuery {
        TermQuery::new(Term::from_field_text(word, "x"), IndexRecordOption::Basic)
    }

    fn tantivys(searcher: &Searcher, word: Field, field: Field, value: &str) -> u64 {
        let q = BooleanQuery::new(vec![
            (Occur::Must, Box::new(x(word)) as Box<dyn Query>),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    facet_term(field, value),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        searcher.search(&q, &Count).unwrap() as u64
    }

    /// A sample that counted kind `b` as 140 (or missed it): the three documents it has are
    /// counted exactly and no longer marked estimated; the large value keeps its estimate.
    #[test]
    fn a_small_value_of_a_sampled_facet_is_exact_and_a_missed_one_is_found() {
        let (searcher, word, kind, _) = index();
        let query = x(word);
        for sampled_b in [Some(140), None] {
            let mut counts = HashMap::from([("a".to_owned(), 29_400)]);
            if let Some(n) = sampled_b {
                counts.insert("b".to_owned(), n);
            }
            let listed = listed(
                &searcher,
                kind,
                &query,
                counts,
                true,
                &mut Budget::per_search(),
            )
            .unwrap();
            let exact_b = tantivys(&searcher, word, kind, "b");
            assert_eq!(exact_b, 3);
            assert_eq!(
                listed,
                vec![
                    FacetCount {
                        value: "a".into(),
                        count: 29_400,
                        estimated: true
                    },
                    FacetCount {
                        value: "b".into(),
                        count: exact_b,
                        estimated: false
                    },
                ],
                "kind b sampled as {sampled_b:?}"
            );
        }
    }

    /// A value the query's matches do not hold at all is dropped, not listed as 0; a facet of many
    /// values is not searched for values the sample missed (only those it counted are checked).
    #[test]
    fn a_value_no_match_holds_is_dropped() {
        let (searcher, word, _, provider) = index();
        let counts = HashMap::from([("q".to_owned(), 70), ("p".to_owned(), 9_800)]);
        let listed = listed(
            &searcher,
            provider,
            &x(word),
            counts,
            true,
            &mut Budget::per_search(),
        )
        .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].value, "p");
        assert!(listed[0].estimated);
    }

    /// Past its budget a search stops counting: what was not reached keeps its estimate.
    #[test]
    fn a_spent_budget_keeps_the_estimate() {
        let (searcher, word, kind, _) = index();
        let counts = HashMap::from([("a".to_owned(), 29_400), ("b".to_owned(), 140)]);
        let listed = listed(&searcher, kind, &x(word), counts, true, &mut Budget::of(2)).unwrap();
        let b = listed.iter().find(|c| c.value == "b").unwrap();
        assert_eq!((b.count, b.estimated), (140, true));
    }

    /// An exact count (nothing sampled) is listed as it is.
    #[test]
    fn exact_counts_are_left_alone() {
        let (searcher, word, kind, _) = index();
        let counts = HashMap::from([("b".to_owned(), 140)]);
        let listed = listed(
            &searcher,
            kind,
            &x(word),
            counts,
            false,
            &mut Budget::per_search(),
        )
        .unwrap();
        assert_eq!(listed[0].count, 140);
        assert!(!listed[0].estimated);
    }
}
