//! Facet counts. A facet under filter is counted with its own filter left out (and every other
//! filter kept), so a page can offer the alternatives; all other facets share one pass.
//!
//! Facet values are one-level tantivy facets. Counting is by term ordinal per segment, and only
//! the ordinals that occurred are turned back into text, in one sorted walk of the dictionary.
//! (tantivy's `FacetCollector` walks each segment's whole facet dictionary for every query,
//! which at a million entries with thousands of providers costs more than the search itself.)

use std::collections::{BTreeMap, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fastfield::FacetReader;
use tantivy::query::Query;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::SearchError;
use crate::model::{FacetCount, FacetName, SearchRequest};

/// Values listed per facet, most frequent first.
pub const MAX_FACET_VALUES: usize = 50;

pub type QueryFor<'a> = dyn Fn(Option<FacetName>) -> Box<dyn Query> + 'a;

/// Counts of each value of each of `names`, over the documents a query matches.
#[derive(Debug, Clone)]
pub struct FacetCounter {
    names: Vec<FacetName>,
}

/// Value → count, one map per name of the counter, in its order.
pub type FacetFruit = Vec<HashMap<String, u64>>;

fn is_filtered(req: &SearchRequest, name: FacetName) -> bool {
    match name {
        FacetName::Kind => !req.kinds.is_empty(),
        other => !req.filters.get(other).is_empty(),
    }
}

impl FacetCounter {
    /// The facets not under filter, counted together in the main search pass.
    pub fn shared(req: &SearchRequest) -> Self {
        FacetCounter {
            names: FacetName::ALL
                .into_iter()
                .filter(|n| !is_filtered(req, *n))
                .collect(),
        }
    }
}

pub struct FacetSegmentCounter {
    readers: Vec<FacetReader>,
    counts: Vec<Vec<u32>>,
}

impl Collector for FacetCounter {
    type Fruit = FacetFruit;
    type Child = FacetSegmentCounter;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCounter> {
        let readers = self
            .names
            .iter()
            .map(|n| segment.facet_reader(n.as_str()))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let counts = readers.iter().map(|r| vec![0; r.num_facets()]).collect();
        Ok(FacetSegmentCounter { readers, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut out: FacetFruit = vec![HashMap::new(); self.names.len()];
        for fruit in segments {
            for (total, counts) in out.iter_mut().zip(fruit) {
                for (value, n) in counts {
                    *total.entry(value).or_default() += n;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for FacetSegmentCounter {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (reader, counts) in self.readers.iter().zip(self.counts.iter_mut()) {
            for ord in reader.facet_ords(doc) {
                counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> FacetFruit {
        self.readers
            .iter()
            .zip(self.counts)
            .map(|(reader, counts)| {
                let (ords, ns): (Vec<u64>, Vec<u32>) = counts
                    .into_iter()
                    .enumerate()
                    .filter(|(_, n)| *n > 0)
                    .map(|(ord, n)| (ord as u64, n))
                    .unzip();
                let mut out = HashMap::with_capacity(ords.len());
                let mut ns = ns.into_iter();
                // Ordinals come out of `enumerate` sorted, as the walk needs. A value is the
                // facet's one path component; the root (empty) is not a value.
                let walked = reader.facet_dict().sorted_ords_to_term_cb(&ords, |bytes| {
                    let n = ns.next().unwrap_or(0);
                    if !bytes.is_empty() {
                        out.insert(String::from_utf8_lossy(bytes).into_owned(), u64::from(n));
                    }
                });
                if let Err(e) = walked {
                    tracing::warn!(error = %e, "facet dictionary unreadable; counts left out");
                }
                out
            })
            .collect()
    }
}

/// Every facet's counts: the shared ones from the main pass's fruit, each filtered one from a
/// pass of its own with its filter left out.
pub fn count_facets(
    searcher: &Searcher,
    req: &SearchRequest,
    query_for: &QueryFor<'_>,
    shared: FacetCounter,
    fruit: FacetFruit,
) -> Result<BTreeMap<String, Vec<FacetCount>>, SearchError> {
    let mut out = BTreeMap::new();
    for (name, counts) in shared.names.into_iter().zip(fruit) {
        out.insert(name.as_str().to_owned(), values(counts));
    }
    for name in FacetName::ALL.into_iter().filter(|n| is_filtered(req, *n)) {
        let counter = FacetCounter { names: vec![name] };
        let counts = searcher.search(&query_for(Some(name)), &counter)?;
        out.insert(
            name.as_str().to_owned(),
            values(counts.into_iter().next().unwrap_or_default()),
        );
    }
    Ok(out)
}

fn values(counts: HashMap<String, u64>) -> Vec<FacetCount> {
    let mut v: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v.truncate(MAX_FACET_VALUES);
    v
}
