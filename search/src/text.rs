//! Character-level normalization shared by indexing, querying and highlighting. Every mapping is
//! one char to one char, so character offsets (our token positions) survive normalization.

use std::collections::HashMap;
use std::sync::LazyLock;

/// OpenCC's traditional → simplified character table (see `search/data/opencc/README.md`).
const TS_CHARACTERS: &str = include_str!("../data/opencc/TSCharacters.txt");

/// The dense part of the table: the BMP's unified ideographs (and extension A), where nearly
/// every traditional character is; the rest (a few in the supplementary planes) in a map.
const DENSE: std::ops::Range<u32> = 0x3400..0xA000;

struct Simplified {
    dense: Box<[char]>,
    rest: HashMap<char, char>,
}

static SIMPLIFIED: LazyLock<Simplified> = LazyLock::new(|| {
    let mut dense: Box<[char]> = DENSE.map(|u| char::from_u32(u).unwrap_or(' ')).collect();
    let mut rest = HashMap::new();
    for line in TS_CHARACTERS.lines().filter(|l| !l.starts_with('#')) {
        let Some((from, to)) = line.split_once('\t') else {
            continue;
        };
        let mut from = from.chars();
        let mut to = to.split(' ').next().unwrap_or_default().chars();
        // Only one character to one character: positions must not move.
        let (Some(f), None, Some(t), None) = (from.next(), from.next(), to.next(), to.next())
        else {
            continue;
        };
        if DENSE.contains(&(f as u32)) {
            dense[(f as u32 - DENSE.start) as usize] = t;
        } else {
            rest.insert(f, t);
        }
    }
    Simplified { dense, rest }
});

/// A traditional character's simplified form (醫 → 医, 動 → 动); any other character unchanged.
pub fn simplified(c: char) -> char {
    let table = &*SIMPLIFIED;
    if DENSE.contains(&(c as u32)) {
        table.dense[(c as u32 - DENSE.start) as usize]
    } else if (c as u32) < DENSE.start {
        c
    } else {
        table.rest.get(&c).copied().unwrap_or(c)
    }
}

/// Fold one character: traditional to simplified Chinese, full-width ASCII to half-width, case
/// to lower case, controls to a space.
pub fn fold_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c if c.is_control() => ' ',
        c => c,
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if is_han(c) {
        return simplified(c);
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        // Lower-casing that changes the length (e.g. 'İ') would shift positions: keep the char.
        _ => c,
    }
}

/// [`fold_char`] over a string; the result has exactly as many chars as the input.
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// Han ideographs (CJK unified ideographs, extensions and compatibility ideographs).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x30000..=0x323AF)
        || c == '〇'
}

/// A character that can be part of a searchable word (letters, digits, ideographs).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_han(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_and_case_one_char_each() {
        assert_eq!(fold("ＧＤＰ２０２３年　Abc"), "gdp2023年 abc");
        let odd = "İ\u{0}x";
        assert_eq!(fold(odd).chars().count(), odd.chars().count());
    }

    #[test]
    fn traditional_folds_to_simplified_one_char_each() {
        assert_eq!(fold("不動產登記"), "不动产登记");
        assert_eq!(fold("醫療機構"), "医疗机构");
        assert_eq!(fold("社会保险"), "社会保险");
        let mixed = "臺灣ＧＤＰ統計";
        assert_eq!(fold(mixed), "台湾gdp统计");
        assert_eq!(fold(mixed).chars().count(), mixed.chars().count());
    }

    #[test]
    fn han_detection() {
        assert!(is_han('税'));
        assert!(is_han('〇'));
        assert!(!is_han('a'));
        assert!(!is_han('，'));
    }
}
