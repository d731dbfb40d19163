//! The exact lane for identifiers: a query that reads as one resource code, USCC or registration
//! query code (any case, full- or half-width, with or without separators) finds the entries that
//! code names before any word search runs.

use tantivy::Term;
use tantivy::query::{Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use crate::schema::Fields;

/// The form an identifier is indexed and looked up by: its ASCII letters and digits, upper case
/// (`511000-00000001-t` and `51100000000001T` are one key).
pub fn code_key(raw: &str) -> String {
    raw.chars()
        .map(half_width)
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The key of a query that is one identifier and nothing else: 12–24 letters and digits, at least
/// eight of them digits, joined only by separators (`-`, space, `/`, `.`, dashes). Mulu's codes
/// are 15 (resource), 18 (USCC) and 20 (query code) long.
pub fn query_code_key(q: &str) -> Option<String> {
    let q = q.trim();
    let only_code_chars = q
        .chars()
        .map(half_width)
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ' ' | '/' | '.' | '_' | '—' | '–'));
    let key = code_key(q);
    let digits = key.chars().filter(char::is_ascii_digit).count();
    (only_code_chars && (12..=24).contains(&key.len()) && digits >= 8).then_some(key)
}

/// The documents an identifier names.
pub fn code_query(f: &Fields, key: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(f.codes, key),
        IndexRecordOption::Basic,
    ))
}

/// Full-width ASCII forms (`５`, `Ｔ`, `－`) as their ASCII characters.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_in_any_form_are_one_key() {
        let key = Some("51100000000001T".to_owned());
        assert_eq!(query_code_key("511000-00000001-T"), key);
        assert_eq!(query_code_key(" 511000-00000001-t "), key);
        assert_eq!(query_code_key("51100000000001t"), key);
        assert_eq!(query_code_key("５１１０００－０００００００１－Ｔ"), key);
        assert_eq!(
            query_code_key("dj-2026-510500-0000001-7").as_deref(),
            Some("DJ202651050000000017")
        );
        assert_eq!(
            query_code_key("91510500000000003C").as_deref(),
            Some("91510500000000003C")
        );
    }

    #[test]
    fn words_are_not_identifiers() {
        for q in [
            "不动产登记",
            "2019",
            "社保 2019-2024",
            "13900000000",
            "abcdefghijklmnop",
            "",
        ] {
            assert_eq!(query_code_key(q), None, "{q}");
        }
    }
}
