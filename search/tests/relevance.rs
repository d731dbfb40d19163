//! Relevance over the real corpus (29,318 records from 22 portals): known items by their title,
//! title matches above description-only matches, exact phrases above scattered words, short,
//! mixed-script and pinyin queries.

#[path = "relevance/classes.rs"]
mod classes;
mod common;

use common::{Record, corpus_index, records};
use search::{Hit, SearchRequest, SearchResults, SortOrder};

fn search(q: &str, limit: usize) -> SearchResults {
    corpus_index()
        .search(&SearchRequest {
            q: search::QueryText::parse(q).unwrap(),
            limit,
            ..SearchRequest::default()
        })
        .expect("search")
}

/// Every hit of `q` in ranked order, following cursors.
fn all_hits(q: &str, max: usize) -> Vec<Hit> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = corpus_index()
            .search(&SearchRequest {
                q: search::QueryText::parse(q).unwrap(),
                limit: 100,
                cursor: cursor.take(),
                ..SearchRequest::default()
            })
            .expect("search");
        out.extend(page.hits);
        match page.next_cursor {
            Some(c) if out.len() < max => cursor = Some(c),
            _ => return out,
        }
    }
}

fn folded(s: &str) -> String {
    s.to_lowercase()
}

/// Queries each of which appears in some titles and, for some records, only in the description.
const TITLE_FIRST: [&str; 42] = [
    "登记",
    "税",
    "企业",
    "学校",
    "医院",
    "气象",
    "营业执照",
    "环境",
    "人口",
    "交通",
    "车辆",
    "食品",
    "药品",
    "招标",
    "预算",
    "旅游",
    "农业",
    "养老",
    "就业",
    "地名",
    "停车",
    "社保",
    "公交",
    "水质",
    "专利",
    "小区",
    "电力",
    "垃圾",
    "河长",
    "森林",
    "地震",
    "公积金",
    "空气质量",
    "不动产",
    "路灯",
    "充电",
    "天然气",
    "许可",
    "行政处罚",
    "信用",
    "补贴",
    "幼儿园",
];

#[test]
fn title_matches_rank_above_description_only_matches() {
    let mut checked = 0;
    for q in TITLE_FIRST {
        let hits = all_hits(q, 400);
        assert!(!hits.is_empty(), "{q}: no results");
        let in_title: Vec<bool> = hits
            .iter()
            .map(|h| folded(&h.title).contains(&folded(q)))
            .collect();
        let first_other = in_title.iter().position(|t| !t);
        let last_title = in_title.iter().rposition(|t| *t);
        if let (Some(other), Some(title)) = (first_other, last_title) {
            assert!(
                title < other,
                "{q}: a title match at rank {title} is below a non-title match at rank {other} ({:?})",
                hits[other].title
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 20,
        "only {checked} queries had both kinds of match"
    );
}

#[test]
fn exact_phrase_ranks_above_scattered_words() {
    // Two words typed apart: titles holding them side by side come first.
    let pairs = [
        ("空气", "质量"),
        ("营业", "执照"),
        ("人口", "普查"),
        ("公共", "交通"),
        ("行政", "许可"),
        ("不动产", "登记"),
        ("企业", "信用"),
        ("公共", "资源"),
    ];
    for (a, b) in pairs {
        let q = format!("{a} {b}");
        let phrase = format!("{a}{b}");
        let hits = all_hits(&q, 300);
        assert!(!hits.is_empty(), "{q}: no results");
        let adjacent: Vec<bool> = hits
            .iter()
            .filter(|h| h.title.contains(a) && h.title.contains(b))
            .map(|h| h.title.contains(&phrase))
            .collect();
        // Scattered words may beat a very long title holding the phrase, never the first ten.
        let together = adjacent.iter().filter(|t| **t).count();
        let head = together.min(10);
        assert!(
            adjacent[..head].iter().all(|t| *t),
            "{q}: a scattered match in the first {head}: {adjacent:?}"
        );
    }
}

#[test]
fn a_quoted_phrase_must_appear_as_typed() {
    let hits = all_hits("\"不动产登记\"", 100);
    assert!(!hits.is_empty());
    for h in &hits {
        let text = format!("{}{}", h.title, h.snippet_html);
        assert!(
            text.replace("<mark>", "")
                .replace("</mark>", "")
                .contains("不动产登记"),
            "{}",
            h.title
        );
    }
}

/// A deterministic sample of records: every n-th.
fn sample(n: usize) -> Vec<&'static Record> {
    let all = records();
    let step = all.len() / n;
    (0..n).map(|i| &all[i * step]).collect()
}

fn found_in_top10(r: &Record, q: &str) -> bool {
    search(q, 10).hits.iter().any(|h| h.title == r.title)
}

#[test]
fn known_items_are_found_by_their_title() {
    let sample = sample(240);
    let missed: Vec<&str> = sample
        .iter()
        .filter(|r| !found_in_top10(r, &r.title))
        .map(|r| r.title.as_str())
        .collect();
    assert!(
        missed.is_empty(),
        "{} of {} missed: {missed:?}",
        missed.len(),
        sample.len()
    );
}

/// The two longest words of a title (jieba's default cut), in title order.
fn key_words(title: &str) -> String {
    static JIEBA: std::sync::LazyLock<jieba_rs::Jieba> =
        std::sync::LazyLock::new(jieba_rs::Jieba::new);
    let mut words: Vec<(usize, String)> = JIEBA
        .tokenize(title, jieba_rs::TokenizeMode::Default, false)
        .into_iter()
        .filter(|t| t.word.chars().count() >= 2 && t.word.chars().any(|c| c.is_alphanumeric()))
        .map(|t| (t.start, t.word.to_owned()))
        .collect();
    words.sort_by_key(|(start, w)| (std::cmp::Reverse(w.chars().count()), *start));
    words.truncate(2);
    words.sort();
    words
        .into_iter()
        .map(|(_, w)| w)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn known_items_are_found_by_words_from_their_title() {
    // A title without two words to type (all single characters) is left out, not counted found.
    let sample: Vec<(&Record, String)> = sample(240)
        .into_iter()
        .map(|r| (r, key_words(&r.title)))
        .filter(|(_, q)| !q.is_empty())
        .collect();
    let mut found = 0;
    let mut missed = Vec::new();
    for (r, q) in &sample {
        if found_in_top10(r, q) {
            found += 1;
        } else {
            missed.push((q.clone(), r.title.clone()));
        }
    }
    let rate = found as f64 / sample.len() as f64;
    println!(
        "known items by two title words: {found}/{} ({rate:.3})",
        sample.len()
    );
    // Two generic words ("信息", "数据") can match hundreds of titles; most records still come first.
    assert!(
        rate >= 0.80,
        "found {found}/{}: missed {missed:?}",
        sample.len()
    );
}

#[test]
fn one_and_two_character_queries_return_results() {
    for q in ["税", "水", "车", "医", "登记", "公交", "社保", "人口"] {
        let r = search(q, 10);
        assert!(r.total > 0, "{q}");
        assert!(
            r.hits[0].title.contains(q),
            "{q}: top hit {:?}",
            r.hits[0].title
        );
        assert!(r.hits[0].title_html.contains("<mark>"), "{q}: no highlight");
    }
}

#[test]
fn mixed_script_queries_work() {
    for (q, needle) in [
        ("GDP", "gdp"),
        ("2023年 GDP", "gdp"),
        ("2023年", "2023年"),
        ("api 接口", "接口"),
    ] {
        let r = search(q, 10);
        assert!(r.total > 0, "{q}: nothing");
        assert!(
            r.hits
                .iter()
                .any(|h| h.title.to_lowercase().contains(needle)
                    || h.snippet_html.to_lowercase().contains(needle)),
            "{q}: {:?}",
            r.hits.iter().map(|h| &h.title).collect::<Vec<_>>()
        );
    }
}

#[test]
fn pinyin_finds_titles() {
    for q in [
        "bdcdj",
        "budongchan",
        "budongchandengji",
        "gjj",
        "gongjijin",
        "kongqizhiliang",
    ] {
        let r = search(q, 10);
        assert!(r.total > 0, "{q}: nothing");
        let expected = match q {
            "bdcdj" | "budongchandengji" => "不动产登记",
            "budongchan" => "不动产",
            "gjj" | "gongjijin" => "公积金",
            _ => "空气质量",
        };
        // Initials are ambiguous (gjj: 公积金, 国家级…): the intended title is in the first ten.
        let hit = r.hits.iter().find(|h| h.title.contains(expected));
        let hit = hit.unwrap_or_else(|| {
            panic!(
                "{q}: {:?}",
                r.hits.iter().map(|h| &h.title).collect::<Vec<_>>()
            )
        });
        assert!(hit.title_html.contains("<mark>"), "{q}: {}", hit.title_html);
    }
}

#[test]
fn homophone_typo_suggests_the_indexed_spelling() {
    let r = search("不洞产登记", 10);
    assert_eq!(r.did_you_mean.as_deref(), Some("不动产登记"), "{r:?}");
}

#[test]
fn suggestions_complete_titles() {
    let anon = search::Viewer::Anonymous;
    for prefix in ["不动产", "公积", "bdc", "gongji", "GD"] {
        let s = corpus_index().suggest(prefix, &anon, 8).expect("suggest");
        assert!(!s.is_empty(), "{prefix}: no suggestions");
    }
    let s = corpus_index().suggest("公积", &anon, 8).unwrap();
    assert!(s.iter().all(|s| s.text.contains("公积")), "{s:?}");
}

#[test]
fn facet_counts_past_ten_thousand_matches_are_close_estimates() {
    // Everything (29k) matches the empty query; each estimate is checked against the exact
    // count a filter on that value gives.
    let all = SearchRequest {
        limit: 1,
        facets: true,
        ..SearchRequest::default()
    };
    let r = corpus_index().search(&all).unwrap();
    assert!(r.facets_estimated);
    assert_eq!(r.total, records().len() as u64, "totals stay exact");
    // The open types' estimates add up to what they count exactly (a wrong scale shows here).
    let exact_count = |name: &str, value: &str| {
        let mut exact = all.clone();
        exact.facets = false;
        match name {
            "open_type" => exact.filters.open_type = vec![value.to_owned()],
            "update_frequency" => exact.filters.update_frequency = vec![value.to_owned()],
            _ => exact.filters.domain = vec![value.to_owned()],
        }
        corpus_index().search(&exact).unwrap().total as f64
    };
    let open = &r.facets["open_type"];
    let sum: u64 = open.iter().map(|c| c.count).sum();
    let exact_sum: f64 = open
        .iter()
        .map(|c| exact_count("open_type", &c.value))
        .sum();
    let off = (sum as f64 - exact_sum).abs() / exact_sum;
    assert!(
        off < 4.0 * (STEP_BOUND / exact_sum).sqrt(),
        "open types add up to {sum}, exactly {exact_sum}"
    );
    let mut checked = 0;
    for name in ["open_type", "update_frequency", "domain"] {
        for estimate in r.facets[name].iter().filter(|c| c.count >= 2_000) {
            let exact = exact_count(name, &estimate.value);
            let off = (estimate.count as f64 - exact).abs() / exact;
            // Past the first 10,000 matches one short window of ids in `step` is walked (about
            // 5,000 more matches: at 29k, step ≤ STEP_BOUND), so an estimate of `exact` rests on
            // about exact/step sampled matches: a relative standard error near √(step/exact).
            // Four of them keep this test from failing by chance while still catching a wrong
            // scale or step (measured: 0.6–5.2 %).
            let bound = 4.0 * (STEP_BOUND / exact).sqrt();
            assert!(
                off < bound,
                "{name}={}: {} vs {exact} (off {off:.3}, bound {bound:.3})",
                estimate.value,
                estimate.count
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "values with 2,000 or more: {checked}");
    // A smaller result is counted exactly.
    let few = corpus_index()
        .search(&SearchRequest {
            q: search::QueryText::parse("企业").unwrap(),
            facets: true,
            ..SearchRequest::default()
        })
        .unwrap();
    assert!(few.total < 10_000 && !few.facets_estimated);
}

/// The largest sample step a 29k-entry corpus can get (29k / 5,000 rounded up, with room).
const STEP_BOUND: f64 = 8.0;

#[test]
fn facets_count_the_whole_result() {
    let r = corpus_index()
        .search(&SearchRequest {
            q: search::QueryText::parse("企业").unwrap(),
            limit: 5,
            facets: true,
            ..SearchRequest::default()
        })
        .unwrap();
    let open = &r.facets["open_type"];
    assert!(open.len() >= 2, "{open:?}");
    let region_total: u64 = r.facets["region"].iter().map(|c| c.count).sum();
    assert!(region_total <= r.total);
    assert_eq!(r.facets["kind"][0].count, r.total);
    // Filtering on one value keeps the alternatives' counts for that facet.
    let first = open[0].value.clone();
    let mut filtered = SearchRequest {
        q: search::QueryText::parse("企业").unwrap(),
        limit: 5,
        facets: true,
        ..SearchRequest::default()
    };
    filtered.filters.open_type = vec![first.clone()];
    let f = corpus_index().search(&filtered).unwrap();
    assert_eq!(f.total, open[0].count);
    assert_eq!(f.facets["open_type"], r.facets["open_type"]);
    assert!(
        f.hits
            .iter()
            .all(|h| h.facets.open_type.as_deref() == Some(first.as_str()))
    );
}

#[test]
fn cursor_walks_past_ten_thousand_without_repeats() {
    // An empty query lists everything by update time: 29k documents, 100 per page.
    let mut seen = std::collections::HashSet::new();
    let mut cursor = None;
    let mut last = i64::MAX;
    loop {
        let page = corpus_index()
            .search(&SearchRequest {
                limit: 100,
                cursor: cursor.take(),
                sort: SortOrder::UpdatedDesc,
                ..SearchRequest::default()
            })
            .unwrap();
        for h in &page.hits {
            assert!(h.updated_at <= last, "order broken");
            last = h.updated_at;
            assert!(seen.insert(h.id.clone()), "repeated {}", h.id);
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), records().len());
}

#[test]
#[ignore]
fn debug_query() {
    let q = std::env::var("Q").unwrap();
    for (i, h) in all_hits(&q, 60).iter().enumerate() {
        println!("{i} {:.3} {} | {}", h.score, h.title, h.snippet_html);
    }
}

/// A title as typed in traditional characters (OpenCC's simplified → traditional character
/// table, first candidate): 医疗机构 → 醫療機構.
fn traditional(text: &str) -> String {
    static TABLE: std::sync::LazyLock<std::collections::HashMap<char, char>> =
        std::sync::LazyLock::new(|| {
            include_str!("../data/opencc/STCharacters.txt")
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| {
                    let (from, to) = l.split_once('\t')?;
                    let mut from = from.chars();
                    let mut to = to.split(' ').next()?.chars();
                    match (from.next(), from.next(), to.next(), to.next()) {
                        (Some(f), None, Some(t), None) => Some((f, t)),
                        _ => None,
                    }
                })
                .collect()
        });
    text.chars()
        .map(|c| TABLE.get(&c).copied().unwrap_or(c))
        .collect()
}

#[test]
fn known_items_are_found_by_their_title_in_traditional_characters() {
    let sample = sample(240);
    let mut changed = 0;
    let mut missed = Vec::new();
    for r in &sample {
        let q = traditional(&r.title);
        if q != r.title {
            changed += 1;
        }
        if !found_in_top10(r, &q) {
            missed.push(q);
        }
    }
    let recall = 1.0 - missed.len() as f64 / sample.len() as f64;
    println!(
        "known items by their title in traditional characters: recall@10 {recall:.3} ({changed} of {} titles written differently)",
        sample.len()
    );
    assert!(changed > sample.len() / 2, "the sample barely differs");
    assert!(recall >= 0.95, "missed {missed:?}");
}

/// Abbreviations and full forms find each other (`search/data/synonyms.txt`), and what was typed
/// ranks first (社保 is in 96 titles: those come before the 51 titled 社会保险).
#[test]
fn abbreviations_and_full_forms_find_each_other() {
    let titles_with = |form: &str| records().iter().filter(|r| r.title.contains(form)).count();
    for (short, full) in [
        ("社保", "社会保险"),
        ("医保", "医疗保险"),
        ("发改委", "发展和改革委员会"),
        ("低保", "最低生活保障"),
    ] {
        for (typed, other) in [(short, full), (full, short)] {
            let hits = all_hits(typed, 400);
            let only_other = hits
                .iter()
                .filter(|h| h.title.contains(other) && !h.title.contains(typed))
                .count();
            println!(
                "{typed}: {} hits, {only_other} titled only “{other}” (corpus: {} / {})",
                hits.len(),
                titles_with(typed),
                titles_with(other)
            );
            if titles_with(other) > 0 {
                assert!(only_other > 0, "{typed} does not find “{other}”");
            }
            // The first ten (or as many as there are) are titled as typed.
            let typed_first = titles_with(typed).min(10);
            for hit in &hits[..typed_first] {
                assert!(
                    hit.title.contains(typed),
                    "{typed}: early hit {}",
                    hit.title
                );
            }
        }
    }
}
