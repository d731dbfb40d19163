//! Listings (the CKAN API's `package_search`) against a brute-force reading of the same
//! documents: exact totals past the search's sampling threshold, facets counted over every match,
//! offset pages that see each match exactly once in every order, across segments and deletions.

use std::collections::{BTreeMap, BTreeSet};

use search::{
    ChangeBatch, EntityKind, FacetName, Facets, Listing, ListingRequest, ListingSort, PUBLIC,
    SearchDoc, SearchIndex, SearchRequest, Viewer, has_words, org_visibility, spawn_writer,
};

const WORDS: [&str; 4] = ["人口", "交通", "医疗", "教育"];
const TAGS: [&str; 5] = ["统计", "年报", "出行", "民生", "开放"];
const FORMATS: [&str; 3] = ["csv", "xlsx", "api"];
const DOMAINS: [&str; 3] = ["S", "G", "Q"];
const OWNERS: [&str; 4] = [
    "00000000-0000-7000-8000-00000000000a",
    "00000000-0000-7000-8000-00000000000b",
    "00000000-0000-7000-8000-00000000000c",
    "00000000-0000-7000-8000-00000000000d",
];

fn uuid(i: usize) -> String {
    // Not in creation order, so that id order differs from every other order.
    let mixed = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    format!(
        "{:08x}-0000-7000-8000-{:012x}",
        mixed >> 32,
        i as u64 & 0xffff_ffff_ffff
    )
}

/// Document `i` of generation `gen` (a later generation replaces the earlier one).
fn doc(i: usize, generation: usize) -> SearchDoc {
    let word = WORDS[(i + generation) % WORDS.len()];
    let tags: Vec<String> = TAGS
        .iter()
        .enumerate()
        .filter(|(t, _)| (i >> t) & 1 == 1)
        .map(|(_, t)| t.to_string())
        .collect();
    let formats: Vec<String> = FORMATS
        .iter()
        .enumerate()
        .filter(|(f, _)| (i / 3 + f).is_multiple_of(2))
        .map(|(_, f)| f.to_string())
        .collect();
    let owner = OWNERS[i % OWNERS.len()];
    let public = i % 11 != 5;
    let kind = if i % 7 == 3 {
        EntityKind::Product
    } else {
        EntityKind::Resource
    };
    let mut visible_to = vec![org_visibility(owner)];
    if public {
        visible_to.insert(0, PUBLIC.to_owned());
    }
    SearchDoc {
        id: format!("{kind}:{}", uuid(i)),
        kind,
        title: format!("{word}数据第{i}号"),
        body: format!("{word}相关的目录"),
        tags: tags.clone(),
        facets: Facets {
            provider: Some(format!("提供单位{}", i % OWNERS.len())),
            domain: (!i.is_multiple_of(5)).then(|| DOMAINS[i % DOMAINS.len()].to_owned()),
            listing: Listing {
                tags,
                formats,
                // Some names collide (ties break by the id hash).
                name: (!i.is_multiple_of(17))
                    .then(|| format!("pkg-{:04}", (i * 37) % 500 + i % 13)),
                modified_micros: Some(1_700_000_000_000_000 + ((i * 7919) % 613) as i64 * 1_000),
            },
            ..Facets::default()
        },
        visible_to,
        updated_at: 1_700_000_000,
        url: format!("/x/{i}"),
        places: Vec::new(),
        codes: Vec::new(),
    }
}

/// `n` documents written in several commits (several segments), a third of them replaced in a
/// later commit (deleted documents in the earlier segments).
fn index(n: usize) -> (SearchIndex, Vec<SearchDoc>) {
    let index = SearchIndex::in_memory().unwrap();
    let writer = spawn_writer(&index).unwrap();
    let mut docs: Vec<SearchDoc> = (0..n).map(|i| doc(i, 0)).collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        for chunk in docs.chunks(n.div_ceil(4)) {
            writer
                .send(ChangeBatch {
                    upserts: chunk.to_vec(),
                    ..ChangeBatch::default()
                })
                .await
                .unwrap();
            writer.flush().await.unwrap();
        }
        let replaced: Vec<SearchDoc> = (0..n).step_by(3).map(|i| doc(i, 1)).collect();
        writer
            .send(ChangeBatch {
                upserts: replaced.clone(),
                ..ChangeBatch::default()
            })
            .await
            .unwrap();
        writer.flush().await.unwrap();
        for d in replaced {
            let i: usize = d.url.trim_start_matches("/x/").parse().unwrap();
            docs[i] = d;
        }
    });
    assert!(index.segment_count() > 1, "several segments");
    (index, docs)
}

fn is_public(d: &SearchDoc) -> bool {
    d.visible_to.iter().any(|v| v == PUBLIC)
}

fn owner(d: &SearchDoc) -> &str {
    d.visible_to
        .iter()
        .find_map(|v| v.strip_prefix("org:"))
        .unwrap()
}

/// Each facet's counts as a brute-force count over `matches`.
fn expected_facets(matches: &[&SearchDoc]) -> BTreeMap<FacetName, BTreeMap<String, u64>> {
    let mut out: BTreeMap<FacetName, BTreeMap<String, u64>> = BTreeMap::new();
    for d in matches {
        let mut add = |name, value: &str| {
            *out.entry(name)
                .or_default()
                .entry(value.to_owned())
                .or_default() += 1;
        };
        add(FacetName::Owner, owner(d));
        if let Some(domain) = &d.facets.domain {
            add(FacetName::Domain, domain);
        }
        let l = &d.facets.listing;
        l.tags.iter().for_each(|t| add(FacetName::Tag, t));
        l.formats.iter().for_each(|f| add(FacetName::Format, f));
    }
    out
}

const FACETS: [FacetName; 4] = [
    FacetName::Owner,
    FacetName::Domain,
    FacetName::Tag,
    FacetName::Format,
];

fn request(q: &str, required: &[(FacetName, &str)]) -> ListingRequest {
    ListingRequest {
        q: search::QueryText::parse(q).unwrap(),
        kinds: vec![EntityKind::Resource, EntityKind::Product],
        viewer: Viewer::Anonymous,
        required: required.iter().map(|(n, v)| (*n, v.to_string())).collect(),
        facets: FACETS.to_vec(),
        limit: 0,
        ..ListingRequest::default()
    }
}

/// Every page of `req` by `rows`: the ids in order, checking each page's total.
fn walk(index: &SearchIndex, req: &ListingRequest, rows: usize) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        let page = index
            .listing(&ListingRequest {
                offset: out.len(),
                limit: rows,
                facets: Vec::new(),
                ..req.clone()
            })
            .unwrap();
        let total = page.total as usize;
        let got = page.ids.len();
        out.extend(page.ids);
        if got < rows || out.len() >= total {
            assert_eq!(out.len(), total, "the walk reads every match");
            return out;
        }
    }
}

fn sort_value(d: &SearchDoc, sort: ListingSort) -> (i64, String) {
    match sort {
        ListingSort::ModifiedAsc | ListingSort::ModifiedDesc => {
            (d.facets.listing.modified_micros.unwrap(), String::new())
        }
        ListingSort::IdAsc | ListingSort::IdDesc => (0, d.id.split(':').nth(1).unwrap().into()),
        _ => (0, d.facets.listing.name.clone().unwrap_or_default()),
    }
}

/// Text, required facet values, modified since.
type Case = (&'static str, Vec<(FacetName, &'static str)>, Option<i64>);

/// Every public match's score, as the search's pages give them.
fn scores(index: &SearchIndex, q: &str) -> BTreeMap<String, f32> {
    let mut out = BTreeMap::new();
    let mut cursor = None;
    loop {
        let page = index
            .search(&SearchRequest {
                q: search::QueryText::parse(q).unwrap(),
                limit: 100,
                cursor,
                ..SearchRequest::default()
            })
            .unwrap();
        out.extend(page.hits.into_iter().map(|h| (h.id, h.score)));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return out,
        }
    }
}

#[test]
fn totals_facets_and_pages_equal_a_brute_force_reading() {
    let (index, docs) = index(600);
    let by_id: BTreeMap<&str, &SearchDoc> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let middle = 1_700_000_000_000_000 + 300 * 1_000;
    let cases: Vec<Case> = vec![
        ("", vec![], None),
        ("人口", vec![], None),
        (
            "教育",
            vec![(FacetName::Tag, "统计"), (FacetName::Tag, "年报")],
            None,
        ),
        (
            "",
            vec![(FacetName::Format, "api"), (FacetName::Domain, "G")],
            None,
        ),
        ("医疗", vec![(FacetName::Owner, OWNERS[1])], None),
        (
            "教育",
            vec![(FacetName::Owner, OWNERS[1]), (FacetName::Owner, OWNERS[2])],
            None,
        ),
        ("", vec![], Some(middle)),
        ("交通 数据", vec![(FacetName::Tag, "民生")], Some(middle)),
    ];
    let mut ties = false;
    for (q, required, since) in cases {
        let matches: Vec<&SearchDoc> = docs
            .iter()
            .filter(|d| is_public(d))
            .filter(|d| q.split(' ').all(|w| d.title.contains(w)))
            .filter(|d| since.is_none_or(|t| d.facets.listing.modified_micros.unwrap() >= t))
            .filter(|d| {
                required.iter().all(|(name, v)| {
                    let l = &d.facets.listing;
                    match name {
                        FacetName::Tag => l.tags.iter().any(|t| t == v),
                        FacetName::Format => l.formats.iter().any(|f| f == v),
                        FacetName::Domain => d.facets.domain.as_deref() == Some(*v),
                        FacetName::Owner => owner(d) == *v,
                        _ => unreachable!(),
                    }
                })
            })
            .collect();
        let two_owners = required
            .iter()
            .filter(|(n, _)| *n == FacetName::Owner)
            .count()
            > 1;
        assert_eq!(
            matches.is_empty(),
            two_owners,
            "{q} {required:?}: a case worth testing"
        );
        let req = ListingRequest {
            modified_since: since,
            ..request(q, &required)
        };
        let found = index.listing(&req).unwrap();
        assert_eq!(found.total as usize, matches.len(), "{q} {required:?}");
        assert!(found.ids.is_empty(), "limit 0: no page");
        let counted: BTreeMap<FacetName, BTreeMap<String, u64>> = found
            .facets
            .iter()
            .map(|(name, counts)| {
                let values = counts.iter().map(|c| (c.value.clone(), c.count)).collect();
                (*name, values)
            })
            .filter(|(_, values): &(_, BTreeMap<_, _>)| !values.is_empty())
            .collect();
        assert_eq!(counted, expected_facets(&matches), "{q} {required:?}");
        for counts in found.facets.values() {
            assert!(counts.windows(2).all(|w| w[0].count >= w[1].count));
        }

        let want: BTreeSet<&str> = matches.iter().map(|d| d.id.as_str()).collect();
        for sort in [
            ListingSort::Relevance,
            ListingSort::ModifiedAsc,
            ListingSort::ModifiedDesc,
            ListingSort::IdAsc,
            ListingSort::IdDesc,
            ListingSort::NameAsc,
            ListingSort::NameDesc,
        ] {
            let req = ListingRequest {
                sort,
                ..req.clone()
            };
            for rows in [7, 50] {
                let walked = walk(&index, &req, rows);
                let seen: BTreeSet<&str> = walked.iter().map(String::as_str).collect();
                assert_eq!(seen.len(), walked.len(), "{q} {sort:?}: no match twice");
                assert_eq!(seen, want, "{q} {sort:?}: every match");
                if sort == ListingSort::Relevance && !q.is_empty() {
                    // Best score first, then the newest, as the search scores them.
                    let score = scores(&index, q);
                    let keys: Vec<(f32, i64)> = walked
                        .iter()
                        .map(|id| {
                            (
                                score[id],
                                by_id[id.as_str()].facets.listing.modified_micros.unwrap(),
                            )
                        })
                        .collect();
                    assert!(
                        keys.windows(2)
                            .all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 >= w[1].1)),
                        "{q}: {keys:?}"
                    );
                    ties |= keys.windows(2).any(|w| w[0].0 == w[1].0);
                } else if sort != ListingSort::Relevance {
                    let values: Vec<(i64, String)> = walked
                        .iter()
                        .map(|id| sort_value(by_id[id.as_str()], sort))
                        .collect();
                    let ordered = values.windows(2).all(|w| match sort {
                        ListingSort::ModifiedDesc | ListingSort::IdDesc | ListingSort::NameDesc => {
                            w[0] >= w[1]
                        }
                        _ => w[0] <= w[1],
                    });
                    assert!(ordered, "{q} {sort:?}: {values:?}");
                }
                // One big page is the walk.
                let whole = index
                    .listing(&ListingRequest {
                        limit: search::MAX_LISTING_LIMIT,
                        facets: Vec::new(),
                        ..req.clone()
                    })
                    .unwrap();
                assert_eq!(whole.ids, walked, "{q} {sort:?} by {rows}");
            }
        }
    }
    assert!(ties, "equal scores were ordered by time somewhere")
}

#[test]
fn pages_past_the_end_and_hostile_offsets_are_empty_and_cheap() {
    let (index, _) = index(40);
    let all = index.listing(&request("", &[])).unwrap().total as usize;
    for offset in [all, all + 1, usize::MAX / 2, usize::MAX] {
        let page = index
            .listing(&ListingRequest {
                offset,
                limit: 1000,
                ..request("", &[])
            })
            .unwrap();
        assert!(page.ids.is_empty());
        assert_eq!(page.total as usize, all);
    }
    assert!(
        index
            .listing(&ListingRequest {
                limit: search::MAX_LISTING_LIMIT + 1,
                ..request("", &[])
            })
            .unwrap_err()
            .is_client_error()
    );
    let none = index
        .listing(&request("人口", &[(FacetName::Tag, "没有这个标签")]))
        .unwrap();
    assert_eq!(none.total, 0);
    assert!(none.facets.values().all(Vec::is_empty));
}

/// A one-word query matching twice the search's exact-count threshold (past which a search may
/// estimate its total from a sample): the listing counts every match, and its facets.
#[test]
fn totals_past_the_sampling_threshold_are_exact() {
    let n = 30_000;
    let index = SearchIndex::in_memory().unwrap();
    let writer = spawn_writer(&index).unwrap();
    let docs: Vec<SearchDoc> = (0..n)
        .map(|i| SearchDoc {
            id: format!("resource:{}", uuid(i)),
            kind: EntityKind::Resource,
            title: if i % 3 == 0 {
                "信息公开"
            } else {
                "人口统计"
            }
            .into(),
            body: String::new(),
            tags: Vec::new(),
            facets: Facets {
                listing: Listing {
                    tags: vec![format!("t{}", i % 3)],
                    ..Listing::default()
                },
                ..Facets::default()
            },
            visible_to: vec![PUBLIC.to_owned()],
            updated_at: i as i64,
            url: String::new(),
            places: Vec::new(),
            codes: Vec::new(),
        })
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        writer
            .send(ChangeBatch {
                upserts: docs,
                ..ChangeBatch::default()
            })
            .await
            .unwrap();
        writer.flush().await.unwrap();
    });
    let listed = index
        .listing(&ListingRequest {
            q: search::QueryText::parse("人口").unwrap(),
            facets: vec![FacetName::Tag],
            limit: 10,
            offset: 19_995,
            ..ListingRequest::default()
        })
        .unwrap();
    assert_eq!(listed.total, 20_000);
    assert_eq!(listed.ids.len(), 5, "the last page");
    let tags: BTreeMap<&str, u64> = listed.facets[&FacetName::Tag]
        .iter()
        .map(|c| (c.value.as_str(), c.count))
        .collect();
    assert_eq!(tags, BTreeMap::from([("t1", 10_000), ("t2", 10_000)]));
}

#[test]
fn text_without_words_is_told_apart() {
    for q in ["\"", "“", "*** ：，。", "  ", "\"\""] {
        assert!(!has_words(q), "{q:?}");
    }
    for q in ["人口", "gdp", "\"人口 统计\"", "a"] {
        assert!(has_words(q), "{q:?}");
    }
}

/// Listing facets are counted only when asked for: a search's facets are the ones it had.
#[test]
fn searches_do_not_count_listing_facets() {
    let (index, _) = index(40);
    let found = index
        .search(&SearchRequest {
            facets: true,
            ..SearchRequest::default()
        })
        .unwrap();
    for name in FacetName::LISTING {
        assert!(!found.facets.contains_key(name.as_str()), "{name:?}");
    }
    assert!(found.facets.contains_key("provider"));
    assert!(
        found
            .hits
            .iter()
            .all(|h| h.facets.listing == Listing::default())
    );
}
