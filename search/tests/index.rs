//! The index as a component: visibility (property-tested), near-real-time writes, durable
//! sequence numbers across reopen, resets, removals and hostile query strings.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use search::{
    ChangeBatch, EntityKind, Facets, PUBLIC, SearchDoc, SearchIndex, SearchRequest, Viewer,
    org_visibility, spawn_writer,
};

fn doc(id: &str, title: &str, visible_to: &[&str]) -> SearchDoc {
    SearchDoc {
        id: id.into(),
        kind: EntityKind::Resource,
        title: title.into(),
        body: format!("{title}的说明"),
        tags: vec![],
        facets: Facets::default(),
        visible_to: visible_to.iter().map(|s| s.to_string()).collect(),
        updated_at: 1_700_000_000,
        url: format!("/resources/{id}"),
        places: Vec::new(),
        codes: Vec::new(),
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

fn ids(index: &SearchIndex, q: &str, viewer: Viewer) -> Vec<String> {
    index
        .search(&SearchRequest {
            q: search::QueryText::parse(q).unwrap(),
            viewer,
            limit: 100,
            ..SearchRequest::default()
        })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

const WORDS: [&str; 8] = [
    "不动产",
    "登记",
    "税务",
    "公交",
    "人口",
    "GDP",
    "医院",
    "数据",
];
const ORGS: [&str; 3] = ["a1", "b2", "c3"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the documents and the query, a viewer only ever gets documents visible to it.
    #[test]
    fn nobody_sees_another_organizations_documents(
        docs in prop::collection::vec((0usize..8, 0usize..8, prop::option::of(0usize..3), any::<bool>()), 1..40),
        query in prop::collection::vec(0usize..8, 0..3),
        viewer in prop::option::of(0usize..3),
    ) {
        let index = SearchIndex::in_memory().unwrap();
        let writer = spawn_writer(&index).unwrap();
        let docs: Vec<SearchDoc> = docs
            .iter()
            .enumerate()
            .map(|(i, (a, b, owner, public))| {
                let mut vis = Vec::new();
                if *public { vis.push(PUBLIC.to_owned()); }
                if let Some(o) = owner { vis.push(org_visibility(ORGS[*o])); }
                let mut d = doc(&format!("d{i}"), &format!("{}{}", WORDS[*a], WORDS[*b]), &[]);
                d.visible_to = vis;
                d
            })
            .collect();
        rt().block_on(async {
            writer.send(ChangeBatch { upserts: docs.clone(), ..Default::default() }).await.unwrap();
            writer.flush().await.unwrap();
        });
        let q: Vec<&str> = query.iter().map(|i| WORDS[*i]).collect();
        let viewer = match viewer { Some(o) => Viewer::Organization(ORGS[o].into()), None => Viewer::Anonymous };
        let allowed = viewer.visibility_values();
        for id in ids(&index, &q.join(" "), viewer.clone()) {
            let d = docs.iter().find(|d| d.id == id).unwrap();
            prop_assert!(d.visible_to.iter().any(|v| allowed.contains(v)), "{id} {:?} leaked to {viewer:?}", d.visible_to);
        }
        // Suggestions obey the same rule.
        for s in index.suggest(q.first().copied().unwrap_or("数"), &viewer, 50).unwrap() {
            let d = docs.iter().find(|d| d.id == s.id).unwrap();
            prop_assert!(d.visible_to.iter().any(|v| allowed.contains(v)));
        }
    }
}

#[test]
fn a_write_becomes_searchable_without_flush() {
    // Speed is the bench's job (write→searchable p99); the window only keeps a stuck writer from
    // hanging the suite on a loaded machine.
    let index = SearchIndex::in_memory().unwrap();
    let writer = spawn_writer(&index).unwrap();
    rt().block_on(async {
        let start = Instant::now();
        writer
            .send(ChangeBatch {
                upserts: vec![doc("r1", "城市公交线路", &[PUBLIC])],
                up_to_seq: Some(7),
                ..Default::default()
            })
            .await
            .unwrap();
        while ids(&index, "公交", Viewer::Anonymous).is_empty() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "not searchable after 10 s"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        println!("searchable after {:?}", start.elapsed());
    });
    assert_eq!(index.last_applied_seq(), Some(7));
}

#[test]
fn merging_segments_keeps_documents_and_sequence_number() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open_or_create(dir.path()).unwrap();
        let writer = spawn_writer(&index).unwrap();
        rt().block_on(async {
            for i in 0..4 {
                writer
                    .send(ChangeBatch {
                        upserts: vec![doc(&format!("r{i}"), "人口统计", &[PUBLIC])],
                        up_to_seq: Some(10 + i),
                        ..Default::default()
                    })
                    .await
                    .unwrap();
                writer.flush().await.unwrap();
            }
            assert_eq!(index.segment_count(), 4, "one segment per commit");
            writer.merge_segments().await.unwrap();
            assert_eq!(index.segment_count(), 1);
            assert_eq!(ids(&index, "人口", Viewer::Anonymous).len(), 4);
            // A write sent while a merge runs is applied and committed meanwhile.
            writer
                .send(ChangeBatch {
                    upserts: vec![doc("r4", "人口统计", &[PUBLIC])],
                    ..Default::default()
                })
                .await
                .unwrap();
            let (merged, flushed) = tokio::join!(writer.merge_segments(), writer.flush());
            merged.unwrap();
            flushed.unwrap();
            assert_eq!(ids(&index, "人口", Viewer::Anonymous).len(), 5);
            writer.shutdown().await;
        });
    }
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(index.segment_count(), 1);
    assert_eq!(index.last_applied_seq(), Some(13));
    assert_eq!(ids(&index, "人口", Viewer::Anonymous).len(), 5);
}

#[test]
fn sequence_number_survives_reopen_and_removals_apply() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(index.last_applied_seq(), None);
        let writer = spawn_writer(&index).unwrap();
        assert!(spawn_writer(&index).is_err(), "one writer per index");
        rt().block_on(async {
            writer
                .send(ChangeBatch {
                    upserts: vec![
                        doc("r1", "人口统计", &[PUBLIC]),
                        doc("r2", "人口普查", &[PUBLIC]),
                    ],
                    up_to_seq: Some(41),
                    ..Default::default()
                })
                .await
                .unwrap();
            writer
                .send(ChangeBatch {
                    removals: vec!["r2".into()],
                    up_to_seq: Some(42),
                    ..Default::default()
                })
                .await
                .unwrap();
            writer.flush().await.unwrap();
            writer.shutdown().await;
        });
    }
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(index.last_applied_seq(), Some(42));
    assert_eq!(ids(&index, "人口", Viewer::Anonymous), ["r1"]);
    // An upsert replaces by id; a reset empties the index first.
    let writer = spawn_writer(&index).unwrap();
    rt().block_on(async {
        writer
            .send(ChangeBatch {
                upserts: vec![doc("r1", "医院名录", &[PUBLIC])],
                ..Default::default()
            })
            .await
            .unwrap();
        writer.flush().await.unwrap();
        assert!(ids(&index, "人口", Viewer::Anonymous).is_empty());
        assert_eq!(ids(&index, "医院", Viewer::Anonymous), ["r1"]);
        writer
            .send(ChangeBatch {
                upserts: vec![doc("r9", "税务登记", &[PUBLIC])],
                reset: true,
                up_to_seq: Some(50),
                ..Default::default()
            })
            .await
            .unwrap();
        writer.flush().await.unwrap();
    });
    assert_eq!(index.doc_count(), 1);
    assert_eq!(index.last_applied_seq(), Some(50));
}

/// A rebuild adds without deleting (its ids are new to the emptied index); the writes that follow
/// it replace by id again.
#[test]
fn after_a_rebuild_upserts_replace_again() {
    let index = SearchIndex::in_memory().unwrap();
    let writer = spawn_writer(&index).unwrap();
    rt().block_on(async {
        for (reset, up_to_seq, upserts) in [
            (false, Some(5), vec![doc("old", "旧的文档", &[PUBLIC])]),
            (true, None, vec![doc("r1", "人口统计", &[PUBLIC])]),
            (false, None, vec![doc("r2", "人口普查", &[PUBLIC])]),
            // The batch naming the position ends the rebuild.
            (false, Some(10), vec![]),
            (false, Some(11), vec![doc("r1", "医院名录", &[PUBLIC])]),
        ] {
            writer
                .send(ChangeBatch {
                    upserts,
                    reset,
                    up_to_seq,
                    ..Default::default()
                })
                .await
                .unwrap();
        }
        writer
            .send(ChangeBatch {
                removals: vec!["r2".into()],
                up_to_seq: Some(12),
                ..Default::default()
            })
            .await
            .unwrap();
        writer.flush().await.unwrap();
    });
    assert_eq!(
        index.doc_count(),
        1,
        "the reset emptied, r1 replaced, r2 removed"
    );
    assert_eq!(ids(&index, "医院", Viewer::Anonymous), ["r1"]);
    assert!(ids(&index, "人口", Viewer::Anonymous).is_empty());
    assert!(ids(&index, "旧的", Viewer::Anonymous).is_empty());
}

#[test]
fn hostile_queries_neither_fail_nor_leak() {
    let index = SearchIndex::in_memory().unwrap();
    let writer = spawn_writer(&index).unwrap();
    rt().block_on(async {
        writer
            .send(ChangeBatch {
                upserts: vec![
                    doc("secret", "内部草稿", &["org:x"]),
                    doc("pub", "公开目录", &[PUBLIC]),
                ],
                ..Default::default()
            })
            .await
            .unwrap();
        writer.flush().await.unwrap();
    });
    let long = "数".repeat(10_000);
    for q in [
        "title:内部 OR *",
        "visible_to:org:x",
        "\"unbalanced",
        "\u{0}\u{0}",
        "*",
        "草稿) OR (1=1",
        "'; DROP TABLE resources; --",
        long.as_str(),
        "<script>alert(1)</script>",
        "内部草稿",
    ] {
        // Longer than a search box takes: refused where it arrives, as the caller's mistake.
        let text = match search::QueryText::parse(q) {
            Ok(text) => text,
            Err(e) => {
                assert!(e.is_client_error() && q.chars().count() > search::QueryText::MAX_CHARS);
                continue;
            }
        };
        let r = index
            .search(&SearchRequest {
                q: text,
                ..SearchRequest::default()
            })
            .unwrap_or_else(|e| panic!("{q:?}: {e}"));
        assert!(r.hits.iter().all(|h| h.id != "secret"), "{q:?} leaked");
        for h in &r.hits {
            assert!(!h.title_html.contains("<script>"));
        }
    }
    assert!(
        index
            .search(&SearchRequest {
                cursor: Some("garbage".into()),
                ..SearchRequest::default()
            })
            .is_err_and(|e| e.is_client_error())
    );
    assert!(
        index
            .search(&SearchRequest {
                limit: 101,
                ..SearchRequest::default()
            })
            .is_err_and(|e| e.is_client_error())
    );
    assert_eq!(
        ids(&index, "内部草稿", Viewer::Organization("x".into())),
        ["secret"]
    );
}

#[test]
fn a_rebuild_cut_short_leaves_no_sequence_number() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    let writer = spawn_writer(&index).unwrap();
    rt().block_on(async {
        let batch = |ids: &[&str], seq| ChangeBatch {
            upserts: ids
                .iter()
                .map(|id| doc(id, "人口统计", &[PUBLIC]))
                .collect(),
            up_to_seq: seq,
            ..Default::default()
        };
        writer.send(batch(&["a"], Some(10))).await.unwrap();
        writer.flush().await.unwrap();
        // A rebuild starts: the reset commits at once, the rest is still to come.
        writer
            .send(ChangeBatch {
                reset: true,
                ..batch(&["b"], None)
            })
            .await
            .unwrap();
        writer.flush().await.unwrap();
        writer.shutdown().await;
    });
    drop(index);
    // As after a crash mid-rebuild: no position, so the service rebuilds again.
    let reopened = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(reopened.last_applied_seq(), None);
}

/// A run of 3–4 Han characters is looked up as one term of the `*_grams` fields, not as the
/// phrase of its pairs: both must find exactly the documents holding the run, in title, body or
/// a tag, and never across punctuation or from one tag into the next.
#[test]
fn three_and_four_character_runs_match_exactly_where_the_text_holds_them() {
    const ALPHABET: [char; 6] = ['数', '据', '统', '计', '局', '，'];
    let mut seed = 7u64;
    let mut text = |len: usize| -> String {
        (0..len)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ALPHABET[(seed >> 33) as usize % ALPHABET.len()]
            })
            .collect()
    };
    let docs: Vec<SearchDoc> = (0..60)
        .map(|i| SearchDoc {
            body: text(i % 13),
            tags: vec![text(3), text(2)],
            ..doc(&format!("d{i}"), &text(i % 7), &[PUBLIC])
        })
        .collect();
    let index = SearchIndex::in_memory().unwrap();
    let writer = spawn_writer(&index).unwrap();
    rt().block_on(async {
        writer
            .send(ChangeBatch {
                upserts: docs.clone(),
                ..Default::default()
            })
            .await
            .unwrap();
        writer.flush().await.unwrap();
    });
    let han = &ALPHABET[..5];
    let mut runs: Vec<String> = Vec::new();
    for a in han {
        for b in han {
            for c in han {
                runs.push([a, b, c].into_iter().collect());
                for d in han {
                    runs.push([a, b, c, d].into_iter().collect());
                }
            }
        }
    }
    let mut matched = 0;
    for run in &runs {
        let mut expected: Vec<String> = docs
            .iter()
            .filter(|d| {
                d.title.contains(run.as_str())
                    || d.body.contains(run.as_str())
                    || d.tags.iter().any(|t| t.contains(run.as_str()))
            })
            .map(|d| d.id.clone())
            .collect();
        expected.sort();
        let mut found = ids(&index, &format!("“{run}”"), Viewer::Anonymous);
        found.sort();
        assert_eq!(found, expected, "quoted {run}");
        matched += usize::from(!expected.is_empty());
    }
    assert!(matched > 50, "the documents hold too few runs: {matched}");
}

#[test]
fn an_identifier_finds_what_it_names_for_those_who_may_see_it() {
    let index = SearchIndex::in_memory().unwrap();
    let writer = spawn_writer(&index).unwrap();
    let coded = |id: &str, title: &str, code: &str, visible: &[&str]| SearchDoc {
        places: Vec::new(),
        codes: vec![code.to_owned()],
        ..doc(id, title, visible)
    };
    rt().block_on(async {
        writer
            .send(ChangeBatch {
                upserts: vec![
                    coded("resource:a", "公交线路", "511000-00000001-T", &[PUBLIC]),
                    coded(
                        "resource:b",
                        "公交站点",
                        "511000-00000002-R",
                        &[&org_visibility("x")],
                    ),
                    // Mentions the first code in its text only: not what the code names.
                    doc("resource:c", "511000-00000001-T 的说明", &[PUBLIC]),
                ],
                ..ChangeBatch::default()
            })
            .await
            .unwrap();
        writer.flush().await.unwrap();
    });
    let exact = |q: &str, viewer: Viewer| {
        let r = index
            .search(&SearchRequest {
                q: search::QueryText::parse(q).unwrap(),
                viewer,
                limit: 10,
                ..SearchRequest::default()
            })
            .unwrap();
        (
            r.exact_code,
            r.hits.into_iter().map(|h| h.id).collect::<Vec<_>>(),
        )
    };
    for form in ["511000-00000001-T", "51100000000001t", "511000 00000001 t"] {
        assert_eq!(
            exact(form, Viewer::Anonymous),
            (true, vec!["resource:a".to_owned()]),
            "{form}"
        );
    }
    // Not visible to the public: the code finds nothing exact, and the words find nothing.
    assert!(!exact("511000-00000002-R", Viewer::Anonymous).0);
    assert_eq!(
        exact("511000-00000002-R", Viewer::Organization("x".into())),
        (true, vec!["resource:b".to_owned()])
    );
}

/// The caller files an entry's region with the regions enclosing it: a filter by the province
/// finds the county's entry and counts it; a sibling county's filter does not.
#[test]
fn a_region_filter_finds_what_lies_within_it() {
    let index = SearchIndex::in_memory().unwrap();
    let writer = spawn_writer(&index).unwrap();
    let mut county = doc("county", "锦江区公交线路", &[PUBLIC]);
    county.facets.region = Some("510104".into());
    county.facets.enclosing_regions = vec!["510000".into(), "510100".into()];
    rt().block_on(async {
        writer
            .send(ChangeBatch {
                upserts: vec![county],
                ..Default::default()
            })
            .await
            .unwrap();
        writer.flush().await.unwrap();
    });
    let found = |region: &str| {
        let mut req = SearchRequest {
            q: search::QueryText::parse("公交").unwrap(),
            facets: true,
            ..SearchRequest::default()
        };
        req.filters.region = vec![region.to_owned()];
        index.search(&req).unwrap().total
    };
    assert_eq!(found("510000"), 1);
    assert_eq!(found("510100"), 1);
    assert_eq!(found("510104"), 1);
    assert_eq!(found("510105"), 0);
}
