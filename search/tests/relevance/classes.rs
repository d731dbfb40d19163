//! Relevance by query class on the real corpus: recall@10 (a relevant hit among the first ten) and
//! MRR (1 / rank of the first relevant hit, 0 past ten) for each way people type, printed as a
//! table and held to issue 31's bar (every class ≥ 0.9, typos ≥ 0.7).
//!
//! Every query is generated from the corpus, deterministically: known items by their two rarest
//! title words; the same words in pinyin, with one homophone typed wrong, in traditional
//! characters, with an abbreviation for a full form; topic words as initials; codes in the forms
//! people paste them; places with a topic ("成都 不动产"). `cargo test -p search --test relevance
//! -- relevance_by_query_class --nocapture` prints the table.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use search::{Hit, SearchResults};

use super::common::{Record, code_of, records};
use super::{sample, search, traditional};

/// What makes a hit the right answer to one query.
enum Relevant {
    /// The record the query was made from (titles repeat across portals: any with its title).
    Title(String),
    /// The record with this id (codes name one entry).
    Id(String),
    /// A topic: a title containing the word.
    TitleContains(String),
    /// A topic in a place: the word in the title, the place in the title or the entry's region.
    InPlace { word: String, place: String },
}

impl Relevant {
    fn holds(&self, hit: &Hit) -> bool {
        match self {
            Relevant::Title(title) => hit.title == *title,
            Relevant::Id(id) => hit.id.as_str() == id,
            Relevant::TitleContains(word) => hit.title.contains(word.as_str()),
            Relevant::InPlace { word, place } => {
                hit.title.contains(word.as_str())
                    && (hit.title.contains(place.as_str())
                        || hit
                            .facets
                            .region
                            .as_deref()
                            .is_some_and(|r| r.contains(place.as_str())))
            }
        }
    }
}

struct Case {
    query: String,
    relevant: Relevant,
}

/// One class's score.
struct Score {
    cases: usize,
    recall: f64,
    mrr: f64,
    missed: Vec<String>,
}

fn evaluate(cases: &[Case]) -> Score {
    let mut found = 0;
    let mut reciprocal = 0.0;
    let mut missed = Vec::new();
    for case in cases {
        let results: SearchResults = search(&case.query, 10);
        match results.hits.iter().position(|h| case.relevant.holds(h)) {
            Some(rank) => {
                found += 1;
                reciprocal += 1.0 / (rank + 1) as f64;
            }
            None => missed.push(case.query.clone()),
        }
    }
    let n = cases.len().max(1) as f64;
    Score {
        cases: cases.len(),
        recall: found as f64 / n,
        mrr: reciprocal / n,
        missed,
    }
}

/// Words of every title (jieba's default cut), with the number of titles each is in.
static TITLE_WORD_COUNTS: LazyLock<HashMap<String, usize>> = LazyLock::new(|| {
    let mut counts = HashMap::new();
    for r in records() {
        let mut words = title_words(&r.title);
        words.sort();
        words.dedup();
        for w in words {
            *counts.entry(w).or_insert(0) += 1;
        }
    }
    counts
});

static JIEBA: LazyLock<jieba_rs::Jieba> = LazyLock::new(jieba_rs::Jieba::new);

/// Han words of two or more characters.
fn title_words(title: &str) -> Vec<String> {
    JIEBA
        .cut(title, false)
        .into_iter()
        .map(|t| t.word.to_owned())
        .filter(|w| w.chars().count() >= 2 && w.chars().all(is_han))
        .collect()
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The two rarest words of a title in title order (what a person who knows the entry types).
fn rarest_words(title: &str) -> Vec<String> {
    let mut words: Vec<(usize, usize, String)> = title_words(title)
        .into_iter()
        .enumerate()
        .map(|(i, w)| (TITLE_WORD_COUNTS.get(&w).copied().unwrap_or(0), i, w))
        .collect();
    words.sort();
    words.dedup_by(|a, b| a.2 == b.2);
    words.truncate(2);
    words.sort_by_key(|(_, i, _)| *i);
    words.into_iter().map(|(_, _, w)| w).collect()
}

/// A sample of records whose titles have two distinct words to type.
fn known_items(n: usize) -> Vec<(&'static Record, Vec<String>)> {
    sample(n * 2)
        .into_iter()
        .map(|r| (r, rarest_words(&r.title)))
        .filter(|(_, words)| words.len() == 2)
        .take(n)
        .collect()
}

/// The one reading of a character, when it has only one (a typed heteronym is a guess).
fn only_reading(c: char) -> Option<&'static str> {
    use pinyin::ToPinyinMulti;
    let mut plain: Vec<&'static str> = c
        .to_pinyin_multi()?
        .into_iter()
        .map(|p| p.plain())
        .collect();
    plain.sort_unstable();
    plain.dedup();
    match plain[..] {
        [one] if one.bytes().all(|b| b.is_ascii_lowercase()) => Some(one),
        _ => None,
    }
}

fn pinyin_of(word: &str) -> Option<String> {
    word.chars().map(only_reading).collect()
}

/// Han characters by how often they appear in titles: a homophone typo is the commoner character.
static CHAR_COUNTS: LazyLock<HashMap<char, usize>> = LazyLock::new(|| {
    let mut counts = HashMap::new();
    for r in records() {
        for c in r.title.chars().filter(|c| is_han(*c)) {
            *counts.entry(c).or_insert(0) += 1;
        }
    }
    counts
});

/// The commonest other character read the same way (an input method's first candidate).
static HOMOPHONES: LazyLock<HashMap<&'static str, Vec<(usize, char)>>> = LazyLock::new(|| {
    let mut by_sound: HashMap<&str, Vec<(usize, char)>> = HashMap::new();
    for (&c, &n) in CHAR_COUNTS.iter() {
        if let Some(r) = only_reading(c) {
            by_sound.entry(r).or_default().push((n, c));
        }
    }
    for chars in by_sound.values_mut() {
        chars.sort_by(|a, b| b.cmp(a));
    }
    by_sound
});

fn homophone(c: char) -> Option<char> {
    let sound = only_reading(c)?;
    HOMOPHONES
        .get(sound)?
        .iter()
        .map(|(_, h)| *h)
        .find(|h| *h != c)
}

/// The word with one character (the last that has a homophone) typed as its homophone.
fn mistyped(word: &str) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let (i, h) = chars
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, c)| homophone(*c).map(|h| (i, h)))?;
    let mut out = chars;
    out[i] = h;
    Some(out.into_iter().collect())
}

/// Topic words catalogs are searched by, with their initials as typed (heteronyms read as in
/// the word: 行政 is xz). Three or more characters: initials of shorter words name too many
/// things to be a fair test.
const TOPICS: [(&str, &str); 28] = [
    ("不动产", "bdc"),
    ("公积金", "gjj"),
    ("空气质量", "kqzl"),
    ("行政处罚", "xzcf"),
    ("营业执照", "yyzz"),
    ("幼儿园", "yey"),
    ("天然气", "trq"),
    ("行政许可", "xzxk"),
    ("统计年鉴", "tjnj"),
    ("医疗机构", "yljg"),
    ("公交线路", "gjxl"),
    ("停车场", "tcc"),
    ("农产品", "ncp"),
    ("交通事故", "jtsg"),
    ("最低生活保障", "zdshbz"),
    ("体育场馆", "tycg"),
    ("旅游景区", "lyjq"),
    ("食品安全", "spaq"),
    ("招标公告", "zbgg"),
    ("建设项目", "jsxm"),
    ("财政预算", "czys"),
    ("药品经营", "ypjy"),
    ("社会保险", "shbx"),
    ("环境监测", "hjjc"),
    ("道路运输", "dlys"),
    ("充电桩", "cdz"),
    ("水质监测", "szjc"),
    ("统一社会信用代码", "tyshxydm"),
];

/// Places with their city, as people type them: without the suffix.
fn place_cases(n: usize) -> Vec<Case> {
    let mut per_city: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for r in sample(n * 6) {
        let Some(city) = r.city.as_deref().filter(|c| c.ends_with('市')) else {
            continue;
        };
        let place = city.trim_end_matches('市');
        if place.chars().count() < 2 || r.title.contains(place) {
            continue;
        }
        let seen = per_city.entry(city).or_insert(0);
        if *seen >= n / 10 {
            continue;
        }
        let Some(word) = rarest_words(&r.title).into_iter().next() else {
            continue;
        };
        *seen += 1;
        out.push(Case {
            query: format!("{place} {word}"),
            relevant: Relevant::InPlace {
                word,
                place: place.to_owned(),
            },
        });
        if out.len() == n {
            break;
        }
    }
    out
}

fn abbreviation_cases(per_form: usize) -> Vec<Case> {
    let groups: Vec<Vec<&str>> = include_str!("../../data/synonyms.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            l.split([' ', ',', '，', '、'])
                .filter(|f| !f.is_empty())
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for group in &groups {
        for &written in group {
            // Titles with this form and no other form of the group, typed with each other form.
            let titles: Vec<&Record> = records()
                .iter()
                .filter(|r| {
                    r.title.contains(written)
                        && group.iter().all(|f| *f == written || !r.title.contains(f))
                })
                .take(per_form)
                .collect();
            for r in titles {
                for &typed in group.iter().filter(|f| **f != written) {
                    out.push(Case {
                        query: r.title.replacen(written, typed, 1),
                        relevant: Relevant::Title(r.title.clone()),
                    });
                }
            }
        }
    }
    out
}

#[test]
fn relevance_by_query_class() {
    let items = known_items(200);
    let by_title = |r: &Record| Relevant::Title(r.title.clone());
    let mut classes: Vec<(&str, f64, Vec<Case>)> = Vec::new();

    classes.push((
        "known item (two rarest title words)",
        0.9,
        items
            .iter()
            .map(|(r, words)| Case {
                query: words.join(" "),
                relevant: by_title(r),
            })
            .collect(),
    ));
    classes.push((
        "short (one or two characters)",
        0.9,
        [
            "税", "水", "车", "医", "粮", "桥", "登记", "公交", "社保", "人口", "学校", "医院",
        ]
        .iter()
        .map(|q| Case {
            query: (*q).into(),
            relevant: Relevant::TitleContains((*q).into()),
        })
        .collect(),
    ));
    classes.push((
        "full pinyin (known item)",
        0.9,
        items
            .iter()
            .filter_map(|(r, words)| {
                let typed: Option<Vec<String>> = words.iter().map(|w| pinyin_of(w)).collect();
                Some(Case {
                    query: typed?.join(" "),
                    relevant: by_title(r),
                })
            })
            .collect(),
    ));
    classes.push((
        "pinyin and characters mixed (known item)",
        0.9,
        items
            .iter()
            .filter_map(|(r, words)| {
                Some(Case {
                    query: format!("{} {}", pinyin_of(&words[0])?, words[1]),
                    relevant: by_title(r),
                })
            })
            .collect(),
    ));
    classes.push((
        "pinyin initials (topic)",
        0.9,
        TOPICS
            .iter()
            .filter(|(word, _)| records().iter().any(|r| r.title.contains(word)))
            .map(|(word, initials)| Case {
                query: (*initials).into(),
                relevant: Relevant::TitleContains((*word).into()),
            })
            .collect(),
    ));
    classes.push((
        "traditional characters (known item)",
        0.9,
        items
            .iter()
            .map(|(r, _)| Case {
                query: traditional(&r.title),
                relevant: by_title(r),
            })
            .collect(),
    ));
    classes.push((
        "abbreviation ↔ full form (known item)",
        0.9,
        abbreviation_cases(3),
    ));
    classes.push((
        "homophone typo (known item)",
        0.7,
        items
            .iter()
            .filter_map(|(r, words)| {
                Some(Case {
                    query: format!("{} {}", mistyped(&words[0])?, words[1]),
                    relevant: by_title(r),
                })
            })
            .collect(),
    ));
    classes.push((
        "code as pasted (resource code)",
        0.9,
        sample(50)
            .into_iter()
            .flat_map(|r| {
                let code = code_of(r);
                let bare: String = code.chars().filter(|c| *c != '-').collect();
                [code.clone(), bare.to_lowercase(), code.replace('-', " ")]
                    .into_iter()
                    .map(|query| Case {
                        query,
                        relevant: Relevant::Id(super::common::doc_id(r)),
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
    ));
    classes.push(("place and topic (成都 不动产)", 0.9, place_cases(100)));

    println!("\n| query class | queries | recall@10 | MRR |\n|---|---:|---:|---:|");
    let mut failed = Vec::new();
    for (name, bar, cases) in &classes {
        let score = evaluate(cases);
        println!(
            "| {name} | {} | {:.3} | {:.3} |",
            score.cases, score.recall, score.mrr
        );
        if score.cases < 10 {
            failed.push(format!("{name}: only {} queries", score.cases));
        } else if score.recall < *bar {
            failed.push(format!(
                "{name}: recall@10 {:.3} < {bar}; missed {:?}",
                score.recall,
                &score.missed[..score.missed.len().min(20)]
            ));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}
