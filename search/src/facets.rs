//! Facet counts. A facet under filter is counted with its own filter left out (and every other
//! filter kept), so a page can offer the alternatives; all other facets share one pass.

use std::collections::BTreeMap;

use tantivy::Searcher;
use tantivy::collector::{FacetCollector, FacetCounts, MultiCollector};
use tantivy::query::Query;
use tantivy::schema::Facet;

use crate::SearchError;
use crate::model::{FacetCount, FacetName, SearchRequest};

/// Values listed per facet, most frequent first.
pub const MAX_FACET_VALUES: usize = 50;

pub type QueryFor<'a> = dyn Fn(Option<FacetName>) -> Box<dyn Query> + 'a;

pub fn count_facets(
    searcher: &Searcher,
    req: &SearchRequest,
    query_for: &QueryFor<'_>,
) -> Result<BTreeMap<String, Vec<FacetCount>>, SearchError> {
    let filtered = |name: FacetName| match name {
        FacetName::Kind => !req.kinds.is_empty(),
        other => !req.filters.get(other).is_empty(),
    };
    let mut out = BTreeMap::new();

    let shared: Vec<FacetName> = FacetName::ALL
        .into_iter()
        .filter(|n| !filtered(*n))
        .collect();
    if !shared.is_empty() {
        let mut multi = MultiCollector::new();
        let handles: Vec<_> = shared
            .iter()
            .map(|name| multi.add_collector(collector(*name)))
            .collect();
        let mut fruits = searcher.search(&query_for(None), &multi)?;
        for (name, handle) in shared.iter().zip(handles) {
            out.insert(
                name.as_str().to_owned(),
                values(&handle.extract(&mut fruits)),
            );
        }
    }
    for name in FacetName::ALL.into_iter().filter(|n| filtered(*n)) {
        let counts = searcher.search(&query_for(Some(name)), &collector(name))?;
        out.insert(name.as_str().to_owned(), values(&counts));
    }
    Ok(out)
}

fn collector(name: FacetName) -> FacetCollector {
    let mut c = FacetCollector::for_field(name.as_str());
    c.add_facet(Facet::root());
    c
}

fn values(counts: &FacetCounts) -> Vec<FacetCount> {
    let mut v: Vec<FacetCount> = counts
        .get(Facet::root())
        .filter_map(|(facet, count)| {
            let value = facet.to_path().last()?.to_string();
            Some(FacetCount { value, count })
        })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v.truncate(MAX_FACET_VALUES);
    v
}
