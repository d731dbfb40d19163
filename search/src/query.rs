//! From user text to a tantivy query, built programmatically: the text is never handed to a query
//! parser, so `title:x OR *`, stray quotes or control characters are just words (or nothing).
//!
//! Every word must match somewhere (title, tags or body — the combined `text` field — or the
//! title's pinyin); a word matches as the exact character sequence (a phrase of its characters at
//! their offsets), so segmentation differences between query and document never lose a match.
//! The whole word as a jieba term, the title, the tags, and the words appearing together as a
//! phrase add score.

use tantivy::query::{AllQuery, BooleanQuery, Occur, Query};
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::document::facet_value;
use crate::model::{EntityKind, FacetFilters, FacetName, Viewer};
use crate::ops::at_least::AtLeast;
use crate::ops::conjunction::{AllWords, Alternative, Word, any_of};
use crate::ops::filter::TermsFilter;
use crate::ops::guarded::GuardedPhrase;
use crate::pinyin::{soundings, split_syllables};
use crate::schema::Fields;
use crate::synonyms::Synonyms;
use crate::terms::{atoms_query, term, term_query};
use crate::text::{fold, is_han};
use crate::token::CharToken;
use crate::tokenizer::{GRAM_CHARS, query_words};
use crate::words::words_read_as;

/// The longest query read ([`QueryText`](crate::QueryText) refuses longer ones where they
/// arrive; a suggestion's prefix is held to it here).
pub const MAX_QUERY_CHARS: usize = crate::model::QueryText::MAX_CHARS;
/// At most this many words take part in the query.
pub const MAX_WORDS: usize = 24;

const W_TITLE: f32 = 3.0;
const W_BODY: f32 = 1.0;
const W_TAGS: f32 = 1.5;
const W_PINYIN: f32 = 1.2;
const W_INITIALS: f32 = 1.0;
/// Extra weight when the query's words appear together, as typed.
const W_PHRASE: f32 = 2.0;
/// A synonym's match, below the form that was typed (`synonyms`).
const W_SYNONYM: f32 = 0.6;
/// A word matched by its sound in a title (a homophone typed for it), below any spelled match.
const W_SOUND: f32 = 0.5;
/// Readings tried per word matched by sound (one per combination of its heteronyms).
const MAX_SOUNDINGS: usize = 4;

/// How the words of a query must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// Every word, as spelled (or as a synonym, or in pinyin).
    All,
    /// Every word, and a Han word no entry spells may instead sound the same in a title (不洞产
    /// finds 不动产): tried when nothing holds the words as typed, the commonest input-method slip.
    AllBySound,
    /// Most words: when nothing holds them all.
    Most,
}

/// Opening and closing quote characters (after width folding).
const QUOTES: [char; 7] = ['"', '“', '”', '「', '」', '『', '』'];

/// One searchable word of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QWord {
    /// Folded text.
    pub text: String,
    /// Terms that together spell the word, with their char offset in the word: for Han text,
    /// character pairs covering it (the last may overlap), or the character itself; the whole word
    /// for anything else.
    pub atoms: Vec<(usize, String)>,
    /// Only ASCII letters: may be pinyin.
    pub letters: bool,
    /// Han characters no entry holds in this sequence: likely typed as a homophone
    /// ([`ParsedQuery::with_unspelled`]).
    pub unspelled: bool,
}

impl QWord {
    fn new(text: String) -> Self {
        let han = text.chars().all(is_han);
        let chars: Vec<char> = text.chars().collect();
        let atoms = if han && chars.len() > 1 {
            let last = chars.len() - 2;
            (0..=last)
                .step_by(2)
                .chain((chars.len() % 2 == 1).then_some(last))
                .map(|i| (i, chars[i..i + 2].iter().collect()))
                .collect()
        } else {
            vec![(0, text.clone())]
        };
        let letters = text.bytes().all(|b| b.is_ascii_lowercase());
        QWord {
            text,
            atoms,
            letters,
            unspelled: false,
        }
    }

    pub fn len_chars(&self) -> usize {
        self.text.chars().count()
    }

    /// A Han word of two characters, spelled by one pair term.
    fn is_pair(&self) -> bool {
        self.len_chars() == 2 && self.atoms.len() == 1 && self.text.chars().all(is_han)
    }

    /// A Han word indexed whole in the `*_grams` fields (3–4 characters).
    fn is_gram(&self) -> bool {
        is_gram(&self.text)
    }
}

/// Words in typing order with their offset in a gap-free run, plus the gap (dropped chars) budget.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Run {
    pub words: Vec<(usize, QWord)>,
    pub gaps: u32,
}

impl Run {
    /// The run's text when it is a 3–4 character Han run without gaps, indexed whole in the
    /// `*_grams` fields.
    fn gram(&self) -> Option<String> {
        let text = self.text();
        (self.gaps == 0 && is_gram(&text)).then_some(text)
    }

    /// The words' text, one after the other.
    fn text(&self) -> String {
        self.words.iter().map(|(_, w)| w.text.as_str()).collect()
    }

    /// One word on its own.
    fn of(w: &QWord) -> Run {
        Run {
            words: vec![(0, w.clone())],
            gaps: 0,
        }
    }

    /// Every atom of the run at its offset.
    fn atoms(&self) -> Vec<(usize, &str)> {
        self.words
            .iter()
            .flat_map(|(o, w)| w.atoms.iter().map(move |(a, t)| (o + a, t.as_str())))
            .collect()
    }
}

/// What the user asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// The folded, truncated text.
    pub folded: String,
    /// Unquoted words: each must match.
    pub loose: Run,
    /// Quoted phrases: each must match as a phrase.
    pub phrases: Vec<Run>,
}

impl ParsedQuery {
    pub fn parse(q: &str) -> Self {
        let folded: String = fold(q).chars().take(MAX_QUERY_CHARS).collect();
        let mut parsed = ParsedQuery {
            folded: folded.clone(),
            ..Default::default()
        };
        let quotes = folded.chars().filter(|c| QUOTES.contains(c)).count();
        // An unbalanced last quote is just punctuation.
        let usable_quotes = quotes - quotes % 2;
        let mut seen_quotes = 0;
        let mut inside = false;
        let mut segment = String::new();
        let mut budget = MAX_WORDS;
        for c in folded.chars() {
            if QUOTES.contains(&c) && seen_quotes < usable_quotes {
                seen_quotes += 1;
                parsed.add_segment(&segment, inside, &mut budget);
                segment.clear();
                inside = !inside;
            } else {
                segment.push(c);
            }
        }
        parsed.add_segment(&segment, inside, &mut budget);
        parsed
    }

    fn add_segment(&mut self, segment: &str, quoted: bool, budget: &mut usize) {
        let mut run = if quoted {
            Run::default()
        } else {
            std::mem::take(&mut self.loose)
        };
        // Offsets continue after the words already in the run.
        let mut next = run
            .words
            .last()
            .map(|(o, w)| o + w.len_chars())
            .unwrap_or(0);
        let mut prev_end: Option<usize> = None;
        for t in join_single_characters(query_words(segment)) {
            if *budget == 0 {
                break;
            }
            *budget -= 1;
            if let Some(end) = prev_end {
                run.gaps += (t.start - end) as u32;
            }
            prev_end = Some(t.end);
            let w = QWord::new(t.text);
            let len = w.len_chars();
            run.words.push((next, w));
            next += len;
        }
        if quoted {
            if !run.words.is_empty() {
                self.phrases.push(run);
            }
        } else {
            self.loose = run;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.loose.words.is_empty() && self.phrases.is_empty()
    }

    /// Every word, quoted or not.
    pub fn words(&self) -> impl Iterator<Item = &QWord> {
        self.loose
            .words
            .iter()
            .chain(self.phrases.iter().flat_map(|p| p.words.iter()))
            .map(|(_, w)| w)
    }

    /// The query with its unquoted Han words of two or more characters that no entry spells
    /// marked (a term the index does not hold: the pair, the 3–4 character run, or one of a longer
    /// word's 4-character runs). Only those are then matched by sound: an input-method slip, not
    /// a rare word.
    pub fn with_unspelled(&self, f: &Fields, searcher: &Searcher) -> ParsedQuery {
        let held =
            |field: Field, text: &str| searcher.doc_freq(&term(field, text)).is_ok_and(|n| n > 0);
        let mut marked = self.clone();
        for (_, w) in &mut marked.loose.words {
            let chars: Vec<char> = w.text.chars().collect();
            if chars.len() < 2 || !chars.iter().all(|c| is_han(*c)) {
                continue;
            }
            w.unspelled = match chars.len() {
                2 => !held(f.text, &w.text),
                3 | 4 => !held(f.text_grams, &w.text),
                _ => chars
                    .windows(4)
                    .any(|run| !held(f.text_grams, &run.iter().collect::<String>())),
            };
        }
        marked
    }

    /// Whether a word was marked unspelled.
    pub fn has_unspelled_words(&self) -> bool {
        self.loose.words.iter().any(|(_, w)| w.unspelled)
    }

    /// Number of required clauses (unquoted words + quoted phrases).
    pub fn clause_count(&self) -> usize {
        self.loose.words.len() + self.phrases.len()
    }
}

/// The words a query is searched by, folded and segmented as the search does (成都不动产 →
/// 成都, 不动产): for callers that look for names in them.
pub fn words_of(q: &str) -> Vec<String> {
    ParsedQuery::parse(q)
        .words()
        .map(|w| w.text.clone())
        .collect()
}

/// Single Han characters typed side by side are one word: jieba leaves 经开 (经济开发区) or 部县
/// as two characters it does not know, yet the user means them together. As one word they match
/// as the pair they form, not as two characters anywhere in a document (which half the index
/// holds). Typed with a space between, they stay two words.
fn join_single_characters(words: Vec<CharToken>) -> Vec<CharToken> {
    let single = |t: &CharToken| {
        let mut chars = t.text.chars();
        chars.next().is_some_and(is_han) && chars.next().is_none()
    };
    let mut out: Vec<CharToken> = Vec::with_capacity(words.len());
    let mut run = 0; // single characters at the end of `out`, joined so far
    for t in words {
        match out.last_mut() {
            Some(last) if single(&t) && run > 0 && last.end == t.start => {
                last.text.push_str(&t.text);
                last.end = t.end;
                run += 1;
            }
            _ => {
                run = usize::from(single(&t));
                out.push(t);
            }
        }
    }
    out
}

/// 3–4 Han characters: indexed whole in the `*_grams` fields.
fn is_gram(text: &str) -> bool {
    GRAM_CHARS.contains(&text.chars().count()) && text.chars().all(is_han)
}

/// A run in `field`: one term of its `grams` field where the run is indexed whole, else the
/// phrase of its atoms.
fn run_query(field: Field, grams: Field, run: &Run) -> Box<dyn Query> {
    match run.gram() {
        Some(text) => term_query(grams, &text),
        None if run.gaps == 0 => {
            GuardedPhrase::around(atoms_query(field, &run.atoms(), 0), grams, &run.text())
        }
        None => atoms_query(field, &run.atoms(), run.gaps),
    }
}

/// Whether a word's alternatives are single terms (a Han character, pair or 3–4 character run, a
/// Latin word that is no pinyin): then a one-word query is a flat union of terms, which tantivy
/// ranks with block-max WAND, skipping the blocks that cannot reach the page.
fn is_term_word(w: &QWord) -> bool {
    (w.atoms.len() == 1 || w.is_gram()) && !w.letters
}

/// A query of one such word, nothing quoted: its page can be found without scoring every match.
pub fn is_prunable(q: &ParsedQuery) -> bool {
    q.phrases.is_empty()
        && q.loose.words.len() == 1
        && q.loose.words.iter().all(|(_, w)| is_term_word(w))
}

/// Alternatives for one word: its characters anywhere (title, tags or body: the `text` field,
/// which decides whether the word matches), in the title or tags (which add score), its pinyin in
/// the title.
fn word_alternatives(f: &Fields, w: &QWord, synonyms: &Synonyms, by_sound: bool) -> Word {
    // A 2-character word is its own single pair: that one term scores as the spelling and as the
    // whole word (below, for longer words) together.
    let whole_too = if w.is_pair() { 2.0 } else { 1.0 };
    // The characters in sequence: one term where the run is indexed whole, else a phrase.
    let spelled = Run::of(w);
    let mut alts = vec![
        Alternative::new(
            run_query(f.text, f.text_grams, &spelled),
            W_BODY * whole_too,
        ),
        Alternative::new(
            run_query(f.title, f.title_grams, &spelled),
            W_TITLE * whole_too,
        ),
        Alternative::new(run_query(f.tags, f.tags_grams, &spelled), W_TAGS),
    ];
    if w.atoms.len() > 1 {
        // The whole word as jieba indexed it scores when document and query agree on segmentation.
        let whole = |field| term_query(field, &w.text);
        alts.push(Alternative::new(whole(f.title), W_TITLE));
        alts.push(Alternative::new(whole(f.text), W_BODY));
    }
    // The word's synonyms match where its own characters do not: the word is any of these.
    let before = alts.len();
    alts.extend(synonym_queries(f, &w.text, synonyms));
    if by_sound && w.unspelled {
        alts.extend(sound_queries(f, w));
    }
    if w.letters {
        // Pinyin matches titles the text field does not spell, and the places and names it reads
        // as match wherever they are written: the word is any of these.
        alts.extend(pinyin_queries(f, &w.text));
        for word in words_read_as(&w.text) {
            let run = Run::of(&QWord::new(word.clone()));
            alts.push(Alternative::new(
                run_query(f.text, f.text_grams, &run),
                W_BODY * W_PINYIN,
            ));
        }
        return Word::any(alts);
    }
    if alts.len() > before {
        return Word::any(alts);
    }
    Word::covered(alts)
}

/// The other forms of the group `text` is in, anywhere and in the title, scored below it.
fn synonym_queries(f: &Fields, text: &str, synonyms: &Synonyms) -> Vec<Alternative> {
    let mut out = Vec::new();
    let typed = text.chars().count() as f32;
    for form in synonyms.others(text) {
        let run = ParsedQuery::parse(form).loose;
        if run.words.is_empty() {
            continue;
        }
        // A longer form is a phrase of more terms, each adding score: scaled to the typed length
        // so that a title as typed still comes first.
        let scale = W_SYNONYM * (typed / form.chars().count() as f32).min(1.0);
        out.push(Alternative::new(
            run_query(f.text, f.text_grams, &run),
            W_BODY * scale,
        ));
        out.push(Alternative::new(
            run_query(f.title, f.title_grams, &run),
            W_TITLE * scale,
        ));
    }
    out
}

/// Titles where a Han word of two or more characters sounds as typed: its readings as a phrase of
/// the title's pinyin (a heteronym's readings make several).
fn sound_queries(f: &Fields, w: &QWord) -> Vec<Alternative> {
    if w.len_chars() < 2 || !w.text.chars().all(is_han) {
        return Vec::new();
    }
    let soundings = soundings(&w.text, MAX_SOUNDINGS);
    soundings
        .iter()
        .map(|sounds| {
            let atoms: Vec<(usize, &str)> = sounds
                .iter()
                .enumerate()
                .map(|(i, s)| (i, s.as_str()))
                .collect();
            Alternative::new(atoms_query(f.title_pinyin, &atoms, 0), W_TITLE * W_SOUND)
        })
        .collect()
}

/// Title matches for letters read as full pinyin (`budongchan`) or as initials (`bdcdj`).
fn pinyin_queries(f: &Fields, letters: &str) -> Vec<Alternative> {
    let mut out = Vec::new();
    for split in split_syllables(letters, 3, false) {
        let atoms: Vec<(usize, &str)> = split
            .iter()
            .enumerate()
            .map(|(i, s)| (i, s.as_str()))
            .collect();
        out.push(Alternative::new(
            atoms_query(f.title_pinyin, &atoms, 0),
            W_PINYIN,
        ));
    }
    let n = letters.len();
    if (2..=16).contains(&n) {
        let atoms: Vec<(usize, &str)> = letters
            .char_indices()
            .map(|(i, _)| (i, &letters[i..i + 1]))
            .collect();
        out.push(Alternative::new(
            atoms_query(f.title_initials, &atoms, 0),
            W_INITIALS,
        ));
    }
    out
}

/// A run of words anywhere (the `text` field, which decides the match), in the title or in the
/// tags (which add score).
fn run_alternatives(f: &Fields, run: &Run) -> Vec<Alternative> {
    vec![
        Alternative::new(run_query(f.text, f.text_grams, run), W_BODY),
        Alternative::new(run_query(f.title, f.title_grams, run), W_TITLE),
        Alternative::new(run_query(f.tags, f.tags_grams, run), W_TAGS),
    ]
}

/// The text part of a search, its words matching as `matching` says.
pub fn text_query(
    f: &Fields,
    q: &ParsedQuery,
    matching: Matching,
    synonyms: &Synonyms,
) -> Box<dyn Query> {
    let by_sound = matching == Matching::AllBySound;
    // Several words that together are one form of a synonym group (社会保险, cut 社会 + 保险):
    // the run as typed, or any other form of the group.
    let loose = &q.loose;
    if q.phrases.is_empty() && loose.words.len() > 1 && loose.gaps == 0 {
        let others = synonym_queries(f, &loose.text(), synonyms);
        if !others.is_empty() {
            let mut alts = run_alternatives(f, loose);
            alts.extend(others);
            return Box::new(AllWords::new(vec![Word::any(alts)], Vec::new()));
        }
    }
    if is_prunable(q)
        && let [(_, w)] = q.loose.words.as_slice()
    {
        // tantivy's own union of terms, unwrapped, so that the top-level query is the union
        // itself: its page skips what cannot rank (block-max WAND).
        let word = word_alternatives(f, w, synonyms, by_sound);
        return Box::new(BooleanQuery::union(
            word.alternatives()
                .iter()
                .map(Alternative::boosted)
                .collect(),
        ));
    }
    let mut groups: Vec<Word> = q
        .loose
        .words
        .iter()
        .map(|(_, w)| word_alternatives(f, w, synonyms, by_sound))
        .collect();
    for p in &q.phrases {
        groups.push(Word::covered(run_alternatives(f, p)));
    }
    // Words typed together score more when they also stand together. Typed without a gap as 3–4
    // Han characters (隆昌市 is 隆昌 + 市 to jieba), that is one term per field: every match of
    // the words is scored for it, and reading each one's positions was the slowest part.
    let loose = &q.loose;
    let bonus = if loose.words.len() > 1 && loose.atoms().len() > 1 {
        vec![
            Alternative::new(run_query(f.title, f.title_grams, loose), W_TITLE * W_PHRASE),
            Alternative::new(run_query(f.text, f.text_grams, loose), W_BODY * W_PHRASE),
        ]
    } else {
        Vec::new()
    };
    if matching != Matching::Most {
        // Every word required: ranked by MaxScore over the alternatives (see `conjunction`).
        return Box::new(AllWords::new(groups, bonus));
    }
    let n = groups.len();
    let words = AtLeast::new(
        // The rarest words are walked whole, where a buffered union beats seeking a covered
        // word's other alternatives for every document.
        groups.iter().map(|w| any_of(w.alternatives())).collect(),
        n.div_ceil(2),
    );
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(words))];
    if !bonus.is_empty() {
        clauses.push((Occur::Should, any_of(&bonus)));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Only what the viewer may see: this clause is part of every query the index runs.
pub fn visibility_filter(f: &Fields, viewer: &Viewer) -> Box<dyn Query> {
    let terms = viewer
        .visibility_values()
        .into_iter()
        .map(|v| term(f.visible_to, &v))
        .collect();
    Box::new(TermsFilter::new(terms))
}

pub fn facet_term(field: Field, value: &str) -> Term {
    Term::from_facet(field, &facet_value(value))
}

fn facet_filter(field: Field, values: &[String]) -> Box<dyn Query> {
    Box::new(TermsFilter::new(
        values.iter().map(|v| facet_term(field, v)).collect(),
    ))
}

/// Visibility, kinds and facet filters (leaving out the filter on `except`, for its own counts).
/// A filter that holds for every document `searcher` has is left out: it would filter nothing.
pub fn filters(
    f: &Fields,
    searcher: &Searcher,
    viewer: &Viewer,
    kinds: &[EntityKind],
    facets: &FacetFilters,
    except: Option<FacetName>,
) -> Vec<Box<dyn Query>> {
    let mut out = vec![visibility_filter(f, viewer)];
    if !kinds.is_empty() && except != Some(FacetName::Kind) {
        let names: Vec<String> = kinds.iter().map(|k| k.as_str().to_owned()).collect();
        out.push(facet_filter(f.facet(FacetName::Kind), &names));
    }
    for name in FacetName::ALL {
        let values = facets.get(name);
        if !values.is_empty() && except != Some(name) {
            out.push(facet_filter(f.facet(name), values));
        }
    }
    out.into_iter()
        .filter(|q| {
            q.downcast_ref::<TermsFilter>()
                .is_none_or(|t| !t.covers_every_segment(searcher))
        })
        .collect()
}

/// `text` (if any) under every filter.
pub fn combine(text: Option<Box<dyn Query>>, filters: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    // The filters join a conjunction of words as constraints of its own walk.
    let text = match text.map(|t| t.downcast::<AllWords>()) {
        Some(Ok(all)) => return Box::new(all.with_filters(filters)),
        Some(Err(other)) => Some(other),
        None => None,
    };
    if filters.is_empty() {
        return text.unwrap_or_else(|| Box::new(AllQuery));
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        filters.into_iter().map(|q| (Occur::Must, q)).collect();
    if let Some(t) = text {
        clauses.push((Occur::Must, t));
    }
    Box::new(BooleanQuery::new(clauses))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(run: &Run) -> Vec<(usize, &str)> {
        run.words
            .iter()
            .map(|(o, w)| (*o, w.text.as_str()))
            .collect()
    }

    #[test]
    fn parses_words_and_quoted_phrases() {
        let q = ParsedQuery::parse("2023年 GDP “不动产 登记” 税");
        assert_eq!(
            texts(&q.loose),
            [(0, "2023"), (4, "年"), (5, "gdp"), (8, "税")]
        );
        assert_eq!(q.phrases.len(), 1);
        assert_eq!(texts(&q.phrases[0]), [(0, "不动产"), (3, "登记")]);
        assert_eq!(q.phrases[0].gaps, 1);
    }

    #[test]
    fn syntax_is_just_text() {
        let q = ParsedQuery::parse("title:x OR * \"unbalanced \u{0} -y");
        let words: Vec<&str> = q.words().map(|w| w.text.as_str()).collect();
        assert_eq!(words, ["title", "x", "or", "unbalanced", "y"]);
        assert!(q.phrases.is_empty());
        assert!(ParsedQuery::parse("*** ：，。\"\"").is_empty());
    }

    #[test]
    fn long_input_is_bounded() {
        let q = ParsedQuery::parse(&"数据".repeat(5_000));
        assert!(q.folded.chars().count() <= MAX_QUERY_CHARS);
        assert!(q.clause_count() <= MAX_WORDS);
    }

    #[test]
    fn single_characters_typed_together_are_one_word() {
        let words = |q: &str| -> Vec<String> {
            ParsedQuery::parse(q)
                .words()
                .map(|w| w.text.clone())
                .collect()
        };
        assert_eq!(words("经开"), ["经开"]);
        assert_eq!(words("经 开"), ["经", "开"]);
        // A known word between them keeps them apart.
        let mixed = words("经济和信息化局");
        assert!(mixed.contains(&"信息化".to_owned()), "{mixed:?}");
        assert!(is_prunable(&ParsedQuery::parse("部县")));
        assert!(is_prunable(&ParsedQuery::parse("统计局")));
        assert!(!is_prunable(&ParsedQuery::parse("中华人民共和国")));
    }

    #[test]
    fn han_words_are_covered_by_character_pairs() {
        let atoms = |t: &str| QWord::new(t.into()).atoms;
        assert_eq!(atoms("登记"), [(0, "登记".to_owned())]);
        assert_eq!(atoms("税"), [(0, "税".to_owned())]);
        assert_eq!(
            atoms("不动产"),
            [(0, "不动".to_owned()), (1, "动产".to_owned())]
        );
        assert_eq!(
            atoms("不动产登记"),
            [
                (0, "不动".to_owned()),
                (2, "产登".to_owned()),
                (3, "登记".to_owned())
            ]
        );
        assert_eq!(
            atoms("数据开放"),
            [(0, "数据".to_owned()), (2, "开放".to_owned())]
        );
        let w = QWord::new("gdp".into());
        assert_eq!(w.atoms, [(0, "gdp".to_owned())]);
        assert!(w.letters);
    }
}
