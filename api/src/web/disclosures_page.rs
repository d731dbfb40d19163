//! 信息披露 in the workbench (N 18–19): the implementing body and the operator of each
//! authorization in force during a year owe a statement for it by the policy's day of the next
//! year; each drafts, edits and publishes its own (a correction of a published one keeps the old
//! text), and the administration and 监管 see who owes what. Every step is the catalog call
//! `/api/v1/disclosures…` makes.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::disclosure::{
    Disclosure, DisclosureContent, DisclosureObligation, DisclosureStatus, NewDisclosure,
};
use catalog::{CatalogError, Role, SignedIn};
use chrono::Datelike;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::pages::{EntityId, FormError, FormFields, refused_page, with_status, workbench_page};
use super::session::org_of;
use super::session::{Session, check_csrf, csrf_field, form_about};
use crate::state::AppState;

pub const PATH: &str = "/workbench/disclosures";
const TITLE: &str = "信息披露";

/// The statement's fields for the person's role: (field, label).
fn content_fields(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::DataAdmin => &[
            ("authorized_parties", "授权对象"),
            ("content_and_scope", "授权内容与范围"),
            ("term", "授权期限"),
            ("fee_ceilings", "收费标准上限"),
        ],
        _ => &[
            ("product_list", "提供的产品和服务"),
            ("data_usage", "公共数据使用情况"),
            ("actual_fees", "实际收费情况"),
        ],
    }
}

/// The content a form posted, of the kind the role discloses.
fn content_from(role: Role, f: &FormFields) -> DisclosureContent {
    let v = |name: &str| f.get(&format!("content.{name}")).to_string();
    match role {
        Role::DataAdmin => DisclosureContent::ImplementingBody {
            authorized_parties: v("authorized_parties"),
            content_and_scope: v("content_and_scope"),
            term: v("term"),
            fee_ceilings: v("fee_ceilings"),
        },
        _ => DisclosureContent::Operator {
            product_list: v("product_list"),
            data_usage: v("data_usage"),
            actual_fees: v("actual_fees"),
        },
    }
}

/// A statement's content as (label, text) pairs.
fn labelled(content: &DisclosureContent) -> Vec<(&'static str, &str)> {
    match content {
        DisclosureContent::ImplementingBody {
            authorized_parties,
            content_and_scope,
            term,
            fee_ceilings,
        } => vec![
            ("授权对象", authorized_parties),
            ("授权内容与范围", content_and_scope),
            ("授权期限", term),
            ("收费标准上限", fee_ceilings),
        ],
        DisclosureContent::Operator {
            product_list,
            data_usage,
            actual_fees,
        } => vec![
            ("提供的产品和服务", product_list),
            ("公共数据使用情况", data_usage),
            ("实际收费情况", actual_fees),
        ],
    }
}

/// The content's fields as a form's values (to edit a statement).
fn fields_of(d: &Disclosure) -> FormFields {
    let pairs: Vec<(&str, &str)> = match &d.content {
        DisclosureContent::ImplementingBody {
            authorized_parties,
            content_and_scope,
            term,
            fee_ceilings,
        } => vec![
            ("authorized_parties", authorized_parties),
            ("content_and_scope", content_and_scope),
            ("term", term),
            ("fee_ceilings", fee_ceilings),
        ],
        DisclosureContent::Operator {
            product_list,
            data_usage,
            actual_fees,
        } => vec![
            ("product_list", product_list),
            ("data_usage", data_usage),
            ("actual_fees", actual_fees),
        ],
    };
    FormFields(
        pairs
            .into_iter()
            .map(|(k, v)| (format!("content.{k}"), v.to_string()))
            .collect(),
    )
}

fn content_inputs(role: Role, fields: &FormFields, error: Option<&FormError>) -> Markup {
    html! {
        @for (name, label) in content_fields(role) {
            @let id = format!("content.{name}");
            label for=(id) { (label) }
            textarea id=(id) name=(id) rows="3" { (fields.get(&id)) }
            @if let Some(m) = error.and_then(|e| e.at(&id)) { (m) }
        }
    }
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

pub async fn list(
    State(state): State<AppState>,
    Session(s): Session,
    Query(q): Query<YearQuery>,
) -> Response {
    list_page(&state, &s, q.year, &FormFields(Vec::new()), None).await
}

async fn list_page(
    state: &AppState,
    s: &SignedIn,
    year: Option<i32>,
    fields: &FormFields,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let today = state.clock.today();
    // Statements cover the previous year by default.
    let year = year.unwrap_or(today.year() - 1);
    let discloses = matches!(s.role, Role::DataAdmin | Role::Operator);
    let own = if discloses {
        state
            .catalog
            .own_disclosures(&s.actor())
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let obligations: Vec<DisclosureObligation> = state
        .catalog
        .disclosure_obligations(year, today)
        .await
        .unwrap_or_default();
    let mine: Vec<&DisclosureObligation> = obligations
        .iter()
        .filter(|o| Some(o.discloser_id) == s.actor().org_id)
        .collect();
    let oversees = matches!(s.role, Role::DataAdmin | Role::Auditor);
    let mut names = Vec::new();
    if oversees {
        for o in &obligations {
            let name = state.catalog.organization(o.discloser_id).await.ok();
            names.push(name.map_or_else(|| o.discloser_id.to_string(), |o| o.value.name));
        }
    }
    let body = html! {
        h1 { (TITLE) }
        @if let Some(e) = error { (e.summary()) }
        @if discloses {
            section #own {
                h2 { "本机构的年度披露" }
                @if !mine.is_empty() {
                    ul #owed {
                        @for o in &mine {
                            li.overdue[o.overdue] { (o.year) " 年度（" (o.role.label()) "）：" (o.status.label())
                                "，应于 " (o.due) " 前公开" @if o.overdue { "（已逾期）" } }
                        }
                    }
                }
                @if own.is_empty() {
                    p.muted { "尚无披露。" }
                } @else {
                    table #disclosures {
                        thead { tr {
                            th scope="col" { "年度" } th scope="col" { "状态" }
                            th scope="col" { "版本" } th scope="col" { "截止日" }
                        } }
                        tbody {
                            @for d in &own {
                                tr {
                                    td { a href=(format!("{PATH}/{}", d.id)) { (d.year) " 年度" } }
                                    td.status { (d.status.label()) }
                                    td { (d.version) }
                                    td { (d.due) }
                                }
                            }
                        }
                    }
                }
                h3 { "起草年度披露" }
                form.stack.disclosure method="post" action=(PATH) {
                    (csrf_field(s))
                    label for="year" { "年度" }
                    input id="year" name="year" type="number" value=(if fields.get("year").is_empty() { year.to_string() } else { fields.get("year").to_string() });
                    @if let Some(m) = error.and_then(|e| e.at("year")) { (m) }
                    (content_inputs(s.role, fields, error))
                    button type="submit" { "保存草稿" }
                }
            }
        }
        @if oversees {
            section #obligations {
                h2 { (year) " 年度应披露情况" }
                form.filters method="get" action=(PATH) {
                    label for="obligations-year" { "年度" }
                    input #obligations-year name="year" type="number" value=(year);
                    button type="submit" { "查看" }
                }
                @if obligations.is_empty() {
                    p.muted { "该年度没有在期内的授权，无人应披露。" }
                } @else {
                    table {
                        thead { tr {
                            th scope="col" { "机构" } th scope="col" { "身份" } th scope="col" { "状态" }
                            th scope="col" { "截止日" } th scope="col" { "涉及授权" }
                        } }
                        tbody {
                            @for (o, name) in obligations.iter().zip(&names) {
                                tr.overdue[o.overdue] {
                                    td { (name) } td { (o.role.label()) }
                                    td.status { (o.status.label()) @if o.overdue { "（已逾期）" } }
                                    td { (o.due) } td.num { (o.authorization_ids.len()) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    with_status(workbench_page(TITLE, s, org.as_ref(), body), error)
}

pub async fn draft(State(state): State<AppState>, Session(s): Session, body: Bytes) -> Response {
    let f = FormFields::parse(&body);
    if let Some(refused) = check_csrf(&s, f.get("csrf")) {
        return refused;
    }
    let drafted = match f.get("year").trim().parse::<i32>() {
        Ok(year) => {
            let input = NewDisclosure {
                year,
                content: content_from(s.role, &f),
            };
            state
                .catalog
                .draft_disclosure(&s.actor(), input, state.clock.today())
                .await
        }
        Err(_) => Err(CatalogError::invalid("year", "年度应为四位数字")),
    };
    match drafted {
        Ok(d) => Redirect::to(&format!("{PATH}/{}", d.id)).into_response(),
        Err(e) => list_page(&state, &s, None, &f, Some(&FormError::from(e))).await,
    }
}

pub async fn detail(
    State(state): State<AppState>,
    Session(s): Session,
    EntityId(id): EntityId,
) -> Response {
    detail_page(&state, &s, id, None, None).await
}

async fn detail_page(
    state: &AppState,
    s: &SignedIn,
    id: Uuid,
    fields: Option<&FormFields>,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let actor = s.actor();
    let d = match state.catalog.disclosure_as(Some(&actor), id).await {
        Ok(d) => d.value,
        Err(e) => return refused_page(state, s, TITLE, e).await,
    };
    let own = actor.org_id == Some(d.discloser_id);
    let current = fields_of(&d);
    let values = fields.unwrap_or(&current);
    let title = format!("{} 年度信息披露", d.year);
    let body = html! {
        p { a href=(PATH) { "← " (TITLE) } }
        h1 { (title) }
        @if let Some(e) = error { (e.summary()) }
        dl.fields {
            dt { "状态" } dd #status { (d.status.label()) }
            dt { "版本" } dd { (d.version) }
            dt { "公开截止日" } dd { (d.due) }
            @for (label, text) in labelled(&d.content) { dt { (label) } dd { (text) } }
        }
        @if own {
            section #edit {
                h2 { @if d.status == DisclosureStatus::Published { "更正（原文保留）" } @else { "修改草稿" } }
                form.stack method="post" action=(format!("{PATH}/{}", d.id)) {
                    (csrf_field(s))
                    (content_inputs(s.role, values, error))
                    button type="submit" name="action" value="revise" { "保存" }
                }
            }
            @if d.status == DisclosureStatus::Draft {
                form.stack method="post" action=(format!("{PATH}/{}", d.id)) {
                    (csrf_field(s))
                    button type="submit" name="action" value="publish" { "公开" }
                }
            }
        }
        @if !d.history.is_empty() {
            section #versions {
                h2 { "此前公开的版本" }
                @for v in &d.history {
                    article {
                        h3 { "第 " (v.version) " 版（" (crate::portal::layout::beijing(&v.published_at)) "）" }
                        dl.fields { @for (label, text) in labelled(&v.content) { dt { (label) } dd { (text) } } }
                    }
                }
            }
        }
    };
    with_status(workbench_page(&title, s, org.as_ref(), body), error)
}

pub async fn act(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (f, id) = match form_about(&s, &id, &body).await {
        Ok(posted) => posted,
        Err(answer) => return answer,
    };
    let (c, actor) = (&state.catalog, s.actor());
    let done = match f.get("action") {
        "revise" => c
            .revise_disclosure(&actor, id, content_from(s.role, &f), None)
            .await
            .map(drop),
        "publish" => c.publish_disclosure(&actor, id, None).await.map(drop),
        _ => Err(CatalogError::invalid("action", "未知的操作")),
    };
    match done {
        Ok(()) => Redirect::to(&format!("{PATH}/{id}")).into_response(),
        Err(e) => detail_page(&state, &s, id, Some(&f), Some(&FormError::from(e))).await,
    }
}
