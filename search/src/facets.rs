//! Facet counts. A facet under filter is counted with its own filter left out (and every other
//! filter kept), so a page can offer the alternatives; all other facets share one pass.
//!
//! Facet values are one-level tantivy facets. Counting is by term ordinal per segment, and only
//! the ordinals that occurred are turned back into text, in one sorted walk of the dictionary.
//! (tantivy's `FacetCollector` walks each segment's whole facet dictionary for every query,
//! which at a million entries with thousands of providers costs more than the search itself.)

use std::collections::{BTreeMap, HashMap};

use tantivy::fastfield::FacetReader;
use tantivy::query::Query;
use tantivy::{DocId, Searcher, SegmentReader};

use crate::SearchError;
use crate::model::{FacetCount, FacetName, SearchRequest};
use crate::tally::tally;

/// Values listed per facet, most frequent first.
pub const MAX_FACET_VALUES: usize = 50;

pub type QueryFor<'a> = dyn Fn(Option<FacetName>) -> Box<dyn Query> + 'a;

/// Counts of each value of each of `names`, over the documents a query matches (all of them, or
/// the sample [`crate::tally`] walks).
#[derive(Debug, Clone)]
pub struct FacetCounter {
    names: Vec<FacetName>,
}

/// Value → count, one map per name of the counter, in its order.
#[derive(Debug, Clone, Default)]
pub struct FacetFruit {
    pub counts: Vec<HashMap<String, u64>>,
    /// Some counts were estimated from a sample.
    pub estimated: bool,
}

fn is_filtered(req: &SearchRequest, name: FacetName) -> bool {
    match name {
        FacetName::Kind => !req.kinds.is_empty(),
        other => !req.filters.get(other).is_empty(),
    }
}

impl FacetCounter {
    /// The facets not under filter, counted together in one walk of the query's matches.
    pub fn shared(req: &SearchRequest) -> Self {
        FacetCounter {
            names: FacetName::ALL
                .into_iter()
                .filter(|n| !is_filtered(req, *n))
                .collect(),
        }
    }

    fn only(name: FacetName) -> Self {
        FacetCounter { names: vec![name] }
    }

    /// These facets (any of [`FacetName::INDEXED`]), counted together.
    pub fn of(names: Vec<FacetName>) -> Self {
        FacetCounter { names }
    }

    /// Counting in one segment.
    pub fn for_segment(&self, segment: &SegmentReader) -> tantivy::Result<FacetSegmentCounter> {
        let mut readers = Vec::with_capacity(self.names.len());
        for (i, n) in self.names.iter().enumerate() {
            let reader = segment.facet_reader(n.as_str())?;
            if reader.num_facets() > 0 {
                readers.push((i, reader));
            }
        }
        let counts = readers
            .iter()
            .map(|(_, r)| vec![0; r.num_facets()])
            .collect();
        Ok(FacetSegmentCounter {
            readers,
            names: self.names.len(),
            counts,
        })
    }

    /// The segments' counts added up.
    pub fn merge(&self, segments: Vec<FacetFruit>) -> FacetFruit {
        let mut out = FacetFruit {
            counts: vec![HashMap::new(); self.names.len()],
            estimated: false,
        };
        for fruit in segments {
            out.estimated |= fruit.estimated;
            for (total, counts) in out.counts.iter_mut().zip(fruit.counts) {
                for (value, n) in counts {
                    *total.entry(value).or_default() += n;
                }
            }
        }
        out
    }
}

pub struct FacetSegmentCounter {
    /// Readers of the facets with values in this segment, by position in the counter's names.
    readers: Vec<(usize, FacetReader)>,
    names: usize,
    counts: Vec<Vec<u32>>,
}

impl FacetSegmentCounter {
    /// Counts `doc`'s values, each as `weight` documents (the sample step).
    pub fn add(&mut self, doc: DocId, weight: u32) {
        for ((_, reader), counts) in self.readers.iter().zip(self.counts.iter_mut()) {
            for ord in reader.facet_ords(doc) {
                counts[ord as usize] += weight;
            }
        }
    }

    pub fn harvest(self, estimated: bool) -> FacetFruit {
        let mut out = FacetFruit {
            counts: vec![HashMap::new(); self.names],
            estimated,
        };
        for ((i, reader), counts) in self.readers.iter().zip(self.counts) {
            out.counts[*i] = by_value(reader, counts);
        }
        out
    }
}

/// Counts by ordinal → counts by value: only the ordinals that occurred are looked up, in one
/// sorted walk of the dictionary.
fn by_value(reader: &FacetReader, counts: Vec<u32>) -> HashMap<String, u64> {
    let (ords, ns): (Vec<u64>, Vec<u32>) = counts
        .into_iter()
        .enumerate()
        .filter(|(_, n)| *n > 0)
        .map(|(ord, n)| (ord as u64, n))
        .unzip();
    let mut out = HashMap::with_capacity(ords.len());
    let mut ns = ns.into_iter();
    // Ordinals come out of `enumerate` sorted, as the walk needs. A value is the facet's one
    // path component; the root (empty) is not a value.
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
}

/// Every facet's counts: the shared ones from the main pass's fruit, each filtered one from a
/// pass of its own with its filter left out. Also whether any count is an estimate.
pub fn count_facets(
    searcher: &Searcher,
    req: &SearchRequest,
    query_for: &QueryFor<'_>,
    shared: FacetCounter,
    fruit: FacetFruit,
) -> Result<(BTreeMap<String, Vec<FacetCount>>, bool), SearchError> {
    let mut out = BTreeMap::new();
    let mut estimated = fruit.estimated;
    for (name, counts) in shared.names.into_iter().zip(fruit.counts) {
        out.insert(name.as_str().to_owned(), values(counts));
    }
    for name in FacetName::ALL.into_iter().filter(|n| is_filtered(req, *n)) {
        let counter = FacetCounter::only(name);
        let (_, fruit) = tally(searcher, query_for(Some(name)).as_ref(), Some(&counter))?;
        let fruit = fruit.unwrap_or_default();
        estimated |= fruit.estimated;
        out.insert(
            name.as_str().to_owned(),
            values(fruit.counts.into_iter().next().unwrap_or_default()),
        );
    }
    Ok((out, estimated))
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
