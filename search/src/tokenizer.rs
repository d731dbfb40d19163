//! The Chinese tokenizer: jieba in search mode plus one token per Han character and one per pair
//! of adjacent Han characters, every token positioned at its character offset. Because positions
//! are character offsets (not token counts), a phrase query can place any mix of words, pairs and
//! single characters at exact offsets, whatever segmentation the document's context produced;
//! single characters make 1-character queries work, and pairs let a query cover a word with few,
//! rare terms instead of many common characters (a 2-character word is one term).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::text::{fold, is_han, is_word_char};
use crate::token::CharToken;
use crate::words::JIEBA;

/// Dictionary-only segmentation (no HMM): the same text segments the same way in a document and
/// in a query, and unknown words still match through their single characters.
const HMM: bool = false;

/// Longest token we index, in chars: longer alphanumeric runs are noise (hashes, base64).
const MAX_TOKEN_CHARS: usize = 64;

/// Name under which [`index_tokens`] is registered.
pub const CHINESE: &str = "mulu_zh";

/// Tokens for indexing: jieba search-mode words (dropping punctuation and spaces) plus every Han
/// character on its own and every pair of adjacent Han characters, sorted by position,
/// lower-cased and width-folded.
pub fn index_tokens(text: &str) -> Vec<CharToken> {
    let folded = fold(text);
    let chars: Vec<char> = folded.chars().collect();
    let mut out: Vec<CharToken> = JIEBA
        .cut_for_search(&folded, HMM)
        .into_iter()
        .filter(|t| keep(t.word))
        .map(|t| CharToken {
            text: t.word.to_owned(),
            start: t.start,
            end: t.end,
        })
        .collect();
    out.extend(
        chars
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, c)| is_han(*c))
            .map(|(i, c)| CharToken {
                text: c.to_string(),
                start: i,
                end: i + 1,
            }),
    );
    out.extend(
        chars
            .windows(2)
            .enumerate()
            .filter(|(_, pair)| pair.iter().all(|c| is_han(*c)))
            .map(|(i, pair)| CharToken {
                text: pair.iter().collect(),
                start: i,
                end: i + 2,
            }),
    );
    // tantivy needs each term's positions in ascending order. Tokens with the same span have the
    // same text (a jieba word that is also a pair), so sorting by span puts duplicates together.
    out.sort_by_key(|t| (t.start, t.end));
    out.dedup();
    out
}

/// Shortest and longest character run indexed whole in the `*_grams` fields.
pub const GRAM_CHARS: std::ops::RangeInclusive<usize> = 3..=4;

/// Name under which [`gram_tokens`] is registered.
pub const GRAMS: &str = "mulu_zh_grams";

/// Every run of 3 or 4 adjacent Han characters, for the `*_grams` fields. A 3- or 4-character
/// query word matches exactly where the phrase of its pairs would (the pairs at their offsets
/// spell the same adjacent characters), but as one term: no positions to read, and a one-word
/// query can skip through it with block-max WAND. Such words (隆昌市, 人员信息) match tens of
/// thousands of entries in a million, where reading every match's positions was most of the
/// slowest queries' time.
pub fn gram_tokens(text: &str) -> Vec<CharToken> {
    let chars: Vec<char> = fold(text).chars().collect();
    let mut out = Vec::new();
    for start in 0..chars.len() {
        for n in GRAM_CHARS {
            let Some(run) = chars.get(start..start + n) else {
                break;
            };
            if !run.iter().all(|c| is_han(*c)) {
                break;
            }
            out.push(CharToken {
                text: run.iter().collect(),
                start,
                end: start + n,
            });
        }
    }
    out
}

/// Words of a query, segmented as a document would be in default (non-search) mode.
pub fn query_words(folded: &str) -> Vec<CharToken> {
    JIEBA
        .cut(folded, HMM)
        .into_iter()
        .filter(|t| keep(t.word))
        .map(|t| CharToken {
            text: t.word.to_owned(),
            start: t.start,
            end: t.end,
        })
        .collect()
}

fn keep(word: &str) -> bool {
    word.chars().any(is_word_char) && word.chars().count() <= MAX_TOKEN_CHARS
}

/// tantivy adapter for a function from text to [`CharToken`]s ([`index_tokens`],
/// [`gram_tokens`], the pinyin readings).
#[derive(Clone)]
pub struct CharTokenizer(pub fn(&str) -> Vec<CharToken>);

impl Tokenizer for CharTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(text, (self.0)(text))
    }
}

/// A precomputed token list, with byte offsets mapped back onto the original text.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl VecTokenStream {
    pub(crate) fn new(text: &str, tokens: Vec<CharToken>) -> Self {
        let byte_at: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(text.len()))
            .collect();
        let tokens = tokens
            .into_iter()
            .map(|t| Token {
                offset_from: byte_at[t.start],
                offset_to: byte_at[t.end],
                position: t.start,
                text: t.text,
                position_length: t.end - t.start,
            })
            .collect();
        VecTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &[CharToken]) -> Vec<(&str, usize)> {
        tokens.iter().map(|t| (t.text.as_str(), t.start)).collect()
    }

    #[test]
    fn positions_are_character_offsets() {
        let tokens = index_tokens("不动产登记信息");
        let t = texts(&tokens);
        assert!(t.contains(&("不动产", 0)), "{t:?}");
        assert!(t.contains(&("登记", 3)), "{t:?}");
        assert!(t.contains(&("信息", 5)), "{t:?}");
        // every character on its own, at its offset
        for (i, c) in "不动产登记信息".chars().enumerate() {
            assert!(
                t.contains(&(c.to_string().as_str(), i)),
                "{c} at {i}: {t:?}"
            );
        }
        // search mode also offers the parts of long words
        assert!(t.contains(&("动产", 1)), "{t:?}");
    }

    #[test]
    fn every_adjacent_han_pair_is_a_token_once() {
        let tokens = index_tokens("产登记，税务2023年");
        let t = texts(&tokens);
        // "产登" is no word, but a query covering "不动产登记" with pairs needs it.
        assert!(t.contains(&("产登", 0)), "{t:?}");
        assert_eq!(t.iter().filter(|x| **x == ("登记", 1)).count(), 1, "{t:?}");
        // no pair across punctuation or into digits
        assert!(!t.iter().any(|(w, _)| ["记税", "3年"].contains(w)), "{t:?}");
        assert!(t.contains(&("税务", 4)), "{t:?}");
    }

    #[test]
    fn positions_ascend_and_tokens_are_unique() {
        let tokens = index_tokens("中华人民共和国国家统计局：2023年国民经济和社会发展统计公报");
        assert!(tokens.windows(2).all(|w| w[0].start <= w[1].start));
        let mut seen = std::collections::HashSet::new();
        assert!(
            tokens
                .iter()
                .all(|t| seen.insert((t.text.clone(), t.start)))
        );
    }

    #[test]
    fn punctuation_and_spaces_are_dropped() {
        let tokens = index_tokens("税务，登记。“发票”（2023）、 - / ！");
        for t in &tokens {
            assert!(t.text.chars().any(is_word_char), "kept {t:?}");
        }
        let t = texts(&tokens);
        assert!(t.contains(&("税务", 0)), "{t:?}");
        assert!(t.contains(&("登记", 3)), "{t:?}");
        assert!(t.contains(&("发票", 7)), "{t:?}");
        assert!(t.contains(&("2023", 11)), "{t:?}");
    }

    #[test]
    fn lowercases_and_folds_width() {
        let t = index_tokens("ＧＤＰ数据 Open API");
        let words: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert!(words.contains(&"gdp"), "{words:?}");
        assert!(words.contains(&"open"), "{words:?}");
        assert!(words.contains(&"api"), "{words:?}");
        assert!(!words.iter().any(|w| w.chars().any(|c| c.is_uppercase())));
    }

    #[test]
    fn mixed_script_splits_digits_latin_and_han() {
        let t = index_tokens("2023年GDP统计");
        let t = texts(&t);
        assert!(t.contains(&("2023", 0)), "{t:?}");
        assert!(t.contains(&("年", 4)), "{t:?}");
        assert!(t.contains(&("gdp", 5)), "{t:?}");
        assert!(t.contains(&("统计", 8)), "{t:?}");
    }

    #[test]
    fn byte_offsets_point_into_the_original_text() {
        let text = "ＧＤＰ，增长";
        let mut tok = CharTokenizer(index_tokens);
        let mut stream = tok.token_stream(text);
        let mut seen = Vec::new();
        while stream.advance() {
            let t = stream.token();
            seen.push((text[t.offset_from..t.offset_to].to_owned(), t.text.clone()));
        }
        assert!(
            seen.contains(&("ＧＤＰ".to_owned(), "gdp".to_owned())),
            "{seen:?}"
        );
        assert!(
            seen.contains(&("增长".to_owned(), "增长".to_owned())),
            "{seen:?}"
        );
    }

    #[test]
    fn grams_are_runs_of_three_and_four_han_characters() {
        let t = gram_tokens("隆昌市，人员信息GDP");
        let t = texts(&t);
        assert_eq!(
            t,
            [("隆昌市", 0), ("人员信", 4), ("人员信息", 4), ("员信息", 5)]
        );
        assert!(gram_tokens("数据").is_empty());
    }

    #[test]
    fn query_words_use_default_mode() {
        let words: Vec<String> = query_words(&fold("不动产登记"))
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert!(!words.contains(&"动产".to_owned()), "{words:?}");
        assert_eq!(words.concat(), "不动产登记");
    }
}
