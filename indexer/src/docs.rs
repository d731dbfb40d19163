//! Catalog entities as search documents. Public text comes only from the catalog's public views
//! (rule 8 of DOMAIN.md); the non-public state of an entity is indexed for its own organization
//! alone, under a separate id, so it can never replace or widen the public document.

use std::collections::HashMap;

use catalog::domain::ResourceCode;
use catalog::domain::authorization::Authorization;
use catalog::domain::disclosure::Disclosure;
use catalog::domain::edition::DirectoryEdition;
use catalog::domain::negative_list::NegativeListEntry;
use catalog::domain::organization::Organization;
use catalog::domain::product::Product;
use catalog::domain::region::RegionCode;
use catalog::domain::registration::{Registration, RegistrationStatus};
use catalog::domain::resource::{Resource, ResourceContent};
use catalog::store::{Record, Table};
use catalog::{Catalog, CatalogError, PublicResource};
use search::{ChangeBatch, EntityKind, Facets, Listing, PUBLIC, SearchDoc, org_visibility};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// The entity types the index follows, with their tables.
pub const INDEXED: [(&str, Table); 8] = [
    ("organization", Table::Organizations),
    ("resource", Table::Resources),
    ("negative_list_entry", Table::NegativeList),
    ("directory_edition", Table::Editions),
    ("authorization", Table::Authorizations),
    ("product", Table::Products),
    ("registration", Table::Registrations),
    ("disclosure", Table::Disclosures),
];

pub fn table_of(entity_type: &str) -> Option<Table> {
    INDEXED
        .iter()
        .find(|(t, _)| *t == entity_type)
        .map(|(_, table)| *table)
}

/// Organization names by id, for the provider facet (names change rarely; events refresh them).
#[derive(Default)]
pub struct OrgNames(HashMap<Uuid, String>);

impl OrgNames {
    pub fn forget(&mut self, id: &str) {
        if let Ok(id) = Uuid::parse_str(id) {
            self.0.remove(&id);
        }
    }

    async fn name(&mut self, catalog: &Catalog, id: Uuid) -> Option<String> {
        if let Some(name) = self.0.get(&id) {
            return Some(name.clone());
        }
        let record = catalog
            .store()
            .get(Table::Organizations, &id.to_string())
            .await
            .ok()??;
        let org: Organization = serde_json::from_value(record.body).ok()?;
        self.0.insert(id, org.name.clone());
        Some(org.name)
    }
}

fn parse<T: DeserializeOwned>(record: &Record) -> Result<T, CatalogError> {
    serde_json::from_value(record.body.clone())
        .map_err(|e| CatalogError::Storage(format!("{} 无法解析：{e}", record.id)))
}

/// The serde name of a value (the Chinese label for our enums).
fn label<T: Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value).ok()? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    }
}

fn visible(public: bool, owner: Option<Uuid>) -> Vec<String> {
    let mut v = Vec::new();
    if public {
        v.push(PUBLIC.to_owned());
    }
    if let Some(owner) = owner {
        v.push(org_visibility(&owner.to_string()));
    }
    v
}

/// Every string inside a JSON value, joined: the text of a published statement.
fn all_text(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| all_text(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| all_text(v, out)),
        _ => {}
    }
}

/// Puts the current documents of one stored entity into `batch`: upserts for what exists now,
/// removals for what must no longer be found.
pub async fn apply(
    catalog: &Catalog,
    names: &mut OrgNames,
    table: Table,
    record: &Record,
    batch: &mut ChangeBatch,
) -> Result<(), CatalogError> {
    let before = batch.upserts.len();
    apply_record(catalog, names, table, record, batch).await?;
    for doc in &mut batch.upserts[before..] {
        doc.places = place_names(doc.facets.region.as_deref());
    }
    Ok(())
}

/// The names of a document's region from the province down (四川省, 成都市, 武侯区): a place typed
/// in a query finds the entries about it.
fn place_names(region: Option<&str>) -> Vec<String> {
    region
        .and_then(|r| RegionCode::parse(r).ok())
        .map(|code| {
            code.names_from_province()
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

async fn apply_record(
    catalog: &Catalog,
    names: &mut OrgNames,
    table: Table,
    record: &Record,
    batch: &mut ChangeBatch,
) -> Result<(), CatalogError> {
    match table {
        Table::Resources => resource(catalog, names, record, batch).await,
        Table::Organizations => {
            names.forget(&record.id);
            let org: Organization = parse(record)?;
            organization(org, record.public, batch);
            Ok(())
        }
        Table::NegativeList => {
            negative_entry(parse(record)?, record.public, batch);
            Ok(())
        }
        Table::Editions => {
            edition(parse(record)?, record.public, batch);
            Ok(())
        }
        Table::Authorizations => {
            authorization(parse(record)?, record.public, batch);
            Ok(())
        }
        Table::Products => {
            let product: Product = parse(record)?;
            let provider = names.name(catalog, product.operator_id).await;
            let modified = record.updated_at.timestamp_micros();
            self::product(product, record.public, provider, modified, batch);
            Ok(())
        }
        Table::Registrations => {
            let reg: Registration = parse(record)?;
            let provider = names.name(catalog, reg.registrant_id).await;
            registration(reg, record.public, provider, batch);
            Ok(())
        }
        Table::Disclosures => {
            let d: Disclosure = parse(record)?;
            let provider = names.name(catalog, d.discloser_id).await;
            disclosure(d, record.public, provider, batch);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The regions a region facet value lies within (GB/T 2260): a filter by a province finds what
/// is filed under its prefectures and counties.
fn enclosing(region: Option<&RegionCode>) -> Vec<String> {
    region
        .map(|r| {
            r.enclosing()
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The public document of a published resource, as the follower writes it (without the CKAN
/// listing values). The benchmark's engine-only run indexes its corpus through this, so it
/// measures the documents Mulu makes.
pub fn published_resource_doc(resource: &PublicResource, provider: Option<String>) -> SearchDoc {
    resource_doc(
        format!("resource:{}", resource.id),
        (&resource.code, &resource.content),
        "published",
        provider,
        visible(true, Some(resource.provider_id)),
        resource.published_at.timestamp(),
        format!("/resources/{}", resource.id),
    )
}

/// A resource's document; its code is what the exact lane finds it by.
fn resource_doc(
    id: String,
    (code, content): (&ResourceCode, &ResourceContent),
    status: &str,
    provider: Option<String>,
    visible_to: Vec<String>,
    updated_at: i64,
    url: String,
) -> SearchDoc {
    let mut body = content.summary.clone();
    for item in &content.data_items {
        body.push('\n');
        body.push_str(&item.name);
    }
    let mut tags = content.tags.clone();
    tags.extend(content.theme.clone());
    tags.extend(content.category_path.iter().cloned());
    SearchDoc {
        id,
        kind: EntityKind::Resource,
        title: content.name.clone(),
        body,
        tags,
        facets: Facets {
            provider,
            domain: content.domain.clone(),
            grade: Some(content.grade.to_string()),
            share_type: Some(content.share_type.as_str().to_owned()),
            open_type: Some(content.open_type.as_str().to_owned()),
            update_frequency: Some(content.update_frequency.as_str().to_owned()),
            region: content
                .coverage_region
                .as_ref()
                .map(|r| r.as_str().to_owned()),
            enclosing_regions: enclosing(content.coverage_region.as_ref()),
            status: Some(status.to_owned()),
            ..Facets::default()
        },
        visible_to,
        updated_at,
        url,
        places: Vec::new(),
        codes: vec![code.as_str().to_owned()],
    }
}

async fn resource(
    catalog: &Catalog,
    names: &mut OrgNames,
    record: &Record,
    batch: &mut ChangeBatch,
) -> Result<(), CatalogError> {
    let current: Resource = parse(record)?;
    let provider = names.name(catalog, current.provider_id).await;
    let public_id = format!("resource:{}", current.id);
    let working_id = format!("resource:{}:working", current.id);
    let url = format!("/resources/{}", current.id);
    // The common case (the current version is the published one) needs no second read.
    let published = if let Some(view) = PublicResource::of_current(&current) {
        Some(view)
    } else {
        match catalog.public_resource(current.id).await {
            Ok(p) => Some(p),
            Err(CatalogError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        }
    };
    match &published {
        Some(p) => {
            let mut doc = resource_doc(
                public_id,
                (&p.code, &p.content),
                "published",
                provider.clone(),
                visible(true, Some(current.provider_id)),
                p.published_at.timestamp(),
                url.clone(),
            );
            // What the CKAN API lists: the package dictionary's tags, formats, name and
            // metadata_modified (the row's time), for its facets, filters and orders.
            doc.facets.listing = Listing {
                // As the package dictionary names them, so that `fq=tags:` takes what it shows.
                tags: p
                    .content
                    .tags
                    .iter()
                    .filter_map(|t| crate::ckan_tag(t))
                    .collect(),
                formats: p.content.formats.clone(),
                name: Some(p.code.as_str().to_ascii_lowercase()),
                modified_micros: Some(record.updated_at.timestamp_micros()),
            };
            batch.upserts.push(doc);
        }
        None => batch.removals.push(public_id),
    }
    // The provider's own working copy, when it differs from what the public sees.
    if published
        .as_ref()
        .is_some_and(|p| p.version == current.version)
    {
        batch.removals.push(working_id);
    } else {
        batch.upserts.push(resource_doc(
            working_id,
            (&current.code, &current.content),
            current.status.as_str(),
            provider,
            visible(false, Some(current.provider_id)),
            current.updated_at.timestamp(),
            url,
        ));
    }
    Ok(())
}

fn organization(org: Organization, public: bool, batch: &mut ChangeBatch) {
    let id = format!("organization:{}", org.id);
    if !public {
        batch.removals.push(id);
        return;
    }
    // By the names people type (数源单位, 运营机构), not the codes the API carries.
    let kinds: Vec<String> = org.kinds.iter().map(|k| k.label().to_owned()).collect();
    batch.upserts.push(SearchDoc {
        id,
        kind: EntityKind::Organization,
        title: org.name.clone(),
        body: format!("统一社会信用代码 {}", org.uscc.as_str()),
        tags: kinds,
        facets: Facets {
            region: Some(org.region.as_str().to_owned()),
            enclosing_regions: enclosing(Some(&org.region)),
            status: label(&org.status),
            ..Facets::default()
        },
        visible_to: vec![PUBLIC.to_owned()],
        updated_at: org.updated_at.timestamp(),
        url: format!("/organizations/{}", org.uscc.as_str()),
        places: Vec::new(),
        codes: vec![org.uscc.as_str().to_owned()],
    });
}

fn negative_entry(entry: NegativeListEntry, public: bool, batch: &mut ChangeBatch) {
    let id = format!("negative_list_entry:{}", entry.id);
    // Confidential entries are never indexed at all.
    if !public {
        batch.removals.push(id);
        return;
    }
    let title = format!("负面清单：{}", entry.details.target.label());
    let mut body = String::new();
    all_text(
        &serde_json::json!([entry.details.legal_basis, entry.details.conditions]),
        &mut body,
    );
    batch.upserts.push(SearchDoc {
        id,
        kind: EntityKind::NegativeListEntry,
        title,
        body,
        tags: Vec::new(),
        facets: Facets {
            status: Some(entry.status.as_str().to_owned()),
            ..Facets::default()
        },
        visible_to: vec![PUBLIC.to_owned()],
        updated_at: entry.updated_at.timestamp(),
        url: format!("/negative-list#{}", entry.id),
        places: Vec::new(),
        codes: Vec::new(),
    });
}

fn edition(edition: DirectoryEdition, public: bool, batch: &mut ChangeBatch) {
    for line in &edition.lines {
        let id = format!("directory_line:{}:{}", edition.number, line.code.as_str());
        if !public {
            batch.removals.push(id);
            continue;
        }
        let mut body = format!("{}（第 {} 版）", edition.title, edition.number);
        if let Some(c) = &line.condition {
            body.push('\n');
            body.push_str(c);
        }
        batch.upserts.push(SearchDoc {
            id,
            kind: EntityKind::DirectoryLine,
            title: line.name.clone(),
            body,
            tags: line.theme.iter().cloned().collect(),
            facets: Facets {
                provider: Some(line.provider_name.clone()),
                domain: line.domain.clone(),
                grade: Some(line.grade.to_string()),
                share_type: Some(line.share_type.as_str().to_owned()),
                open_type: Some(line.open_type.as_str().to_owned()),
                update_frequency: Some(line.update_frequency.as_str().to_owned()),
                status: Some(format!("第{}版", edition.number)),
                ..Facets::default()
            },
            visible_to: vec![PUBLIC.to_owned()],
            updated_at: edition.published_at.timestamp(),
            url: crate::directory_line_href(edition.number, line.code.as_str()),
            places: Vec::new(),
            codes: Vec::new(),
        });
    }
}

fn authorization(a: Authorization, public: bool, batch: &mut ChangeBatch) {
    let id = format!("authorization:{}", a.id);
    batch.upserts.push(SearchDoc {
        id,
        kind: EntityKind::Authorization,
        title: a.plan.plan_name.clone(),
        body: a.plan.scope_description.clone(),
        tags: a.plan.planned_products.clone(),
        facets: Facets {
            region: Some(a.jurisdiction.as_str().to_owned()),
            enclosing_regions: enclosing(Some(&a.jurisdiction)),
            status: Some(a.status.as_str().to_owned()),
            ..Facets::default()
        },
        visible_to: visible(public, Some(a.plan.implementing_body_id)),
        updated_at: a.updated_at.timestamp(),
        url: format!("/authorizations/{}", a.id),
        places: Vec::new(),
        codes: Vec::new(),
    });
}

fn product(
    p: Product,
    public: bool,
    operator: Option<String>,
    modified_micros: i64,
    batch: &mut ChangeBatch,
) {
    let d = &p.details;
    // The CKAN package of a product: its delivery form is its one tag and format.
    let form: Vec<String> = label(&d.delivery_form).into_iter().collect();
    let listing = Listing {
        tags: form.clone(),
        formats: form,
        name: Some(format!("product-{}", p.id.simple())),
        modified_micros: Some(modified_micros),
    };
    let mut body = d.summary.clone();
    for s in &d.applicable_scenarios {
        body.push('\n');
        body.push_str(s);
    }
    batch.upserts.push(SearchDoc {
        id: format!("product:{}", p.id),
        kind: EntityKind::Product,
        title: d.name.clone(),
        body,
        tags: d.applicable_scenarios.clone(),
        facets: Facets {
            provider: operator,
            status: Some(p.status.as_str().to_owned()),
            delivery_form: label(&d.delivery_form),
            scene_category: label(&d.scene_category),
            listing,
            ..Facets::default()
        },
        visible_to: visible(public, Some(p.operator_id)),
        updated_at: p.updated_at.timestamp(),
        url: format!("/products/{}", p.id),
        places: Vec::new(),
        codes: Vec::new(),
    });
}

fn registration(
    r: Registration,
    public: bool,
    registrant: Option<String>,
    batch: &mut ChangeBatch,
) {
    // Notices in publicity are their own kind: that is where objections are filed.
    let kind = if matches!(
        r.status,
        RegistrationStatus::Publicized | RegistrationStatus::UnderObjection
    ) {
        EntityKind::Publicity
    } else {
        EntityKind::Registration
    };
    let mut body = r.subject_summary.clone();
    if let Some(code) = &r.query_code {
        body.push_str("\n登记结果查询码 ");
        body.push_str(code.as_str());
    }
    batch.upserts.push(SearchDoc {
        id: format!("registration:{}", r.id),
        kind,
        title: match label(&r.kind) {
            Some(kind) => format!("{}（{kind}）", r.subject_name),
            None => r.subject_name.clone(),
        },
        body,
        tags: Vec::new(),
        facets: Facets {
            provider: registrant,
            region: Some(r.jurisdiction.as_str().to_owned()),
            enclosing_regions: enclosing(Some(&r.jurisdiction)),
            status: Some(r.status.as_str().to_owned()),
            ..Facets::default()
        },
        visible_to: visible(public, Some(r.registrant_id)),
        updated_at: r
            .publicity_start
            .or(Some(r.submitted_on))
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp())
            .unwrap_or(0),
        url: if kind == EntityKind::Publicity {
            format!("/publicity/{}", r.id)
        } else {
            format!("/registrations/{}", r.id)
        },
        places: Vec::new(),
        codes: r
            .query_code
            .iter()
            .map(|c| c.as_str().to_owned())
            .chain(r.external_code.clone())
            .collect(),
    });
}

fn disclosure(d: Disclosure, public: bool, discloser: Option<String>, batch: &mut ChangeBatch) {
    let mut body = String::new();
    all_text(
        &serde_json::to_value(&d.content).unwrap_or_default(),
        &mut body,
    );
    let who = discloser.clone().unwrap_or_default();
    batch.upserts.push(SearchDoc {
        id: format!("disclosure:{}", d.id),
        kind: EntityKind::Disclosure,
        title: format!("{who}{} 年度公共数据资源授权运营情况披露", d.year),
        body,
        tags: vec![d.year.to_string()],
        facets: Facets {
            provider: discloser,
            status: label(&d.status),
            ..Facets::default()
        },
        visible_to: visible(public, Some(d.discloser_id)),
        updated_at: d.updated_at.timestamp(),
        url: format!("/disclosures/{}", d.id),
        places: Vec::new(),
        codes: Vec::new(),
    });
}
