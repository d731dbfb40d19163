//! Suggest-as-you-type from titles (Chinese, Latin or pinyin prefixes) and "did you mean" for
//! Chinese queries typed with a wrong character of the same sound (不洞产登记 → 不动产登记).

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, PhrasePrefixQuery, Query};
use tantivy::{Searcher, TantivyDocument, Term};

use crate::SearchError;
use crate::document::from_tantivy;
use crate::highlight::Highlighter;
use crate::model::{Suggestion, Viewer};
use crate::pinyin::{readings, split_syllables};
use crate::query::{ParsedQuery, visibility_filter};
use crate::schema::Fields;
use crate::terms::atoms_query;
use crate::text::is_han;

/// Titles considered per suggestion returned (duplicates are folded).
const OVERFETCH: usize = 4;
/// Longest Chinese query we try to respell.
const MAX_RESPELL_CHARS: usize = 16;

pub fn suggest(
    searcher: &Searcher,
    f: &Fields,
    prefix: &str,
    viewer: &Viewer,
    limit: usize,
) -> Result<Vec<Suggestion>, SearchError> {
    let parsed = ParsedQuery::parse(prefix);
    let atoms: Vec<(usize, String)> = parsed
        .loose
        .words
        .iter()
        .flat_map(|(o, w)| w.atoms.iter().map(move |(a, t)| (o + a, t.clone())))
        .collect();
    if atoms.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let mut alternatives: Vec<Box<dyn Query>> = vec![prefix_phrase(f.title, &atoms)];
    if let [(_, w)] = parsed.loose.words.as_slice()
        && w.letters
    {
        for split in split_syllables(&w.text, 3, true) {
            let syllables: Vec<(usize, String)> = split.into_iter().enumerate().collect();
            alternatives.push(prefix_phrase(f.title_pinyin, &syllables));
        }
        if w.text.len() >= 2 {
            let letters: Vec<(usize, &str)> = w
                .text
                .char_indices()
                .map(|(i, _)| (i, &w.text[i..i + 1]))
                .collect();
            alternatives.push(atoms_query(f.title_initials, &letters, 0));
        }
    }
    let query = BooleanQuery::new(vec![
        (Occur::Must, visibility_filter(f, viewer)),
        (Occur::Must, Box::new(BooleanQuery::union(alternatives))),
    ]);
    let top = searcher.search(
        &query,
        &TopDocs::with_limit(limit * OVERFETCH).order_by_score(),
    )?;
    let highlighter = Highlighter::for_prefix(&parsed);
    let mut out: Vec<Suggestion> = Vec::with_capacity(limit);
    for (_, addr) in top {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let Some(stored) = from_tantivy(f, &doc) else {
            continue;
        };
        if out.iter().any(|s| s.text == stored.title) {
            continue;
        }
        out.push(Suggestion {
            html: highlighter.title_html(&stored.title),
            text: stored.title,
            id: stored.id,
            kind: stored.kind,
            url: stored.url,
        });
        if out.len() == limit {
            break;
        }
    }
    Ok(out)
}

/// The atoms as a phrase whose last atom may be incomplete.
fn prefix_phrase(field: tantivy::schema::Field, atoms: &[(usize, String)]) -> Box<dyn Query> {
    let base = atoms.first().map(|(o, _)| *o).unwrap_or(0);
    let terms = atoms
        .iter()
        .map(|(o, t)| (o - base, Term::from_field_text(field, t)))
        .collect();
    Box::new(PhrasePrefixQuery::new_with_offset(terms))
}

/// A title phrase that sounds like the Chinese query, when the query itself found little.
pub fn did_you_mean(
    searcher: &Searcher,
    f: &Fields,
    parsed: &ParsedQuery,
    viewer: &Viewer,
) -> Result<Option<String>, SearchError> {
    let typed: Vec<char> = parsed.words().flat_map(|w| w.text.chars()).collect();
    if typed.len() < 2 || typed.len() > MAX_RESPELL_CHARS || !typed.iter().all(|c| is_han(*c)) {
        return Ok(None);
    }
    let sounds: Vec<Vec<String>> = typed.iter().map(|c| readings(*c)).collect();
    if sounds.iter().any(Vec::is_empty) {
        return Ok(None);
    }
    // Titles with the first reading of each character as a phrase; confirmed on the title text.
    let first: Vec<(usize, &str)> = sounds
        .iter()
        .enumerate()
        .map(|(i, rs)| (i, rs[0].as_str()))
        .collect();
    let query = BooleanQuery::new(vec![
        (Occur::Must, visibility_filter(f, viewer)),
        (Occur::Must, atoms_query(f.title_pinyin, &first, 0)),
    ]);
    let top = searcher.search(&query, &TopDocs::with_limit(5).order_by_score())?;
    let typed_text: String = typed.iter().collect();
    for (_, addr) in top {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let Some(stored) = from_tantivy(f, &doc) else {
            continue;
        };
        if let Some(found) = sounding_like(&stored.title, &sounds)
            && found != typed_text
        {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// The query as `title` spells it, spaced as typed: each Han word the title does not hold,
/// replaced by the title's run that sounds like it. `None` when nothing changes.
pub fn respelled(parsed: &ParsedQuery, title: &str) -> Option<String> {
    let folded_title = crate::text::fold(title);
    let mut query = parsed.folded.clone();
    for (_, w) in &parsed.loose.words {
        if folded_title.contains(&w.text) || !w.text.chars().all(is_han) {
            continue;
        }
        let sounds: Vec<Vec<String>> = w.text.chars().map(readings).collect();
        if let Some(found) = sounding_like(title, &sounds) {
            query = query.replacen(&w.text, &found, 1);
        }
    }
    (query != parsed.folded).then_some(query)
}

/// The first run of `title` characters that can be read as `sounds`, position by position.
fn sounding_like(title: &str, sounds: &[Vec<String>]) -> Option<String> {
    let chars: Vec<char> = title.chars().collect();
    let n = sounds.len();
    if chars.len() < n {
        return None;
    }
    (0..=chars.len() - n).find_map(|i| {
        let window = &chars[i..i + n];
        let fits = window
            .iter()
            .zip(sounds)
            .all(|(c, rs)| readings(*c).iter().any(|r| rs.contains(r)));
        fits.then(|| window.iter().collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_homophone_run() {
        let sounds: Vec<Vec<String>> = "不洞产".chars().map(readings).collect();
        assert_eq!(
            sounding_like("全市不动产登记信息", &sounds).as_deref(),
            Some("不动产")
        );
        assert_eq!(sounding_like("人口信息", &sounds), None);
    }
}
