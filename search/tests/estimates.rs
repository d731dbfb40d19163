//! Totals and facet counts of large results are estimated from a sample: close to the exact
//! counts, never counting what the viewer may not see, and exact for small results.

mod common;

use search::{
    EntityKind, FacetCount, Facets, PUBLIC, SearchDoc, SearchRequest, SortOrder, org_visibility,
};

const DOCS: usize = 60_000;

/// Seven in ten titles hold 登记; providers come in runs of 500 (entries arrive by department);
/// one in fifty is visible to its organisation only.
fn doc(i: usize) -> SearchDoc {
    let title = if registration(i) {
        format!("不动产登记信息 {i}")
    } else {
        format!("户籍人口统计 {i}")
    };
    SearchDoc {
        id: format!("resource:{i}"),
        kind: EntityKind::Resource,
        title,
        body: String::new(),
        tags: vec![],
        facets: Facets {
            provider: Some(provider(i)),
            status: Some("published".into()),
            ..Facets::default()
        },
        visible_to: if hidden(i) {
            vec![org_visibility("91510000MA6CX0000X")]
        } else {
            vec![PUBLIC.to_owned()]
        },
        updated_at: 1_700_000_000 + i as i64,
        url: format!("/resources/{i}"),
        places: Vec::new(),
        codes: Vec::new(),
    }
}

fn registration(i: usize) -> bool {
    i % 10 < 7
}

fn hidden(i: usize) -> bool {
    i.is_multiple_of(50)
}

fn provider(i: usize) -> String {
    format!("部门{}", (i / 500) % 6)
}

fn request(q: &str, sort: SortOrder) -> SearchRequest {
    SearchRequest {
        q: search::QueryText::parse(q).unwrap(),
        limit: 10,
        facets: true,
        sort,
        ..SearchRequest::default()
    }
}

#[test]
fn a_large_one_word_result_has_close_estimates_and_a_smaller_one_exact_counts() {
    let index = common::build((0..DOCS).map(doc).collect());
    let visible = |i: &usize| !hidden(*i);
    let exact_total = (0..DOCS)
        .filter(visible)
        .filter(|i| registration(*i))
        .count() as f64;

    let about = index
        .search(&request("登记", SortOrder::Relevance))
        .unwrap();
    assert!(about.total_estimated && about.facets_estimated);
    // About 10,000 counted one by one, then ~5,000 sampled (one window in ~6): a relative
    // standard error near √(6/40,800), 1.2 %. Four of them: 6 % (a wrong scale is off by more).
    let off = (about.total as f64 - exact_total).abs() / exact_total;
    assert!(
        off < 0.06,
        "about {} vs {exact_total} (off {off:.4})",
        about.total
    );
    assert_eq!(about.hits.len(), 10);

    // Each provider's estimate against its exact count (a provider holds ~7,000 matches, in runs
    // of 350: the clustered case a sample of short windows is made for).
    let providers_close = |facets: &[FacetCount]| {
        for c in facets {
            let exact = (0..DOCS)
                .filter(visible)
                .filter(|i| registration(*i) && provider(*i) == c.value)
                .count() as f64;
            let off = (c.count as f64 - exact).abs() / exact;
            assert!(
                off < 0.15,
                "{}: about {} vs {exact} (off {off:.4})",
                c.value,
                c.count
            );
        }
    };
    providers_close(&about.facets["provider"]);
    assert_eq!(about.facets["provider"].len(), 6);

    // Sorted by time every match is walked: the count is exact.
    let exact = index
        .search(&request("登记", SortOrder::UpdatedDesc))
        .unwrap();
    assert_eq!(exact.total as f64, exact_total);
    assert!(!exact.total_estimated);
    // Its facets ride in that walk, sampled by the same rule as the relevance page's count
    // (which seeks past what it skips): the same windows, so the very same numbers.
    assert!(exact.facets_estimated);
    assert_eq!(exact.facets, about.facets);

    // Two words matching the same documents: the page skips what cannot rank (MaxScore), and
    // the count walks the matches by the same sampling rule, so the very same estimates.
    let two = index
        .search(&request("不动产 登记", SortOrder::Relevance))
        .unwrap();
    assert!(two.total_estimated && two.facets_estimated);
    assert_eq!(two.total, about.total);
    assert_eq!(two.facets, about.facets);
    assert_eq!(two.hits.len(), 10);

    // 17,640 matches: past 10,000, but the rest is too small for a sample to pay. Exact.
    let few = index
        .search(&request("户籍", SortOrder::Relevance))
        .unwrap();
    assert!(!few.total_estimated && !few.facets_estimated);
    let matching = |i: &usize| visible(i) && !registration(*i);
    assert_eq!(few.total, (0..DOCS).filter(matching).count() as u64);
    for c in &few.facets["provider"] {
        let exact = (0..DOCS)
            .filter(matching)
            .filter(|i| provider(*i) == c.value)
            .count() as u64;
        assert_eq!(c.count, exact, "{}", c.value);
    }
}

/// A large result's facets are sampled, but a value few matches hold is counted exactly (the
/// portal showed one product among 40,000 resources as "约4"), and a kind is found even when the
/// sample missed it.
#[test]
fn a_small_value_of_a_large_result_is_counted_exactly() {
    let products = [13_101, 29_007, 47_011];
    let mut docs: Vec<SearchDoc> = (0..DOCS).map(doc).collect();
    for (n, i) in products.into_iter().enumerate() {
        let d = &mut docs[i];
        d.kind = EntityKind::Product;
        d.title = format!("不动产登记数据产品 {n}");
        d.facets.status = Some("registered".into());
    }
    let index = common::build(docs);
    let about = index
        .search(&request("登记", SortOrder::Relevance))
        .unwrap();
    assert!(about.total_estimated);
    let count = |facet: &str, value: &str| {
        about.facets[facet]
            .iter()
            .find(|c| c.value == value)
            .map(|c| (c.count, c.estimated))
    };
    assert_eq!(count("kind", "product"), Some((3, false)));
    // Of other facets only the values the sample counted are counted again (whether it counted
    // this one depends on which documents the indexing threads put where).
    let registered = count("status", "registered");
    assert!(registered.is_none_or(|c| c == (3, false)), "{registered:?}");
    let (resources, estimated) = count("kind", "resource").unwrap();
    assert!(estimated && resources > 30_000, "{resources}");
    assert!(about.facets_estimated);

    // The same when products are asked for apart: the kind facet is then counted with its own
    // filter left out, from a sample of its own.
    let mut only_products = request("登记", SortOrder::Relevance);
    only_products.kinds = vec![EntityKind::Product];
    let found = index.search(&only_products).unwrap();
    assert_eq!(found.total, 3);
    let product = found.facets["kind"].iter().find(|c| c.value == "product");
    assert_eq!(product.map(|c| (c.count, c.estimated)), Some((3, false)));
}
