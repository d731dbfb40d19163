//! A data administration's organizations (机构): those inside its region, with their kinds and
//! how many directory entries each provides, and the form that registers one. The region rule
//! (rule 9) is the catalog's: `organizations_in_jurisdiction` reads, `register_organization`
//! refuses an organization outside the region.

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::organization::{NewOrganization, OrgKind};
use catalog::domain::{RegionCode, Uscc};
use catalog::{CatalogError, SignedIn};
use maud::html;

use super::pages::{FormError, FormFields, respond, with_status, workbench_page};
use super::session::org_of;
use super::session::{Session, check_csrf, csrf_field};
use crate::state::AppState;

/// Every kind an organization may be registered as, in the order the form offers them.
const KINDS: [OrgKind; 7] = [
    OrgKind::Provider,
    OrgKind::DataAdmin,
    OrgKind::Registrar,
    OrgKind::Operator,
    OrgKind::Developer,
    OrgKind::Exchange,
    OrgKind::Auditor,
];

/// The form's value of a kind (the catalog's serialized name).
fn kind_value(kind: OrgKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn parse_kinds(fields: &FormFields) -> BTreeSet<OrgKind> {
    fields
        .all("kinds")
        .into_iter()
        .filter_map(|k| KINDS.into_iter().find(|kind| kind_value(*kind) == k))
        .collect()
}

async fn list_page(
    state: &AppState,
    s: &SignedIn,
    fields: Option<&FormFields>,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let orgs = match state
        .catalog
        .organizations_in_jurisdiction(&s.actor())
        .await
    {
        Ok(o) => o,
        Err(e) => {
            let e = FormError::from(e);
            return respond(
                e.status,
                workbench_page(
                    "机构",
                    s,
                    org.as_ref(),
                    html! { h1 { "机构" } (e.summary()) },
                ),
            );
        }
    };
    let region = state
        .catalog
        .jurisdiction_of(&s.actor())
        .await
        .ok()
        .flatten();
    let value = |name: &str| fields.map_or("", |f| f.get(name)).to_string();
    let kinds = fields.map(parse_kinds).unwrap_or_default();
    let described = |field: &str| {
        error
            .and_then(|e| e.field.as_deref())
            .filter(|f| *f == field)
            .map(|f| format!("{f}-error"))
    };
    let markup = workbench_page(
        "机构",
        s,
        org.as_ref(),
        html! {
            h1 { "机构" }
            p.muted {
                @if let Some(r) = &region { "本辖区（" (r.as_str()) "）内登记的机构。" }
                "数源单位的目录条目数含各状态（草稿、待审核、已发布等）。"
            }
            @if orgs.is_empty() {
                p.muted { "本辖区尚无登记的机构，可在下方登记。" }
            } @else {
                table #organizations {
                    caption { "共 " (orgs.len()) " 个机构" }
                    thead { tr {
                        th scope="col" { "名称" }
                        th scope="col" { "类型" }
                        th scope="col" { "统一社会信用代码" }
                        th scope="col" { "行政区划" }
                        th scope="col" { "目录条目数" }
                    } }
                    tbody {
                        @for (o, entries) in &orgs {
                            tr {
                                td { (o.name) }
                                td { (o.kinds.iter().map(|k| k.label()).collect::<Vec<_>>().join("、")) }
                                td { code { (o.uscc.as_str()) } }
                                td { (o.region.full_name()) }
                                td.num { (entries) }
                            }
                        }
                    }
                }
            }
            h2 #new { "登记机构" }
            @if let Some(e) = error { (e.summary()) }
            form.stack method="post" action="/workbench/organizations" {
                (csrf_field(s))
                label for="name" { "名称" }
                input #name name="name" type="text" required maxlength="200" value=(value("name")) aria-describedby=[described("name")];
                @if let Some(m) = error.and_then(|e| e.at("name")) { (m) }
                label for="uscc" { "统一社会信用代码（18 位）" }
                input #uscc name="uscc" type="text" required maxlength="18" autocomplete="off" value=(value("uscc")) aria-describedby=[described("uscc")];
                @if let Some(m) = error.and_then(|e| e.at("uscc")) { (m) }
                label for="region" {
                    "行政区划代码（6 位"
                    @if let Some(r) = &region { "，须在本辖区 " (r.as_str()) " 内" }
                    "）"
                }
                input #region name="region" type="text" required maxlength="6" inputmode="numeric" value=(value("region")) aria-describedby=[described("region")];
                @if let Some(m) = error.and_then(|e| e.at("region")) { (m) }
                fieldset #kinds {
                    legend { "机构类型（可多选）" }
                    @for k in KINDS {
                        label.check {
                            input type="checkbox" name="kinds" value=(kind_value(k)) checked[kinds.contains(&k)];
                            " " (k.label())
                        }
                    }
                }
                @if let Some(m) = error.and_then(|e| e.at("kinds")) { (m) }
                button type="submit" { "登记机构" }
            }
        },
    );
    with_status(markup, error)
}

pub async fn list(State(state): State<AppState>, Session(s): Session) -> Response {
    list_page(&state, &s, None, None).await
}

pub async fn register(State(state): State<AppState>, Session(s): Session, body: Bytes) -> Response {
    let fields = FormFields::parse(&body);
    if let Some(r) = check_csrf(&s, fields.get("csrf")) {
        return r;
    }
    let input = (|| -> Result<NewOrganization, CatalogError> {
        Ok(NewOrganization {
            name: fields.get("name").to_string(),
            uscc: Uscc::parse(fields.get("uscc").trim())
                .map_err(|e| CatalogError::invalid("uscc", e.message))?,
            region: RegionCode::parse(fields.get("region").trim())
                .map_err(|e| CatalogError::invalid("region", e.message))?,
            kinds: parse_kinds(&fields),
            contact: None,
        })
    })();
    let result = match input {
        Ok(input) => state.catalog.register_organization(&s.actor(), input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to("/workbench/organizations").into_response(),
        Err(e) => {
            let refused_region =
                matches!(e, CatalogError::Forbidden(_)) && s.role == catalog::Role::DataAdmin;
            let mut error = FormError::from(e);
            // The catalog refuses a data administration only for the region (rule 9): the
            // message belongs beside that field.
            if refused_region {
                error.field = Some("region".to_string());
            }
            list_page(&state, &s, Some(&fields), Some(&error)).await
        }
    }
}
