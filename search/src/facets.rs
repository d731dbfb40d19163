//! Facet counts. A facet under filter is counted with its own filter left out (and every other
//! filter kept), so a page can offer the alternatives; all other facets share one pass.

use std::collections::BTreeMap;

use tantivy::Searcher;
use tantivy::collector::{FacetCollector, FacetCounts, FruitHandle, MultiCollector, MultiFruit};
use tantivy::query::Query;
use tantivy::schema::Facet;

use crate::SearchError;
use crate::model::{FacetCount, FacetName, SearchRequest};

/// Values listed per facet, most frequent first.
pub const MAX_FACET_VALUES: usize = 50;

pub type QueryFor<'a> = dyn Fn(Option<FacetName>) -> Box<dyn Query> + 'a;

/// The facets not under filter, counted together in the main search pass: which fruit is which.
pub struct SharedFacets {
    handles: Vec<(FacetName, FruitHandle<FacetCounts>)>,
}

fn is_filtered(req: &SearchRequest, name: FacetName) -> bool {
    match name {
        FacetName::Kind => !req.kinds.is_empty(),
        other => !req.filters.get(other).is_empty(),
    }
}

impl SharedFacets {
    /// The collector to add to the main pass, and the handles to read its fruit.
    pub fn new(req: &SearchRequest) -> (MultiCollector<'static>, Self) {
        let mut collector = MultiCollector::new();
        let handles = FacetName::ALL
            .into_iter()
            .filter(|n| !is_filtered(req, *n))
            .map(|name| (name, collector.add_collector(facet_collector(name))))
            .collect();
        (collector, SharedFacets { handles })
    }
}

/// Every facet's counts: the shared ones from the main pass's fruit, each filtered one from a
/// pass of its own with its filter left out.
pub fn count_facets(
    searcher: &Searcher,
    req: &SearchRequest,
    query_for: &QueryFor<'_>,
    shared: SharedFacets,
    mut fruit: MultiFruit,
) -> Result<BTreeMap<String, Vec<FacetCount>>, SearchError> {
    let mut out = BTreeMap::new();
    for (name, handle) in shared.handles {
        out.insert(
            name.as_str().to_owned(),
            values(&handle.extract(&mut fruit)),
        );
    }
    for name in FacetName::ALL.into_iter().filter(|n| is_filtered(req, *n)) {
        let counts = searcher.search(&query_for(Some(name)), &facet_collector(name))?;
        out.insert(name.as_str().to_owned(), values(&counts));
    }
    Ok(out)
}

fn facet_collector(name: FacetName) -> FacetCollector {
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
