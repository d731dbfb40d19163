//! The IRIs the DCAT export mints dereference: `/catalog` and every `/vocab/{scheme}[/{code}]`
//! answer a person with a page and a linked-data client with Turtle or JSON-LD, as `Accept`
//! asks (406 when it asks for nothing offered).

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};

use super::dcat_graph::DcatGraph;
use super::negotiate::{Representation, negotiate, vary_on_accept};
use super::vocab::{self, Concept, LICENCES, SCHEMES, Scheme};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use crate::portal::layout::{not_found, page};
use crate::portal::search::search_href;
use crate::state::AppState;

const OFFERED: [Representation; 3] = [
    Representation::Html,
    Representation::Turtle,
    Representation::JsonLd,
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/catalog", get(catalog))
        .route("/vocab", get(schemes))
        .route("/vocab/{scheme}", get(scheme))
        .route("/vocab/{scheme}/{code}", get(concept))
}

/// The catalog's IRI: its home page for people, its first DCAT page for machines.
async fn catalog(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let base = state.web.public_base();
    let target = match negotiate(&headers, &OFFERED)? {
        Representation::Html => format!("{base}/"),
        Representation::Turtle => format!("{base}/catalog.ttl"),
        Representation::JsonLd => format!("{base}/catalog.jsonld"),
    };
    Ok(vary_on_accept(Redirect::to(&target).into_response()))
}

async fn schemes(headers: HeaderMap) -> ApiResult<Response> {
    // A list of pages, not a concept scheme of its own: only people read it.
    negotiate(&headers, &[Representation::Html])?;
    Ok(page(
        "词表",
        html! {
            h1 { "词表" }
            p.muted { "目录导出（DCAT、CKAN）所引用的词表，每个概念都有自己的地址。" }
            dl.fields {
                @for s in &SCHEMES {
                    dt { a href=(format!("/vocab/{}", s.id)) { (s.title) } }
                    dd { (s.note) }
                }
            }
        },
    )
    .into_response())
}

async fn scheme(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Response> {
    let representation = negotiate(&headers, &OFFERED)?;
    let Some(scheme) = vocab::scheme(&id) else {
        return missing(representation);
    };
    let concepts = vocab::concepts(scheme);
    if representation != Representation::Html {
        let mut graph = DcatGraph::new(state.web.public_base());
        let node = graph.scheme(scheme);
        for c in &concepts {
            let concept = concept_node(&mut graph, scheme, c);
            graph.top_concept(&node, concept);
        }
        return super::dcat::rdf_response(&graph, representation).map(vary_on_accept);
    }
    Ok(vary_on_accept(
        page(
            scheme.title,
            html! {
                h1 { (scheme.title) }
                p { (scheme.note) }
                @if concepts.is_empty() {
                    p.muted { "这是一个开放集合：每个在目录中出现的值都有自己的地址。" }
                } @else {
                    dl.fields {
                        @for c in &concepts {
                            dt { a href=(format!("/vocab/{}/{}", scheme.id, c.code)) { (c.label) } }
                            dd { code { (c.code) } @if let Some(note) = &c.note { " " (note) } }
                        }
                    }
                }
                p { a href="/vocab" { "全部词表" } }
            },
        )
        .into_response(),
    ))
}

async fn concept(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((id, code)): ApiPath<(String, String)>,
) -> ApiResult<Response> {
    let representation = negotiate(&headers, &OFFERED)?;
    let found = vocab::scheme(&id).and_then(|s| Some((s, vocab::concept(s, &code)?)));
    let Some((scheme, c)) = found else {
        return missing(representation);
    };
    if representation != Representation::Html {
        let mut graph = DcatGraph::new(state.web.public_base());
        concept_node(&mut graph, scheme, &c);
        graph.scheme(scheme);
        return super::dcat::rdf_response(&graph, representation).map(vary_on_accept);
    }
    Ok(vary_on_accept(
        page(&c.label, concept_page(scheme, &c)).into_response(),
    ))
}

fn concept_page(scheme: &Scheme, c: &Concept) -> Markup {
    html! {
        h1 { (scheme.title) "：" (c.label) }
        @if let Some(note) = &c.note { p { (note) } }
        dl.fields {
            dt { "标识" } dd { code { (c.code) } }
            dt { "所属词表" } dd { a href=(format!("/vocab/{}", scheme.id)) { (scheme.title) } }
        }
        p { a href=(search_href(&c.label)) { "检索相关条目" } }
    }
}

/// The node a concept is in the export: licences are licence documents, regions locations,
/// formats media types; the rest SKOS concepts of their scheme.
fn concept_node(graph: &mut DcatGraph, scheme: &Scheme, c: &Concept) -> oxrdf::NamedNode {
    match scheme.id {
        "licence" => match LICENCES.iter().find(|l| l.id == c.code) {
            Some(licence) => graph.licence(licence),
            None => graph.concept(scheme.id, &c.code, &c.label),
        },
        "region" => match catalog::domain::RegionCode::parse(&c.code) {
            Ok(region) => graph.place(&region),
            Err(_) => graph.concept(scheme.id, &c.code, &c.label),
        },
        "format" => graph.format(&c.label),
        _ => graph.concept(scheme.id, &c.code, &c.label),
    }
}

fn missing(representation: Representation) -> ApiResult<Response> {
    match representation {
        Representation::Html => Ok(not_found().into_response()),
        _ => Err(ApiError::not_found("词表中没有这个概念")),
    }
}
