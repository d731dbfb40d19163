//! A [`SearchDoc`] as a tantivy document, and back from the stored fields.

use std::collections::BTreeSet;

use tantivy::TantivyDocument;
use tantivy::schema::{Facet, Value};

use crate::cursor::id_hash;
use crate::model::{EntityKind, FacetName, Facets, SearchDoc};
use crate::schema::Fields;

pub fn to_tantivy(f: &Fields, doc: &SearchDoc) -> TantivyDocument {
    let mut d = TantivyDocument::new();
    d.add_text(f.id, &doc.id);
    d.add_text(f.kind, doc.kind.as_str());
    d.add_text(f.title, &doc.title);
    d.add_text(f.title_grams, &doc.title);
    d.add_text(f.title_pinyin, &doc.title);
    d.add_text(f.title_initials, &doc.title);
    d.add_text(f.body, &doc.body);
    // Values of one field are a position apart: no phrase spans two of them.
    d.add_text(f.text, &doc.title);
    d.add_text(f.text_grams, &doc.title);
    for tag in &doc.tags {
        d.add_text(f.tags, tag);
        d.add_text(f.tags_grams, tag);
        d.add_text(f.text, tag);
        d.add_text(f.text_grams, tag);
    }
    d.add_text(f.text, &doc.body);
    d.add_text(f.text_grams, &doc.body);
    for place in &doc.places {
        d.add_text(f.text, place);
        d.add_text(f.text_grams, place);
    }
    for v in &doc.visible_to {
        d.add_text(f.visible_to, v);
    }
    for code in &doc.codes {
        d.add_text(f.codes, crate::code::code_key(code));
    }
    d.add_i64(f.updated_at, doc.updated_at);
    d.add_u64(f.tiebreak, id_hash(&doc.id));
    d.add_text(f.url, &doc.url);
    d.add_text(
        f.facets_json,
        serde_json::to_string(&doc.facets).unwrap_or_default(),
    );
    d.add_facet(f.facet(FacetName::Kind), facet_value(doc.kind.as_str()));
    for name in FacetName::ALL {
        if let Some(v) = doc.facets.get(name).filter(|v| !v.trim().is_empty()) {
            d.add_facet(f.facet(name), facet_value(v));
            if name == FacetName::Region {
                for enclosing in &doc.facets.enclosing_regions {
                    d.add_facet(f.facet(name), facet_value(enclosing));
                }
            }
        }
    }
    add_listing(f, doc, &mut d);
    d
}

/// The listing's facets (each value once: a facet counts documents) and sort columns.
fn add_listing(f: &Fields, doc: &SearchDoc, d: &mut TantivyDocument) {
    let listing = &doc.facets.listing;
    let owners = doc.visible_to.iter().filter_map(|v| v.strip_prefix("org:"));
    let multi = [
        (FacetName::Owner, owners.collect::<Vec<_>>()),
        (
            FacetName::Tag,
            listing.tags.iter().map(String::as_str).collect(),
        ),
        (
            FacetName::Format,
            listing.formats.iter().map(String::as_str).collect(),
        ),
    ];
    for (name, values) in multi {
        let values: BTreeSet<&str> = values
            .into_iter()
            .filter(|v| !v.trim().is_empty())
            .collect();
        for v in values {
            d.add_facet(f.facet(name), facet_value(v));
        }
    }
    d.add_text(f.listing_id, package_id(&doc.id));
    if let Some(name) = &listing.name {
        d.add_text(f.listing_name, name);
    }
    let modified = listing
        .modified_micros
        .unwrap_or_else(|| doc.updated_at.saturating_mul(1_000_000));
    d.add_i64(f.listing_modified, modified);
}

/// The package id in a document id: `<uuid>` of `resource:<uuid>` (or `resource:<uuid>:working`);
/// an id without a kind is its own.
pub fn package_id(id: &str) -> &str {
    id.split(':').nth(1).unwrap_or(id)
}

/// A facet value as a one-level tantivy facet (NUL is the path separator inside tantivy).
pub fn facet_value(value: &str) -> Facet {
    let clean: String = value.chars().filter(|c| *c != '\0').collect();
    Facet::from_path([clean])
}

/// The stored part of a document, as read back for a hit.
pub struct Stored {
    pub id: String,
    pub kind: EntityKind,
    pub title: String,
    pub body: String,
    pub url: String,
    pub updated_at: i64,
    pub facets: Facets,
}

pub fn from_tantivy(f: &Fields, d: &TantivyDocument) -> Option<Stored> {
    let text = |field| {
        d.get_first(field)
            .and_then(|v| v.as_str().map(str::to_owned))
    };
    Some(Stored {
        id: text(f.id)?,
        kind: text(f.kind)?.parse().ok()?,
        title: text(f.title).unwrap_or_default(),
        body: text(f.body).unwrap_or_default(),
        url: text(f.url).unwrap_or_default(),
        updated_at: d
            .get_first(f.updated_at)
            .and_then(|v| v.as_i64())
            .unwrap_or(0),
        facets: text(f.facets_json)
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default(),
    })
}
