//! Execution operators: tantivy queries and walks of our own, each replacing or extending a
//! tantivy piece that was the slow part of some query class at a million entries. Each gives the
//! same documents and scores as the tantivy piece it stands for (scores but for the rounding of
//! summing in another order); a test per operator checks it against tantivy's own.
//!
//! | operator | replaces / extends | why (measured at 1M entries, `BENCHMARKS.md`) | proven equal by |
//! | --- | --- | --- | --- |
//! | [`conjunction::AllWords`] | the `BooleanQuery` of every word's union (`Must`) and the bonus (`Should`): its page pass runs MaxScore; counts, explanations and unscored walks go to that plain query | tantivy 0.27 prunes unions only (block-max WAND); a 70k–110k-match intersection was scored whole. Session 15: p99 10.41 → 8.15 ms, 接口服 + facets 13.58 → 9.21 ms, 隆昌市 9.18 → 6.95 ms | `conjunction::tests::pruned_pages_are_the_plain_querys_pages` |
//! | [`conjunction::EveryMatch`], [`one_walk::rank_and_count`] | `TopDocs` + `Count` over a small result (one walk scoring every match) | every match counted, only those that may reach the page scored (the bonus's positions were most of the cost). Session 16: 区服务机构信 + facets 14.9–15.3 → 12.3–13.0 ms, 项目统计信 11.0 → 7.9 ms | `one_walk::tests::page_count_and_facets_equal_top_docs_and_count`; the every-match half of `pruned_pages_are_the_plain_querys_pages` |
//! | [`covered::Covered`] | a union whose first alternative (the word in the combined `text` field) covers the rest | walked, sought and counted through one postings list, not five (five seeks per candidate). Session 16, with the one walk: p99 8.00 → 6.57 ms | `covered::tests::matches_and_scores_as_the_union` |
//! | [`union::AnyOf`] | `BufferedUnionScorer` when sought (it hands over to it when walked end to end) | the buffered union refills a 4,096-document window on every distant seek. Session 9: p50 3.52 → 2.61 ms, titles p50 3.6 → 1.7 ms | `union::tests::agrees_with_tantivy_union` |
//! | [`at_least::AtLeast`] | `BooleanQuery::with_minimum_required_clauses` (the relaxed query) | minimum-should-match walks every word's postings (和, 局: half the index) through one heap; here only the `n − k + 1` rarest words propose candidates. Session 17: 合江县住房和城乡规划建设局 8.3 → under 4.2 ms, department p99 8.5 → 6.5 ms | `at_least::tests::matches_and_scores_as_minimum_should_match` |
//! | [`filter::TermsFilter`] | a union of `TermQuery`s as a `ConstScoreQuery` filter; tantivy's `AllScorer` where one term is on every document of a segment | an intersection drops an `AllScorer`: anonymous searches stop seeking the million `public` postings. Session 9: mean / p50 / p99 8.22 / 4.73 / 66.3 → 6.24 / 3.52 / 49.1 ms | `filter::tests::matches_exactly_the_documents_holding_one_of_its_terms`, `filter::tests::it_knows_where_it_filters_nothing` |
//! | [`guarded::GuardedPhrase`] | `PhraseQuery` of more than four Han characters | its 4-character runs (`*_grams`, no positions) lead; positions are read only where all occur. Session 17: 区服务机构信 + facets 13.5 → 8.8 ms, 项目统计信 8.0 → 6.1 ms | `guarded::tests::matches_and_scores_as_the_phrase`, `guarded::tests::runs_cover_the_phrase` |
//! | [`seek::move_to`] | `DocSet::seek` | one `advance` when the target is the next document (a walk's common case) instead of a search of the block; not measured on its own | `seek::tests::lands_on_the_first_document_at_or_after_the_target` |
//!
//! Dependencies run one way: `conjunction` → `covered` → `seek`, `union`; `one_walk` →
//! `conjunction` and [`crate::count`]; nothing here uses the query builder ([`crate::query`]).

pub(crate) mod at_least;
pub(crate) mod conjunction;
pub(crate) mod covered;
pub(crate) mod filter;
pub(crate) mod guarded;
pub(crate) mod one_walk;
pub(crate) mod seek;
pub(crate) mod union;
