//! The plan: which walk finds a lane's page and which counts its matches. A search tries its lanes
//! in turn ([`Lane`]); for each, [`Plan::choose`] picks one of three ways to run the lane's query,
//! from the page's order, the lane and the shape and size of the query, and [`Plan::run`] runs it.
//! Every plan gives the total and the page tantivy's `Count` and `TopDocs` give over the plain
//! query (but for a sampled estimate past `EXACT_MATCHES`, and ties, which a page breaks by id
//! hash): they differ in what they skip.

use tantivy::Searcher;
use tantivy::collector::Count;
use tantivy::query::Query;

use crate::SearchError;
use crate::count::facets::{FacetCounter, FacetFruit};
use crate::count::sampler::{EXACT_MATCHES, SampledFacets, Tally};
use crate::count::tally::{probe, tally};
use crate::cursor::{Page, PageCollector, SortMode};
use crate::ops::conjunction::AllWords;
use crate::ops::one_walk::rank_and_count;
use crate::query::Matching;

/// Up to about this many likely matches, a query of several words is ranked and counted in one
/// walk ([`Plan::OneWalk`]): twice `tally`'s exact count, past which the count samples.
pub(crate) const ONE_WALK_MATCHES: u64 = 2 * EXACT_MATCHES;

/// Which query a search runs: an identifier's exact lane, or the words (all of them as typed;
/// when nothing holds them, all of them as typed or as they sound; then most).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lane {
    Code,
    Words(Matching),
}

/// How a lane's query is run.
#[derive(Debug)]
pub(crate) enum Plan {
    /// Ranked by score where the page pass can skip what cannot reach the page: tantivy's
    /// block-max WAND over a one-word union of terms, or MaxScore over the words
    /// ([`AllWords`], more than [`ONE_WALK_MATCHES`] likely matches). The page pass does not see
    /// every match, so the count is a second, unscored walk, sampled past `EXACT_MATCHES`
    /// ([`tally`]).
    PageThenTally(Box<dyn Query>),
    /// Several words ranked by score, with few likely matches: the count would walk them all, and
    /// walking is most of the cost, so one MaxScore walk visits every match, counting it (and its
    /// facets) and scoring only those that may reach the page ([`rank_and_count`]).
    OneWalk(Box<AllWords>),
    /// One pass visits every match, the page collector, `Count` and the sampled facets riding
    /// together: sorted by time (nothing to skip), an identifier's few matches, the relaxed query.
    CollectAll(Box<dyn Query>),
}

impl Plan {
    /// The plan for `query`, the lane's query under every filter. `one_term_word`: the query is
    /// one word of single terms (`is_prunable`), whose union tantivy skips through.
    pub(crate) fn choose(
        searcher: &Searcher,
        query: Box<dyn Query>,
        lane: Lane,
        mode: SortMode,
        one_term_word: bool,
    ) -> Result<Plan, SearchError> {
        if mode != SortMode::Score {
            return Ok(Plan::CollectAll(query));
        }
        // An identifier's few matches are walked whole.
        let may_skip = lane != Lane::Code;
        let all = match query.downcast::<AllWords>() {
            Ok(all) => all,
            Err(query) if may_skip && one_term_word => return Ok(Plan::PageThenTally(query)),
            Err(query) => return Ok(Plan::CollectAll(query)),
        };
        Ok(if may_skip && many_matches(searcher, &all)? {
            Plan::PageThenTally(all)
        } else {
            Plan::OneWalk(all)
        })
    }

    /// The number of matches, the page (`page` says its order, size and cursor) and, with
    /// `facets`, the facet values of the matches.
    pub(crate) fn run(
        self,
        searcher: &Searcher,
        page: PageCollector,
        facets: Option<&FacetCounter>,
    ) -> Result<(Tally, Page, Option<FacetFruit>), SearchError> {
        match self {
            Plan::PageThenTally(query) => {
                let page = searcher.search(query.as_ref(), &page)?;
                let (total, fruit) = tally(searcher, query.as_ref(), facets)?;
                Ok((total, page, fruit))
            }
            Plan::OneWalk(all) => {
                let facets = facets.map(|counter| SampledFacets::new(searcher, counter));
                let (count, page, fruit) = rank_and_count(searcher, &all, &page, facets.as_ref())?;
                Ok((Tally::exact(count as u64), page, fruit))
            }
            Plan::CollectAll(query) => {
                // Counting the matches, and their facets (sampled as `tally` would), on the way is
                // free.
                let facets = facets.map(|counter| SampledFacets::new(searcher, counter));
                let (count, page, fruit) =
                    searcher.search(query.as_ref(), &(Count, page, facets))?;
                Ok((Tally::exact(count as u64), page, fruit))
            }
        }
    }
}

/// Whether the words likely match more than [`ONE_WALK_MATCHES`] documents: by the rarest word's
/// postings, then by a probe (which tells 8,000 matches from 110,000 where the words' document
/// frequencies cannot).
fn many_matches(searcher: &Searcher, all: &AllWords) -> Result<bool, SearchError> {
    Ok(all.most_matches(searcher) > ONE_WALK_MATCHES && probe(searcher, all)? > ONE_WALK_MATCHES)
}

#[cfg(test)]
mod tests {
    use tantivy::query::BooleanQuery;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument, doc};

    use super::*;
    use crate::ops::conjunction::{Alternative, Word};
    use crate::terms::term_query;

    /// `docs` documents holding x and y, and every hundredth z.
    fn searcher(docs: u32) -> (Searcher, tantivy::schema::Field) {
        let mut b = Schema::builder();
        let text = b.add_text_field("text", TEXT);
        let index = Index::create_in_ram(b.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        for i in 0..docs {
            let words = if i % 100 == 0 { "x y z" } else { "x y" };
            writer.add_document(doc!(text => words)).unwrap();
        }
        writer.commit().unwrap();
        (index.reader().unwrap().searcher(), text)
    }

    fn all_words(field: tantivy::schema::Field, words: &[&str]) -> Box<dyn Query> {
        let word = |w: &str| Word::covered(vec![Alternative::new(term_query(field, w), 1.0)]);
        Box::new(AllWords::new(
            words.iter().map(|w| word(w)).collect(),
            Vec::new(),
        ))
    }

    fn union(field: tantivy::schema::Field) -> Box<dyn Query> {
        Box::new(BooleanQuery::union(vec![term_query(field, "x")]))
    }

    fn name(plan: Plan) -> &'static str {
        match plan {
            Plan::PageThenTally(_) => "page then tally",
            Plan::OneWalk(_) => "one walk",
            Plan::CollectAll(_) => "collect all",
        }
    }

    /// Each plan where the module's documentation says it is chosen.
    #[test]
    fn plans_follow_the_order_the_lane_and_the_size() {
        let words = Lane::Words(Matching::All);
        let (large, f) = searcher(ONE_WALK_MATCHES as u32 + 5_000);
        let choose = |searcher: &Searcher, query, lane, mode, one_term_word| {
            name(Plan::choose(searcher, query, lane, mode, one_term_word).unwrap())
        };
        let by_score = SortMode::Score;
        // Several words, many matches: MaxScore's page, then the count.
        assert_eq!(
            choose(&large, all_words(f, &["x", "y"]), words, by_score, false),
            "page then tally"
        );
        // … few matches (z is rare): one walk ranks and counts them.
        assert_eq!(
            choose(&large, all_words(f, &["x", "z"]), words, by_score, false),
            "one walk"
        );
        let (small, f_small) = searcher(5_000);
        assert_eq!(
            choose(
                &small,
                all_words(f_small, &["x", "y"]),
                words,
                by_score,
                false
            ),
            "one walk"
        );
        // One word of single terms: block-max WAND's page, then the count.
        assert_eq!(
            choose(&large, union(f), words, by_score, true),
            "page then tally"
        );
        // The relaxed query and an identifier are walked whole, as is every match by time.
        let most = Lane::Words(Matching::Most);
        assert_eq!(
            choose(&large, union(f), most, by_score, false),
            "collect all"
        );
        assert_eq!(
            choose(&large, union(f), Lane::Code, by_score, true),
            "collect all"
        );
        for lane in [words, most, Lane::Code] {
            assert_eq!(
                choose(
                    &large,
                    all_words(f, &["x", "y"]),
                    lane,
                    SortMode::Updated,
                    false
                ),
                "collect all"
            );
            assert_eq!(
                choose(&large, union(f), lane, SortMode::Updated, true),
                "collect all"
            );
        }
    }
}
