//! DCAT-AP 3 graphs of the public catalog, built as RDF (oxrdf) and serialized as Turtle (oxttl)
//! or JSON-LD (oxjsonld). Resources and registered products are both `dcat:Dataset`s of one
//! catalog, told apart by `dct:type` (a concept of `{base}/vocab/kind`); every node an object
//! property points to is typed in the same document, as DCAT-AP's range shapes require.

use std::collections::HashMap;

use catalog::domain::RegionCode;
use catalog::domain::organization::Organization;
use catalog::{PublicEntry, PublicItem};
use chrono::{DateTime, SecondsFormat, Utc};
use oxrdf::vocab::{rdf, rdfs, xsd};
use oxrdf::{Graph, GraphNameRef, Literal, NamedNode, Term, Triple};
use uuid::Uuid;

use super::landing_page;
use super::period::coverage_period;
use super::vocab::{self, Licence, PublisherType, Scheme};

const DCAT: &str = "http://www.w3.org/ns/dcat#";
const DCT: &str = "http://purl.org/dc/terms/";
const FOAF: &str = "http://xmlns.com/foaf/0.1/";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";
const PROV: &str = "http://www.w3.org/ns/prov#";
const ADMS: &str = "http://www.w3.org/ns/adms#";
const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
const DCATAP: &str = "http://data.europa.eu/r5r/";
const EU_AUTHORITY: &str = "http://publications.europa.eu/resource/authority/";

/// Prefixes for readable Turtle / compact JSON-LD.
pub const PREFIXES: [(&str, &str); 12] = [
    ("dcat", DCAT),
    ("dct", DCT),
    ("foaf", FOAF),
    ("skos", SKOS),
    ("hydra", HYDRA),
    ("prov", PROV),
    ("adms", ADMS),
    ("vcard", VCARD),
    ("dcatap", DCATAP),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
];

/// Paging of a catalog document (Hydra `PartialCollectionView`).
pub struct View {
    /// This page's address, and the first, previous, next and last pages'.
    pub this: String,
    pub first: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub last: String,
    pub total: i64,
}

/// What a page's datasets point to, read beforehand: their publishers and, for products, the
/// GB/T 4754 sections of the resources they are built from (a product's themes).
#[derive(Default)]
pub struct Related {
    pub owners: HashMap<Uuid, Organization>,
    pub sections: HashMap<Uuid, String>,
}

/// Collects triples; the base URL is the configured public URL, checked at start-up to be a plain
/// http(s) URL (`WebArgs::config`), never the request's `Host`.
pub struct DcatGraph {
    base: String,
    graph: Graph,
}

fn term(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

fn zh(text: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(text, "zh")
}

fn date_time(t: DateTime<Utc>) -> Literal {
    Literal::new_typed_literal(
        t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        xsd::DATE_TIME,
    )
}

impl DcatGraph {
    pub fn new(base: &str) -> Self {
        DcatGraph {
            base: base.to_owned(),
            graph: Graph::new(),
        }
    }

    fn iri(&self, path: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{path}", self.base))
    }

    fn add(&mut self, s: &NamedNode, p: NamedNode, o: impl Into<Term>) {
        self.graph.insert(&Triple::new(s.clone(), p, o));
    }

    fn typed(&mut self, s: &NamedNode, class: NamedNode) {
        self.add(s, rdf::TYPE.into_owned(), class);
    }

    pub fn catalog_iri(&self) -> NamedNode {
        self.iri("/catalog")
    }

    pub fn dataset_iri(&self, id: Uuid) -> NamedNode {
        self.iri(&format!("/datasets/{id}"))
    }

    /// The catalog node with its mandatory and recommended properties, the theme taxonomy and,
    /// when paged, the Hydra view. `issued` is when its oldest entry entered it, `modified` its
    /// newest change.
    pub fn catalog(
        &mut self,
        issued: Option<DateTime<Utc>>,
        modified: Option<DateTime<Utc>>,
        view: Option<&View>,
    ) {
        let catalog = self.catalog_iri();
        self.typed(&catalog, term(DCAT, "Catalog"));
        self.add(
            &catalog,
            term(DCT, "title"),
            zh("目录 Mulu 公共数据资源目录"),
        );
        self.add(
            &catalog,
            term(DCT, "title"),
            Literal::new_language_tagged_literal_unchecked(
                "Mulu catalog of public data resources",
                "en",
            ),
        );
        self.add(
            &catalog,
            term(DCT, "description"),
            zh("公共数据资源授权运营：已发布的公共数据资源目录条目和已登记的公共数据产品和服务（仅元数据，原始数据不出域）。"),
        );
        let publisher = self.iri("/catalog#publisher");
        self.add(&catalog, term(DCT, "publisher"), publisher.clone());
        self.typed(&publisher, term(FOAF, "Agent"));
        self.add(
            &publisher,
            term(FOAF, "name"),
            zh("目录 Mulu 公共数据资源目录平台"),
        );
        // Run by the data administration that deploys it (a province's data bureau).
        let platform = PublisherType::RegionalAuthority;
        let kind = self.external_concept(platform.iri(), platform.label());
        self.add(&publisher, term(DCT, "type"), kind);
        let home = self.iri("/");
        self.add(&catalog, term(FOAF, "homepage"), home.clone());
        self.typed(&home, term(FOAF, "Document"));
        let language = NamedNode::new_unchecked(
            "http://publications.europa.eu/resource/authority/language/ZHO",
        );
        self.add(&catalog, term(DCT, "language"), language.clone());
        self.typed(&language, term(DCT, "LinguisticSystem"));
        let sections = vocab::scheme("gbt4754").expect("a scheme of vocab::SCHEMES");
        let scheme = self.scheme(sections);
        self.add(&catalog, term(DCAT, "themeTaxonomy"), scheme);
        if let Some(issued) = issued {
            self.add(&catalog, term(DCT, "issued"), date_time(issued));
        }
        if let Some(modified) = modified {
            self.add(&catalog, term(DCT, "modified"), date_time(modified));
        }
        let licence = self.licence(&vocab::METADATA);
        self.add(&catalog, term(DCT, "license"), licence);
        // Entries come from every region of the country (a deployment may hold several
        // provinces); each dataset names its own region.
        let country = NamedNode::new_unchecked(format!("{EU_AUTHORITY}country/CHN"));
        self.add(&catalog, term(DCT, "spatial"), country.clone());
        self.typed(&country, term(DCT, "Location"));
        self.add(&country, term(SKOS, "prefLabel"), zh("中华人民共和国"));
        if let Some(view) = view {
            self.typed(&catalog, term(HYDRA, "Collection"));
            self.add(
                &catalog,
                term(HYDRA, "totalItems"),
                Literal::new_typed_literal(view.total.to_string(), xsd::INTEGER),
            );
            let this = NamedNode::new_unchecked(view.this.clone());
            self.add(&catalog, term(HYDRA, "view"), this.clone());
            self.typed(&this, term(HYDRA, "PartialCollectionView"));
            let links = [
                ("first", Some(&view.first)),
                ("previous", view.previous.as_ref()),
                ("next", view.next.as_ref()),
                ("last", Some(&view.last)),
            ];
            for (name, link) in links {
                if let Some(link) = link {
                    self.add(
                        &this,
                        term(HYDRA, name),
                        NamedNode::new_unchecked(link.clone()),
                    );
                }
            }
        }
    }

    fn agent(&mut self, org: &Organization) -> NamedNode {
        let agent = self.iri(&format!("/organizations/{}", org.uscc.as_str()));
        self.typed(&agent, term(FOAF, "Agent"));
        self.add(&agent, term(FOAF, "name"), zh(&org.name));
        self.add(
            &agent,
            term(DCT, "identifier"),
            Literal::new_simple_literal(org.uscc.as_str()),
        );
        let kind = PublisherType::of(org);
        let kind = self.external_concept(kind.iri(), kind.label());
        self.add(&agent, term(DCT, "type"), kind);
        agent
    }

    /// Where the public reaches the organization responsible for a dataset: its public page.
    /// Contact persons, phones and e-mails are internal (`Contact`) and never exported.
    fn contact_point(&mut self, org: &Organization) -> NamedNode {
        let page = self.iri(&format!("/organizations/{}", org.uscc.as_str()));
        let contact = NamedNode::new_unchecked(format!("{}#contact", page.as_str()));
        self.typed(&contact, term(VCARD, "Kind"));
        self.typed(&contact, term(VCARD, "Organization"));
        self.add(&contact, term(VCARD, "fn"), zh(&org.name));
        self.add(&contact, term(VCARD, "hasURL"), page);
        contact
    }

    /// A concept of a vocabulary kept elsewhere (EU authority tables, ADMS), typed and labelled
    /// here as DCAT-AP's range shapes require.
    fn external_concept(&mut self, iri: &str, label: &str) -> NamedNode {
        let concept = NamedNode::new_unchecked(iri);
        self.typed(&concept, term(SKOS, "Concept"));
        self.add(&concept, term(SKOS, "prefLabel"), zh(label));
        concept
    }

    /// A licence document of `vocab::LICENCES` with its ADMS licence type.
    pub fn licence(&mut self, licence: &Licence) -> NamedNode {
        let node = self.iri(&format!("/vocab/licence/{}", licence.id));
        self.typed(&node, term(DCT, "LicenseDocument"));
        self.add(&node, term(DCT, "title"), zh(licence.title));
        self.add(&node, term(DCT, "description"), zh(licence.summary));
        let kind = self.external_concept(licence.kind.iri(), licence.kind.label());
        self.add(&node, term(DCT, "type"), kind);
        node
    }

    /// A GB/T 2260 division as a `dct:Location`.
    pub fn place(&mut self, region: &RegionCode) -> NamedNode {
        let place = self.iri(&format!("/vocab/region/{}", region.as_str()));
        self.typed(&place, term(DCT, "Location"));
        self.add(
            &place,
            term(SKOS, "notation"),
            Literal::new_simple_literal(region.as_str()),
        );
        self.add(&place, term(SKOS, "prefLabel"), zh(&region.full_name()));
        place
    }

    /// A media type or extent of `{base}/vocab/format/{slug}`.
    pub fn format(&mut self, format: &str) -> NamedNode {
        let slug: String =
            url::form_urlencoded::byte_serialize(format.to_lowercase().as_bytes()).collect();
        let node = self.iri(&format!("/vocab/format/{slug}"));
        self.typed(&node, term(DCT, "MediaTypeOrExtent"));
        self.add(
            &node,
            rdfs::LABEL.into_owned(),
            Literal::new_simple_literal(format),
        );
        node
    }

    /// A concept scheme of `vocab::SCHEMES`.
    pub fn scheme(&mut self, scheme: &Scheme) -> NamedNode {
        let node = self.iri(&format!("/vocab/{}", scheme.id));
        self.typed(&node, term(SKOS, "ConceptScheme"));
        self.add(&node, term(DCT, "title"), zh(scheme.title));
        self.add(&node, term(DCT, "description"), zh(scheme.note));
        node
    }

    pub fn top_concept(&mut self, scheme: &NamedNode, concept: NamedNode) {
        self.add(scheme, term(SKOS, "hasTopConcept"), concept);
    }

    pub fn concept(&mut self, scheme: &str, code: &str, label: &str) -> NamedNode {
        let concept = self.iri(&format!("/vocab/{scheme}/{code}"));
        self.typed(&concept, term(SKOS, "Concept"));
        self.add(&concept, term(SKOS, "prefLabel"), zh(label));
        self.add(
            &concept,
            term(SKOS, "notation"),
            Literal::new_simple_literal(code),
        );
        let scheme = self.iri(&format!("/vocab/{scheme}"));
        self.add(&concept, term(SKOS, "inScheme"), scheme);
        concept
    }

    /// A distribution: the landing page, where the terms and how to apply are shown (raw data
    /// never leaves its domain). Landing pages stay (nothing is hard-deleted): `STABLE`.
    fn distribution(
        &mut self,
        dataset: &NamedNode,
        n: usize,
        access: &NamedNode,
        title: &str,
        format: Option<&str>,
        licence: &Licence,
    ) {
        let dist = NamedNode::new_unchecked(format!("{}#distribution-{n}", dataset.as_str()));
        self.add(dataset, term(DCAT, "distribution"), dist.clone());
        self.typed(&dist, term(DCAT, "Distribution"));
        self.add(&dist, term(DCAT, "accessURL"), access.clone());
        self.add(&dist, term(DCT, "title"), zh(title));
        self.add(
            &dist,
            term(DCT, "description"),
            zh("Mulu 只登记元数据，原始数据不出域：请在落地页查看共享/开放条件并申请使用。"),
        );
        let format = match format.map(str::trim).filter(|f| !f.is_empty()) {
            Some(format) => self.format(format),
            // What the access URL gives: the landing page.
            None => {
                let html = NamedNode::new_unchecked(format!("{EU_AUTHORITY}file-type/HTML"));
                self.typed(&html, term(DCT, "MediaTypeOrExtent"));
                self.add(
                    &html,
                    rdfs::LABEL.into_owned(),
                    Literal::new_simple_literal("HTML"),
                );
                html
            }
        };
        self.add(&dist, term(DCT, "format"), format);
        let licence = self.licence(licence);
        self.add(&dist, term(DCT, "license"), licence);
        let stable = self.external_concept(
            &format!("{EU_AUTHORITY}planned-availability/STABLE"),
            "长期可用",
        );
        self.add(&dist, term(DCATAP, "availability"), stable);
    }

    /// One dataset with everything it points to; `in_catalog` links it from the catalog node.
    pub fn dataset(&mut self, entry: &PublicEntry, related: &Related, in_catalog: bool) {
        let id = entry.id();
        let ds = self.dataset_iri(id);
        if in_catalog {
            let catalog = self.catalog_iri();
            self.add(&catalog, term(DCAT, "dataset"), ds.clone());
        }
        self.typed(&ds, term(DCAT, "Dataset"));
        self.add(&ds, term(DCT, "modified"), date_time(entry.modified));
        if let Some(org) = related.owners.get(&entry.owner()) {
            let agent = self.agent(org);
            self.add(&ds, term(DCT, "publisher"), agent);
            let contact = self.contact_point(org);
            self.add(&ds, term(DCAT, "contactPoint"), contact);
        }
        let page = NamedNode::new_unchecked(landing_page(&self.base, entry));
        self.add(&ds, term(DCAT, "landingPage"), page.clone());
        self.typed(&page, term(FOAF, "Document"));
        match &entry.item {
            PublicItem::Resource(r) => {
                let c = &r.content;
                let kind = self.concept("kind", "resource", "公共数据资源");
                self.add(&ds, term(DCT, "type"), kind);
                self.add(&ds, term(DCT, "title"), zh(&c.name));
                self.add(&ds, term(DCT, "description"), zh(&c.summary));
                self.add(
                    &ds,
                    term(DCT, "identifier"),
                    Literal::new_simple_literal(r.code.as_str()),
                );
                self.add(
                    &ds,
                    term(DCAT, "version"),
                    Literal::new_simple_literal(r.version.to_string()),
                );
                match c.release_date {
                    Some(d) => self.add(
                        &ds,
                        term(DCT, "issued"),
                        Literal::new_typed_literal(d.to_string(), xsd::DATE),
                    ),
                    None => self.add(&ds, term(DCT, "issued"), date_time(r.published_at)),
                }
                // Tags, then the provider's theme and category path: the words the entry is
                // filed under.
                let mut keywords: Vec<&str> = Vec::new();
                for k in c.tags.iter().chain(&c.theme).chain(&c.category_path) {
                    let k = k.trim();
                    if !k.is_empty() && !keywords.contains(&k) {
                        keywords.push(k);
                    }
                }
                for k in keywords {
                    self.add(&ds, term(DCAT, "keyword"), zh(k));
                }
                if let Some(letter) = &c.domain {
                    self.theme(&ds, letter);
                }
                // The page the entry was imported from (a provider's own portal): its
                // documentation (DCAT-AP `foaf:page`); the landing page stays ours.
                if let Some(source) = c
                    .source_url
                    .as_deref()
                    .and_then(|url| NamedNode::new(url).ok())
                {
                    self.add(&ds, term(FOAF, "page"), source.clone());
                    self.typed(&source, term(FOAF, "Document"));
                }
                let freq = NamedNode::new_unchecked(vocab::frequency_iri(c.update_frequency));
                self.add(&ds, term(DCT, "accrualPeriodicity"), freq.clone());
                self.typed(&freq, term(DCT, "Frequency"));
                self.add(
                    &freq,
                    term(SKOS, "prefLabel"),
                    zh(c.update_frequency.as_str()),
                );
                // The region the data covers; unstated, the region the resource is catalogued
                // in (its code's first six digits).
                let region = c.coverage_region.clone().unwrap_or_else(|| r.code.region());
                let place = self.place(&region);
                self.add(&ds, term(DCT, "spatial"), place);
                if let Some(period) = c.coverage_time.as_deref().and_then(coverage_period) {
                    let node = NamedNode::new_unchecked(format!("{}#coverage-time", ds.as_str()));
                    self.add(&ds, term(DCT, "temporal"), node.clone());
                    self.typed(&node, term(DCT, "PeriodOfTime"));
                    if let Some(start) = period.start {
                        self.add(&node, term(DCAT, "startDate"), start.literal());
                    }
                    if let Some(end) = period.end {
                        self.add(&node, term(DCAT, "endDate"), end.literal());
                    }
                }
                let rights = NamedNode::new_unchecked(format!("{}#access-rights", ds.as_str()));
                self.add(&ds, term(DCT, "accessRights"), rights.clone());
                self.typed(&rights, term(DCT, "RightsStatement"));
                let mut label = format!("{}；{}", c.share_type, c.open_type);
                for condition in [&c.share_condition, &c.open_condition, &c.usage_restrictions]
                    .into_iter()
                    .flatten()
                {
                    label.push('；');
                    label.push_str(condition);
                }
                self.add(&rights, rdfs::LABEL.into_owned(), zh(&label));
                let licence = vocab::resource_licence(c.open_type);
                if c.formats.is_empty() {
                    self.distribution(&ds, 0, &page, "目录信息", None, licence);
                }
                for (n, format) in c.formats.iter().enumerate() {
                    self.distribution(&ds, n, &page, format, Some(format), licence);
                }
            }
            PublicItem::Product(p) => {
                let d = &p.product.details;
                // The registration result (R 13): its query code and whether it stands.
                if let Some(r) = &p.registration {
                    if let Some(code) = &r.query_code {
                        self.add(
                            &ds,
                            term(DCT, "identifier"),
                            Literal::new_simple_literal(code.as_str()),
                        );
                        // Registered where its data was authorized: that region's public data.
                        let place = self.place(&code.region());
                        self.add(&ds, term(DCT, "spatial"), place);
                    }
                    let standing = self.concept(
                        "registration-standing",
                        r.standing.slug(),
                        r.standing.label(),
                    );
                    self.add(&ds, term(ADMS, "status"), standing);
                }
                let kind = self.concept("kind", "product", "公共数据产品和服务");
                self.add(&ds, term(DCT, "type"), kind);
                self.add(&ds, term(DCT, "title"), zh(&d.name));
                self.add(&ds, term(DCT, "description"), zh(&d.summary));
                self.add(
                    &ds,
                    term(DCT, "identifier"),
                    Literal::new_simple_literal(p.product.id.to_string()),
                );
                self.add(&ds, term(DCT, "issued"), date_time(entry.created));
                for s in d
                    .applicable_scenarios
                    .iter()
                    .filter(|s| !s.trim().is_empty())
                {
                    self.add(&ds, term(DCAT, "keyword"), zh(s));
                }
                for source in &d.source_resource_ids {
                    if let Some(letter) = related.sections.get(source) {
                        self.theme(&ds, letter);
                    }
                    let source = self.dataset_iri(*source);
                    self.add(&ds, term(PROV, "wasDerivedFrom"), source);
                }
                let form = serde_json::to_value(d.delivery_form).unwrap_or_default();
                let form = form.as_str().unwrap_or("产品");
                self.distribution(&ds, 0, &page, form, None, vocab::product_licence());
            }
        }
    }

    fn theme(&mut self, dataset: &NamedNode, letter: &str) {
        if let Some(name) = vocab::section_name(letter) {
            let theme = self.concept("gbt4754", letter, name);
            self.add(dataset, term(DCAT, "theme"), theme);
        }
    }

    /// Turtle with prefixes.
    pub fn to_turtle(&self) -> std::io::Result<Vec<u8>> {
        let mut serializer = oxttl::TurtleSerializer::new();
        for (prefix, iri) in PREFIXES {
            serializer = serializer
                .with_prefix(prefix, iri)
                .map_err(std::io::Error::other)?;
        }
        let mut writer = serializer.for_writer(Vec::new());
        for triple in self.graph.iter() {
            writer.serialize_triple(triple)?;
        }
        writer.finish()
    }

    /// JSON-LD with the same prefixes in its context.
    pub fn to_json_ld(&self) -> std::io::Result<Vec<u8>> {
        let mut serializer = oxjsonld::JsonLdSerializer::new();
        for (prefix, iri) in PREFIXES {
            serializer = serializer
                .with_prefix(prefix, iri)
                .map_err(std::io::Error::other)?;
        }
        let mut writer = serializer.for_writer(Vec::new());
        for triple in self.graph.iter() {
            writer.serialize_quad(triple.in_graph(GraphNameRef::DefaultGraph))?;
        }
        writer.finish()
    }
}
