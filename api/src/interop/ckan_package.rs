//! CKAN package and organization dictionaries of public catalog entries. Search results carry the
//! same complete dictionaries as `package_show`, as CKAN's do.

use std::collections::{BTreeSet, HashMap};

use catalog::domain::organization::Organization;
use catalog::domain::registration::Standing;
use catalog::domain::sample::SampleRef;
use catalog::{Catalog, PublicEntry, PublicItem};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{landing_page, org_name, package_name, vocab};
use crate::error::ApiResult;

/// CKAN's timestamp format: UTC without a zone designator, microseconds.
pub fn ckan_time(t: DateTime<Utc>) -> String {
    t.naive_utc().format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// The organizations publishing `entries`, by id (deactivated ones too: their entries stay public).
pub async fn owners(
    catalog: &Catalog,
    entries: &[PublicEntry],
) -> ApiResult<HashMap<Uuid, Organization>> {
    let ids: BTreeSet<Uuid> = entries.iter().map(PublicEntry::owner).collect();
    let mut out = HashMap::with_capacity(ids.len());
    for id in ids {
        out.insert(id, catalog.organization(id).await?.value);
    }
    Ok(out)
}

pub fn organization_dict(org: &Organization) -> Value {
    json!({
        "id": org.id,
        "name": org_name(org),
        "title": org.name,
        "display_name": org.name,
        "type": "organization",
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "created": ckan_time(org.created_at),
        "is_organization": true,
        "approval_status": "approved",
        "state": "active",
    })
}

fn extra(key: &str, value: impl ToString) -> Value {
    json!({ "key": key, "value": value.to_string() })
}

/// A tag as CKAN would accept it (see [`vocab::ckan_tag`]); `None` when nothing is left.
fn tag(raw: &str) -> Option<Value> {
    let name = vocab::ckan_tag(raw)?;
    Some(json!({ "name": name, "display_name": name, "state": "active", "vocabulary_id": null }))
}

/// CKAN's licence fields of a package.
fn licence_fields(base: &str, licence: &vocab::Licence) -> (String, String, String) {
    (
        licence.id.to_owned(),
        licence.title.to_owned(),
        format!("{base}/vocab/licence/{}", licence.id),
    )
}

/// A CKAN `resource` (a distribution): Mulu holds metadata only, so every resource points at the
/// public page that says how to apply for access.
fn distribution(
    base: &str,
    entry: &PublicEntry,
    n: usize,
    name: &str,
    format: &str,
    description: &str,
) -> Value {
    let id = entry.id();
    json!({
        "id": format!("{id}-{n}"),
        "package_id": id,
        "name": name,
        "description": description,
        "format": format,
        "url": landing_page(base, entry),
        "url_type": null,
        "mimetype": null,
        "position": n,
        "state": "active",
        // Metadata only: Mulu holds no file behind this resource, so no size or hash.
        "size": null,
        "hash": "",
        "created": ckan_time(entry.created),
        "last_modified": ckan_time(entry.modified),
        "metadata_modified": ckan_time(entry.modified),
    })
}

/// A registered product's sample as a resource: the file Mulu holds, with its size and hash.
fn sample_resource(base: &str, entry: &PublicEntry, n: usize, sample: &SampleRef) -> Value {
    let id = entry.id();
    json!({
        "id": format!("{id}-{n}"),
        "package_id": id,
        "name": sample.file_name.clone().unwrap_or_else(|| "样例数据".to_owned()),
        "description": "产品样例数据（登记时提交）",
        "format": sample.content_type.as_str(),
        "url": format!("{base}/api/v1/products/{id}/sample"),
        "url_type": null,
        "mimetype": sample.content_type.as_str(),
        "position": n,
        "state": "active",
        "size": sample.size,
        "hash": format!("sha256:{}", sample.sha256),
        "created": ckan_time(sample.uploaded_at),
        "last_modified": ckan_time(sample.uploaded_at),
        "metadata_modified": ckan_time(entry.modified),
    })
}

pub fn package_dict(base: &str, entry: &PublicEntry, org: Option<&Organization>) -> Value {
    let id = entry.id();
    let mut extras = Vec::new();
    let mut tags = Vec::new();
    let mut groups = Vec::new();
    let mut resources = Vec::new();
    let (title, notes, version, kind, licence);
    match &entry.item {
        PublicItem::Resource(r) => {
            let c = &r.content;
            title = c.name.clone();
            notes = c.summary.clone();
            version = r.version.to_string();
            kind = "resource";
            licence = vocab::resource_licence(c.open_type);
            let mut seen = BTreeSet::new();
            tags.extend(
                c.tags
                    .iter()
                    .filter_map(|t| tag(t))
                    .filter(|t| seen.insert(t["name"].to_string())),
            );
            extras.push(extra("identifier", r.code.as_str()));
            extras.push(extra("grade", c.grade));
            extras.push(extra("share_type", c.share_type));
            if let Some(v) = &c.share_condition {
                extras.push(extra("share_condition", v));
            }
            extras.push(extra("open_type", c.open_type));
            if let Some(v) = &c.open_condition {
                extras.push(extra("open_condition", v));
            }
            extras.push(extra("update_frequency", c.update_frequency));
            let optional = [
                ("domain", c.domain.clone()),
                ("theme", c.theme.clone()),
                ("coverage_time", c.coverage_time.clone()),
                (
                    "coverage_region",
                    c.coverage_region.as_ref().map(|r| r.as_str().to_owned()),
                ),
                ("usage_restrictions", c.usage_restrictions.clone()),
                ("storage_size", c.storage_size.clone()),
                ("record_count", c.record_count.map(|n| n.to_string())),
                ("release_date", c.release_date.map(|d| d.to_string())),
            ];
            for (key, value) in optional {
                if let Some(value) = value {
                    extras.push(extra(key, value));
                }
            }
            if !c.category_path.is_empty() {
                extras.push(extra("category_path", c.category_path.join("/")));
            }
            if !c.data_items.is_empty() {
                // Names only: sensitivity and value domains stay out of harvested copies.
                let names: Vec<&str> = c.data_items.iter().map(|i| i.name.as_str()).collect();
                extras.push(extra("data_items", names.join("、")));
            }
            if let Some(letter) = &c.domain
                && let Some(section) = vocab::section_name(letter)
            {
                groups.push(json!({
                    "name": vocab::group_name(letter),
                    "title": section,
                    "display_name": section,
                    "description": format!("GB/T 4754-2017 门类 {letter}"),
                    "image_display_url": "",
                }));
            }
            if c.formats.is_empty() {
                resources.push(distribution(
                    base,
                    entry,
                    0,
                    "目录信息",
                    "",
                    "元数据目录条目，原始数据不出域，按共享/开放条件申请使用",
                ));
            }
            for (n, format) in c.formats.iter().enumerate() {
                let description = format!("{}；{}", c.share_type, c.open_type);
                resources.push(distribution(base, entry, n, format, format, &description));
            }
        }
        PublicItem::Product(p) => {
            let d = &p.product.details;
            // The registration result (R 13): query code, whether it stands, until when.
            if let Some(r) = &p.registration {
                if let Some(code) = &r.query_code {
                    extras.push(extra("registration_query_code", code.as_str()));
                }
                extras.push(extra("registration_standing", r.standing.slug()));
                extras.push(extra("registration_standing_label", r.standing.label()));
                if let Some(to) = r.valid_to {
                    extras.push(extra("registration_valid_to", to));
                }
                if let Standing::Ended { reason, .. } = &r.standing {
                    extras.push(extra("registration_end_reason", reason));
                }
            }
            title = d.name.clone();
            notes = d.summary.clone();
            version = String::new();
            kind = "product";
            licence = vocab::product_licence();
            let form = serde_json::to_value(d.delivery_form).unwrap_or_default();
            let form = form.as_str().unwrap_or_default().to_owned();
            let scene = serde_json::to_value(d.scene_category).unwrap_or_default();
            tags.extend(tag(&form));
            extras.push(extra("delivery_form", &form));
            extras.push(extra("scene_category", scene.as_str().unwrap_or_default()));
            extras.push(extra(
                "applicable_scenarios",
                d.applicable_scenarios.join("；"),
            ));
            if !d.forbidden_scenarios.is_empty() {
                extras.push(extra(
                    "forbidden_scenarios",
                    d.forbidden_scenarios.join("；"),
                ));
            }
            if let Some(price) = d.price_fen {
                extras.push(extra("price_fen", price));
            }
            if let Some(ceiling) = d.ceiling_fen {
                extras.push(extra("ceiling_fen", ceiling));
            }
            let sources: Vec<String> = d.source_resource_ids.iter().map(Uuid::to_string).collect();
            extras.push(extra("source_resource_ids", sources.join(",")));
            resources.push(distribution(
                base,
                entry,
                0,
                &form,
                &form,
                "公共数据产品和服务",
            ));
            if let Some(sample) = &p.product.sample {
                resources.push(sample_resource(base, entry, 1, sample));
            }
        }
    }
    extras.push(extra("mulu_kind", kind));
    let organization = org.map(organization_dict);
    let (license_id, license_title, license_url) = licence_fields(base, licence);
    json!({
        "id": id,
        "name": package_name(entry),
        "title": title,
        "notes": notes,
        "url": landing_page(base, entry),
        "version": version,
        "type": "dataset",
        "state": "active",
        "private": false,
        "isopen": false,
        "license_id": license_id,
        "license_title": license_title,
        "license_url": license_url,
        "author": org.map(|o| o.name.clone()),
        "author_email": null,
        "maintainer": null,
        "maintainer_email": null,
        "metadata_created": ckan_time(entry.created),
        "metadata_modified": ckan_time(entry.modified),
        "creator_user_id": null,
        "owner_org": entry.owner(),
        "organization": organization,
        "num_tags": tags.len(),
        "tags": tags,
        "groups": groups,
        "num_resources": resources.len(),
        "resources": resources,
        "extras": extras,
        "relationships_as_object": [],
        "relationships_as_subject": [],
    })
}
