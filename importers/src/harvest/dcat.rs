//! DCAT catalogs (DCAT-AP, data.gov-style) as Turtle or JSON-LD: every `dcat:Dataset` of each
//! page becomes a draft; pages are followed through Hydra's `hydra:next` (or the older
//! `hydra:nextPage`) until there is none.

use std::collections::HashSet;

use catalog::domain::resource::ResourceContent;
use catalog::domain::{Grade, GradeLevel, OpenType, ShareType};
use oxrdf::vocab::rdf;
use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNodeRef, TermRef};

use super::{DEFAULT_MAX_PAGES, Harvest, HarvestError, Notes, fetch, format_name, push_unique};
use crate::corpus::Mapped;

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";
const ACCEPT: &str = "text/turtle, application/ld+json;q=0.9, application/json;q=0.5";

/// Harvest a DCAT catalog from `url`, following Hydra paging for at most `max_pages` pages.
pub async fn harvest(
    client: &reqwest::Client,
    url: &str,
    max_pages: Option<usize>,
) -> Result<Harvest, HarvestError> {
    let mut harvest = Harvest::default();
    let mut next = Some(url.to_string());
    let mut seen = HashSet::new();
    while let Some(page_url) = next.take() {
        if !seen.insert(page_url.clone()) || harvest.pages >= max_pages.unwrap_or(DEFAULT_MAX_PAGES)
        {
            break;
        }
        let (bytes, media_type) = fetch(client, &page_url, ACCEPT).await?;
        let graph = parse(&bytes, &media_type, &page_url)?;
        harvest.pages += 1;
        for mapped in datasets(&graph) {
            harvest.push(Ok(mapped));
        }
        next = next_page(&graph);
    }
    Ok(harvest)
}

/// Parse one page, Turtle or JSON-LD by media type (by its first character when unlabeled).
pub fn parse(bytes: &[u8], media_type: &str, base: &str) -> Result<Graph, HarvestError> {
    let format_error = |message: String| HarvestError::Format {
        url: base.to_string(),
        message,
    };
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let json = media_type.contains("json")
        || (!media_type.contains("turtle") && matches!(first, Some(b'{' | b'[')));
    let mut graph = Graph::new();
    if json {
        let parser = oxjsonld::JsonLdParser::new()
            .with_base_iri(base)
            .map_err(|e| format_error(e.to_string()))?;
        for quad in parser.for_slice(bytes) {
            let quad = quad.map_err(|e| format_error(format!("JSON-LD：{e}")))?;
            graph.insert(&oxrdf::Triple::new(
                quad.subject,
                quad.predicate,
                quad.object,
            ));
        }
    } else {
        let parser = oxttl::TurtleParser::new()
            .with_base_iri(base)
            .map_err(|e| format_error(e.to_string()))?;
        for triple in parser.for_slice(bytes) {
            graph.insert(&triple.map_err(|e| format_error(format!("Turtle：{e}")))?);
        }
    }
    Ok(graph)
}

fn term(ns: &str, local: &str) -> String {
    format!("{ns}{local}")
}

/// The IRI of the next page, if the page says so.
pub fn next_page(graph: &Graph) -> Option<String> {
    for local in ["next", "nextPage"] {
        let predicate = term(HYDRA, local);
        let predicate = NamedNodeRef::new_unchecked(&predicate);
        if let Some(t) = graph.triples_for_predicate(predicate).next()
            && let TermRef::NamedNode(n) = t.object
        {
            return Some(n.as_str().to_string());
        }
    }
    None
}

/// Every `dcat:Dataset` of the page, in a stable order (by IRI).
pub fn datasets(graph: &Graph) -> Vec<Mapped> {
    let dataset_type = term(DCAT, "Dataset");
    let mut subjects: Vec<NamedOrBlankNodeRef> = graph
        .subjects_for_predicate_object(rdf::TYPE, NamedNodeRef::new_unchecked(&dataset_type))
        .collect();
    subjects.sort_by_key(|s| s.to_string());
    subjects.into_iter().map(|s| map(graph, s)).collect()
}

struct View<'a> {
    graph: &'a Graph,
}

impl<'a> View<'a> {
    fn objects(&self, s: NamedOrBlankNodeRef<'a>, ns: &str, local: &str) -> Vec<TermRef<'a>> {
        let p = term(ns, local);
        self.graph
            .objects_for_subject_predicate(s, NamedNodeRef::new_unchecked(&p))
            .collect()
    }

    /// Text of a literal, preferring Chinese, then untagged, then any language.
    fn text(&self, s: NamedOrBlankNodeRef<'a>, ns: &str, local: &str) -> Option<String> {
        let literals: Vec<_> = self
            .objects(s, ns, local)
            .into_iter()
            .filter_map(|t| match t {
                TermRef::Literal(l) => Some(l),
                _ => None,
            })
            .collect();
        let rank = |l: &oxrdf::LiteralRef| match l.language() {
            Some(lang) if lang.starts_with("zh") => 0,
            None => 1,
            Some(_) => 2,
        };
        literals
            .iter()
            .min_by_key(|l| rank(l))
            .map(|l| l.value().trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// A literal's text or an IRI.
    fn value(&self, s: NamedOrBlankNodeRef<'a>, ns: &str, local: &str) -> Option<String> {
        self.objects(s, ns, local)
            .into_iter()
            .find_map(|t| match t {
                TermRef::NamedNode(n) => Some(n.as_str().to_string()),
                TermRef::Literal(l) => Some(l.value().to_string()),
                _ => None,
            })
    }

    fn nodes(
        &self,
        s: NamedOrBlankNodeRef<'a>,
        ns: &str,
        local: &str,
    ) -> Vec<NamedOrBlankNodeRef<'a>> {
        self.objects(s, ns, local)
            .into_iter()
            .filter_map(|t| match t {
                TermRef::NamedNode(n) => Some(NamedOrBlankNodeRef::NamedNode(n)),
                TermRef::BlankNode(b) => Some(NamedOrBlankNodeRef::BlankNode(b)),
                _ => None,
            })
            .collect()
    }
}

fn map(graph: &Graph, s: NamedOrBlankNodeRef) -> Mapped {
    let v = View { graph };
    let mut notes = Notes::default();
    let name = v.text(s, DCT, "title").unwrap_or_default();
    let summary = match v.text(s, DCT, "description") {
        Some(d) => d,
        None => {
            notes.note("summary", "", &name);
            name.clone()
        }
    };
    let mut tags = Vec::new();
    for t in v.objects(s, DCAT, "keyword") {
        if let TermRef::Literal(l) = t {
            push_unique(&mut tags, l.value().trim().to_string());
        }
    }
    // A graph has no order: sort for stable drafts.
    tags.sort();
    let theme = v
        .nodes(s, DCAT, "theme")
        .into_iter()
        .next()
        .map(|t| match t {
            NamedOrBlankNodeRef::NamedNode(n) => v
                .text(t, "http://www.w3.org/2004/02/skos/core#", "prefLabel")
                .unwrap_or_else(|| local_name(n.as_str())),
            NamedOrBlankNodeRef::BlankNode(_) => v
                .text(t, "http://www.w3.org/2004/02/skos/core#", "prefLabel")
                .unwrap_or_default(),
        });
    let update_frequency = notes.frequency(v.value(s, DCT, "accrualPeriodicity").as_deref());
    let access = v.value(s, DCT, "accessRights").unwrap_or_default();
    let (open_type, open_condition) = match local_name(&access).to_ascii_uppercase().as_str() {
        "PUBLIC" => (OpenType::Unconditional, None),
        "NON_PUBLIC" => {
            notes.note("open_type", &access, "不予开放");
            (OpenType::None, None)
        }
        _ => {
            notes.note("open_type", &access, "有条件开放");
            let why = if access.is_empty() {
                "原目录未标注访问权限，按有条件开放处理".to_string()
            } else {
                format!("原目录访问权限：{access}")
            };
            (OpenType::Conditional, Some(why))
        }
    };
    let mut formats = Vec::new();
    for d in v.nodes(s, DCAT, "distribution") {
        for raw in [v.value(d, DCT, "format"), v.value(d, DCAT, "mediaType")]
            .into_iter()
            .flatten()
        {
            if let Some(f) = format_name(&raw) {
                push_unique(&mut formats, f);
            }
        }
    }
    formats.sort();
    let release_date = notes.date(v.value(s, DCT, "issued").as_deref());
    notes.note("grade", "", "一般数据");
    let provenance = match s {
        NamedOrBlankNodeRef::NamedNode(n) => Some(format!("采集自 DCAT 目录：{}", n.as_str())),
        NamedOrBlankNodeRef::BlankNode(_) => None,
    };
    // Its page on the source portal: the landing page, else the dataset's own address.
    let source_url = v
        .value(s, DCAT, "landingPage")
        .or_else(|| match s {
            NamedOrBlankNodeRef::NamedNode(n) => Some(n.as_str().to_string()),
            NamedOrBlankNodeRef::BlankNode(_) => None,
        })
        .filter(|u| super::is_web_address(u));
    Mapped {
        content: ResourceContent {
            name,
            summary,
            tags,
            domain: None,
            theme,
            category_path: Vec::new(),
            grade: Grade {
                level: GradeLevel::General,
                sub_level: None,
            },
            share_type: ShareType::Unconditional,
            share_condition: None,
            share_method: None,
            open_type,
            open_condition,
            update_frequency,
            formats,
            record_count: None,
            storage_size: None,
            coverage_time: v.value(s, DCT, "temporal").filter(|t| !t.starts_with('_')),
            coverage_region: None,
            usage_restrictions: v.value(s, DCT, "license").map(|l| format!("许可：{l}")),
            quality_notes: provenance,
            release_date,
            related_codes: Vec::new(),
            data_items: Vec::new(),
            source_url,
        },
        notes: notes.0,
    }
}

fn local_name(iri: &str) -> String {
    iri.rsplit(['/', '#']).next().unwrap_or(iri).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<catalog> a dcat:Catalog ; dcat:dataset <ds/1> .
<ds/1> a dcat:Dataset ;
    dct:title "Bus stops"@en, "公交站点"@zh ;
    dct:description "全市公交站点位置"@zh ;
    dcat:keyword "公交", "站点" ;
    dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/MONTHLY> ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
    dct:issued "2024-03-01T08:00:00Z" ;
    dcat:distribution [ a dcat:Distribution ; dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ] .
<catalog?page=1> a hydra:PartialCollectionView ; hydra:next <catalog?page=2> .
"#;

    #[test]
    fn turtle_datasets_map_and_the_next_page_is_found() {
        let graph = parse(PAGE.as_bytes(), "text/turtle", "http://example.org/").unwrap();
        let found = datasets(&graph);
        assert_eq!(found.len(), 1);
        let c = &found[0].content;
        assert_eq!(c.name, "公交站点");
        assert_eq!(c.summary, "全市公交站点位置");
        assert_eq!(c.tags, vec!["公交", "站点"]);
        assert_eq!(c.update_frequency.as_str(), "每月");
        assert_eq!(c.open_type, OpenType::Unconditional);
        assert_eq!(c.formats, vec!["csv"]);
        assert_eq!(c.release_date.unwrap().to_string(), "2024-03-01");
        // Without a landing page, the dataset's own address is its source page.
        assert_eq!(c.source_url.as_deref(), Some("http://example.org/ds/1"));
        c.validate().unwrap();
        assert_eq!(
            next_page(&graph).as_deref(),
            Some("http://example.org/catalog?page=2")
        );
    }

    #[test]
    fn broken_turtle_is_a_format_error() {
        let e = parse(b"<a> <b> .", "text/turtle", "http://example.org/").unwrap_err();
        assert!(matches!(e, HarvestError::Format { .. }));
    }
}
