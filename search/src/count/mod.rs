//! Counting: how many documents a lane's query matches and which facet values they hold, exact up
//! to `EXACT_MATCHES` and sampled past it, by one rule wherever the count is taken (a walk of its
//! own, or riding a page pass that visits every match anyway).
//!
//! | piece | replaces / extends | why (measured, `BENCHMARKS.md`) | proven by |
//! | --- | --- | --- | --- |
//! | [`tally::tally`] | tantivy's `Count` (and facet counts) over every match | past 10,000 matches the rest is sampled in 32-id windows: a one-character query matching 700,000 of a million reads ~15,000. Session 13, 1M: the one-character queries with facets (信, 息, 业: 440k–744k matches, 19–25 ms) left the slowest fifteen, p99 27.4 → 23.8 ms (runs under different CPU steal); it is also what lets a pruned page skip (session 15) | `tally::tests::a_count_below_the_threshold_is_tantivys_count` (equal to `Count`), `tally::tests::a_large_count_is_a_flagged_close_estimate`; `tests/estimates.rs` `a_large_one_word_result_has_close_estimates_and_a_smaller_one_exact_counts` |
//! | [`tally::tally_exact`] | `Count` + facet counts | a listing pages by offset, so its total is never sampled | `tally::tests::a_large_count_is_a_flagged_close_estimate`; `tests/listing.rs` `totals_past_the_sampling_threshold_are_exact` |
//! | [`tally::probe`] | nothing in tantivy: a guess of a result's size before any walk | document frequencies cannot tell 区服务机构信 (8,292 matches) from 接口服 (113,641); one window in 64 can, for ~1 ms at 1M (session 15). It picks the plan (`Plan::OneWalk` or `Plan::PageThenTally`) | `tally::tests::a_large_count_is_a_flagged_close_estimate` (within a quarter; tells 1,000 from 30,000) |
//! | [`sampler::Sampler`], [`sampler::SampledFacets`] | a facet collector in the page pass | the rule `tally` samples by, kept by a pass that visits every match, so facets need no second walk and agree with `tally`'s exactly. Session 14: no measurable gain (p99 10.68 / 10.22 → 10.33 / 10.57 ms); kept as one walk and one rule | `tests/estimates.rs` (time-sorted facets equal the relevance-sorted ones, two words equal one); `ops::one_walk::tests::page_count_and_facets_equal_top_docs_and_count` |
//! | [`facets::FacetCounter`] | tantivy's `FacetCollector` | counts by term ordinal and turns only the ordinals that occurred into text, in one sorted dictionary walk; tantivy's walks each segment's whole facet dictionary per query. Session 8, 29k: mean / p50 / p99 1.71 / 1.14 / 6.91 → 1.23 / 0.79 / 4.78 ms | `facets::tests::counts_equal_a_brute_force_count_and_tantivys_facet_collector`; `tests/listing.rs` `totals_facets_and_pages_equal_a_brute_force_reading` |
//! | [`exact::SmallValues`] | nothing in tantivy: a sampled facet's small values counted again exactly | a sample is close for a value thousands of matches hold and wrong for one a few hold (one product among 40,000 resources listed as 约4, issue 30); the values' documents merged and walked against the query once per segment, smallest first, within 400 steps (~1 ms) a search (one walk per value, for every value sampled below 1,000, took 23 ms for 市场监管 at 1M) | `exact::tests` (equal to `BooleanQuery` + `Count`; several values in one walk; a kind the sample missed found; a spent budget keeps the estimate); `tests/estimates.rs` `a_small_value_of_a_large_result_is_counted_exactly` |
//!
//! Dependencies run one way: `tally` → `sampler` → `facets` ← `exact`. A search's filtered
//! facets (each counted with its own filter left out) are put together by its facets step,
//! `SearchRun::facets` in [`crate::run`], which also makes the small values exact.

pub(crate) mod exact;
pub(crate) mod facets;
pub(crate) mod sampler;
pub(crate) mod tally;
