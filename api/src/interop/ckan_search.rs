//! `package_search` through the search index: what `fq` and `sort` add to the catalog page's
//! filters and orders (tags, groups, res_format; name), the index's listing (exact count, facet
//! counts, one page of ids by offset) and CKAN's two facet shapes.
//!
//! The index answers for anything the catalog page cannot: a text query, the facets, filters on
//! tags, groups and formats, the name order. Each request's work is bounded by the index (a walk
//! of the matches' postings and facet ordinals) and by the page (at most `rows` entries are read
//! from the database); nothing is loaded per match.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::http::StatusCode;
use catalog::PublicEntry;
use catalog::domain::organization::Organization;
use catalog::store::{PublicOrder, PublicPage, RecordFilter};
use search::{
    EntityKind, FacetCount, FacetName, ListingRequest, ListingResults, ListingSort, QueryText,
    Viewer,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::super::ckan_query::{Filters, Invalid, Sort, parse_fq, parse_sort};
use super::super::{org_name, vocab};
use super::{CkanError, CkanResult};
use crate::error::ApiError;
use crate::state::AppState;

/// The `fq` terms on facets the index counts: every one must hold.
#[derive(Debug, Default, PartialEq)]
pub struct FacetTerms {
    pub tags: Vec<String>,
    /// Group names (`gbt4754-s`).
    pub groups: Vec<String>,
    pub formats: Vec<String>,
}

impl FacetTerms {
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.groups.is_empty() && self.formats.is_empty()
    }

    /// The GB/T 4754 section letters of the groups; `None` when a group names no section (no
    /// package is in it).
    fn domains(&self) -> Option<Vec<String>> {
        self.groups
            .iter()
            .map(|g| {
                vocab::GBT4754_SECTIONS
                    .iter()
                    .map(|(code, _)| *code)
                    .find(|code| vocab::group_name(code) == *g)
                    .map(str::to_owned)
            })
            .collect()
    }
}

/// `fq` and every `fq_list` entry: the catalog page's filters, and the facet terms.
pub fn parse_filters(fq: &str, fq_list: &[String]) -> Result<(Filters, FacetTerms), Invalid> {
    let mut filters = Filters::default();
    let mut terms = FacetTerms::default();
    for raw in std::iter::once(fq).chain(fq_list.iter().map(String::as_str)) {
        let Some(split) = split_terms(raw) else {
            // Unbalanced brackets or quotes: the catalog's parser says so.
            parse_fq(raw)?;
            return Err(Invalid::new(
                "fq",
                "Search Query is invalid: unbalanced brackets or quotes",
            ));
        };
        let mut rest = Vec::new();
        for term in split {
            let bare = term.strip_prefix('+').unwrap_or(&term);
            let Some((field, value)) = bare.split_once(':') else {
                rest.push(term);
                continue;
            };
            let list = match field {
                "tags" => &mut terms.tags,
                "groups" => &mut terms.groups,
                "res_format" => &mut terms.formats,
                _ => {
                    rest.push(term);
                    continue;
                }
            };
            match unquote(value) {
                "" => {
                    return Err(Invalid::new(
                        "fq",
                        format!("Search Query is invalid: {field} needs a value"),
                    ));
                }
                value => list.push(value.to_owned()),
            }
        }
        let more = parse_fq(&rest.join(" "))?;
        filters.modified_since = filters.modified_since.max(more.modified_since);
        filters.organizations.extend(more.organizations);
        filters.owner_orgs.extend(more.owner_orgs);
        filters.nothing |= more.nothing;
    }
    Ok((filters, terms))
}

/// Terms separated by whitespace outside brackets and quotes (as the catalog's parser splits
/// them); `None` when they do not balance.
fn split_terms(raw: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut current = String::new();
    let (mut depth, mut quoted) = (0i32, false);
    for c in raw.chars() {
        match c {
            '"' => quoted = !quoted,
            '[' | '{' if !quoted => depth += 1,
            ']' | '}' if !quoted => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return None;
        }
        if c.is_whitespace() && depth == 0 && !quoted {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if depth != 0 || quoted {
        return None;
    }
    if !current.is_empty() {
        out.push(current);
    }
    Some(out)
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// The orders `package_search` offers: the catalog page's, and the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Page(Sort),
    NameAsc,
    NameDesc,
}

pub fn parse_order(raw: Option<&str>) -> Result<Order, Invalid> {
    let first = raw
        .and_then(|r| r.split(',').next())
        .map(|part| {
            part.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    match first.as_str() {
        "name asc" | "name" => Ok(Order::NameAsc),
        "name desc" => Ok(Order::NameDesc),
        _ => parse_sort(raw).map(Order::Page).map_err(|_| {
            Invalid::new(
                "sort",
                format!(
                    "unsupported sort \"{}\" (supported: id asc, id desc, metadata_modified asc, metadata_modified desc, name asc, name desc, score desc)",
                    raw.unwrap_or_default().trim()
                ),
            )
        }),
    }
}

impl Order {
    pub fn text(self) -> &'static str {
        match self {
            Order::Page(Sort::Default) => "score desc, metadata_modified desc",
            Order::Page(Sort::IdAsc) => "id asc",
            Order::Page(Sort::IdDesc) => "id desc",
            Order::Page(Sort::ModifiedAsc) => "metadata_modified asc",
            Order::Page(Sort::ModifiedDesc) => "metadata_modified desc",
            Order::NameAsc => "name asc",
            Order::NameDesc => "name desc",
        }
    }

    /// The catalog page's order; `None` for an order only the index has.
    pub fn page_order(self) -> Option<PublicOrder> {
        match self {
            Order::Page(Sort::IdAsc) => Some(PublicOrder::IdAsc),
            Order::Page(Sort::IdDesc) => Some(PublicOrder::IdDesc),
            Order::Page(Sort::ModifiedAsc) => Some(PublicOrder::ModifiedAsc),
            Order::Page(Sort::Default | Sort::ModifiedDesc) => Some(PublicOrder::ModifiedDesc),
            Order::NameAsc | Order::NameDesc => None,
        }
    }

    fn listing(self) -> ListingSort {
        match self {
            Order::Page(Sort::Default) => ListingSort::Relevance,
            Order::Page(Sort::IdAsc) => ListingSort::IdAsc,
            Order::Page(Sort::IdDesc) => ListingSort::IdDesc,
            Order::Page(Sort::ModifiedAsc) => ListingSort::ModifiedAsc,
            Order::Page(Sort::ModifiedDesc) => ListingSort::ModifiedDesc,
            Order::NameAsc => ListingSort::NameAsc,
            Order::NameDesc => ListingSort::NameDesc,
        }
    }
}

/// The CKAN facet fields the index counts.
fn facet_of(field: &str) -> Option<FacetName> {
    match field {
        "organization" => Some(FacetName::Owner),
        "groups" => Some(FacetName::Domain),
        "tags" => Some(FacetName::Tag),
        "res_format" => Some(FacetName::Format),
        _ => None,
    }
}

/// One `package_search` as a listing of the index.
pub struct Search<'a> {
    /// Text with searchable words, if any.
    pub q: Option<QueryText>,
    pub owner: Option<Uuid>,
    pub filters: &'a Filters,
    pub terms: &'a FacetTerms,
    pub order: Order,
    pub start: i64,
    pub rows: i64,
    pub facet_fields: &'a [String],
}

impl Search<'_> {
    /// Whether the page must come from the index (the catalog page has no text search, no facet
    /// filters, no name order).
    pub fn needs_index(&self) -> bool {
        self.q.is_some() || !self.terms.is_empty() || self.order.page_order().is_none()
    }

    /// The listing; `None` when a filter names a group no package can be in.
    fn request(&self, page: bool) -> Option<ListingRequest> {
        let mut required = Vec::new();
        required.extend(self.owner.map(|id| (FacetName::Owner, id.to_string())));
        for letter in self.terms.domains()? {
            required.push((FacetName::Domain, letter));
        }
        // Tags are listed by their CKAN names: a raw tag is filtered by the name it maps to.
        for tag in &self.terms.tags {
            required.push((FacetName::Tag, vocab::ckan_tag(tag)?));
        }
        for format in &self.terms.formats {
            required.push((FacetName::Format, format.clone()));
        }
        let facets: BTreeSet<FacetName> = self
            .facet_fields
            .iter()
            .filter_map(|f| facet_of(f))
            .collect();
        Some(ListingRequest {
            q: self.q.clone().unwrap_or_default(),
            kinds: vec![EntityKind::Resource, EntityKind::Product],
            viewer: Viewer::Anonymous,
            required,
            modified_since: self.filters.modified_since.map(|t| t.timestamp_micros()),
            sort: self.order.listing(),
            offset: if page { self.start as usize } else { 0 },
            limit: if page { self.rows as usize } else { 0 },
            facets: facets.into_iter().collect(),
        })
    }

    /// The page (total and entries, in order) and facet counts from the index.
    pub async fn page(&self, state: &AppState) -> CkanResult<(i64, Vec<PublicEntry>, Counts)> {
        let Some(request) = self.request(true) else {
            return Ok((0, Vec::new(), Counts::default()));
        };
        let found = listing(state, request).await?;
        let entries = load(state, &found.ids).await?;
        Ok((found.total as i64, entries, found.facets))
    }

    /// Facet counts only (the page came from the catalog).
    pub async fn facets(&self, state: &AppState) -> CkanResult<Counts> {
        if self.facet_fields.iter().all(|f| facet_of(f).is_none()) {
            return Ok(Counts::default());
        }
        match self.request(false) {
            Some(request) => Ok(listing(state, request).await?.facets),
            None => Ok(Counts::default()),
        }
    }
}

pub type Counts = BTreeMap<FacetName, Vec<FacetCount>>;

/// The public packages holding every `(facet, value)`, newest first: how many, the first `rows`
/// of them, and the counts of `facets` over all of them (`organization_show`, `group_show`,
/// `tag_list`).
pub async fn packages_with(
    state: &AppState,
    required: Vec<(FacetName, String)>,
    rows: usize,
    facets: Vec<FacetName>,
) -> CkanResult<(i64, Vec<PublicEntry>, Counts)> {
    let request = ListingRequest {
        q: QueryText::default(),
        kinds: vec![EntityKind::Resource, EntityKind::Product],
        viewer: Viewer::Anonymous,
        required,
        modified_since: None,
        sort: ListingSort::ModifiedDesc,
        offset: 0,
        limit: rows,
        facets,
    };
    let found = listing(state, request).await?;
    let entries = load(state, &found.ids).await?;
    Ok((found.total as i64, entries, found.facets))
}

async fn listing(state: &AppState, request: ListingRequest) -> CkanResult<ListingResults> {
    let index = state.search.clone();
    crate::cpu::off_the_workers(move || index.listing(&request))
        .await
        .map_err(|_| CkanError::Internal(StatusCode::SERVICE_UNAVAILABLE, "search aborted".into()))?
        .map_err(|e| match e.is_client_error() {
            true => CkanError::Validation(Invalid::new("q", e.to_string())),
            false => ApiError::from(e).into(),
        })
}

/// The public entries of a page of document ids, in the page's order (an entry no longer public
/// is left out).
async fn load(state: &AppState, ids: &[String]) -> CkanResult<Vec<PublicEntry>> {
    let uuids: Vec<String> = ids
        .iter()
        .map(|id| id.split(':').nth(1).unwrap_or(id).to_owned())
        .collect();
    let rank: HashMap<&str, usize> = uuids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let found = state
        .catalog
        .public_catalog(
            &[],
            PublicPage {
                ids: Some(uuids.clone()),
                limit: uuids.len() as i64,
                ..PublicPage::default()
            },
            state.clock.today(),
        )
        .await?;
    let mut entries = found.entries;
    entries.sort_by_key(|e| rank.get(e.id().to_string().as_str()).copied());
    Ok(entries)
}

/// CKAN `facets` (field → value → count) and `search_facets` (with display names), most
/// frequent first, `limit` values per field.
pub async fn facet_shapes(
    state: &AppState,
    fields: &[String],
    counts: &Counts,
    limit: usize,
) -> CkanResult<(Value, Value)> {
    let owners: Vec<Uuid> = counts
        .get(&FacetName::Owner)
        .into_iter()
        .flatten()
        .filter_map(|c| Uuid::parse_str(&c.value).ok())
        .collect();
    let orgs = organizations(state, &owners).await?;
    let mut facets = serde_json::Map::new();
    let mut search_facets = serde_json::Map::new();
    for field in fields {
        let values = facet_of(field)
            .and_then(|name| counts.get(&name))
            .map(Vec::as_slice)
            .unwrap_or_default();
        // (name, display name, count)
        let mut items: Vec<(String, String, u64)> = values
            .iter()
            .filter_map(|c| {
                let (name, display) = match field.as_str() {
                    "organization" => {
                        let org = orgs.get(&Uuid::parse_str(&c.value).ok()?)?;
                        (org_name(org), org.name.clone())
                    }
                    "groups" => (
                        vocab::group_name(&c.value),
                        vocab::section_name(&c.value)?.to_owned(),
                    ),
                    // As the packages carry them (CKAN's tag rules).
                    "tags" => {
                        let tag = vocab::ckan_tag(&c.value)?;
                        (tag.clone(), tag)
                    }
                    _ => (c.value.clone(), c.value.clone()),
                };
                Some((name, display, c.count))
            })
            .collect();
        // Tags that map to one CKAN tag count together.
        items.sort_by(|a, b| a.0.cmp(&b.0));
        items.dedup_by(|later, first| {
            let same = later.0 == first.0;
            if same {
                first.2 += later.2;
            }
            same
        });
        items.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        items.truncate(limit);
        facets.insert(
            field.clone(),
            Value::Object(
                items
                    .iter()
                    .map(|(n, _, c)| (n.clone(), json!(c)))
                    .collect(),
            ),
        );
        search_facets.insert(
            field.clone(),
            json!({
                "title": field,
                "items": items.iter()
                    .map(|(n, d, c)| json!({"name": n, "display_name": d, "count": c}))
                    .collect::<Vec<_>>(),
            }),
        );
    }
    Ok((Value::Object(facets), Value::Object(search_facets)))
}

/// Lookups one by one up to this many organizations; past it, one read of them all in pages.
const ORG_LOOKUPS: usize = 100;

/// The organizations with these ids (deactivated ones too: their entries stay public).
async fn organizations(state: &AppState, ids: &[Uuid]) -> CkanResult<HashMap<Uuid, Organization>> {
    let mut out = HashMap::with_capacity(ids.len());
    if ids.len() <= ORG_LOOKUPS {
        for id in ids {
            match state.catalog.organization(*id).await {
                Ok(org) => {
                    out.insert(*id, org.value);
                }
                Err(catalog::CatalogError::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        return Ok(out);
    }
    let wanted: BTreeSet<Uuid> = ids.iter().copied().collect();
    let mut after = None;
    loop {
        let filter = RecordFilter {
            after_id: after,
            limit: Some(500),
            ..RecordFilter::default()
        };
        let page = state.catalog.organizations(&filter).await?;
        let done = page.len() < 500;
        after = page.last().map(|o| o.id.to_string());
        out.extend(
            page.into_iter()
                .filter(|o| wanted.contains(&o.id))
                .map(|o| (o.id, o)),
        );
        if done {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facet_terms_beside_the_catalog_filters() {
        let (filters, terms) = parse_filters(
            "tags:统计 AND +groups:gbt4754-s res_format:\"csv\" organization:abc",
            &[
                "tags:人口".to_owned(),
                "metadata_modified:[2024-01-01 TO *]".to_owned(),
            ],
        )
        .unwrap();
        assert_eq!(terms.tags, ["统计", "人口"]);
        assert_eq!(terms.groups, ["gbt4754-s"]);
        assert_eq!(terms.formats, ["csv"]);
        assert_eq!(terms.domains(), Some(vec!["S".to_owned()]));
        assert_eq!(filters.organizations, ["abc"]);
        assert!(filters.modified_since.is_some());
        let (_, unknown) = parse_filters("groups:gbt4754-zz", &[]).unwrap();
        assert_eq!(unknown.domains(), None);
    }

    #[test]
    fn facet_terms_refuse_what_the_catalog_refuses() {
        for bad in [
            "tags:a OR tags:b",
            "-tags:a",
            "tags:\"unbalanced",
            "tags:",
            "license_id:x",
            "tags:[a TO b",
        ] {
            let e = parse_filters(bad, &[]).unwrap_err();
            assert_eq!(e.field, "fq", "{bad}");
            assert!(e.message.starts_with("Search Query is invalid"), "{bad}");
        }
    }

    #[test]
    fn orders() {
        assert_eq!(parse_order(Some("name asc")).unwrap(), Order::NameAsc);
        assert_eq!(parse_order(Some(" Name  DESC ")).unwrap(), Order::NameDesc);
        assert_eq!(
            parse_order(Some("metadata_modified desc")).unwrap(),
            Order::Page(Sort::ModifiedDesc)
        );
        assert_eq!(parse_order(None).unwrap(), Order::Page(Sort::Default));
        let e = parse_order(Some("title_string asc")).unwrap_err();
        assert_eq!(e.field, "sort");
        assert!(e.message.contains("name asc"));
        assert_eq!(Order::NameAsc.page_order(), None);
    }
}
