//! Mulu's Chinese full-text index: tantivy with a jieba tokenizer, pinyin title matching,
//! visibility filtering inside every query, facets, highlights and keyset pagination.
//!
//! The index is derived data. The service feeds it [`ChangeBatch`]es through the one writer task
//! ([`spawn_writer`]); each commit records the change-log sequence number it reached, so a restarted
//! process resumes where the last commit left off, and `reset` batches rebuild it from scratch.
//!
//! # How a search runs
//!
//! [`SearchIndex::search`] reads as its steps (`run.rs`): it tries **lanes** in turn until one
//! matches — an identifier's exact lane (a query that reads as a resource code, USCC or query code,
//! `code.rs`), then every word as typed, then every word as typed or as it sounds (only when a
//! word is spelled by no entry), then most of the words (`AtLeast`, when there are several). For
//! each lane the query builder (`query.rs`) makes one query under every filter, and `plan.rs`
//! chooses how it runs:
//!
//! | plan | chosen when | page | count and facets |
//! | --- | --- | --- | --- |
//! | `Plan::PageThenTally` | ranked by score, and the query is one word of single terms (a flat union), or several words (`AllWords`) likely matching more than `ONE_WALK_MATCHES` (20,000: the rarest word's postings, then a probe) | skips what cannot reach the page: tantivy's block-max WAND for the union, MaxScore for `AllWords` | a second, unscored walk, sampled past 10,000 matches (`tally`) |
//! | `Plan::OneWalk` | ranked by score, several words, few likely matches | one MaxScore walk visits every match and scores only those that may reach the page (`rank_and_count`) | the same walk, facets sampled by the same rule |
//! | `Plan::CollectAll` | sorted by time (or an empty query), the identifier's lane, the relaxed query | one pass visits every match: `PageCollector`, `Count` and the sampled facets together | the same pass |
//!
//! Then the page's hits are read and highlighted, the facets under filter are counted apart
//! (each with its own filter left out), a sampled facet's small values are counted again exactly
//! (`count::exact`), and a respelling is suggested when the words matched
//! nothing, only some of them did, or they were found by sound.
//!
//! # Operators: where the crate replaces or extends tantivy
//!
//! Each was the slow part of some query class at a million entries (`BENCHMARKS.md`), and each is
//! tested to give what the tantivy piece gives. The full tables — measured reason and equality test
//! per operator — are in the module docs of `ops` and `count`.
//!
//! | module | operators | in place of (tantivy) |
//! | --- | --- | --- |
//! | `ops/conjunction.rs` | `AllWords` (MaxScore page pass), `EveryMatch` | the plain `BooleanQuery` of the words' unions, for the page |
//! | `ops/one_walk.rs` | `rank_and_count` | `TopDocs` + `Count` over a small result |
//! | `ops/covered.rs` | `Covered` | a union whose first alternative covers the rest |
//! | `ops/union.rs` | `AnyOf` | `BufferedUnionScorer`, when sought |
//! | `ops/at_least.rs` | `AtLeast` | `BooleanQuery::with_minimum_required_clauses` |
//! | `ops/filter.rs` | `TermsFilter` | a `TermQuery` union as a filter (an `AllScorer` where it filters nothing) |
//! | `ops/guarded.rs` | `GuardedPhrase` | `PhraseQuery` of more than four Han characters |
//! | `ops/seek.rs` | `move_to` | `DocSet::seek` (one step to the next document) |
//! | `count/tally.rs` | `tally`, `tally_exact`, `probe` | `Count`, sampled past 10,000 matches |
//! | `count/sampler.rs` | `Sampler`, `SampledFacets` | facet counting in a page pass, by `tally`'s sample |
//! | `count/facets.rs` | `FacetCounter` | `FacetCollector` (counts by ordinal) |
//! | `count/exact.rs` | `SmallValues` | nothing: a sampled facet's small values counted again exactly |
//! | `cursor.rs` | `PageCollector` | `TopDocs`: keyset pages by score or time, ties by id hash (`pruned_pages_equal_exhaustive_pages`) |
//! | `mapped.rs` | `ReleasableMmapDirectory` | `MmapDirectory`, giving a merge's pages back (peak RSS 1,333 → 786 MiB, session 17) |
//!
//! `search_equals_tantivy.rs` checks the whole: on random corpora, whatever plan runs, a search
//! finds what a plain tantivy `BooleanQuery` finds with `Count` and `TopDocs`.

mod code;
mod count;
mod cursor;
mod document;
mod error;
mod highlight;
mod index;
mod listing;
mod mapped;
mod model;
mod ops;
mod pinyin;
mod plan;
mod query;
mod run;
mod schema;
#[cfg(test)]
mod search_equals_tantivy;
mod suggest;
mod synonyms;
mod terms;
mod text;
mod token;
mod tokenizer;
mod words;
mod writer;

pub use code::code_key;
pub use document::package_id;
pub use error::SearchError;
pub use index::SearchIndex;
pub use listing::has_words;
pub use model::{
    ChangeBatch, EntityKind, EntryId, FacetCount, FacetFilters, FacetName, Facets, Hit, Listing,
    ListingRequest, ListingResults, ListingSort, MAX_LIMIT, MAX_LISTING_LIMIT, PUBLIC, QueryText,
    SearchDoc, SearchRequest, SearchResults, SortOrder, Suggestion, Viewer, org_visibility,
};
pub use query::words_of;
pub use synonyms::Synonyms;
pub use token::CharToken;
pub use tokenizer::index_tokens;
pub use words::{parse_words, set_deployment_words};
pub use writer::{IndexWriterHandle, spawn_writer};
