//! Catalog listings (the CKAN API's `package_search`): the matches of a query under filters,
//! counted exactly with the facets asked for in one unscored walk, and one page of them by
//! offset in a total order (relevance, or a column of the listing with a stable tie-breaker).
//!
//! The work is bounded by the index, never by the caller: the count walks the matches' postings
//! and facet ordinals (no stored document is read), the page keeps the best `offset + limit`
//! keys (and never more than there are matches), and only the page's stored ids are read.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};
use std::ops::Bound;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{Query, RangeQuery, Weight};
use tantivy::schema::Value;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use crate::SearchError;
use crate::count::facets::{FacetCounter, most_first};
use crate::count::tally::tally_exact;
use crate::cursor::{i64_bits, score_bits};
use crate::model::{
    FacetCount, FacetFilters, ListingRequest, ListingResults, ListingSort, MAX_LISTING_LIMIT,
};
use crate::ops::filter::TermsFilter;
use crate::query::{Matching, ParsedQuery, combine, facet_term, filters, text_query};
use crate::schema::Fields;
use crate::synonyms::Synonyms;

/// Whether `q` holds anything to search for: text that parses to no word (a lone quote,
/// punctuation) would otherwise list everything.
pub fn has_words(q: &str) -> bool {
    !ParsedQuery::parse(q).is_empty()
}

pub fn listing(
    searcher: &Searcher,
    f: &Fields,
    req: &ListingRequest,
    synonyms: &Synonyms,
) -> Result<ListingResults, SearchError> {
    if req.limit > MAX_LISTING_LIMIT {
        return Err(SearchError::InvalidRequest {
            field: "limit".into(),
            message: format!("每页最多 {MAX_LISTING_LIMIT} 条"),
        });
    }
    let parsed = ParsedQuery::parse(&req.q);
    let query_for = |relaxed: bool| {
        let matching = if relaxed {
            Matching::Most
        } else {
            Matching::All
        };
        let text = (!parsed.is_empty()).then(|| text_query(f, &parsed, matching, synonyms));
        combine(text, listing_filters(f, searcher, req))
    };
    let counter = (!req.facets.is_empty()).then(|| FacetCounter::of(req.facets.clone()));
    let mut relaxed = false;
    let mut query = query_for(false);
    let (mut total, mut fruit) = tally_exact(searcher, query.as_ref(), counter.as_ref())?;
    if total == 0 && parsed.clause_count() > 1 {
        relaxed = true;
        query = query_for(true);
        (total, fruit) = tally_exact(searcher, query.as_ref(), counter.as_ref())?;
    }

    // The best `offset + limit`, never more than there are.
    let wanted = (req.offset.saturating_add(req.limit) as u64).min(total) as usize;
    let page: Vec<DocAddress> = if req.offset >= wanted {
        Vec::new()
    } else {
        let sort = match req.sort {
            ListingSort::Relevance if parsed.is_empty() => ListingSort::ModifiedDesc,
            other => other,
        };
        let best = match sort {
            ListingSort::Relevance => {
                searcher.search(query.as_ref(), &RelevanceOrder { limit: wanted })?
            }
            other => searcher.search(
                query.as_ref(),
                &ColumnOrder {
                    sort: other,
                    limit: wanted,
                },
            )?,
        };
        best.into_iter().skip(req.offset).collect()
    };
    let mut ids = Vec::with_capacity(page.len());
    for addr in page {
        let doc: tantivy::TantivyDocument = searcher.doc(addr)?;
        if let Some(id) = doc.get_first(f.id).and_then(|v| v.as_str()) {
            ids.push(id.to_owned());
        }
    }

    let mut facets = BTreeMap::new();
    for (name, counts) in req
        .facets
        .iter()
        .zip(fruit.map(|f| f.counts).unwrap_or_default())
    {
        let listed = most_first(&counts)
            .into_iter()
            .map(|(value, count)| FacetCount::exact(value.to_owned(), count))
            .collect();
        facets.insert(*name, listed);
    }
    Ok(ListingResults {
        total,
        ids,
        facets,
        relaxed,
    })
}

/// Visibility and kinds, every required facet value, the time bound. A filter that holds for
/// every document is left out (it would filter nothing).
fn listing_filters(f: &Fields, searcher: &Searcher, req: &ListingRequest) -> Vec<Box<dyn Query>> {
    let mut out = filters(
        f,
        searcher,
        &req.viewer,
        &req.kinds,
        &FacetFilters::default(),
        None,
    );
    for (name, value) in &req.required {
        let filter = TermsFilter::new(vec![facet_term(f.facet(*name), value)]);
        if !filter.covers_every_segment(searcher) {
            out.push(Box::new(filter));
        }
    }
    if let Some(since) = req.modified_since {
        out.push(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_i64(f.listing_modified, since)),
            Bound::Unbounded,
        )));
    }
    out
}

/// A sort value: a time, or text (absent text sorts before any).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortValue {
    Time(i64),
    Text(Option<String>),
}

/// The first `limit` matches in a column's order (ascending or descending), ties by the
/// id hash (smaller first), as in the search's pages.
struct ColumnOrder {
    sort: ListingSort,
    limit: usize,
}

impl ColumnOrder {
    fn descending(&self) -> bool {
        matches!(
            self.sort,
            ListingSort::ModifiedDesc | ListingSort::IdDesc | ListingSort::NameDesc
        )
    }

    /// `a` before `b` in the final order.
    fn order(&self, a: &(SortValue, u64), b: &(SortValue, u64)) -> Ordering {
        let by_value = if self.descending() {
            b.0.cmp(&a.0)
        } else {
            a.0.cmp(&b.0)
        };
        by_value.then(a.1.cmp(&b.1))
    }
}

enum SortColumn {
    Time(Column<i64>),
    /// Ordinals follow the text's order within a segment; `None` when no document of the
    /// segment has a value.
    Text(Option<StrColumn>),
}

struct ColumnOrderSegment {
    segment: SegmentOrdinal,
    column: SortColumn,
    tiebreak: Column<u64>,
    descending: bool,
    limit: usize,
    /// The best so far, worst at the root: (rank, inverted tie-breaker, doc), larger is better.
    heap: BinaryHeap<Reverse<(u64, u64, DocId)>>,
}

impl ColumnOrderSegment {
    /// The document's position in the segment's order as a `u64` (larger is better).
    fn rank(&self, doc: DocId) -> u64 {
        let raw = match &self.column {
            SortColumn::Time(c) => i64_bits(c.first(doc).unwrap_or(0)),
            // Absent text before any: ordinal + 1, 0 for none.
            SortColumn::Text(Some(c)) => c.ords().first(doc).map_or(0, |o| o + 1),
            SortColumn::Text(None) => 0,
        };
        if self.descending { raw } else { !raw }
    }

    fn value(&self, doc: DocId) -> SortValue {
        match &self.column {
            SortColumn::Time(c) => SortValue::Time(c.first(doc).unwrap_or(0)),
            SortColumn::Text(Some(c)) => SortValue::Text(c.ords().first(doc).map(|ord| {
                let mut text = String::new();
                match c.ord_to_str(ord, &mut text) {
                    Ok(_) => text,
                    Err(e) => {
                        tracing::warn!(error = %e, "listing column unreadable");
                        String::new()
                    }
                }
            })),
            SortColumn::Text(None) => SortValue::Text(None),
        }
    }
}

impl Collector for ColumnOrder {
    type Fruit = Vec<DocAddress>;
    type Child = ColumnOrderSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<ColumnOrderSegment> {
        let fast = reader.fast_fields();
        let column = match self.sort {
            ListingSort::ModifiedAsc | ListingSort::ModifiedDesc => {
                SortColumn::Time(fast.i64("listing_modified")?)
            }
            ListingSort::IdAsc | ListingSort::IdDesc => SortColumn::Text(fast.str("listing_id")?),
            _ => SortColumn::Text(fast.str("listing_name")?),
        };
        Ok(ColumnOrderSegment {
            segment,
            column,
            tiebreak: fast.u64("tiebreak")?,
            descending: self.descending(),
            limit: self.limit,
            heap: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Vec<DocAddress>> {
        let mut all: Vec<_> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| self.order(&a.0, &b.0));
        all.truncate(self.limit);
        Ok(all.into_iter().map(|(_, addr)| addr).collect())
    }
}

type SegmentFruit = Vec<((SortValue, u64), DocAddress)>;

impl SegmentCollector for ColumnOrderSegment {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if self.limit == 0 {
            return;
        }
        let key = (
            self.rank(doc),
            u64::MAX - self.tiebreak.first(doc).unwrap_or(0),
            doc,
        );
        if self.heap.len() == self.limit {
            match self.heap.peek() {
                Some(Reverse(worst)) if (key.0, key.1) > (worst.0, worst.1) => {
                    self.heap.pop();
                }
                _ => return,
            }
        }
        self.heap.push(Reverse(key));
    }

    fn harvest(self) -> SegmentFruit {
        self.heap
            .iter()
            .map(|Reverse((_, inv_tiebreak, doc))| {
                (
                    (self.value(*doc), u64::MAX - inv_tiebreak),
                    DocAddress::new(self.segment, *doc),
                )
            })
            .collect()
    }
}

/// The best `limit` matches as CKAN ranks them: score, then the newest (`metadata_modified
/// desc`), then the id hash. Whatever cannot reach the page is skipped unscored where the query
/// can tell (block-max WAND, MaxScore), as in the search's pages.
struct RelevanceOrder {
    limit: usize,
}

/// (score, time, inverted id hash): larger is better.
type RelevanceKey = (u64, u64, u64);

struct RelevanceSegment {
    segment: SegmentOrdinal,
    limit: usize,
    modified: Column<i64>,
    tiebreak: Column<u64>,
    /// The best so far, worst at the root, with its score.
    heap: BinaryHeap<Reverse<(RelevanceKey, DocId, u32)>>,
}

impl RelevanceSegment {
    /// A score below which no document can enter the page; ties with the worst kept may (the
    /// time and the id hash break them), so the bound sits just under its score.
    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(Reverse((_, _, score))) if self.heap.len() == self.limit => {
                f32::from_bits(*score).next_down()
            }
            _ => Score::MIN,
        }
    }
}

impl Collector for RelevanceOrder {
    type Fruit = Vec<DocAddress>;
    type Child = RelevanceSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<RelevanceSegment> {
        let fast = reader.fast_fields();
        Ok(RelevanceSegment {
            segment,
            limit: self.limit,
            modified: fast.i64("listing_modified")?,
            tiebreak: fast.u64("tiebreak")?,
            heap: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Vec<(RelevanceKey, DocAddress)>> {
        let mut page = self.for_segment(segment, reader)?;
        let alive = reader.alive_bitset();
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                page.collect(doc, score);
            }
            page.threshold()
        })?;
        Ok(page.harvest())
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<(RelevanceKey, DocAddress)>>,
    ) -> tantivy::Result<Vec<DocAddress>> {
        let mut all: Vec<_> = fruits.into_iter().flatten().collect();
        all.sort_by_key(|(key, _)| Reverse(*key));
        all.truncate(self.limit);
        Ok(all.into_iter().map(|(_, addr)| addr).collect())
    }
}

impl SegmentCollector for RelevanceSegment {
    type Fruit = Vec<(RelevanceKey, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.limit == 0 {
            return;
        }
        let key = (
            score_bits(score),
            i64_bits(self.modified.first(doc).unwrap_or(0)),
            u64::MAX - self.tiebreak.first(doc).unwrap_or(0),
        );
        if self.heap.len() == self.limit {
            match self.heap.peek() {
                Some(Reverse((worst, _, _))) if key > *worst => {
                    self.heap.pop();
                }
                _ => return,
            }
        }
        self.heap.push(Reverse((key, doc, score.to_bits())));
    }

    fn harvest(self) -> Self::Fruit {
        self.heap
            .into_iter()
            .map(|Reverse((key, doc, _))| (key, DocAddress::new(self.segment, doc)))
            .collect()
    }
}
