//! The segmenter's dictionary: jieba's own, the domain words shipped in `data/words.txt` (GB/T 2260
//! places with and without their suffix, GB/T 4754 industries, department and catalog words; see
//! `scripts/build-words.py`) and the deployment's own (`--words`). Whole words keep a query's
//! places and names together (深圳南山 → 深圳 南山, not 深圳 南 山) and give an entry that holds
//! the whole word the word's score. The dictionary shapes the index's terms, so the index records
//! its fingerprint and is rebuilt when the words change.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use jieba_rs::Jieba;

use crate::error::SearchError;
use crate::pinyin::soundings;

const SHIPPED: &str = include_str!("../data/words.txt");

/// Longest word taken from a deployment's file, in characters.
const MAX_WORD_CHARS: usize = 32;

static DEPLOYMENT: OnceLock<Vec<String>> = OnceLock::new();

/// The words of a dictionary file: one per line (a jieba line's frequency and tag are ignored),
/// `#` starts a comment.
pub fn parse_words(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.chars().count() <= MAX_WORD_CHARS)
        .map(str::to_owned)
        .collect()
}

/// Adds the deployment's words (`--words`) to the shipped ones. Only before the first search,
/// index write or index open: the word list is read once per process.
pub fn set_deployment_words(text: &str) -> Result<usize, SearchError> {
    let words = parse_words(text);
    let n = words.len();
    if LazyLock::get(&WORDS).is_some() || DEPLOYMENT.set(words).is_err() {
        return Err(SearchError::InvalidRequest {
            field: "words".into(),
            message: "分词词典须在检索开始前设置".into(),
        });
    }
    Ok(n)
}

/// The shipped words and the deployment's, read once: the segmenter, the fingerprint and the
/// pinyin map are all made from this list.
static WORDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut words = parse_words(SHIPPED);
    words.extend(DEPLOYMENT.get().into_iter().flatten().cloned());
    words
});

pub(crate) static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    for word in WORDS.iter() {
        // The least frequency that keeps the word whole on its own: in a longer run, jieba's
        // own words still win where they are likelier (城市中心 stays 城市 中心 beside 市中区).
        let freq = jieba.suggest_freq(word);
        jieba.add_word(word, Some(freq), None);
    }
    jieba
});

/// Identifies the dictionary an index was built with (FNV-1a: stable across builds); every
/// commit records it.
pub(crate) fn fingerprint() -> u64 {
    static FINGERPRINT: LazyLock<u64> = LazyLock::new(|| {
        WORDS.iter().fold(0xcbf2_9ce4_8422_2325, |hash, word| {
            word.bytes().chain([b'\n']).fold(hash, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            })
        })
    });
    *FINGERPRINT
}

/// Longest dictionary word read as pinyin, in characters.
const MAX_PINYIN_WORD_CHARS: usize = 8;
/// Spellings kept per word (every reading of a heteronym makes one more).
const MAX_SPELLINGS: usize = 8;
/// Words kept per spelling (homophones: 西安 and 西岸 are both xian).
const MAX_WORDS_PER_SPELLING: usize = 4;

/// The dictionary's words by their full pinyin, in every reading (成都 is chengdu and chengdou:
/// whichever is typed finds it).
static BY_PINYIN: LazyLock<HashMap<String, Vec<String>>> = LazyLock::new(|| {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for word in WORDS.iter() {
        if word.chars().count() > MAX_PINYIN_WORD_CHARS {
            continue;
        }
        for sounds in soundings(word, MAX_SPELLINGS) {
            let words = map.entry(sounds.concat()).or_default();
            if !words.contains(word) && words.len() < MAX_WORDS_PER_SPELLING {
                words.push(word.clone());
            }
        }
    }
    map
});

/// Dictionary words that `letters` spell in pinyin: a place, department or catalog word typed in
/// Latin letters (chengdu, budongchan) is also searched as written in characters.
pub(crate) fn words_read_as(letters: &str) -> &'static [String] {
    BY_PINYIN.get(letters).map(Vec::as_slice).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Vec<&str> {
        JIEBA.cut(text, false).into_iter().map(|t| t.word).collect()
    }

    #[test]
    fn places_industries_and_departments_stay_whole() {
        assert_eq!(cut("深圳南山区"), ["深圳", "南山区"]);
        assert_eq!(cut("江阳不动产登记"), ["江阳", "不动产登记"]);
        assert_eq!(cut("人力资源和社会保障局"), ["人力资源和社会保障局"]);
        assert_eq!(cut("城市中心"), ["城市", "中心"]);
    }

    #[test]
    fn pinyin_reads_back_to_places_and_names() {
        assert!(words_read_as("chengdu").contains(&"成都".to_owned()));
        assert!(words_read_as("chongqing").contains(&"重庆".to_owned()));
        assert!(words_read_as("xiamen").contains(&"厦门".to_owned()));
        assert!(words_read_as("budongchandengji").contains(&"不动产登记".to_owned()));
        assert!(words_read_as("qwerty").is_empty());
    }

    #[test]
    fn a_dictionary_line_may_carry_jieba_frequency_and_tag() {
        assert_eq!(
            parse_words("# 注释\n南山区 100 ns\n\n 前海 \n"),
            ["南山区", "前海"]
        );
    }
}
