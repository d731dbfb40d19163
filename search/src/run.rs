//! One search request run against one snapshot of the index, step by step: the lanes it tries
//! and, for each, its plan, page and count ([`crate::plan`]); then the hits of the page, the facet
//! counts and a respelling. [`crate::SearchIndex::search`] reads as that sequence.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use tantivy::query::Query;
use tantivy::{Searcher, TantivyDocument};

use crate::SearchError;
use crate::code::{code_query, query_code_key};
use crate::count::exact::{Budget, SmallValues};
use crate::count::facets::{FacetCounter, FacetFruit, is_filtered};
use crate::count::sampler::Tally;
use crate::count::tally::tally;
use crate::cursor::{Cursor, CursorKey, Page, PageCollector, SortKey, SortMode};
use crate::document::{Stored, from_tantivy};
use crate::highlight::Highlighter;
use crate::model::{FacetCount, FacetName, Hit, MAX_LIMIT, SearchRequest, SortOrder};
use crate::plan::{Lane, Plan};
use crate::query::{Matching, ParsedQuery, combine, filters, is_prunable, text_query};
use crate::schema::Fields;
use crate::suggest;
use crate::synonyms::Synonyms;

/// What the last lane run found.
pub(crate) struct Found {
    pub lane: Lane,
    pub total: Tally,
    /// One more than asked for when there is another page.
    pub page: Page,
    /// The facets not under filter, counted in the lane's pass (when asked for).
    pub facets: Option<(FacetCounter, FacetFruit)>,
}

impl Found {
    /// Before any lane ran.
    pub fn nothing(lane: Lane) -> Self {
        Found {
            lane,
            total: Tally::exact(0),
            page: Vec::new(),
            facets: None,
        }
    }
}

pub(crate) struct SearchRun<'a> {
    req: &'a SearchRequest,
    fields: &'a Fields,
    searcher: Searcher,
    synonyms: Arc<Synonyms>,
    cursor_key: CursorKey,
    parsed: ParsedQuery,
    mode: SortMode,
    /// Where the previous page ended.
    after: Option<SortKey>,
    /// The query read as an identifier.
    code: Option<String>,
    /// The words with those no entry spells marked: looked up only when the words as typed match
    /// nothing (most searches never need it).
    sounded: OnceCell<ParsedQuery>,
}

impl<'a> SearchRun<'a> {
    /// Checks the request (page size, cursor) and reads its query.
    pub fn new(
        req: &'a SearchRequest,
        fields: &'a Fields,
        searcher: Searcher,
        synonyms: Arc<Synonyms>,
        cursor_key: CursorKey,
    ) -> Result<Self, SearchError> {
        if req.limit > MAX_LIMIT {
            return Err(SearchError::InvalidRequest {
                field: "limit".into(),
                message: format!("每页最多 {MAX_LIMIT} 条"),
            });
        }
        let parsed = ParsedQuery::parse(&req.q);
        let mode = if parsed.is_empty() || req.sort == SortOrder::UpdatedDesc {
            SortMode::Updated
        } else {
            SortMode::Score
        };
        let after = match req.cursor.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => Some(Cursor::decode(c, mode, &cursor_key)?.after),
            None => None,
        };
        Ok(SearchRun {
            req,
            fields,
            searcher,
            synonyms,
            cursor_key,
            parsed,
            mode,
            after,
            code: query_code_key(&req.q),
            sounded: OnceCell::new(),
        })
    }

    /// The lanes in the order they are tried, until one matches: an identifier first; then every
    /// word; then, when nothing matched them all, every word as typed or as it sounds; then most.
    pub fn lanes(&self) -> Vec<Lane> {
        let mut lanes = Vec::with_capacity(4);
        if self.code.is_some() {
            lanes.push(Lane::Code);
        }
        lanes.push(Lane::Words(Matching::All));
        lanes.push(Lane::Words(Matching::AllBySound));
        if self.parsed.clause_count() > 1 {
            lanes.push(Lane::Words(Matching::Most));
        }
        lanes
    }

    /// Whether `lane` can find what the lanes before it did not: the lane by sound only when some
    /// word is spelled by no entry.
    pub fn worth_trying(&self, lane: Lane) -> bool {
        lane != Lane::Words(Matching::AllBySound)
            || self
                .sounded
                .get_or_init(|| self.parsed.with_unspelled(self.fields, &self.searcher))
                .has_unspelled_words()
    }

    /// How the lane's query is run.
    pub fn plan(&self, lane: Lane) -> Result<Plan, SearchError> {
        Plan::choose(
            &self.searcher,
            self.query(lane, None),
            lane,
            self.mode,
            is_prunable(&self.parsed),
        )
    }

    /// The page, the count and the facets not under filter, as `plan` finds them.
    pub fn page_and_count(&self, lane: Lane, plan: Plan) -> Result<Found, SearchError> {
        let page = PageCollector {
            mode: self.mode,
            // One more than asked tells whether another page exists.
            limit: self.req.limit + 1,
            after: self.after,
        };
        let counter = self.req.facets.then(|| FacetCounter::shared(self.req));
        let (total, page, fruit) = plan.run(&self.searcher, page, counter.as_ref())?;
        Ok(Found {
            lane,
            total,
            page,
            facets: counter.zip(fruit),
        })
    }

    /// The hits of the page as asked for, and the cursor of the next page if there is one.
    pub fn hits(&self, page: Page) -> Result<(Vec<Hit>, Option<String>), SearchError> {
        let limit = self.req.limit;
        let more = page.len() > limit;
        let highlighter = Highlighter::new(&self.parsed);
        let mut hits = Vec::with_capacity(limit);
        let mut last_key = None;
        for (key, score, addr) in page.into_iter().take(limit) {
            let doc: TantivyDocument = self.searcher.doc(addr)?;
            let Some(stored) = from_tantivy(self.fields, &doc) else {
                continue;
            };
            last_key = Some(key);
            hits.push(hit(stored, score, &highlighter));
        }
        let next_cursor = match (more, last_key) {
            (true, Some(after)) => Some(
                Cursor {
                    mode: self.mode,
                    after,
                }
                .encode(&self.cursor_key),
            ),
            _ => None,
        };
        Ok((hits, next_cursor))
    }

    /// Every facet's counts, and whether any is an estimate: those not under filter from the
    /// lane's pass, each filtered one from a walk of its own with its filter left out; the small
    /// values of a sampled count counted again exactly ([`crate::count::exact`]).
    pub fn facets(
        &self,
        lane: Lane,
        counted: Option<(FacetCounter, FacetFruit)>,
    ) -> Result<(BTreeMap<String, Vec<FacetCount>>, bool), SearchError> {
        let Some((shared, fruit)) = counted else {
            return Ok((BTreeMap::new(), false));
        };
        let mut budget = Budget::per_search();
        let query = self.query(lane, None);
        let mut shared_small = SmallValues::new(&self.searcher, query.as_ref());
        for (name, counts) in shared.names().iter().zip(fruit.counts) {
            shared_small.add(*name, self.fields.facet(*name), counts, fruit.estimated);
        }
        let mut listed = shared_small.listed(&mut budget)?;
        for name in FacetName::ALL
            .into_iter()
            .filter(|n| is_filtered(self.req, *n))
        {
            let counter = FacetCounter::only(name);
            let query = self.query(lane, Some(name));
            let (_, fruit) = tally(&self.searcher, query.as_ref(), Some(&counter))?;
            let fruit = fruit.unwrap_or_default();
            let mut small = SmallValues::new(&self.searcher, query.as_ref());
            let counts = fruit.counts.into_iter().next().unwrap_or_default();
            small.add(name, self.fields.facet(name), counts, fruit.estimated);
            listed.extend(small.listed(&mut budget)?);
        }
        let out: BTreeMap<String, Vec<FacetCount>> = listed
            .into_iter()
            .map(|(name, counts)| (name.as_str().to_owned(), counts))
            .collect();
        let estimated = out.values().flatten().any(|c| c.estimated);
        Ok((out, estimated))
    }

    /// The query as the top hit spells it, when the words were found by sound; else, when they
    /// matched nothing (or only most of them did), as entries spell it.
    pub fn did_you_mean(
        &self,
        lane: Lane,
        total: Tally,
        hits: &[Hit],
    ) -> Result<Option<String>, SearchError> {
        Ok(if lane == Lane::Words(Matching::AllBySound) {
            hits.first()
                .and_then(|top| suggest::respelled(&self.parsed, &top.title))
        } else if total.count == 0 || lane == Lane::Words(Matching::Most) {
            suggest::did_you_mean(&self.searcher, self.fields, &self.parsed, &self.req.viewer)?
        } else {
            None
        })
    }

    /// The lane's query under every filter but the one on `except` (for that facet's counts).
    fn query(&self, lane: Lane, except: Option<FacetName>) -> Box<dyn Query> {
        let f = self.fields;
        let text = match lane {
            Lane::Code => self.code.as_deref().map(|key| code_query(f, key)),
            Lane::Words(Matching::AllBySound) => self
                .sounded
                .get()
                .map(|marked| text_query(f, marked, Matching::AllBySound, &self.synonyms)),
            Lane::Words(matching) => (!self.parsed.is_empty())
                .then(|| text_query(f, &self.parsed, matching, &self.synonyms)),
        };
        let req = self.req;
        combine(
            text,
            filters(
                f,
                &self.searcher,
                &req.viewer,
                &req.kinds,
                &req.filters,
                except,
            ),
        )
    }
}

fn hit(stored: Stored, score: f32, highlighter: &Highlighter) -> Hit {
    Hit {
        title_html: highlighter.title_html(&stored.title),
        snippet_html: highlighter.snippet_html(&stored.body),
        id: stored.id,
        kind: stored.kind,
        title: stored.title,
        url: stored.url,
        score,
        updated_at: stored.updated_at,
        facets: stored.facets,
    }
}
