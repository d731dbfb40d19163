//! Facet counts by ordinal. A search counts the facets not under filter in its main pass; a facet
//! under filter is counted with its own filter left out (and every other filter kept), so a page
//! can offer the alternatives (see `SearchRun::facets`).
//!
//! Facet values are one-level tantivy facets. Counting is by term ordinal per segment, and only
//! the ordinals that occurred are turned back into text, in one sorted walk of the dictionary.
//! (tantivy's `FacetCollector` walks each segment's whole facet dictionary for every query,
//! which at a million entries with thousands of providers costs more than the search itself.)

use std::collections::HashMap;

use tantivy::fastfield::FacetReader;
use tantivy::{DocId, SegmentReader};

use crate::model::{FacetCount, FacetName, SearchRequest};

/// Values listed per facet, most frequent first.
pub const MAX_FACET_VALUES: usize = 50;

/// Counts of each value of each of `names`, over the documents a query matches (all of them, or
/// the sample [`super::sampler`] keeps).
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

/// Whether the request filters on `name`: its counts then need a pass of their own.
pub fn is_filtered(req: &SearchRequest, name: FacetName) -> bool {
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

    /// One facet on its own (a filtered one, counted with its filter left out).
    pub fn only(name: FacetName) -> Self {
        FacetCounter { names: vec![name] }
    }

    /// These facets (any of [`FacetName::INDEXED`]), counted together.
    pub fn of(names: Vec<FacetName>) -> Self {
        FacetCounter { names }
    }

    /// The facets counted, in the order of [`FacetFruit::counts`].
    pub fn names(&self) -> &[FacetName] {
        &self.names
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

/// A facet's values in the order results list them: most first, then by value.
pub fn most_first(counts: &HashMap<String, u64>) -> Vec<(&str, u64)> {
    let mut v: Vec<(&str, u64)> = counts.iter().map(|(v, n)| (v.as_str(), *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    v
}

/// One facet's counts as a search lists them: [`most_first`], at most [`MAX_FACET_VALUES`];
/// `estimated` says which values' counts are estimates.
pub fn by_count(
    counts: &HashMap<String, u64>,
    estimated: impl Fn(&str) -> bool,
) -> Vec<FacetCount> {
    most_first(counts)
        .into_iter()
        .take(MAX_FACET_VALUES)
        .map(|(value, count)| FacetCount {
            estimated: estimated(value),
            value: value.to_owned(),
            count,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use tantivy::collector::{DocSetCollector, FacetCollector};
    use tantivy::query::{Query, TermQuery};
    use tantivy::schema::{Facet, FacetOptions, IndexRecordOption, STRING, Schema};
    use tantivy::{Index, IndexWriter, Searcher, TantivyDocument, Term};

    use super::*;

    const DOCS: u32 = 2_400;

    /// The generated values of document `i`: a provider of 60 (none for one in eleven) and up to
    /// three distinct tags of five.
    fn provider(i: u32) -> Option<String> {
        (!i.is_multiple_of(11)).then(|| format!("p{:02}", (i * 7 + i / 13) % 60))
    }

    fn tags(i: u32) -> Vec<String> {
        (0..5u32)
            .filter(|t| (i >> t) % 3 == 1)
            .take(3)
            .map(|t| format!("t{t}"))
            .collect()
    }

    fn matches(i: u32) -> bool {
        !i.is_multiple_of(3)
    }

    /// Deleted after the last commit: their values must not count.
    fn deleted(i: u32) -> bool {
        i % 17 == 5
    }

    /// Three segments of documents with a one-value facet, a many-value facet and a word.
    fn index() -> Searcher {
        let mut b = Schema::builder();
        let id = b.add_text_field("id", STRING);
        let word = b.add_text_field("w", STRING);
        let provider_field =
            b.add_facet_field(FacetName::Provider.as_str(), FacetOptions::default());
        let tag_field = b.add_facet_field(FacetName::Tag.as_str(), FacetOptions::default());
        let index = Index::create_in_ram(b.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        for i in 0..DOCS {
            let mut d = TantivyDocument::new();
            d.add_text(id, i.to_string());
            d.add_text(word, if matches(i) { "x" } else { "y" });
            if let Some(p) = provider(i) {
                d.add_facet(provider_field, Facet::from_path([p]));
            }
            for t in tags(i) {
                d.add_facet(tag_field, Facet::from_path([t]));
            }
            writer.add_document(d).unwrap();
            if i % 800 == 799 {
                writer.commit().unwrap();
            }
        }
        for i in (0..DOCS).filter(|i| deleted(*i)) {
            writer.delete_term(Term::from_field_text(id, &i.to_string()));
        }
        writer.commit().unwrap();
        index.reader().unwrap().searcher()
    }

    /// What `counter` counts over the live documents `query` matches, segment by segment.
    fn count(searcher: &Searcher, query: &dyn Query, counter: &FacetCounter) -> FacetFruit {
        let mut by_segment: BTreeMap<u32, Vec<DocId>> = BTreeMap::new();
        for addr in searcher.search(query, &DocSetCollector).unwrap() {
            by_segment
                .entry(addr.segment_ord)
                .or_default()
                .push(addr.doc_id);
        }
        let fruits = by_segment
            .into_iter()
            .map(|(ord, mut docs)| {
                docs.sort_unstable();
                let mut segment = counter.for_segment(searcher.segment_reader(ord)).unwrap();
                for doc in docs {
                    segment.add(doc, 1);
                }
                segment.harvest(false)
            })
            .collect();
        counter.merge(fruits)
    }

    fn brute_force(values: impl Fn(u32) -> Vec<String>) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        for i in (0..DOCS).filter(|i| matches(*i) && !deleted(*i)) {
            for v in values(i) {
                *out.entry(v).or_default() += 1;
            }
        }
        out
    }

    /// tantivy's own `FacetCollector` counts of the root's children, by value.
    fn tantivys(searcher: &Searcher, query: &dyn Query, name: FacetName) -> HashMap<String, u64> {
        let mut collector = FacetCollector::for_field(name.as_str());
        collector.add_facet(Facet::root());
        let counts = searcher.search(query, &collector).unwrap();
        counts
            .get(Facet::root())
            .map(|(facet, n)| (facet.to_path()[0].to_owned(), n))
            .collect()
    }

    /// By ordinal, segment by segment, then by value: the same counts as counting each match's
    /// values one by one, and as tantivy's `FacetCollector`; a value of a many-value facet counts
    /// once per document holding it, and deleted documents do not count.
    #[test]
    fn counts_equal_a_brute_force_count_and_tantivys_facet_collector() {
        let searcher = index();
        assert_eq!(searcher.segment_readers().len(), 3);
        let query = TermQuery::new(
            Term::from_field_text(searcher.schema().get_field("w").unwrap(), "x"),
            IndexRecordOption::Basic,
        );
        let counter = FacetCounter::of(vec![FacetName::Provider, FacetName::Tag]);
        let fruit = count(&searcher, &query, &counter);
        assert!(!fruit.estimated);
        let [providers, tags_counted] = fruit.counts.try_into().unwrap();
        assert_eq!(
            providers,
            brute_force(|i| provider(i).into_iter().collect())
        );
        assert_eq!(providers.len(), 60);
        assert_eq!(tags_counted, brute_force(tags));
        assert_eq!(providers, tantivys(&searcher, &query, FacetName::Provider));
        assert_eq!(tags_counted, tantivys(&searcher, &query, FacetName::Tag));

        // Listed most first, then by value, the first MAX_FACET_VALUES of them.
        let listed = by_count(&providers, |_| false);
        assert_eq!(listed.len(), MAX_FACET_VALUES);
        assert!(listed.windows(2).all(|w| {
            w[0].count > w[1].count || (w[0].count == w[1].count && w[0].value < w[1].value)
        }));
        let least_listed = listed.last().unwrap().count;
        assert!(
            providers
                .iter()
                .filter(|(v, _)| !listed.iter().any(|c| &c.value == *v))
                .all(|(_, n)| *n <= least_listed)
        );
    }

    /// A search counts together the facets not under filter; each filtered one is counted apart.
    #[test]
    fn a_filtered_facet_is_counted_apart() {
        let mut req = SearchRequest::default();
        req.filters.provider = vec!["p01".into()];
        req.kinds = vec![crate::model::EntityKind::Resource];
        let shared = FacetCounter::shared(&req);
        assert!(is_filtered(&req, FacetName::Provider) && is_filtered(&req, FacetName::Kind));
        assert!(!shared.names().contains(&FacetName::Provider));
        assert!(!shared.names().contains(&FacetName::Kind));
        assert_eq!(shared.names().len(), FacetName::ALL.len() - 2);
    }
}
