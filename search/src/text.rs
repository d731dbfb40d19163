//! Character-level normalization shared by indexing, querying and highlighting. Every mapping is
//! one char to one char, so character offsets (our token positions) survive normalization.

/// Fold one character: full-width ASCII to half-width, case to lower case, controls to a space.
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
    fn han_detection() {
        assert!(is_han('税'));
        assert!(is_han('〇'));
        assert!(!is_han('a'));
        assert!(!is_han('，'));
    }
}
