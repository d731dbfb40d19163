//! The DCAT-AP 3 export on the real server: Turtle and JSON-LD parse back (oxttl, oxjsonld), Hydra
//! paging links lead through every dataset exactly once, titles are tagged `@zh`, modified_since
//! filters, per-dataset documents exist — and nothing unpublished is exported.

use std::collections::BTreeSet;

use oxrdf::{NamedNode, Term, Triple};
use reqwest::StatusCode;

use crate::ckan::{DRAFT_MARKER, EDIT_MARKER, fixture};

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const DCAT_DATASET: &str = "http://www.w3.org/ns/dcat#Dataset";
const DCT_TITLE: &str = "http://purl.org/dc/terms/title";
const DCT_MODIFIED: &str = "http://purl.org/dc/terms/modified";
const HYDRA: &str = "http://www.w3.org/ns/hydra/core#";

async fn fetch(http: &reqwest::Client, url: &str) -> (StatusCode, String, String) {
    let response = http.get(url).send().await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

/// GET `url` asking for `accept`.
async fn get_as(http: &reqwest::Client, url: &str, accept: &str) -> reqwest::Response {
    http.get(url).header("accept", accept).send().await.unwrap()
}

fn turtle(text: &str) -> Vec<Triple> {
    oxttl::TurtleParser::new()
        .for_slice(text.as_bytes())
        .collect::<Result<_, _>>()
        .expect("valid Turtle")
}

fn json_ld(text: &str) -> Vec<Triple> {
    oxjsonld::JsonLdParser::new()
        .for_slice(text.as_bytes())
        .map(|q| q.map(Triple::from))
        .collect::<Result<_, _>>()
        .expect("valid JSON-LD")
}

fn objects<'a>(triples: &'a [Triple], predicate: &str) -> impl Iterator<Item = &'a Term> {
    triples
        .iter()
        .filter(move |t| t.predicate.as_str() == predicate)
        .map(|t| &t.object)
}

fn datasets(triples: &[Triple]) -> BTreeSet<String> {
    triples
        .iter()
        .filter(|t| {
            t.predicate.as_str() == RDF_TYPE
                && t.object == Term::from(NamedNode::new_unchecked(DCAT_DATASET))
        })
        .map(|t| t.subject.to_string())
        .collect()
}

fn link(triples: &[Triple], name: &str) -> Option<String> {
    objects(triples, &format!("{HYDRA}{name}"))
        .next()
        .map(|t| match t {
            Term::NamedNode(n) => n.as_str().to_owned(),
            other => panic!("hydra:{name} is not an IRI: {other}"),
        })
}

/// Follows hydra:next from `first` to the end; every page's datasets, and the total announced.
async fn walk(
    http: &reqwest::Client,
    first: &str,
    parse: fn(&str) -> Vec<Triple>,
) -> (Vec<Vec<Triple>>, i64) {
    let mut pages = Vec::new();
    let mut url = Some(first.to_owned());
    let mut total = None;
    while let Some(current) = url {
        assert!(pages.len() < 100, "hydra:next does not end");
        let (s, _, body) = fetch(http, &current).await;
        assert_eq!(s, StatusCode::OK, "{current}: {body}");
        let triples = parse(&body);
        let announced: i64 = match objects(&triples, &format!("{HYDRA}totalItems")).next() {
            Some(Term::Literal(l)) => l.value().parse().unwrap(),
            other => panic!("no hydra:totalItems: {other:?}"),
        };
        assert_eq!(*total.get_or_insert(announced), announced);
        assert!(link(&triples, "first").is_some() && link(&triples, "last").is_some());
        url = link(&triples, "next");
        pages.push(triples);
    }
    (pages, total.unwrap())
}

#[tokio::test]
async fn catalog_pages_parse_back_with_zh_titles_and_no_drafts() {
    let f = fixture().await;
    let http = &f.api.http;
    let base = &f.api.server.base;
    for (ext, parse) in [
        ("ttl", turtle as fn(&str) -> Vec<Triple>),
        ("jsonld", json_ld),
    ] {
        let (pages, total) = walk(http, &format!("{base}/catalog.{ext}?page_size=3"), parse).await;
        assert_eq!(total, f.published.len() as i64);
        assert_eq!(pages.len(), 3, "7 datasets in pages of 3");
        let mut seen = BTreeSet::new();
        for page in &pages {
            for d in datasets(page) {
                assert!(seen.insert(d.clone()), "{d} on two pages");
            }
            let text: String = page.iter().map(|t| t.to_string()).collect();
            assert!(
                !text.contains(DRAFT_MARKER) && !text.contains(EDIT_MARKER),
                "unpublished content exported"
            );
            // Every dataset's title is Chinese-tagged.
            for d in datasets(page) {
                let titled = page.iter().any(|t| {
                    t.subject.to_string() == d
                        && t.predicate.as_str() == DCT_TITLE
                        && matches!(&t.object, Term::Literal(l) if l.language() == Some("zh"))
                });
                assert!(titled, "{d} has no @zh title");
            }
        }
        let expected: BTreeSet<String> = f
            .published
            .iter()
            .map(|id| format!("<{base}/datasets/{id}>"))
            .collect();
        assert_eq!(seen, expected);
    }

    // modified_since keeps only later datasets (the edited one changed last).
    let (_, _, all) = fetch(http, &format!("{base}/catalog.ttl?page_size=1000")).await;
    let all = turtle(&all);
    let mut times: Vec<String> = objects(&all, DCT_MODIFIED)
        .filter_map(|t| match t {
            Term::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        })
        .collect();
    times.sort();
    let newest = times.last().unwrap().clone();
    let url = reqwest::Url::parse_with_params(
        &format!("{base}/catalog.ttl"),
        &[("modified_since", newest.as_str()), ("page_size", "1000")],
    )
    .unwrap();
    let (s, _, body) = fetch(http, url.as_str()).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let recent = datasets(&turtle(&body));
    assert_eq!(recent.len(), 1, "{recent:?}");

    // Bad paging input is a 400, never a 500.
    for query in [
        "page=0",
        "page_size=0",
        "page_size=1001",
        "page=x",
        "modified_since=yesterday",
    ] {
        let (s, _, body) = fetch(http, &format!("{base}/catalog.ttl?{query}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{query}: {body}");
    }
}

#[tokio::test]
async fn dataset_documents_and_unpublished_entries() {
    let f = fixture().await;
    let http = &f.api.http;
    let base = &f.api.server.base;
    let id = &f.published[1];
    let (s, content_type, ttl) = fetch(http, &format!("{base}/datasets/{id}.ttl")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(content_type.starts_with("text/turtle"));
    let (s, content_type, jsonld) = fetch(http, &format!("{base}/datasets/{id}.jsonld")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(content_type, "application/ld+json");
    let (a, b) = (turtle(&ttl), json_ld(&jsonld));
    assert_eq!(
        a.iter().map(|t| t.to_string()).collect::<BTreeSet<_>>(),
        b.iter().map(|t| t.to_string()).collect::<BTreeSet<_>>(),
        "Turtle and JSON-LD carry the same graph"
    );
    assert_eq!(
        datasets(&a),
        BTreeSet::from([format!("<{base}/datasets/{id}>")])
    );
    assert!(ttl.contains("\"第1号人口统计年报\"@zh"), "{ttl}");

    // Content negotiation on the bare address.
    let response = get_as(
        http,
        &format!("{base}/datasets/{id}"),
        "application/ld+json",
    )
    .await;
    assert_eq!(response.headers()["content-type"], "application/ld+json");

    // The published version of an edited entry, never the unpublished edit.
    let (_, _, edited) = fetch(http, &format!("{base}/datasets/{}.ttl", f.published[0])).await;
    assert!(edited.contains("第0号人口统计年报") && !edited.contains(EDIT_MARKER));

    for hidden in [&f.draft, &f.approved] {
        let (s, _, body) = fetch(http, &format!("{base}/datasets/{hidden}.ttl")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
        assert!(!body.contains(DRAFT_MARKER));
    }
    let (s, _, _) = fetch(http, &format!("{base}/datasets/not-a-uuid.ttl")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _, _) = fetch(http, &format!("{base}/datasets/{id}.rdf")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// The object of `subject predicate ?` in a graph, as its N-Triples form.
fn object_of(triples: &[Triple], subject: &str, predicate: &str) -> Vec<String> {
    triples
        .iter()
        .filter(|t| t.subject.to_string() == subject && t.predicate.as_str() == predicate)
        .map(|t| t.object.to_string())
        .collect()
}

#[tokio::test]
async fn recommended_properties_and_every_iri_dereferences() {
    const DCAT: &str = "http://www.w3.org/ns/dcat#";
    const DCT: &str = "http://purl.org/dc/terms/";
    let f = fixture().await;
    let http = &f.api.http;
    let base = &f.api.server.base;
    let id = &f.published[1];
    let (_, _, ttl) = fetch(http, &format!("{base}/datasets/{id}.ttl")).await;
    let graph = turtle(&ttl);
    let ds = format!("<{base}/datasets/{id}>");

    // "2019年至今": a period from 2019, open-ended.
    let period = object_of(&graph, &ds, &format!("{DCT}temporal"));
    assert_eq!(period.len(), 1, "{ttl}");
    assert_eq!(
        object_of(&graph, &period[0], &format!("{DCAT}startDate")),
        ["\"2019\"^^<http://www.w3.org/2001/XMLSchema#gYear>"]
    );
    assert!(object_of(&graph, &period[0], &format!("{DCAT}endDate")).is_empty());
    // No coverage region given: the region the resource is catalogued in (the provider's).
    assert_eq!(
        object_of(&graph, &ds, &format!("{DCT}spatial")),
        [format!("<{base}/vocab/region/510500>")]
    );
    assert_eq!(
        object_of(&graph, &ds, &format!("{DCAT}contactPoint")).len(),
        1
    );
    assert_eq!(object_of(&graph, &ds, &format!("{DCAT}keyword")).len(), 1);
    // A prefecture's statistics bureau is a local authority.
    let publisher = object_of(&graph, &ds, &format!("{DCT}publisher"));
    assert_eq!(
        object_of(&graph, &publisher[0], &format!("{DCT}type")),
        ["<http://purl.org/adms/publishertype/LocalAuthority>"]
    );
    let distributions = object_of(&graph, &ds, &format!("{DCAT}distribution"));
    assert_eq!(distributions.len(), 2);
    for d in &distributions {
        assert_eq!(
            object_of(&graph, d, &format!("{DCT}license")),
            [format!("<{base}/vocab/licence/mulu-open>")]
        );
        assert_eq!(
            object_of(&graph, d, "http://data.europa.eu/r5r/availability"),
            ["<http://publications.europa.eu/resource/authority/planned-availability/STABLE>"]
        );
    }

    // Every IRI of Mulu's own in the document opens, for a person and for a machine.
    let mine: BTreeSet<String> = graph
        .iter()
        .flat_map(|t| [t.subject.to_string(), t.object.to_string()])
        .filter_map(|n| {
            n.strip_prefix('<')
                .and_then(|n| n.strip_suffix('>'))
                .map(str::to_owned)
        })
        .filter(|iri| iri.starts_with(base.as_str()))
        .map(|iri| iri.split('#').next().unwrap().to_owned())
        .collect();
    assert!(mine.len() >= 8, "{mine:?}");
    for iri in &mine {
        for accept in ["text/html", "text/turtle", "application/ld+json"] {
            let response = get_as(http, iri, accept).await;
            assert_eq!(response.status(), StatusCode::OK, "{iri} as {accept}");
        }
    }
    let licence = get_as(
        http,
        &format!("{base}/vocab/licence/mulu-open"),
        "text/turtle",
    )
    .await;
    assert_eq!(licence.headers()["vary"], "accept");
    let licence = turtle(&licence.text().await.unwrap());
    assert!(
        object_of(
            &licence,
            &format!("<{base}/vocab/licence/mulu-open>"),
            RDF_TYPE
        )
        .contains(&"<http://purl.org/dc/terms/LicenseDocument>".to_owned())
    );
    let (_, _, page) = fetch(http, &format!("{base}/vocab/region/510500")).await;
    assert!(page.contains("四川省泸州市"), "{page}");
    for missing in [
        "/vocab/kind/other",
        "/vocab/nothing",
        "/vocab/region/999999",
    ] {
        let (s, _, _) = fetch(http, &format!("{base}{missing}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{missing}");
    }

    // The catalog's IRI and a dataset's bare IRI: 303 to the representation asked for.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let see_other = |path: String, accept: &'static str| {
        let no_redirects = &no_redirects;
        async move {
            let response = get_as(no_redirects, &format!("{base}{path}"), accept).await;
            assert_eq!(
                response.status(),
                StatusCode::SEE_OTHER,
                "{path} as {accept}"
            );
            assert_eq!(response.headers()["vary"], "accept");
            response.headers()["location"].to_str().unwrap().to_owned()
        }
    };
    assert_eq!(
        see_other("/catalog".into(), "text/turtle").await,
        format!("{base}/catalog.ttl")
    );
    assert_eq!(
        see_other("/catalog".into(), "application/ld+json").await,
        format!("{base}/catalog.jsonld")
    );
    assert_eq!(
        see_other("/catalog".into(), "text/html").await,
        format!("{base}/")
    );
    assert_eq!(
        see_other(format!("/datasets/{id}"), "text/html,*/*;q=0.8").await,
        format!("{base}/resources/{id}")
    );

    // Nothing offered that the client accepts: 406, with what is offered.
    for path in [
        "/catalog".to_owned(),
        format!("/datasets/{id}"),
        "/vocab/kind".into(),
    ] {
        let response = get_as(http, &format!("{base}{path}"), "application/pdf").await;
        assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        assert!(response.text().await.unwrap().contains("text/turtle"));
    }
}
