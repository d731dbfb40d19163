//! Mulu's Chinese full-text index: tantivy with a jieba tokenizer, pinyin title matching,
//! visibility filtering inside every query, facets, highlights and keyset pagination.
//!
//! The index is derived data. The service feeds it [`ChangeBatch`]es through the one writer task
//! ([`spawn_writer`]); each commit records the change-log sequence number it reached, so a restarted
//! process resumes where the last commit left off, and `reset` batches rebuild it from scratch.

mod at_least;
mod code;
mod conjunction;
mod covered;
mod cursor;
mod document;
mod error;
mod facets;
mod filter;
mod guarded;
mod highlight;
mod index;
mod listing;
mod mapped;
mod model;
mod one_walk;
mod pinyin;
mod query;
mod schema;
mod suggest;
mod synonyms;
mod tally;
mod text;
mod tokenizer;
mod union;
mod words;
mod writer;

pub use code::code_key;
pub use document::package_id;
pub use error::SearchError;
pub use index::SearchIndex;
pub use listing::has_words;
pub use model::{
    ChangeBatch, DocId, EntityKind, FacetCount, FacetFilters, FacetName, Facets, Hit, Listing,
    ListingRequest, ListingResults, ListingSort, MAX_LIMIT, MAX_LISTING_LIMIT, PUBLIC, SearchDoc,
    SearchRequest, SearchResults, SortOrder, Suggestion, Viewer, org_visibility,
};
pub use query::words_of;
pub use synonyms::Synonyms;
pub use tokenizer::{CharToken, index_tokens};
pub use words::{parse_words, set_deployment_words};
pub use writer::{IndexWriterHandle, spawn_writer};
