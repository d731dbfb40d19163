//! Pinyin of titles: one token per reading of each Han character (heteronyms included, `ü` typed
//! as `v`), at the character's offset; a second tokenizer keeps only the initial letters. Queries
//! typed in pinyin are split into syllables here.

use std::collections::HashSet;
use std::sync::LazyLock;

use pinyin::ToPinyinMulti;

use crate::text::{fold, is_han};
use crate::token::CharToken;

/// Registered names of the two tokenizers.
pub const PINYIN_FULL: &str = "mulu_pinyin";
pub const PINYIN_INITIALS: &str = "mulu_pinyin_initials";

/// Readings kept per character: enough for common heteronyms (重 zhong/chong, 行 xing/hang).
const MAX_READINGS: usize = 4;
/// Longest syllable (zhuang, shuang, chuang).
const MAX_SYLLABLE: usize = 6;
/// Longest letter run we try to read as pinyin.
pub const MAX_PINYIN_LETTERS: usize = 48;

/// Readings of one character, plain letters, `ü` as `v`, without duplicates.
pub fn readings(c: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(multi) = c.to_pinyin_multi() {
        for p in multi {
            let r = p.plain().replace('ü', "v");
            // Only plain letters can be typed (drops rare readings such as ê or ḿ).
            if !r.is_empty()
                && r.bytes().all(|b| b.is_ascii_lowercase())
                && !out.contains(&r)
                && out.len() < MAX_READINGS
            {
                out.push(r);
            }
        }
    }
    out
}

/// The ways `word` can be read, one syllable per character, heteronyms making several (at most
/// `max`, first readings first); none when a character has no reading.
pub fn soundings(word: &str, max: usize) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for c in word.chars() {
        let rs = readings(c);
        if rs.is_empty() {
            return Vec::new();
        }
        out = out
            .iter()
            .flat_map(|prefix| {
                rs.iter().map(move |r| {
                    let mut next = prefix.clone();
                    next.push(r.clone());
                    next
                })
            })
            .take(max)
            .collect();
    }
    out
}

/// Every syllable the dictionary knows, and every prefix of one.
static SYLLABLES: LazyLock<(HashSet<String>, HashSet<String>)> = LazyLock::new(|| {
    let mut full = HashSet::new();
    for cp in 0x4E00u32..=0x9FFF {
        if let Some(c) = char::from_u32(cp) {
            full.extend(readings(c));
        }
    }
    let prefixes = full
        .iter()
        .flat_map(|s| (1..=s.len()).map(move |n| s[..n].to_owned()))
        .collect();
    (full, prefixes)
});

pub fn is_syllable(s: &str) -> bool {
    SYLLABLES.0.contains(s)
}

fn is_syllable_prefix(s: &str) -> bool {
    SYLLABLES.1.contains(s)
}

/// Ways to read `letters` (lower-case ASCII) as whole syllables, fewest syllables first, at most
/// `max`. With `last_partial`, the last piece may be the beginning of a syllable (typing ahead).
pub fn split_syllables(letters: &str, max: usize, last_partial: bool) -> Vec<Vec<String>> {
    let n = letters.len();
    if n == 0 || n > MAX_PINYIN_LETTERS || !letters.bytes().all(|b| b.is_ascii_lowercase()) {
        return Vec::new();
    }
    // feasible[i]: letters[i..] can be read; computed back to front so the search never dead-ends.
    let mut feasible = vec![false; n + 1];
    feasible[n] = true;
    for i in (0..n).rev() {
        feasible[i] = (i + 1..=(i + MAX_SYLLABLE).min(n)).any(|j| {
            let piece = &letters[i..j];
            (feasible[j] && is_syllable(piece))
                || (last_partial && j == n && is_syllable_prefix(piece))
        });
    }
    if !feasible[0] {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut path = Vec::new();
    walk(
        letters,
        0,
        &feasible,
        last_partial,
        &mut path,
        &mut out,
        max * 4,
    );
    out.sort_by_key(|s: &Vec<String>| s.len());
    out.truncate(max);
    out
}

fn walk(
    letters: &str,
    i: usize,
    feasible: &[bool],
    last_partial: bool,
    path: &mut Vec<String>,
    out: &mut Vec<Vec<String>>,
    cap: usize,
) {
    let n = letters.len();
    if i == n {
        out.push(path.clone());
        return;
    }
    // Longest pieces first: the natural reading (xian before xi'an) comes out early.
    for j in ((i + 1)..=(i + MAX_SYLLABLE).min(n)).rev() {
        if out.len() >= cap {
            return;
        }
        let piece = &letters[i..j];
        let ok = (feasible[j] && is_syllable(piece))
            || (last_partial && j == n && is_syllable_prefix(piece));
        if ok {
            path.push(piece.to_owned());
            walk(letters, j, feasible, last_partial, path, out, cap);
            path.pop();
        }
    }
}

/// Full-pinyin tokens of a text: each reading of each Han character at the character's offset.
pub fn pinyin_tokens(text: &str, initials_only: bool) -> Vec<CharToken> {
    let mut out = Vec::new();
    for (i, c) in fold(text).chars().enumerate() {
        if !is_han(c) {
            continue;
        }
        let mut seen: Vec<String> = Vec::new();
        let all = readings(c);
        // Initials of rare readings mostly add noise (公交车 would match gjj through 车 ju).
        let used = if initials_only {
            &all[..all.len().min(1)]
        } else {
            &all[..]
        };
        for r in used.iter().cloned() {
            let t = if initials_only { r[..1].to_owned() } else { r };
            if !seen.contains(&t) {
                seen.push(t.clone());
                out.push(CharToken {
                    text: t,
                    start: i,
                    end: i + 1,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_include_heteronyms_and_v_for_u_umlaut() {
        assert!(readings('重').contains(&"zhong".to_owned()));
        assert!(readings('重').contains(&"chong".to_owned()));
        assert_eq!(readings('绿').first().map(String::as_str), Some("lv"));
        assert!(readings('a').is_empty());
    }

    #[test]
    fn tokens_sit_at_character_offsets() {
        let t = pinyin_tokens("不动产A登记", false);
        let at = |s: &str| t.iter().find(|t| t.text == s).map(|t| t.start);
        assert_eq!(at("bu"), Some(0));
        assert_eq!(at("dong"), Some(1));
        assert_eq!(at("chan"), Some(2));
        assert_eq!(at("deng"), Some(4));
        assert_eq!(at("ji"), Some(5));
        let i = pinyin_tokens("不动产登记", true);
        for (pos, initial) in "bdcdj".chars().enumerate() {
            let initial = initial.to_string();
            assert!(
                i.iter().any(|t| t.start == pos && t.text == initial),
                "{i:?}"
            );
        }
    }

    #[test]
    fn splits_pinyin_into_syllables() {
        assert_eq!(
            split_syllables("budongchan", 3, false).first().unwrap(),
            &["bu", "dong", "chan"]
        );
        let xian = split_syllables("xian", 4, false);
        assert_eq!(xian[0], ["xian"]);
        assert!(xian.contains(&vec!["xi".to_owned(), "an".to_owned()]));
        assert!(split_syllables("bdcdj", 3, false).is_empty());
        assert!(split_syllables("gdp", 3, false).is_empty());
        assert_eq!(
            split_syllables("budongc", 3, true).first().unwrap(),
            &["bu", "dong", "c"]
        );
        // pathological input stays cheap
        assert!(split_syllables(&"a".repeat(48), 2, false).len() <= 2);
        assert!(split_syllables(&"xian".repeat(40), 2, false).is_empty());
    }
}
