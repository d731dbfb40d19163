//! The token every tokenizer of the crate produces (words, characters, pairs, grams, pinyin):
//! its own module so that the tokenizers, the segmenter's dictionary and pinyin, which use one
//! another, need not go through each other for it.

/// A token as this crate sees it: folded text and character span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharToken {
    pub text: String,
    /// Character offset of the first char (this is the tantivy position).
    pub start: usize,
    /// Character offset one past the last char.
    pub end: usize,
}
