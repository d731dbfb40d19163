//! "Every word matches", ranked without scoring every match. A query of several words is a
//! conjunction of groups (each word: its spelling in title, body, tags, the whole word, pinyin)
//! plus an optional bonus (the words standing together); a document's score is the sum of every
//! alternative it matches. Words such as 接口 + 服 or 隆昌 + 市 match 70,000–110,000 of a million
//! entries, and scoring each of them was the slowest part of a search.
//!
//! The page pass ([`Weight::for_each_pruning`]) runs MaxScore (Turtle & Flood, 1995) over the
//! alternatives: sorted by the most each can add (its BM25 bound), the weakest ones whose bounds
//! together cannot lift a document over the page's worst kept score are *non-essential*, so only
//! documents matching an essential alternative — and every word — are candidates. Those are found
//! by leapfrogging the constraints (essential union, each word, each filter), and a candidate
//! whose bounds cannot reach the page is not scored. A word whose first alternative covers the
//! others (its spelling in the combined text field, see [`Word::covered`]) is sought through that
//! one postings list. Scores are summed in one fixed order, so a document scores the same
//! whether or not anything was pruned. [`EveryMatch`] is the same walk visiting every match, for
//! a small result counted as it is ranked. Everything else (counting a large result, sorting by
//! time, explaining) uses the plain boolean query.

use tantivy::query::{
    AllScorer, Bm25Weight, BooleanQuery, BoostQuery, EnableScoring, Explanation, Occur, Query,
    Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use crate::ops::covered::Covered;
use crate::ops::seek::move_to;
use crate::ops::union::AnyOf;

/// One way a word can match, and the boost it scores with.
#[derive(Debug)]
pub struct Alternative {
    pub query: Box<dyn Query>,
    pub boost: Score,
}

impl Alternative {
    pub fn new(query: Box<dyn Query>, boost: Score) -> Self {
        Alternative { query, boost }
    }

    pub fn boosted(&self) -> Box<dyn Query> {
        Box::new(BoostQuery::new(self.query.box_clone(), self.boost))
    }

    /// The most this alternative can add to a document's score: BM25's bound (term frequency
    /// without limit, the shortest field) for its terms, which are a term or a phrase on one field.
    fn max_score(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Score> {
        let EnableScoring::Enabled {
            statistics_provider,
            ..
        } = enable_scoring
        else {
            return Ok(0.0);
        };
        let terms = self.terms();
        let Some(first) = terms.first() else {
            return Ok(0.0);
        };
        if terms.iter().any(|t| t.field() != first.field()) {
            // Not a term or a phrase: no bound known, so it is never left out.
            return Ok(Score::INFINITY);
        }
        Ok(Bm25Weight::for_terms(statistics_provider, &terms)?
            .boost_by(self.boost)
            .max_score())
    }

    /// At most how many documents it matches: its rarest term's document frequency.
    fn doc_freq(&self, searcher: &Searcher) -> u64 {
        self.terms()
            .iter()
            .map(|t| searcher.doc_freq(t).unwrap_or(u64::MAX))
            .min()
            .unwrap_or(0)
    }

    fn terms(&self) -> Vec<Term> {
        let mut terms = Vec::new();
        self.query.query_terms(&mut |t, _| terms.push(t.clone()));
        terms
    }
}

impl Clone for Alternative {
    fn clone(&self) -> Self {
        Alternative {
            query: self.query.box_clone(),
            boost: self.boost,
        }
    }
}

pub fn any_of(alternatives: &[Alternative]) -> Box<dyn Query> {
    Box::new(AnyOf::new(
        alternatives.iter().map(Alternative::boosted).collect(),
    ))
}

/// One required word (or quoted phrase): the ways it can match.
#[derive(Debug, Clone)]
pub struct Word {
    alternatives: Vec<Alternative>,
    /// Whether the first alternative matches every document any of the others does (the word in
    /// the combined text field): then it alone decides whether the word matches.
    covered: bool,
}

impl Word {
    /// A word whose first alternative covers the others.
    pub fn covered(alternatives: Vec<Alternative>) -> Self {
        Word {
            covered: !alternatives.is_empty(),
            alternatives,
        }
    }

    /// A word matching wherever any alternative does.
    pub fn any(alternatives: Vec<Alternative>) -> Self {
        Word {
            alternatives,
            covered: false,
        }
    }

    pub fn alternatives(&self) -> &[Alternative] {
        &self.alternatives
    }

    pub fn query(&self) -> Box<dyn Query> {
        match self.alternatives.split_first() {
            Some((cover, extras)) if self.covered => Box::new(Covered::new(
                cover.boosted(),
                extras.iter().map(Alternative::boosted).collect(),
            )),
            _ => any_of(&self.alternatives),
        }
    }

    /// At most how many documents it matches.
    fn most_matches(&self, searcher: &Searcher) -> u64 {
        let counted = if self.covered {
            &self.alternatives[..1]
        } else {
            &self.alternatives[..]
        };
        counted
            .iter()
            .map(|a| a.doc_freq(searcher))
            .fold(0, u64::saturating_add)
    }
}

/// Every word must match, every filter must hold; the bonus only adds score.
#[derive(Debug)]
pub struct AllWords {
    groups: Vec<Word>,
    bonus: Vec<Alternative>,
    filters: Vec<Box<dyn Query>>,
}

impl Clone for AllWords {
    fn clone(&self) -> Self {
        AllWords {
            groups: self.groups.clone(),
            bonus: self.bonus.clone(),
            filters: self.filters.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

impl AllWords {
    pub fn new(groups: Vec<Word>, bonus: Vec<Alternative>) -> Self {
        AllWords {
            groups,
            bonus,
            filters: Vec::new(),
        }
    }

    pub fn with_filters(mut self, filters: Vec<Box<dyn Query>>) -> Self {
        self.filters.extend(filters);
        self
    }

    /// At most how many documents match: the rarest word's.
    pub fn most_matches(&self, searcher: &Searcher) -> u64 {
        self.groups
            .iter()
            .map(|w| w.most_matches(searcher))
            .min()
            .unwrap_or(0)
    }

    /// The same documents and scores as one boolean query: filters, the words' intersection,
    /// the bonus as an optional clause.
    fn plain(&self) -> BooleanQuery {
        let words = BooleanQuery::new(
            self.groups
                .iter()
                .map(|w| (Occur::Must, w.query()))
                .collect(),
        );
        let mut text: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(words))];
        if !self.bonus.is_empty() {
            text.push((Occur::Should, any_of(&self.bonus)));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = self
            .filters
            .iter()
            .map(|q| (Occur::Must, q.box_clone()))
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(text))));
        BooleanQuery::new(clauses)
    }
}

impl AllWords {
    /// What the pruning walk needs: every alternative's weight, bound and cost, the filters.
    fn members(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Members> {
        let bounded = |alternatives: &[Alternative]| {
            alternatives
                .iter()
                .map(|a| {
                    let weight = a.boosted().weight(enable_scoring)?;
                    let cost = enable_scoring
                        .searcher()
                        .map_or(u64::MAX, |searcher| a.doc_freq(searcher));
                    Ok(Bounded {
                        weight,
                        max: a.max_score(enable_scoring)?,
                        cost,
                    })
                })
                .collect::<tantivy::Result<Vec<_>>>()
        };
        Ok(Members {
            groups: self
                .groups
                .iter()
                .map(|w| Ok((bounded(&w.alternatives)?, w.covered)))
                .collect::<tantivy::Result<_>>()?,
            bonus: bounded(&self.bonus)?,
            filters: self
                .filters
                .iter()
                .map(|q| q.weight(enable_scoring))
                .collect::<tantivy::Result<_>>()?,
        })
    }

    /// Ranks and counts in one walk: see [`EveryMatch`]. (The plain query's weight, which only
    /// the other walks use, is not built.)
    pub fn every_match(&self, searcher: &Searcher) -> tantivy::Result<EveryMatch> {
        Ok(EveryMatch(
            self.members(EnableScoring::enabled_from_searcher(searcher))?,
        ))
    }
}

impl Query for AllWords {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AllWordsWeight {
            plain: self.plain().weight(enable_scoring)?,
            members: self.members(enable_scoring)?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        let alternatives = self.groups.iter().flat_map(|w| &w.alternatives);
        for a in alternatives.chain(&self.bonus) {
            a.query.query_terms(visitor);
        }
        for q in &self.filters {
            q.query_terms(visitor);
        }
    }
}

/// An alternative's weight, the most it can add to a score, and at most how many documents
/// it matches (a phrase's rarest term's count: tantivy's own guess for a phrase is ten times that
/// of its terms together, which would have a walk lead by a common word rather than a rare phrase).
struct Bounded {
    weight: Box<dyn Weight>,
    max: Score,
    cost: u64,
}

/// The weights the pruning walk opens in each segment.
struct Members {
    /// Each word's alternatives, and whether the first covers the rest.
    groups: Vec<(Vec<Bounded>, bool)>,
    bonus: Vec<Bounded>,
    filters: Vec<Box<dyn Weight>>,
}

struct AllWordsWeight {
    /// Scores, counts and explains as the boolean query of the same clauses.
    plain: Box<dyn Weight>,
    /// For the ranked page.
    members: Members,
}

impl Weight for AllWordsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.plain.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.plain.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.plain.count(reader)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.plain.for_each(reader, callback)
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.plain.for_each_no_score(reader, callback)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        if let Some(mut segment) = Segment::open(&self.members, reader)? {
            segment.run(threshold, None, callback);
        }
        Ok(())
    }
}

/// One walk that both counts and ranks, for a result small enough to visit whole: every match
/// is seen (to count it, and its facets), but only those that may reach the page are scored —
/// the bonus's positions, most of a full scoring walk's cost, are read for few of them.
pub struct EveryMatch(Members);

impl EveryMatch {
    /// Calls `on_match` with every document of `reader` meeting every word and filter (deleted
    /// ones included), and `on_page` with those of them whose score may reach the page, which
    /// answers with the page's worst kept score.
    pub fn walk(
        &self,
        reader: &SegmentReader,
        on_match: &mut dyn FnMut(DocId),
        on_page: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        if let Some(mut segment) = Segment::open(&self.0, reader)? {
            segment.run(Score::MIN, Some(on_match), on_page);
        }
        Ok(())
    }
}

/// Where a member's score goes: a required group, or the bonus.
const BONUS: usize = usize::MAX;

/// One alternative's scorer in a segment.
struct Member {
    scorer: Box<dyn Scorer>,
    max: Score,
    cost: u64,
    group: usize,
}

/// What a candidate must meet.
#[derive(Debug, Clone, Copy)]
enum Constraint {
    /// Some essential member matches.
    Essential,
    Group(usize),
    Filter(usize),
}

/// Which members a candidate must match one of, and the order its constraints are asked in.
struct WalkPlan {
    essential: Vec<usize>,
    order: Vec<Constraint>,
}

/// A word's members in a segment.
struct Group {
    members: Vec<usize>,
    /// The member matching wherever the others do, if the word has one: the group's constraint
    /// is then that one postings list.
    cover: Option<usize>,
}

impl Group {
    /// The members a candidate is sought with.
    fn constraint(&self) -> &[usize] {
        match &self.cover {
            Some(cover) => std::slice::from_ref(cover),
            None => &self.members,
        }
    }
}

/// The pruning walk over one segment.
struct Segment {
    /// Groups' members first (group by group, in query order), then the bonus's: the order
    /// scores are summed in.
    members: Vec<Member>,
    /// Member indexes of each group.
    groups: Vec<Group>,
    /// Filters that filter something here (an `AllScorer` is left out).
    filters: Vec<Box<dyn Scorer>>,
    /// Members by their bound, weakest first.
    by_max: Vec<usize>,
    /// Whether a member is its group's last.
    last_of_group: Vec<bool>,
}

impl Segment {
    /// The scorers, or `None` when some group or filter matches nothing here.
    fn open(weight: &Members, reader: &SegmentReader) -> tantivy::Result<Option<Self>> {
        let mut members = Vec::new();
        let mut groups = Vec::new();
        for (g, (alternatives, covered)) in weight.groups.iter().enumerate() {
            let mut indexes = Vec::new();
            for (i, a) in alternatives.iter().enumerate() {
                let scorer = a.weight.scorer(reader, 1.0)?;
                if scorer.doc() != TERMINATED {
                    indexes.push(members.len());
                    members.push(Member {
                        scorer,
                        max: a.max,
                        cost: a.cost,
                        group: g,
                    });
                } else if i == 0 && *covered {
                    // The cover matches nothing here, so neither does the word.
                    return Ok(None);
                }
            }
            if indexes.is_empty() {
                return Ok(None);
            }
            groups.push(Group {
                cover: covered.then_some(indexes[0]),
                members: indexes,
            });
        }
        for a in &weight.bonus {
            let scorer = a.weight.scorer(reader, 1.0)?;
            if scorer.doc() != TERMINATED {
                members.push(Member {
                    scorer,
                    max: a.max,
                    cost: a.cost,
                    group: BONUS,
                });
            }
        }
        let mut filters = Vec::new();
        for w in &weight.filters {
            let scorer = w.scorer(reader, 1.0)?;
            if scorer.doc() == TERMINATED {
                return Ok(None);
            }
            if scorer.downcast_ref::<AllScorer>().is_none() {
                filters.push(scorer);
            }
        }
        // The rarest group first: it moves the target furthest.
        groups.sort_by_key(|g| {
            g.constraint()
                .iter()
                .map(|&i| members[i].cost)
                .fold(0, u64::saturating_add)
        });
        let mut by_max: Vec<usize> = (0..members.len()).collect();
        by_max.sort_by(|&a, &b| members[a].max.total_cmp(&members[b].max));
        let last_of_group = (0..members.len())
            .map(|i| {
                members[i].group != BONUS
                    && members
                        .get(i + 1)
                        .is_none_or(|next| next.group != members[i].group)
            })
            .collect();
        Ok(Some(Segment {
            members,
            groups,
            filters,
            by_max,
            last_of_group,
        }))
    }

    /// What to walk while `threshold` is the page's worst kept score: the members that may lift
    /// a document over it (all but the weakest prefix whose bounds together stay at or under
    /// it), and the constraints a candidate meets, cheapest first. The essential union is a
    /// constraint only where it narrows: when it holds a whole group, every match of that group
    /// is in it anyway.
    fn plan(&self, threshold: Score) -> WalkPlan {
        let mut sum: Score = 0.0;
        let mut skipped = 0;
        for &i in &self.by_max {
            sum += self.members[i].max;
            if !below(sum, threshold) {
                break;
            }
            skipped += 1;
        }
        let essential = self.by_max[skipped..].to_vec();
        let cost = |indexes: &[usize]| -> u64 {
            indexes
                .iter()
                .map(|&i| self.members[i].cost)
                .fold(0, u64::saturating_add)
        };
        let mut order: Vec<(u64, Constraint)> = Vec::new();
        let narrows = !self
            .groups
            .iter()
            .any(|g| g.constraint().iter().all(|i| essential.contains(i)));
        if narrows {
            order.push((cost(&essential), Constraint::Essential));
        }
        for (g, group) in self.groups.iter().enumerate() {
            order.push((cost(group.constraint()), Constraint::Group(g)));
        }
        for (f, filter) in self.filters.iter().enumerate() {
            order.push((u64::from(filter.size_hint()), Constraint::Filter(f)));
        }
        order.sort_by_key(|(cost, _)| *cost);
        WalkPlan {
            essential,
            order: order.into_iter().map(|(_, c)| c).collect(),
        }
    }

    /// The first document at or after `target` meeting every constraint of `plan`; every
    /// group's members are left on or after it (the bonus's may still stand before it).
    fn next_candidate(&mut self, plan: &WalkPlan, mut target: DocId) -> DocId {
        // The cheapest constraint leads: whenever another lands past the target, the leader
        // jumps there first (it skips furthest), then the others are asked again.
        if plan.order.is_empty() {
            return TERMINATED;
        }
        'leader: while target != TERMINATED {
            target = self.move_constraint(plan, 0, target);
            for c in 1..plan.order.len() {
                let doc = self.move_constraint(plan, c, target);
                if doc != target {
                    target = doc;
                    continue 'leader;
                }
            }
            if target != TERMINATED {
                // A covered word's other members were not sought: they are, to score it.
                for g in self.groups.iter().filter(|g| g.cover.is_some()) {
                    next_of(&mut self.members, &g.members, target);
                }
            }
            return target;
        }
        TERMINATED
    }

    /// Moves the `c`th constraint of `plan` to its first document at or after `target`.
    fn move_constraint(&mut self, plan: &WalkPlan, c: usize, target: DocId) -> DocId {
        match plan.order[c] {
            Constraint::Essential => next_of(&mut self.members, &plan.essential, target),
            Constraint::Group(g) => next_of(&mut self.members, self.groups[g].constraint(), target),
            Constraint::Filter(f) => move_to(self.filters[f].as_mut(), target),
        }
    }

    /// Offers `callback` the documents that may score over `threshold`, which it answers with
    /// the new threshold. With `every_match`, every match is a candidate (and is passed to it);
    /// the threshold then only spares scoring.
    fn run(
        &mut self,
        mut threshold: Score,
        mut every_match: Option<&mut dyn FnMut(DocId)>,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) {
        let visit_all = every_match.is_some();
        let mut plan = self.plan(if visit_all {
            Score::NEG_INFINITY
        } else {
            threshold
        });
        let mut target = 0;
        while !plan.essential.is_empty() {
            let doc = self.next_candidate(&plan, target);
            if doc == TERMINATED {
                return;
            }
            target = doc + 1;
            if let Some(on_match) = every_match.as_mut() {
                on_match(doc);
            }
            // What the members on `doc` and the unvisited bonus may add, before scoring any.
            let mut bound: Score = 0.0;
            for m in &self.members {
                if m.scorer.doc() == doc || (m.group == BONUS && m.scorer.doc() < doc) {
                    bound += m.max;
                }
            }
            if below(bound, threshold) {
                continue;
            }
            // Summed group by group, as the plain query's intersection of unions sums.
            let mut words: Score = 0.0;
            let mut group: Score = 0.0;
            // The bonus members on `doc` or not yet sought to it.
            let mut bonus_bound: Score = 0.0;
            for (i, m) in self.members.iter_mut().enumerate() {
                if m.group != BONUS {
                    if m.scorer.doc() == doc {
                        group += m.scorer.score();
                    }
                    if self.last_of_group[i] {
                        words += group;
                        group = 0.0;
                    }
                } else if m.scorer.doc() <= doc {
                    bonus_bound += m.max;
                }
            }
            if below(words + bonus_bound, threshold) {
                continue;
            }
            let mut bonus: Score = 0.0;
            for m in self.members.iter_mut().filter(|m| m.group == BONUS) {
                if move_to(m.scorer.as_mut(), doc) == doc {
                    bonus += m.scorer.score();
                }
            }
            let score = words + bonus;
            if score > threshold {
                let raised = callback(doc, score);
                if raised > threshold {
                    threshold = raised;
                    if !visit_all {
                        plan = self.plan(threshold);
                    }
                }
            }
        }
    }
}

/// The first document at or after `target` that some of the members at `indexes` match.
fn next_of(members: &mut [Member], indexes: &[usize], target: DocId) -> DocId {
    let mut next = TERMINATED;
    for &i in indexes {
        next = next.min(move_to(members[i].scorer.as_mut(), target));
    }
    next
}

/// Whether a sum of bounds surely stays at or under `threshold` (with room for the rounding of
/// summing the same numbers in another order).
fn below(bound: Score, threshold: Score) -> bool {
    bound * (1.0 + 1e-5) + 1e-6 <= threshold
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::PhraseQuery;
    use tantivy::schema::{STRING, Schema, TEXT};
    use tantivy::{DocAddress, Index, doc};

    use super::*;
    use crate::ops::filter::TermsFilter;

    const VOCABULARY: [&str; 6] = ["x", "y", "z", "w", "v", "u"];

    /// The pruned page and the plain query's agree on every page size, with and without a
    /// filter, over documents of varied length and term frequency.
    #[test]
    fn pruned_pages_are_the_plain_querys_pages() {
        let mut b = Schema::builder();
        let title = b.add_text_field("title", TEXT);
        let body = b.add_text_field("body", TEXT);
        // Title and body together: a word's cover.
        let all = b.add_text_field("all", TEXT);
        let keep = b.add_text_field("keep", STRING);
        let index = Index::create_in_ram(b.build());
        let mut w: tantivy::IndexWriter = index.writer(50_000_000).unwrap();
        let mut seed: u64 = 7;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        let text = |len: u64, next: &mut dyn FnMut(u64) -> u64| {
            (0..1 + next(len))
                .map(|_| VOCABULARY[next(6) as usize])
                .collect::<Vec<_>>()
                .join(" ")
        };
        for i in 0..30_000u64 {
            let t = text(6, &mut next);
            let bd = text(40, &mut next);
            let k = if next(10) < 7 { "yes" } else { "no" };
            w.add_document(
                doc!(title => t.clone(), body => bd.clone(), all => t, all => bd, keep => k),
            )
            .unwrap();
            if i % 10_000 == 9_999 {
                w.commit().unwrap(); // three segments
            }
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = crate::terms::term_query;
        let phrase = |f, a: &str, z: &str| -> Box<dyn Query> {
            Box::new(PhraseQuery::new(vec![
                Term::from_field_text(f, a),
                Term::from_field_text(f, z),
            ]))
        };
        let words = AllWords::new(
            vec![
                Word::covered(vec![
                    Alternative::new(term(all, "x"), 1.0),
                    Alternative::new(term(title, "x"), 3.0),
                ]),
                Word::any(vec![
                    Alternative::new(term(title, "y"), 3.0),
                    Alternative::new(term(body, "y"), 1.0),
                    Alternative::new(phrase(body, "y", "z"), 1.5),
                ]),
                Word::covered(vec![
                    Alternative::new(term(all, "w"), 1.0),
                    Alternative::new(term(body, "w"), 0.5),
                ]),
            ],
            vec![
                Alternative::new(phrase(title, "x", "y"), 6.0),
                Alternative::new(phrase(body, "x", "y"), 2.0),
            ],
        );
        let filtered = words
            .clone()
            .with_filters(vec![Box::new(TermsFilter::new(vec![
                Term::from_field_text(keep, "yes"),
            ]))]);
        // One word alone: its group is the only constraint.
        let one = AllWords::new(
            vec![Word::any(vec![
                Alternative::new(term(title, "y"), 3.0),
                Alternative::new(term(body, "y"), 1.0),
                Alternative::new(phrase(body, "y", "z"), 1.5),
            ])],
            Vec::new(),
        );
        for query in [words, filtered, one] {
            let plain = query.plain();
            let matches = searcher.search(&query, &Count).unwrap();
            assert_eq!(matches, searcher.search(&plain, &Count).unwrap());
            assert!(matches > 3_000, "{matches}");
            // Walking every match: each is seen once, and the page's scores are the plain ones.
            let walk = query.every_match(&searcher).unwrap();
            let (mut seen, mut best) = (0, Vec::<Score>::new());
            for reader in searcher.segment_readers() {
                walk.walk(reader, &mut |_| seen += 1, &mut |_, score| {
                    best.push(score);
                    best.sort_by(|a, b| b.total_cmp(a));
                    best.truncate(10);
                    if best.len() == 10 {
                        best[9]
                    } else {
                        Score::MIN
                    }
                })
                .unwrap();
            }
            assert_eq!(seen, matches);
            let plain_best = searcher
                .search(&plain, &TopDocs::with_limit(10).order_by_score())
                .unwrap();
            for (a, (b, _)) in best.iter().zip(&plain_best) {
                assert!((a - b).abs() <= b.abs() * 1e-5, "{a} vs {b}");
            }
            for k in [1, 10, 11, 100] {
                let top = |q: &dyn Query| {
                    searcher
                        .search(q, &TopDocs::with_limit(k).order_by_score())
                        .unwrap()
                };
                let (pruned, full) = (top(&query), top(&plain));
                assert_eq!(pruned.len(), k);
                // The same scores (but for the rounding of summing in another order)…
                for ((a, _), (b, _)) in pruned.iter().zip(&full) {
                    assert!((a - b).abs() <= b.abs() * 1e-5, "k = {k}: {a} vs {b}");
                }
                // The same documents, but for those tied with the last one kept.
                let last = full[k - 1].0;
                let sure = |d: &[(Score, DocAddress)]| {
                    let mut out: Vec<DocAddress> = d
                        .iter()
                        .filter(|(s, _)| *s > last * 1.0001)
                        .map(|(_, a)| *a)
                        .collect();
                    out.sort();
                    out
                };
                assert_eq!(sure(&pruned), sure(&full), "k = {k}");
            }
        }
    }
}
