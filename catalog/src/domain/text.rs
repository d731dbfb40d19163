//! Free text entering the catalog: no control characters (C0, DEL, C1) and no Unicode
//! noncharacters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF). Tab, line feed and carriage return are allowed
//! only where text may span lines (descriptions, reasons), never in names, titles or tags. Every
//! text check of the catalog goes through [`check_text`]; [`check_json`] is the backstop every
//! stored entity passes.

use crate::error::{CatalogError, Result};

/// Whether a field may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// Names, titles, tags, references: one line, no tabs.
    One,
    /// Descriptions, reasons, opinions: tab, line feed and carriage return allowed.
    Many,
}

/// Whether `c` is a Unicode noncharacter (never meant for interchange).
pub fn is_noncharacter(c: char) -> bool {
    let u = c as u32;
    (0xFDD0..=0xFDEF).contains(&u) || u & 0xFFFE == 0xFFFE
}

/// Why `c` may not stand in a field, if it may not.
fn refusal(c: char, lines: Lines) -> Option<&'static str> {
    match c {
        '\t' | '\n' | '\r' if lines == Lines::One => Some("不能换行或含制表符"),
        '\t' | '\n' | '\r' => None,
        c if c.is_control() => Some("含有不可见的控制字符"),
        c if is_noncharacter(c) => Some("含有 Unicode 非字符"),
        _ => None,
    }
}

/// Refuse control characters and noncharacters in `value`, naming `field`, the character and
/// where it is (counted in characters from 1).
pub fn check_text(field: &str, value: &str, lines: Lines) -> Result<()> {
    let found = value
        .chars()
        .enumerate()
        .find_map(|(i, c)| refusal(c, lines).map(|why| (i + 1, c, why)));
    match found {
        None => Ok(()),
        Some((at, c, why)) => Err(CatalogError::invalid(
            field,
            format!("{why}（第{at}个字符 U+{:04X}），请删除后重试", c as u32),
        )),
    }
}

/// [`check_text`] on an optional field.
pub fn check_optional(field: &str, value: Option<&str>, lines: Lines) -> Result<()> {
    value.map_or(Ok(()), |v| check_text(field, v, lines))
}

/// Every string in a JSON document as multi-line text, object keys as single-line; the error
/// names the path below `root`, e.g. `content.data_items[3].name`. Paths are only built for a
/// document that fails (this runs on every stored entity, bulk imports included).
pub fn check_json(root: &str, value: &serde_json::Value) -> Result<()> {
    if is_clean(value) {
        return Ok(());
    }
    check_json_at(root, value)
}

fn is_clean(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    let clean = |s: &str, lines| s.chars().all(|c| refusal(c, lines).is_none());
    match value {
        Value::String(s) => clean(s, Lines::Many),
        Value::Array(items) => items.iter().all(is_clean),
        Value::Object(map) => map.iter().all(|(k, v)| clean(k, Lines::One) && is_clean(v)),
        Value::Null | Value::Bool(_) | Value::Number(_) => true,
    }
}

fn check_json_at(root: &str, value: &serde_json::Value) -> Result<()> {
    use serde_json::Value;
    match value {
        Value::String(s) => check_text(root, s, Lines::Many),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check_json_at(&format!("{root}[{i}]"), v)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            let path = if root.is_empty() {
                k.clone()
            } else {
                format!("{root}.{k}")
            };
            check_text(&path, k, Lines::One)?;
            check_json_at(&path, v)
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(value: &str, lines: Lines) -> Option<String> {
        match check_text("f", value, lines) {
            Ok(()) => None,
            Err(CatalogError::Invalid { field, message }) => {
                assert_eq!(field, "f");
                Some(message)
            }
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn control_characters_and_noncharacters_are_refused() {
        for c in ['\u{0}', '\u{1}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}'] {
            for lines in [Lines::One, Lines::Many] {
                let message = refused(&format!("名称{c}"), lines).expect("refused");
                assert!(message.contains("控制字符"), "{message}");
                assert!(message.contains("第3个字符"), "{message}");
            }
        }
        for c in [
            '\u{fffe}',
            '\u{ffff}',
            '\u{fdd0}',
            '\u{fdef}',
            '\u{1fffe}',
            '\u{10ffff}',
        ] {
            let message = refused(&format!("a{c}"), Lines::Many).expect("refused");
            assert!(message.contains("非字符"), "{message}");
            assert!(
                message.contains(&format!("U+{:04X}", c as u32)),
                "{message}"
            );
        }
    }

    #[test]
    fn line_breaks_only_in_multi_line_fields() {
        for s in ["一\n二", "一\r\n二", "一\t二"] {
            assert!(refused(s, Lines::Many).is_none());
            assert!(refused(s, Lines::One).unwrap().contains("换行"));
        }
    }

    #[test]
    fn ordinary_text_passes() {
        for s in [
            "城市公交线路",
            "Ünïcödé — «»",
            "emoji 🚌",
            "\u{fdcf}\u{fdf0}\u{fffd}",
            "全角　空格",
        ] {
            assert!(refused(s, Lines::One).is_none(), "{s}");
        }
    }

    #[test]
    fn json_paths_name_the_string() {
        let doc = serde_json::json!({"content": {"name": "ok", "data_items": [{"name": "a"}, {"name": "b\u{0}"}]}});
        match check_json("", &doc) {
            Err(CatalogError::Invalid { field, .. }) => {
                assert_eq!(field, "content.data_items[1].name")
            }
            other => panic!("{other:?}"),
        }
        let key = serde_json::json!({"fields": {"bad\u{1}key": "v"}});
        assert!(check_json("", &key).is_err());
        assert!(check_json("", &serde_json::json!({"a": ["x\ny", 1, null]})).is_ok());
    }
}
