//! The tantivy schema, its version and the tokenizers it needs.

use tantivy::Index;
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;

use crate::model::FacetName;
use crate::pinyin::{PINYIN_FULL, PINYIN_INITIALS, pinyin_tokens};
use crate::tokenizer::{CHINESE, CharTokenizer, GRAMS, gram_tokens, index_tokens};

/// Bump when the schema or any tokenizer changes: an index of another version is rebuilt.
/// 5: the listing's facets (owner, tag, format) and sort columns (listing_id, listing_name,
/// listing_modified).
/// 6: `codes`, the exact lane for identifiers; traditional characters folded to simplified.
/// 7: place names searchable in `text`; region codes faceted with their ancestors; the domain
/// dictionary (whose own fingerprint is checked too, see `words`).
pub const SCHEMA_VERSION: u32 = 7;

/// Handles of every field.
#[derive(Debug, Clone)]
pub struct Fields {
    pub id: Field,
    pub kind: Field,
    pub title: Field,
    pub title_pinyin: Field,
    pub title_initials: Field,
    /// Stored for snippets; searched through `text`.
    pub body: Field,
    pub tags: Field,
    /// Title, tags and body together: a word matches a document where it matches here, so one
    /// postings list decides it (the per-field alternatives only add score). Body matches score
    /// here too.
    pub text: Field,
    /// Runs of 3–4 Han characters of title, tags and text, as whole terms (no positions).
    pub title_grams: Field,
    pub tags_grams: Field,
    pub text_grams: Field,
    pub visible_to: Field,
    /// [`crate::SearchDoc::codes`] as keys (`code::code_key`), whole terms.
    pub codes: Field,
    pub updated_at: Field,
    pub tiebreak: Field,
    pub url: Field,
    pub facets_json: Field,
    /// The package id of a listed document (the uuid of `<kind>:<uuid>`), as a column.
    pub listing_id: Field,
    /// [`crate::Listing::name`], as a column.
    pub listing_name: Field,
    /// [`crate::Listing::modified_micros`] (or `updated_at` in microseconds), as a column (a
    /// range on it reads the column).
    pub listing_modified: Field,
    /// One facet field per [`FacetName`], same order as `FacetName::INDEXED`.
    pub facets: Vec<Field>,
}

impl Fields {
    pub fn facet(&self, name: FacetName) -> Field {
        let i = FacetName::INDEXED
            .iter()
            .position(|n| *n == name)
            .expect("every facet name has a field");
        self.facets[i]
    }
}

fn text(tokenizer: &str, stored: bool) -> TextOptions {
    let opts = indexed(tokenizer, IndexRecordOption::WithFreqsAndPositions);
    if stored { opts.set_stored() } else { opts }
}

fn indexed(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let id = b.add_text_field("id", STRING | STORED);
    let kind = b.add_text_field("kind_term", STRING | STORED);
    let title = b.add_text_field("title", text(CHINESE, true));
    let title_pinyin = b.add_text_field("title_pinyin", text(PINYIN_FULL, false));
    let title_initials = b.add_text_field("title_initials", text(PINYIN_INITIALS, false));
    let body = b.add_text_field("body", STORED);
    let tags = b.add_text_field("tags", text(CHINESE, false));
    let text_field = b.add_text_field("text", text(CHINESE, false));
    let grams = || indexed(GRAMS, IndexRecordOption::WithFreqs);
    let title_grams = b.add_text_field("title_grams", grams());
    let tags_grams = b.add_text_field("tags_grams", grams());
    let text_grams = b.add_text_field("text_grams", grams());
    let visible_to = b.add_text_field("visible_to", STRING);
    let codes = b.add_text_field("codes", STRING);
    let updated_at = b.add_i64_field("updated_at", FAST | STORED | INDEXED);
    let tiebreak = b.add_u64_field("tiebreak", FAST);
    let url = b.add_text_field("url", STORED);
    let facets_json = b.add_text_field("facets_json", STORED);
    let listing_id = b.add_text_field("listing_id", FAST);
    let listing_name = b.add_text_field("listing_name", FAST);
    let listing_modified = b.add_i64_field("listing_modified", FAST);
    let facets = FacetName::INDEXED
        .iter()
        .map(|n| b.add_facet_field(n.as_str(), FacetOptions::default()))
        .collect();
    let fields = Fields {
        id,
        kind,
        title,
        title_pinyin,
        title_initials,
        body,
        tags,
        text: text_field,
        title_grams,
        tags_grams,
        text_grams,
        visible_to,
        codes,
        updated_at,
        tiebreak,
        url,
        facets_json,
        listing_id,
        listing_name,
        listing_modified,
        facets,
    };
    (b.build(), fields)
}

/// Tokenizers are not persisted by tantivy: register them on every open.
pub fn register_tokenizers(index: &Index) {
    let m = index.tokenizers();
    let register = |name, tokens| m.register(name, TextAnalyzer::from(CharTokenizer(tokens)));
    register(CHINESE, index_tokens);
    register(GRAMS, gram_tokens);
    register(PINYIN_FULL, |text| pinyin_tokens(text, false));
    register(PINYIN_INITIALS, |text| pinyin_tokens(text, true));
}
