//! Highlighted, HTML-escaped titles and snippets. Matching is by folded character sequence (the
//! same "exact characters" rule the query uses), so a match is marked whole, never as scattered
//! single characters; pinyin words mark the title characters they spell.

use crate::pinyin::{readings, split_syllables};
use crate::query::ParsedQuery;
use crate::text::{fold_char, is_han};

/// Snippet length in characters.
pub const SNIPPET_CHARS: usize = 120;
/// Context kept before the first match of a snippet.
const LEAD_CHARS: usize = 24;

/// What to mark, from a parsed query.
#[derive(Debug, Clone, Default)]
pub struct Highlighter {
    needles: Vec<Vec<char>>,
    /// Letter words that may be pinyin: (letters, syllable readings).
    pinyin: Vec<(String, Vec<Vec<String>>)>,
}

impl Highlighter {
    pub fn new(q: &ParsedQuery) -> Self {
        let mut h = Highlighter::default();
        for w in q.words() {
            let chars: Vec<char> = w.text.chars().collect();
            if !chars.is_empty() && !h.needles.contains(&chars) {
                h.needles.push(chars);
            }
            if w.letters && w.text.len() >= 2 {
                h.pinyin
                    .push((w.text.clone(), split_syllables(&w.text, 3, false)));
            }
        }
        h
    }

    /// For suggestions: the typed prefix, with its last syllable possibly incomplete.
    pub fn for_prefix(q: &ParsedQuery) -> Self {
        let mut h = Highlighter::new(q);
        for (letters, splits) in &mut h.pinyin {
            *splits = split_syllables(letters, 3, true);
        }
        h
    }

    fn marks(&self, chars: &[char], with_pinyin: bool) -> Vec<bool> {
        let folded: Vec<char> = chars.iter().map(|c| fold_char(*c)).collect();
        let mut marks = vec![false; chars.len()];
        for needle in &self.needles {
            mark_all(&folded, needle, &mut marks, |a, b| a == b);
        }
        if with_pinyin {
            for (letters, splits) in &self.pinyin {
                let literal: Vec<char> = letters.chars().collect();
                if find(&folded, &literal).is_some() {
                    continue; // the word is there as text; do not also mark its pinyin
                }
                let reads: Vec<Vec<String>> = folded
                    .iter()
                    .map(|c| if is_han(*c) { readings(*c) } else { Vec::new() })
                    .collect();
                let initials: Vec<String> = letters.chars().map(String::from).collect();
                for syllables in splits.iter().chain(std::iter::once(&initials)) {
                    mark_pinyin(&reads, syllables, &mut marks);
                }
            }
        }
        marks
    }

    /// The whole title, escaped, matches in `<mark>`.
    pub fn title_html(&self, title: &str) -> String {
        let chars: Vec<char> = title.chars().collect();
        let marks = self.marks(&chars, true);
        render(&chars, &marks)
    }

    /// A window of the body around its densest matches (or its beginning), escaped, matches in `<mark>`.
    pub fn snippet_html(&self, body: &str) -> String {
        let chars: Vec<char> = body.chars().collect();
        if chars.is_empty() {
            return String::new();
        }
        let marks = self.marks(&chars, false);
        let start = best_window(&marks, SNIPPET_CHARS);
        let end = (start + SNIPPET_CHARS).min(chars.len());
        let mut html = String::new();
        if start > 0 {
            html.push('…');
        }
        html.push_str(&render(&chars[start..end], &marks[start..end]));
        if end < chars.len() {
            html.push('…');
        }
        html
    }
}

fn find(hay: &[char], needle: &[char]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == *needle)
}

fn mark_all(hay: &[char], needle: &[char], marks: &mut [bool], eq: impl Fn(&char, &char) -> bool) {
    if needle.is_empty() || needle.len() > hay.len() {
        return;
    }
    for i in 0..=hay.len() - needle.len() {
        if hay[i..i + needle.len()]
            .iter()
            .zip(needle)
            .all(|(a, b)| eq(a, b))
        {
            marks[i..i + needle.len()]
                .iter_mut()
                .for_each(|m| *m = true);
        }
    }
}

/// Mark runs of characters whose readings spell `syllables` (full syllables or initials; the last
/// may be a prefix, for typing ahead).
fn mark_pinyin(reads: &[Vec<String>], syllables: &[String], marks: &mut [bool]) {
    let n = syllables.len();
    if n == 0 || n > reads.len() {
        return;
    }
    for i in 0..=reads.len() - n {
        let ok = syllables.iter().enumerate().all(|(k, s)| {
            reads[i + k].iter().any(|r| {
                if k + 1 == n {
                    r.starts_with(s.as_str())
                } else {
                    r == s || (s.len() == 1 && r.starts_with(s.as_str()))
                }
            })
        });
        if ok {
            marks[i..i + n].iter_mut().for_each(|m| *m = true);
        }
    }
}

/// Start of the `width`-char window holding the most marked chars, a little before its first mark.
fn best_window(marks: &[bool], width: usize) -> usize {
    let Some(first) = marks.iter().position(|m| *m) else {
        return 0;
    };
    if marks.len() <= width {
        return 0;
    }
    let mut prefix = vec![0usize; marks.len() + 1];
    for (i, m) in marks.iter().enumerate() {
        prefix[i + 1] = prefix[i] + usize::from(*m);
    }
    let count = |s: usize| prefix[(s + width).min(marks.len())] - prefix[s];
    let mut best = (
        count(first.saturating_sub(LEAD_CHARS)),
        first.saturating_sub(LEAD_CHARS),
    );
    for (i, m) in marks.iter().enumerate() {
        // Window candidates begin a little before a match starts.
        if *m && (i == 0 || !marks[i - 1]) {
            let s = i.saturating_sub(LEAD_CHARS);
            let c = count(s);
            if c > best.0 {
                best = (c, s);
            }
        }
    }
    best.1.min(marks.len() - width)
}

fn render(chars: &[char], marks: &[bool]) -> String {
    let mut html = String::with_capacity(chars.len() * 3);
    let mut open = false;
    for (c, m) in chars.iter().zip(marks) {
        if *m && !open {
            html.push_str("<mark>");
            open = true;
        } else if !*m && open {
            html.push_str("</mark>");
            open = false;
        }
        escape_into(*c, &mut html);
    }
    if open {
        html.push_str("</mark>");
    }
    html
}

fn escape_into(c: char, out: &mut String) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(q: &str) -> Highlighter {
        Highlighter::new(&ParsedQuery::parse(q))
    }

    #[test]
    fn marks_whole_matches_and_escapes_everything_else() {
        let html = h("登记").title_html("<script>不动产登记</script> & 登 记");
        assert_eq!(
            html,
            "&lt;script&gt;不动产<mark>登记</mark>&lt;/script&gt; &amp; 登 记"
        );
    }

    #[test]
    fn case_and_width_insensitive() {
        assert_eq!(
            h("gdp").title_html("ＧＤＰ与GDP"),
            "<mark>ＧＤＰ</mark>与<mark>GDP</mark>"
        );
    }

    #[test]
    fn pinyin_marks_the_characters_it_spells() {
        assert_eq!(
            h("bdcdj").title_html("全市不动产登记信息"),
            "全市<mark>不动产登记</mark>信息"
        );
        assert_eq!(
            h("budongchan").title_html("不动产登记"),
            "<mark>不动产</mark>登记"
        );
    }

    #[test]
    fn snippet_is_a_window_around_matches() {
        let body = format!("{}税务登记{}", "甲".repeat(300), "乙".repeat(300));
        let s = h("税务").snippet_html(&body);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>税务</mark>"), "{s}");
        assert!(s.chars().filter(|c| *c == '甲' || *c == '乙').count() < SNIPPET_CHARS);
        let plain = h("无关").snippet_html("短文本");
        assert_eq!(plain, "短文本");
    }
}
