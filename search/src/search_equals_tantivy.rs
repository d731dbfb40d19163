//! Property: whatever plan runs and whatever it skips, [`SearchIndex::search`] finds what a plain
//! tantivy `BooleanQuery` finds with `Count` and `TopDocs`: the same total, the same documents
//! over the pages a cursor walks, and their kinds counted as the facets say.
//!
//! Corpora are small random documents of Chinese words from a fixed vocabulary (two characters
//! each: one pair term of the `text` field, no synonyms), some hidden, some deleted, in up to
//! three segments; queries are one to three of those words. A search ranks with its own bonuses
//! (title, words standing together) and breaks ties by an id hash, so scores and order are not
//! compared with the plain query's: the matches are, and the order is checked to be the search's
//! own (scores, or times, never rising from one page to the next).

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexWriter, TantivyDocument, Term};

use crate::document::{from_tantivy, to_tantivy};
use crate::model::{
    EntityKind, Facets, SearchDoc, SearchRequest, SearchResults, SortOrder, Viewer,
};
use crate::{SearchIndex, Synonyms, words_of};

const VOCABULARY: [&str; 8] = [
    "数据", "统计", "公开", "目录", "交通", "森林", "学校", "农业",
];

/// Who may read a document: the public, organization `a`, both, organization `b`, nobody.
const VISIBILITY: [&[&str]; 5] = [
    &["public"],
    &["org:a"],
    &["public", "org:a"],
    &["org:b"],
    &[],
];

#[derive(Debug, Clone)]
struct DocSpec {
    title: Vec<usize>,
    tags: Vec<usize>,
    body: Vec<usize>,
    visible: usize,
    product: bool,
    updated: i64,
    deleted: bool,
}

fn doc_spec() -> impl Strategy<Value = DocSpec> {
    let words =
        |range: std::ops::RangeInclusive<usize>| prop::collection::vec(0..VOCABULARY.len(), range);
    (
        words(1..=3),
        words(0..=2),
        words(0..=5),
        0..VISIBILITY.len(),
        any::<bool>(),
        // Few distinct times: ties by time are common.
        0i64..12,
        prop::bool::weighted(0.15),
    )
        .prop_map(
            |(title, tags, body, visible, product, updated, deleted)| DocSpec {
                title,
                tags,
                body,
                visible,
                product,
                updated,
                deleted,
            },
        )
}

fn text(words: &[usize], separator: &str) -> String {
    words
        .iter()
        .map(|&w| VOCABULARY[w])
        .collect::<Vec<_>>()
        .join(separator)
}

fn search_doc(i: usize, spec: &DocSpec) -> SearchDoc {
    SearchDoc {
        id: format!("resource:{i}"),
        kind: if spec.product {
            EntityKind::Product
        } else {
            EntityKind::Resource
        },
        title: text(&spec.title, ""),
        body: text(&spec.body, "，"),
        tags: spec
            .tags
            .iter()
            .map(|&w| VOCABULARY[w].to_owned())
            .collect(),
        facets: Facets::default(),
        visible_to: VISIBILITY[spec.visible]
            .iter()
            .map(|v| v.to_string())
            .collect(),
        updated_at: 1_700_000_000 + spec.updated,
        url: format!("/resources/{i}"),
        codes: Vec::new(),
        places: Vec::new(),
    }
}

/// The documents in `segments` commits, then the deleted ones removed.
fn build(specs: &[DocSpec], segments: usize) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    let inner = &index.inner;
    let f = &inner.fields;
    let mut writer: IndexWriter<TantivyDocument> =
        inner.index.writer_with_num_threads(1, 15_000_000).unwrap();
    let per_segment = specs.len().div_ceil(segments);
    for (chunk, docs) in specs.chunks(per_segment).enumerate() {
        for (j, spec) in docs.iter().enumerate() {
            let doc = search_doc(chunk * per_segment + j, spec);
            writer.add_document(to_tantivy(f, &doc)).unwrap();
        }
        writer.commit().unwrap();
    }
    for (i, _) in specs.iter().enumerate().filter(|(_, s)| s.deleted) {
        writer.delete_term(Term::from_field_text(f.id, &format!("resource:{i}")));
    }
    writer.commit().unwrap();
    inner.reader.reload().unwrap();
    index
}

/// The plain query's matches (id → kind) and their count: every word's pair in the `text` field
/// (where `at_least` is `None`), or at least that many of them, and a value the viewer may read.
fn plain_matches(
    index: &SearchIndex,
    words: &[&str],
    at_least: Option<usize>,
    viewer: &Viewer,
) -> (usize, BTreeMap<String, EntityKind>) {
    let f = &index.inner.fields;
    let term = |field, text: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    };
    let visible = BooleanQuery::union(
        viewer
            .visibility_values()
            .iter()
            .map(|v| term(f.visible_to, v))
            .collect(),
    );
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(visible))];
    match at_least {
        None => clauses.extend(words.iter().map(|w| (Occur::Must, term(f.text, w)))),
        Some(k) => clauses.push((
            Occur::Must,
            Box::new(BooleanQuery::with_minimum_required_clauses(
                words
                    .iter()
                    .map(|w| (Occur::Should, term(f.text, w)))
                    .collect(),
                k,
            )),
        )),
    }
    let plain = BooleanQuery::new(clauses);
    let searcher = index.inner.reader.searcher();
    let every = TopDocs::with_limit(searcher.num_docs().max(1) as usize).order_by_score();
    let (count, top) = searcher.search(&plain, &(Count, every)).unwrap();
    let matches = top
        .into_iter()
        .map(|(_, addr)| {
            let stored = from_tantivy(f, &searcher.doc(addr).unwrap()).unwrap();
            (stored.id, stored.kind)
        })
        .collect();
    (count, matches)
}

/// Every page a cursor walks from `req`'s, checked one by one: the same total, full pages but
/// the last, a cursor exactly when more follow, the order never rising.
fn walk_pages(index: &SearchIndex, req: &SearchRequest, first: &SearchResults) -> Vec<String> {
    let mut ids = Vec::new();
    let mut page = first.clone();
    let mut last: Option<(f32, i64)> = None;
    loop {
        assert_eq!(page.total, first.total);
        assert_eq!(page.relaxed, first.relaxed);
        let left = first.total as usize - ids.len();
        assert_eq!(page.hits.len(), left.min(req.limit), "page size");
        assert_eq!(page.next_cursor.is_some(), left > req.limit, "cursor");
        for hit in &page.hits {
            if let Some((score, updated)) = last {
                match req.sort {
                    SortOrder::Relevance => assert!(hit.score <= score, "{} > {score}", hit.score),
                    SortOrder::UpdatedDesc => assert!(hit.updated_at <= updated),
                }
            }
            last = Some((hit.score, hit.updated_at));
            ids.push(hit.id.clone());
        }
        let Some(cursor) = page.next_cursor.clone() else {
            return ids;
        };
        page = index
            .search(&SearchRequest {
                cursor: Some(cursor),
                ..req.clone()
            })
            .unwrap();
    }
}

#[test]
fn the_vocabulary_is_one_pair_term_per_word_without_synonyms() {
    let synonyms = Synonyms::builtin();
    for w in VOCABULARY {
        assert_eq!(words_of(w), [w]);
        assert_eq!(w.chars().count(), 2);
        assert_eq!(synonyms.others(w).count(), 0, "{w}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn search_finds_what_a_plain_boolean_query_finds(
        specs in prop::collection::vec(doc_spec(), 1..60),
        segments in 1usize..=3,
        words in prop::sample::subsequence((0..VOCABULARY.len()).collect::<Vec<_>>(), 1..=3)
            .prop_shuffle(),
        by_time in any::<bool>(),
        as_org in any::<bool>(),
        limit in 1usize..=5,
        facets in any::<bool>(),
    ) {
        let index = build(&specs, segments);
        let words: Vec<&str> = words.iter().map(|&w| VOCABULARY[w]).collect();
        let q = words.join(" ");
        prop_assert_eq!(words_of(&q), words.clone());
        let viewer = if as_org { Viewer::Organization("a".into()) } else { Viewer::Anonymous };
        let req = SearchRequest {
            q: crate::QueryText::parse(q.as_str()).unwrap(),
            viewer: viewer.clone(),
            limit,
            sort: if by_time { SortOrder::UpdatedDesc } else { SortOrder::Relevance },
            facets,
            ..SearchRequest::default()
        };
        let first = index.search(&req).unwrap();
        prop_assert!(!first.total_estimated && !first.exact_code);

        let (strict_count, strict) = plain_matches(&index, &words, None, &viewer);
        let expected = if strict_count > 0 {
            prop_assert!(!first.relaxed && !first.by_sound);
            strict
        } else if first.by_sound {
            // Found by a word's sound, which the plain query does not spell: nothing to compare.
            return Ok(());
        } else if first.relaxed {
            prop_assert!(words.len() > 1);
            plain_matches(&index, &words, Some(words.len().div_ceil(2)), &viewer).1
        } else {
            strict
        };
        prop_assert_eq!(first.total, expected.len() as u64);

        let walked = walk_pages(&index, &req, &first);
        let unique: BTreeSet<&String> = walked.iter().collect();
        prop_assert_eq!(unique.len(), walked.len(), "a document on two pages");
        let expected_ids: BTreeSet<&String> = expected.keys().collect();
        prop_assert_eq!(unique, expected_ids);

        if facets {
            let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
            for kind in expected.values() {
                *kinds.entry(kind.as_str().to_owned()).or_default() += 1;
            }
            let counted: BTreeMap<String, u64> = first.facets["kind"]
                .iter()
                .map(|c| (c.value.clone(), c.count))
                .collect();
            prop_assert_eq!(counted, kinds);
            prop_assert!(!first.facets_estimated);
        } else {
            prop_assert!(first.facets.is_empty());
        }
    }
}
