//! A read-only CKAN Action API (`/api/3/action/*`, `/api/action/*`, GET and POST) over the public
//! catalog, so CKAN harvesters and `ckanapi` can copy it. Responses use CKAN's envelope
//! (`help`, `success`, `result` / `error.__type`) and its status codes.
//!
//! `package_search` pages the catalog itself when it can (no text, no facet filter, an order the
//! catalog has) and asks the search index for the rest and for facet counts (`ckan_search`):
//! either way a request reads at most one page of entries from the database.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use catalog::domain::Uscc;
use catalog::domain::organization::{OrgStatus, Organization};
use catalog::store::{PublicOrder, PublicPage, RecordFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use super::ckan_package::{organization_dict, owners, package_dict};
use super::ckan_query::{Filters, Invalid, Params};
use super::{PackageRef, org_name, package_name, parse_package_ref, vocab};

#[path = "ckan_search.rs"]
mod ckan_search;

use crate::error::ApiError;
use crate::state::AppState;
use ckan_search::{Search, facet_shapes, parse_filters, parse_order};
use search::FacetName;
use std::collections::BTreeSet;

/// CKAN's `ckan.search.rows_max`: larger `rows` are capped, not refused.
const ROWS_MAX: i64 = search::MAX_LISTING_LIMIT as i64;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/3/action/{action}", get(get_action).post(post_action))
        .route("/api/action/{action}", get(get_action).post(post_action))
}

/// The error half of CKAN's envelope.
enum CkanError {
    /// 409 `Validation Error` with field → messages.
    Validation(Invalid),
    /// 404 `Not Found Error`.
    NotFound(String),
    /// 400 with a bare JSON string, as CKAN answers unknown actions and unreadable bodies.
    BadRequest(String),
    /// Anything on our side, with its status.
    Internal(StatusCode, String),
    /// 429: the caller must wait this many seconds (CKAN has no such type; the shape is its own).
    TooManyRequests(u64),
}

impl From<Invalid> for CkanError {
    fn from(e: Invalid) -> Self {
        CkanError::Validation(e)
    }
}

impl From<ApiError> for CkanError {
    fn from(e: ApiError) -> Self {
        let status = StatusCode::from_u16(e.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match status {
            StatusCode::NOT_FOUND => CkanError::NotFound("Not found".into()),
            s if s.is_client_error() => CkanError::Validation(Invalid::new(
                e.0.field.as_deref().unwrap_or("query"),
                e.0.detail,
            )),
            s => CkanError::Internal(s, e.0.detail),
        }
    }
}

impl From<catalog::CatalogError> for CkanError {
    fn from(e: catalog::CatalogError) -> Self {
        ApiError::from(e).into()
    }
}

type CkanResult<T> = Result<T, CkanError>;

fn help_url(base: &str, action: &str) -> String {
    format!("{base}/api/3/action/help_show?name={action}")
}

fn envelope(base: &str, action: &str, outcome: CkanResult<Value>) -> Response {
    let help = help_url(base, action);
    let (status, body) = match outcome {
        Ok(result) => (
            StatusCode::OK,
            json!({ "help": help, "success": true, "result": result }),
        ),
        Err(CkanError::Validation(e)) => (
            StatusCode::CONFLICT,
            json!({ "help": help, "success": false,
                    "error": { "__type": "Validation Error", e.field: [e.message] } }),
        ),
        Err(CkanError::NotFound(message)) => (
            StatusCode::NOT_FOUND,
            json!({ "help": help, "success": false,
                    "error": { "__type": "Not Found Error", "message": message } }),
        ),
        Err(CkanError::BadRequest(message)) => (
            StatusCode::BAD_REQUEST,
            Value::String(format!("Bad request - {message}")),
        ),
        Err(CkanError::Internal(status, message)) => (
            status,
            json!({ "help": help, "success": false,
                    "error": { "__type": "Internal Server Error", "message": message } }),
        ),
        Err(CkanError::TooManyRequests(seconds)) => (
            StatusCode::TOO_MANY_REQUESTS,
            json!({ "help": help, "success": false,
                    "error": { "__type": "Rate Limit Error",
                               "message": format!("请求过于频繁，请 {seconds} 秒后重试（Too many requests: retry after {seconds} s）") } }),
        ),
    };
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    response
}

/// Whether a path is an action of this API (`/api/3/action/…` or `/api/action/…`).
pub(crate) fn is_action_path(path: &str) -> bool {
    path.starts_with("/api/3/action/") || path.starts_with("/api/action/")
}

/// The rate limiter's refusal of an action, in CKAN's envelope, with `Retry-After`. The help
/// link is relative: the limiter answers before the site's base is looked up.
pub(crate) fn too_many_requests(path: &str, seconds: u64) -> Response {
    let action = path.rsplit('/').next().unwrap_or_default();
    let mut response = envelope("", action, Err(CkanError::TooManyRequests(seconds)));
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    response
}

fn query_params(raw: Option<String>) -> Params {
    Params::from_pairs(url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned())
}

async fn get_action(
    State(state): State<AppState>,
    Path(action): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let base = state.web.public_base();
    let outcome = dispatch(&state, base, &action, query_params(raw)).await;
    envelope(base, &action, outcome)
}

/// POST takes a JSON object (what `ckanapi` sends) or a form; query-string values are defaults.
async fn post_action(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(action): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let base = state.web.public_base();
    let mut params = query_params(raw);
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(crate::extract::is_json_media_type)
        || body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let outcome = if body.iter().all(u8::is_ascii_whitespace) {
        dispatch(&state, base, &action, params).await
    } else if is_json {
        match serde_json::from_slice::<serde_json::Map<String, Value>>(&body) {
            Ok(map) => {
                params.merge(Params(map.into_iter().collect()));
                dispatch(&state, base, &action, params).await
            }
            Err(e) => Err(CkanError::BadRequest(format!("JSON Error: {e}"))),
        }
    } else {
        params.merge(Params::from_pairs(
            url::form_urlencoded::parse(&body).into_owned(),
        ));
        dispatch(&state, base, &action, params).await
    };
    envelope(base, &action, outcome)
}

async fn dispatch(state: &AppState, base: &str, action: &str, params: Params) -> CkanResult<Value> {
    match action {
        "package_search" => package_search(state, base, &params).await,
        "package_show" => package_show(state, base, &params).await,
        "package_list" => package_list(state, &params).await,
        "organization_list" => organization_list(state, &params).await,
        "organization_show" => organization_show(state, base, &params).await,
        "group_list" => group_list(&params),
        "group_show" => group_show(state, base, &params).await,
        "tag_list" => tag_list(state, &params).await,
        "license_list" => Ok(license_list(base)),
        "resource_show" => resource_show(state, base, &params).await,
        "help_show" => help_show(&params),
        "status_show" => Ok(status_show(base)),
        _ => Err(CkanError::BadRequest(format!(
            "Action name not known: {action}"
        ))),
    }
}

fn status_show(base: &str) -> Value {
    json!({
        "site_title": "目录 Mulu 公共数据资源目录",
        "site_description": "公共数据资源授权运营目录与登记（只读 CKAN 兼容接口）",
        "site_url": base,
        "ckan_version": "2.10.4",
        "error_emails_to": null,
        "locale_default": "zh_Hans_CN",
        "extensions": ["mulu-readonly"],
    })
}

async fn package_show(state: &AppState, base: &str, params: &Params) -> CkanResult<Value> {
    let raw = match params.text("id")? {
        Some(id) => id,
        None => params
            .text("name_or_id")?
            .ok_or_else(|| Invalid::new("name_or_id", "Missing value"))?,
    };
    package(state, base, &raw).await
}

/// A public package by id or name.
async fn package(state: &AppState, base: &str, raw: &str) -> CkanResult<Value> {
    let not_found = || CkanError::NotFound("Not found".into());
    let entry = match parse_package_ref(raw).ok_or_else(not_found)? {
        PackageRef::Id(id) => {
            state
                .catalog
                .public_catalog_entry(id, state.clock.today())
                .await
        }
        PackageRef::Code(code) => state.catalog.public_catalog_entry_by_code(&code).await,
    }
    .map_err(|e| match e {
        catalog::CatalogError::NotFound { .. } => not_found(),
        other => other.into(),
    })?;
    let org = state.catalog.organization(entry.owner()).await?.value;
    Ok(package_dict(base, &entry, Some(&org)))
}

/// Every public package's name, in id order (stable while the catalog grows).
async fn package_list(state: &AppState, params: &Params) -> CkanResult<Value> {
    let offset = params.natural("offset")?.unwrap_or(0);
    let limit = params.natural("limit")?.unwrap_or(i64::MAX);
    let page = PublicPage {
        order: PublicOrder::IdAsc,
        offset,
        limit,
        ..PublicPage::default()
    };
    let found = state
        .catalog
        .public_catalog(&[], page, state.clock.today())
        .await?;
    Ok(json!(
        found.entries.iter().map(package_name).collect::<Vec<_>>()
    ))
}

async fn active_organizations(state: &AppState) -> CkanResult<Vec<Organization>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let filter = RecordFilter {
            public_only: true,
            after_id: after,
            limit: Some(500),
            ..RecordFilter::default()
        };
        let page = state.catalog.organizations(&filter).await?;
        let done = page.len() < 500;
        after = page.last().map(|o| o.id.to_string());
        out.extend(page.into_iter().filter(|o| o.status == OrgStatus::Active));
        if done {
            return Ok(out);
        }
    }
}

async fn organization_list(state: &AppState, params: &Params) -> CkanResult<Value> {
    let all_fields = params.flag("all_fields")?;
    let offset = params.natural("offset")?.unwrap_or(0) as usize;
    let limit = params.natural("limit")?.map_or(usize::MAX, |n| n as usize);
    let mut orgs = active_organizations(state).await?;
    orgs.sort_by_key(org_name);
    let page = orgs.iter().skip(offset).take(limit);
    Ok(if all_fields {
        json!(page.map(organization_dict).collect::<Vec<_>>())
    } else {
        json!(page.map(org_name).collect::<Vec<_>>())
    })
}

/// An active organization by CKAN name (lowercased USCC) or id.
async fn find_organization(state: &AppState, raw: &str) -> CkanResult<Option<Organization>> {
    let org = if let Ok(id) = Uuid::parse_str(raw) {
        match state.catalog.organization(id).await {
            Ok(org) => Some(org.value),
            Err(catalog::CatalogError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        }
    } else {
        match Uscc::parse(&raw.to_ascii_uppercase()) {
            Ok(uscc) => state.catalog.organization_by_uscc(&uscc).await?,
            Err(_) => None,
        }
    };
    Ok(org.filter(|o| o.status == OrgStatus::Active))
}

async fn organization_show(state: &AppState, base: &str, params: &Params) -> CkanResult<Value> {
    let raw = params
        .text("id")?
        .ok_or_else(|| Invalid::new("id", "Missing value"))?;
    let org = find_organization(state, raw.trim())
        .await?
        .ok_or_else(|| CkanError::NotFound("Not found".into()))?;
    let mut dict = organization_dict(&org);
    let required = vec![(FacetName::Owner, org.id.to_string())];
    with_packages(state, base, params, required, &mut dict).await?;
    Ok(dict)
}

/// CKAN's `include_datasets` (up to `rows_max` packages, newest first) and `package_count`.
async fn with_packages(
    state: &AppState,
    base: &str,
    params: &Params,
    required: Vec<(FacetName, String)>,
    dict: &mut Value,
) -> CkanResult<()> {
    let rows = match params.flag("include_datasets")? {
        true => ROWS_MAX as usize,
        false => 0,
    };
    let (count, entries, _) = ckan_search::packages_with(state, required, rows, vec![]).await?;
    dict["package_count"] = json!(count);
    if rows > 0 {
        let orgs = owners(&state.catalog, &entries).await?;
        dict["packages"] = json!(
            entries
                .iter()
                .map(|e| package_dict(base, e, orgs.get(&e.owner())))
                .collect::<Vec<_>>()
        );
    }
    Ok(())
}

/// A GB/T 4754 section as a CKAN group, by name (`gbt4754-s`) or letter.
async fn group_show(state: &AppState, base: &str, params: &Params) -> CkanResult<Value> {
    let raw = params
        .text("id")?
        .ok_or_else(|| Invalid::new("id", "Missing value"))?;
    let raw = raw.trim().to_ascii_lowercase();
    let (letter, title) = vocab::GBT4754_SECTIONS
        .iter()
        .find(|(code, _)| vocab::group_name(code) == raw || code.eq_ignore_ascii_case(&raw))
        .ok_or_else(|| CkanError::NotFound("Group not found".into()))?;
    let mut dict = group_dict(letter, title);
    let required = vec![(FacetName::Domain, (*letter).to_owned())];
    with_packages(state, base, params, required, &mut dict).await?;
    Ok(dict)
}

fn group_dict(letter: &str, title: &str) -> Value {
    json!({ "id": vocab::group_name(letter), "name": vocab::group_name(letter), "title": title,
            "display_name": title, "type": "group", "is_organization": false,
            "state": "active", "approval_status": "approved", "image_url": "",
            "image_display_url": "", "description": format!("GB/T 4754-2017 门类 {letter}") })
}

/// Every tag of a public package, as the packages carry it; `query` keeps those containing it.
async fn tag_list(state: &AppState, params: &Params) -> CkanResult<Value> {
    let query = params.text("query")?.unwrap_or_default();
    let all_fields = params.flag("all_fields")?;
    let (_, _, counts) = ckan_search::packages_with(state, vec![], 0, vec![FacetName::Tag]).await?;
    let tags: BTreeSet<String> = counts
        .get(&FacetName::Tag)
        .into_iter()
        .flatten()
        .filter_map(|c| vocab::ckan_tag(&c.value))
        .filter(|t| t.contains(query.trim()))
        .collect();
    Ok(json!(
        tags.into_iter()
            .map(|t| match all_fields {
                true => json!({ "id": t, "name": t, "display_name": t, "vocabulary_id": null }),
                false => json!(t),
            })
            .collect::<Vec<_>>()
    ))
}

/// The licences packages name (see `vocab::LICENCES`).
fn license_list(base: &str) -> Value {
    json!(
        vocab::LICENCES
            .iter()
            .map(|l| json!({
                "id": l.id, "title": l.title, "url": format!("{base}/vocab/licence/{}", l.id),
                "status": "active", "maintainer": "", "family": "", "domain_content": true,
                "domain_data": true, "domain_software": false, "od_conformance": "not reviewed",
                "osd_conformance": "not reviewed", "is_okd_compliant": false,
                "is_osi_compliant": false, "is_generic": false, "description": l.summary,
            }))
            .collect::<Vec<_>>()
    )
}

/// One resource of a package: its id is the package id, `-` and its position.
async fn resource_show(state: &AppState, base: &str, params: &Params) -> CkanResult<Value> {
    let raw = params
        .text("id")?
        .ok_or_else(|| Invalid::new("id", "Missing value"))?;
    let raw = raw.trim();
    let not_found = || CkanError::NotFound("Resource was not found.".into());
    let (package_id, _) = raw.rsplit_once('-').ok_or_else(not_found)?;
    let package = match package(state, base, package_id).await {
        Err(CkanError::NotFound(_)) => return Err(not_found()),
        other => other?,
    };
    package["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["id"] == raw)
        .cloned()
        .ok_or_else(not_found)
}

/// What an action does, as CKAN's `help` link promises.
fn help_show(params: &Params) -> CkanResult<Value> {
    let name = params
        .text("name")?
        .ok_or_else(|| Invalid::new("name", "Missing value"))?;
    let text = match name.trim() {
        "package_search" => {
            "Searches the public packages (published resources and registered products). Parameters: q, fq (organization, owner_org, tags, groups, res_format, metadata_modified), fq_list, sort (score desc, metadata_modified asc|desc, id asc|desc, name asc|desc), rows (at most 1000), start, facet.field, facet.limit. count is exact."
        }
        "package_show" => {
            "One public package by id or name (resource code lowercased, or product-<id>). Parameters: id."
        }
        "package_list" => {
            "The names of every public package, in id order. Parameters: limit, offset."
        }
        "organization_list" => "Active organizations. Parameters: all_fields, limit, offset.",
        "organization_show" => {
            "One organization by id or name (USCC lowercased). Parameters: id, include_datasets."
        }
        "group_list" => "Groups: the GB/T 4754-2017 sections. Parameters: all_fields.",
        "group_show" => {
            "One group by name (gbt4754-a … gbt4754-t). Parameters: id, include_datasets."
        }
        "tag_list" => "Every tag of a public package. Parameters: query, all_fields.",
        "license_list" => {
            "The licences packages name: the open types of resources and the terms of registered products."
        }
        "resource_show" => "One resource of a package. Parameters: id.",
        "help_show" => "What an action does. Parameters: name.",
        "status_show" => "This site: title, URL, CKAN API version emulated.",
        _ => return Err(CkanError::NotFound("Action function not found".into())),
    };
    Ok(json!(text))
}

/// Groups are the GB/T 4754-2017 sections resources are classified in.
fn group_list(params: &Params) -> CkanResult<Value> {
    let all_fields = params.flag("all_fields")?;
    Ok(json!(
        vocab::GBT4754_SECTIONS
            .iter()
            .map(|(code, name)| if all_fields {
                group_dict(code, name)
            } else {
                json!(vocab::group_name(code))
            })
            .collect::<Vec<_>>()
    ))
}

/// The single owner `fq` restricts to: `Ok(None)` for no restriction, `Err(())` when no
/// organization can satisfy every term.
async fn owner_filter(state: &AppState, filters: &Filters) -> CkanResult<Result<Option<Uuid>, ()>> {
    let mut wanted: Option<Uuid> = None;
    for raw in filters.organizations.iter().chain(&filters.owner_orgs) {
        let Some(org) = find_organization(state, raw).await? else {
            return Ok(Err(()));
        };
        if wanted.is_some_and(|id| id != org.id) {
            return Ok(Err(()));
        }
        wanted = Some(org.id);
    }
    Ok(Ok(wanted))
}

async fn package_search(state: &AppState, base: &str, params: &Params) -> CkanResult<Value> {
    let q = params.text("q")?.unwrap_or_default();
    let q = q.trim();
    let q = (!matches!(q, "" | "*:*" | "*")).then_some(q);
    if let Some(q) = q
        && !search::has_words(q)
    {
        // What Solr answers for text it cannot parse (a lone quote): not everything.
        return Err(Invalid::new(
            "q",
            "Search Query is invalid: the query has no words to search for",
        )
        .into());
    }
    let q = q
        .map(search::QueryText::parse)
        .transpose()
        .map_err(|e| Invalid::new("q", e.to_string()))?;
    let (filters, terms) = parse_filters(
        &params.text("fq")?.unwrap_or_default(),
        &params.list("fq_list")?,
    )?;
    let rows = params.natural("rows")?.unwrap_or(10).min(ROWS_MAX);
    let start = params.natural("start")?.unwrap_or(0);
    let order = parse_order(params.text("sort")?.as_deref())?;
    let facet_fields = params.list("facet.field")?;
    let facet_limit = match params.text("facet.limit")?.as_deref().map(str::trim) {
        None | Some("") => 50,
        Some("-1") => usize::MAX,
        Some(n) => n
            .parse::<usize>()
            .map_err(|_| Invalid::new("facet.limit", "Must be an integer"))?,
    };

    let owner = match owner_filter(state, &filters).await? {
        Ok(owner) if !filters.nothing => owner,
        _ => {
            return Ok(json!({ "count": 0, "results": [], "sort": order.text(),
                              "facets": {}, "search_facets": {} }));
        }
    };
    let search = Search {
        q,
        owner,
        filters: &filters,
        terms: &terms,
        order,
        start,
        rows,
        facet_fields: &facet_fields,
    };
    let (total, page, counts) = match order.page_order() {
        Some(page_order) if !search.needs_index() => {
            let found = state
                .catalog
                .public_catalog(
                    &[],
                    PublicPage {
                        modified_since: filters.modified_since,
                        owners: owner.map(|id| id.to_string()).into_iter().collect(),
                        order: page_order,
                        offset: start,
                        limit: rows,
                        ..PublicPage::default()
                    },
                    state.clock.today(),
                )
                .await?;
            (found.total, found.entries, search.facets(state).await?)
        }
        _ => search.page(state).await?,
    };

    let orgs = owners(&state.catalog, &page).await?;
    let results: Vec<Value> = page
        .iter()
        .map(|e| package_dict(base, e, orgs.get(&e.owner())))
        .collect();
    let (facets, search_facets) = facet_shapes(state, &facet_fields, &counts, facet_limit).await?;
    Ok(json!({
        "count": total,
        "sort": order.text(),
        "facets": facets,
        "search_facets": search_facets,
        "results": results,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_limiters_refusal_is_in_ckans_envelope() {
        assert!(is_action_path("/api/3/action/package_show"));
        assert!(is_action_path("/api/action/package_list"));
        assert!(!is_action_path("/api/v1/resources"));
        let response = too_many_requests("/api/3/action/package_show", 3);
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "3");
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["success"], false);
        assert_eq!(body["error"]["__type"], "Rate Limit Error");
        assert_eq!(body["help"], "/api/3/action/help_show?name=package_show");
    }
}
