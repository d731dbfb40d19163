//! The public vocabulary of the index: what goes in (documents, change batches), who asks (viewer)
//! and what comes out (results, hits, facet counts, suggestions). All serde types: the API returns
//! them as JSON.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::SearchError;

/// The id of an indexed entry: its kind and the catalog entity's uuid, `<kind>:<uuid>` (e.g.
/// `resource:<uuid>`; a resource's working copy `resource:<uuid>:working`). Globally unique: an
/// upsert replaces the document with the same id. (Not tantivy's `DocId`, a segment's doc number.)
pub type EntryId = String;

/// The visibility value every anonymous caller may read.
pub const PUBLIC: &str = "public";

/// The visibility value for one organization's non-public documents.
pub fn org_visibility(org_uuid: &str) -> String {
    format!("org:{org_uuid}")
}

/// Which catalog entity a document stands for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Resource,
    DirectoryLine,
    NegativeListEntry,
    Registration,
    Publicity,
    Product,
    Disclosure,
    Organization,
    Authorization,
}

impl EntityKind {
    pub const ALL: [EntityKind; 9] = [
        EntityKind::Resource,
        EntityKind::DirectoryLine,
        EntityKind::NegativeListEntry,
        EntityKind::Registration,
        EntityKind::Publicity,
        EntityKind::Product,
        EntityKind::Disclosure,
        EntityKind::Organization,
        EntityKind::Authorization,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Resource => "resource",
            EntityKind::DirectoryLine => "directory_line",
            EntityKind::NegativeListEntry => "negative_list_entry",
            EntityKind::Registration => "registration",
            EntityKind::Publicity => "publicity",
            EntityKind::Product => "product",
            EntityKind::Disclosure => "disclosure",
            EntityKind::Organization => "organization",
            EntityKind::Authorization => "authorization",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntityKind {
    type Err = SearchError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EntityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| SearchError::InvalidRequest {
                field: "kind".into(),
                message: format!("未知的条目类型：{s}"),
            })
    }
}

/// The facets a document can carry: one value each (or none) for those of [`FacetName::ALL`],
/// any number for the listing facets ([`FacetName::LISTING`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacetName {
    Kind,
    Provider,
    Domain,
    Grade,
    ShareType,
    OpenType,
    UpdateFrequency,
    Region,
    Status,
    DeliveryForm,
    SceneCategory,
    /// The organization a document is visible to besides the public (`org:<uuid>` in
    /// [`SearchDoc::visible_to`]): the uuid of its owner.
    Owner,
    /// [`Listing::tags`].
    Tag,
    /// [`Listing::formats`].
    Format,
}

impl FacetName {
    /// The facets a search counts and filters on ([`SearchRequest::facets`], [`FacetFilters`]).
    pub const ALL: [FacetName; 11] = [
        FacetName::Kind,
        FacetName::Provider,
        FacetName::Domain,
        FacetName::Grade,
        FacetName::ShareType,
        FacetName::OpenType,
        FacetName::UpdateFrequency,
        FacetName::Region,
        FacetName::Status,
        FacetName::DeliveryForm,
        FacetName::SceneCategory,
    ];

    /// Facets only a listing counts or filters on ([`ListingRequest`]), when asked for by name:
    /// a search never reads them.
    pub const LISTING: [FacetName; 3] = [FacetName::Owner, FacetName::Tag, FacetName::Format];

    /// Every facet with a field in the index: [`FacetName::ALL`], then [`FacetName::LISTING`].
    pub const INDEXED: [FacetName; 14] = [
        FacetName::Kind,
        FacetName::Provider,
        FacetName::Domain,
        FacetName::Grade,
        FacetName::ShareType,
        FacetName::OpenType,
        FacetName::UpdateFrequency,
        FacetName::Region,
        FacetName::Status,
        FacetName::DeliveryForm,
        FacetName::SceneCategory,
        FacetName::Owner,
        FacetName::Tag,
        FacetName::Format,
    ];

    /// Also the tantivy field name and the key in [`SearchResults::facets`].
    pub fn as_str(self) -> &'static str {
        match self {
            FacetName::Kind => "kind",
            FacetName::Provider => "provider",
            FacetName::Domain => "domain",
            FacetName::Grade => "grade",
            FacetName::ShareType => "share_type",
            FacetName::OpenType => "open_type",
            FacetName::UpdateFrequency => "update_frequency",
            FacetName::Region => "region",
            FacetName::Status => "status",
            FacetName::DeliveryForm => "delivery_form",
            FacetName::SceneCategory => "scene_category",
            FacetName::Owner => "owner",
            FacetName::Tag => "tag",
            FacetName::Format => "format",
        }
    }
}

impl FromStr for FacetName {
    type Err = SearchError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FacetName::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| SearchError::InvalidRequest {
                field: "facet".into(),
                message: format!("未知的分面：{s}"),
            })
    }
}

/// Facet values of one document (the entity kind is a facet too, taken from [`SearchDoc::kind`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Facets {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_frequency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_form: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scene_category: Option<String>,
    /// The regions `region` lies within (its province, its prefecture), filed under the region
    /// facet too, so that a filter by a region finds the entries of the places inside it and its
    /// count includes them. Given by the caller, who knows the code list (GB/T 2260); indexed,
    /// never stored.
    #[serde(skip)]
    pub enclosing_regions: Vec<String>,
    /// What a catalog listing facets and sorts on besides these: indexed, never stored, never
    /// part of a hit.
    #[serde(skip)]
    pub listing: Listing,
}

/// A catalog package's listing values ([`SearchIndex::listing`](crate::SearchIndex::listing)),
/// given by the caller for the documents it lists (resources and products).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// Tags as the package shows them ([`FacetName::Tag`]).
    pub tags: Vec<String>,
    /// The formats of its distributions ([`FacetName::Format`]).
    pub formats: Vec<String>,
    /// Its name, for [`ListingSort::NameAsc`] / [`ListingSort::NameDesc`].
    pub name: Option<String>,
    /// When it last changed, in microseconds since the epoch (the listing's time order and
    /// `modified_since`); [`SearchDoc::updated_at`] when absent.
    pub modified_micros: Option<i64>,
}

impl Facets {
    /// The value of one facet; `Kind` is not stored here (see [`SearchDoc::kind`]), nor are the
    /// listing facets (any number of values: see [`Listing`]).
    pub fn get(&self, name: FacetName) -> Option<&str> {
        match name {
            FacetName::Kind | FacetName::Owner | FacetName::Tag | FacetName::Format => None,
            FacetName::Provider => self.provider.as_deref(),
            FacetName::Domain => self.domain.as_deref(),
            FacetName::Grade => self.grade.as_deref(),
            FacetName::ShareType => self.share_type.as_deref(),
            FacetName::OpenType => self.open_type.as_deref(),
            FacetName::UpdateFrequency => self.update_frequency.as_deref(),
            FacetName::Region => self.region.as_deref(),
            FacetName::Status => self.status.as_deref(),
            FacetName::DeliveryForm => self.delivery_form.as_deref(),
            FacetName::SceneCategory => self.scene_category.as_deref(),
        }
    }
}

/// Filters: for each facet, the accepted values (any of them); facets combine with AND.
/// An empty list means "no filter on this facet". Kinds are filtered by [`SearchRequest::kinds`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FacetFilters {
    pub provider: Vec<String>,
    pub domain: Vec<String>,
    pub grade: Vec<String>,
    pub share_type: Vec<String>,
    pub open_type: Vec<String>,
    pub update_frequency: Vec<String>,
    pub region: Vec<String>,
    pub status: Vec<String>,
    pub delivery_form: Vec<String>,
    pub scene_category: Vec<String>,
}

impl FacetFilters {
    pub fn get(&self, name: FacetName) -> &[String] {
        match name {
            FacetName::Kind | FacetName::Owner | FacetName::Tag | FacetName::Format => &[],
            FacetName::Provider => &self.provider,
            FacetName::Domain => &self.domain,
            FacetName::Grade => &self.grade,
            FacetName::ShareType => &self.share_type,
            FacetName::OpenType => &self.open_type,
            FacetName::UpdateFrequency => &self.update_frequency,
            FacetName::Region => &self.region,
            FacetName::Status => &self.status,
            FacetName::DeliveryForm => &self.delivery_form,
            FacetName::SceneCategory => &self.scene_category,
        }
    }

    /// The filter list of one facet, for builders (`Kind` has none: use `SearchRequest::kinds`;
    /// nor have the listing facets: use [`ListingRequest::required`]).
    pub fn get_mut(&mut self, name: FacetName) -> Option<&mut Vec<String>> {
        Some(match name {
            FacetName::Kind | FacetName::Owner | FacetName::Tag | FacetName::Format => return None,
            FacetName::Provider => &mut self.provider,
            FacetName::Domain => &mut self.domain,
            FacetName::Grade => &mut self.grade,
            FacetName::ShareType => &mut self.share_type,
            FacetName::OpenType => &mut self.open_type,
            FacetName::UpdateFrequency => &mut self.update_frequency,
            FacetName::Region => &mut self.region,
            FacetName::Status => &mut self.status,
            FacetName::DeliveryForm => &mut self.delivery_form,
            FacetName::SceneCategory => &mut self.scene_category,
        })
    }
}

/// One searchable document, derived from a catalog entity by the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchDoc {
    pub id: EntryId,
    pub kind: EntityKind,
    pub title: String,
    /// Summary, descriptions, data-item names… already filtered to what may be shown.
    pub body: String,
    pub tags: Vec<String>,
    pub facets: Facets,
    /// `"public"` and/or `"org:<uuid>"`; a document with neither is visible to nobody.
    pub visible_to: Vec<String>,
    /// Unix seconds.
    pub updated_at: i64,
    /// Canonical path, e.g. `/resources/<uuid>`.
    pub url: String,
    /// Identifiers that name this entry (resource code, USCC, registration query code): a query
    /// that is one of them, in any form, finds it first (`code_key`).
    #[serde(default)]
    pub codes: Vec<String>,
    /// Names of the places the entry is about, from the province down (四川省, 成都市, 武侯区):
    /// searchable like its text, so 成都 不动产 finds Chengdu's entries that do not name the city.
    #[serde(default)]
    pub places: Vec<String>,
}

/// Who is searching.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Viewer {
    #[default]
    Anonymous,
    /// The caller's organization uuid: sees its own non-public documents too.
    Organization(String),
}

impl Viewer {
    /// The visibility values this viewer may read.
    pub fn visibility_values(&self) -> Vec<String> {
        match self {
            Viewer::Anonymous => vec![PUBLIC.to_owned()],
            // An empty or blank id would name nobody's documents; treat it as anonymous.
            Viewer::Organization(org) if org.trim().is_empty() => vec![PUBLIC.to_owned()],
            Viewer::Organization(org) => vec![PUBLIC.to_owned(), org_visibility(org)],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    #[default]
    Relevance,
    UpdatedDesc,
}

impl FromStr for SortOrder {
    type Err = SearchError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "relevance" => Ok(SortOrder::Relevance),
            "updated_desc" | "updated" | "-updated" => Ok(SortOrder::UpdatedDesc),
            _ => Err(SearchError::InvalidRequest {
                field: "sort".into(),
                message: format!("不支持的排序方式：{s}（可选 relevance、updated_desc）"),
            }),
        }
    }
}

/// Largest page a caller may ask for.
pub const MAX_LIMIT: usize = 100;

/// Text typed into a search box: at most [`QueryText::MAX_CHARS`] characters. Parsed once where
/// it arrives (the API, the portal, CKAN), so every surface refuses the same input with the same
/// message instead of each cutting it at its own length.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct QueryText(String);

impl QueryText {
    /// Nobody types more, and it bounds a query's work.
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: impl Into<String>) -> Result<QueryText, SearchError> {
        let raw = raw.into();
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(SearchError::InvalidRequest {
                field: "q".into(),
                message: format!("查询词最长 {} 个字符", Self::MAX_CHARS),
            });
        }
        Ok(QueryText(raw))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for QueryText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for QueryText {
    type Error = SearchError;
    fn try_from(raw: String) -> Result<Self, SearchError> {
        QueryText::parse(raw)
    }
}

impl From<QueryText> for String {
    fn from(q: QueryText) -> String {
        q.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// Free text as typed; `"quoted words"` must appear as an exact phrase. Never parsed as syntax.
    pub q: QueryText,
    /// Restrict to these kinds (any of them); empty = all kinds.
    pub kinds: Vec<EntityKind>,
    pub filters: FacetFilters,
    /// Ignored (listing is by `updated_desc`) when `q` has no searchable words.
    pub sort: SortOrder,
    /// 0..=100; 0 returns only `total` and facets.
    pub limit: usize,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub viewer: Viewer,
    /// Compute facet counts.
    pub facets: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: QueryText::default(),
            kinds: Vec::new(),
            filters: FacetFilters::default(),
            sort: SortOrder::Relevance,
            limit: 20,
            cursor: None,
            viewer: Viewer::Anonymous,
            facets: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Hit {
    pub id: EntryId,
    pub kind: EntityKind,
    pub title: String,
    /// HTML-escaped title with matches wrapped in `<mark>`.
    pub title_html: String,
    /// HTML-escaped excerpt of the body with matches wrapped in `<mark>`.
    pub snippet_html: String,
    pub url: String,
    pub score: f32,
    /// Last change, Unix seconds inside; RFC 3339 in JSON like every other time Mulu answers.
    #[serde(with = "rfc3339_seconds")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: i64,
    pub facets: Facets,
}

/// Unix seconds as an RFC 3339 UTC timestamp (`2026-03-02T08:00:00Z`).
mod rfc3339_seconds {
    use chrono::{DateTime, SecondsFormat};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(seconds: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        let time = DateTime::from_timestamp(*seconds, 0).unwrap_or_default();
        serializer.serialize_str(&time.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        let text = String::deserialize(deserializer)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|time| time.timestamp())
            .map_err(D::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
    /// True when `count` was estimated from a sample of a large result (show it as "about"); a
    /// value the sample counts below 100 is counted again exactly, as far as a search's budget
    /// for it goes.
    #[serde(default)]
    pub estimated: bool,
}

impl FacetCount {
    pub fn exact(value: String, count: u64) -> Self {
        FacetCount {
            value,
            count,
            estimated: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchResults {
    /// Number of matching documents visible to the viewer (all pages): exact, or, when
    /// `total_estimated`, estimated from a sample.
    pub total: u64,
    /// True when a one-word query ranked by relevance matched so many documents (well over
    /// 10,000) that only the first 10,000 were counted one by one and the rest estimated from a
    /// sample; show it as "about". Sorted by time, or with more than one word, totals are exact.
    #[serde(default)]
    pub total_estimated: bool,
    pub hits: Vec<Hit>,
    /// Facet name → values by count. A facet under filter counts as if its own filter were off,
    /// so the caller can offer the alternatives.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    /// True when the query matched so many documents (well over 10,000) that facet counts were
    /// estimated from a sample of them instead of counted one by one.
    #[serde(default)]
    pub facets_estimated: bool,
    pub next_cursor: Option<String>,
    pub did_you_mean: Option<String>,
    /// True when no document matched every word and the results match only most of them.
    pub relaxed: bool,
    /// True when no document held a word as typed and the results hold a word that sounds the
    /// same (an input-method slip: 不洞产 for 不动产); `did_you_mean` spells the query as found.
    #[serde(default)]
    pub by_sound: bool,
    /// True when the query is an identifier (resource code, USCC, registration query code) and
    /// the hits are the entries it names; a page may go straight to a single one.
    #[serde(default)]
    pub exact_code: bool,
    /// True while the index is being rebuilt from the database (after a start on an empty
    /// index): totals, facets and hits cover only what it holds so far.
    #[serde(default)]
    pub partial: bool,
}

/// One suggest-as-you-type completion: a title visible to the viewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub text: String,
    /// Escaped title with the typed part wrapped in `<mark>`.
    pub html: String,
    pub id: EntryId,
    pub kind: EntityKind,
    pub url: String,
}

/// One unit of work for the writer. Batches apply in order; within a batch removals come after the
/// upserts, so an id listed in both ends up removed (fail closed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeBatch {
    pub upserts: Vec<SearchDoc>,
    pub removals: Vec<EntryId>,
    /// The change-log sequence number this batch brings the index up to (stored on commit).
    pub up_to_seq: Option<i64>,
    /// Delete every document first (reindex). A reset batch is committed at once, together with its
    /// upserts, so readers never see a half-built index if the whole corpus is in this one batch.
    /// It also forgets the sequence number: send the position the rebuild reached with its LAST
    /// batch, so that a crash in between leaves an index without one (rebuilt at the next start).
    pub reset: bool,
}

/// Largest page of a listing (CKAN's `rows` maximum).
pub const MAX_LISTING_LIMIT: usize = 1000;

/// The orders of a listing: relevance, or one of the [`Listing`] values (ties broken by a stable
/// hash of the document id, so every order is total and offset paging sees each match once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListingSort {
    /// Best match first; newest first when `q` has no searchable words.
    #[default]
    Relevance,
    ModifiedAsc,
    ModifiedDesc,
    /// By the package id (the uuid in `<kind>:<uuid>`).
    IdAsc,
    IdDesc,
    /// By [`Listing::name`] (documents without one first).
    NameAsc,
    NameDesc,
}

/// A catalog listing (the CKAN API's `package_search`): every match counted exactly (never
/// estimated), facets counted over every match, one page by offset in a total order, ids only.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListingRequest {
    /// Free text as in [`SearchRequest::q`]; empty lists every document the filters let through.
    pub q: QueryText,
    /// Restrict to these kinds (any of them); empty = all kinds.
    pub kinds: Vec<EntityKind>,
    pub viewer: Viewer,
    /// Each pair must hold: the document carries this value of this facet (two values of a
    /// one-value facet match nothing).
    pub required: Vec<(FacetName, String)>,
    /// Only documents modified at or after this instant, in microseconds since the epoch (see
    /// [`Listing::modified_micros`]).
    pub modified_since: Option<i64>,
    pub sort: ListingSort,
    /// Matches skipped before the page.
    pub offset: usize,
    /// 0..=[`MAX_LISTING_LIMIT`]; 0 returns only `total` and facets.
    pub limit: usize,
    /// Facets to count (any of [`FacetName::INDEXED`]).
    pub facets: Vec<FacetName>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListingResults {
    /// Exact number of matches.
    pub total: u64,
    /// The page's document ids, in order.
    pub ids: Vec<EntryId>,
    /// For each facet asked for: every value the matches carry, by count (most first), then value.
    pub facets: BTreeMap<FacetName, Vec<FacetCount>>,
    /// True when no document matched every word and the results match only most of them.
    pub relaxed: bool,
}
