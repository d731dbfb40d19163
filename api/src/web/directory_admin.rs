//! A data administration's negative list (add, lift, reinstate, with each entry's history) and
//! operation-directory editions (the current one, and publishing the next from published
//! resources chosen on the page or pasted as codes). Every write is the catalog call the JSON API
//! makes (`routes/admin.rs`); rules 1 and 2 are the catalog's, shown next to the line they name.

use std::collections::{HashMap, HashSet};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::GradeLevel;
use catalog::domain::ResourceCode;
use catalog::domain::edition::{DirectoryEdition, EditionDiff, EditionLine};
use catalog::domain::industry::GBT4754_SECTIONS;
use catalog::domain::negative_list::{
    NegativeKind, NegativeListEntry, NegativeReason, NegativeScope, NegativeStatus, NegativeTarget,
    NewNegativeListEntry,
};
use catalog::{
    CatalogError, EditionLineRequest, EditionPreview, EditionRequest, PublicItem, Role, SignedIn,
};
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::pages::{FormError, FormFields, respond, workbench_page};
use super::session::org_of;
use super::session::{Session, check_csrf, csrf_field};
use crate::portal::layout::{beijing, date, pager};
use crate::state::AppState;

const NEGATIVE_TITLE: &str = "负面清单";
const EDITIONS_TITLE: &str = "运营目录";
/// Published resources offered per page of the edition form.
const PAGE: i64 = 50;

const KINDS: [NegativeKind; 2] = [NegativeKind::Prohibited, NegativeKind::Restricted];
const REASONS: [NegativeReason; 5] = [
    NegativeReason::NationalSecurity,
    NegativeReason::PublicInterest,
    NegativeReason::LawfulRights,
    NegativeReason::ProhibitedByLaw,
    NegativeReason::Classified,
];

/// The Chinese name a domain enum serializes to (its label).
fn chinese(v: impl serde::Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A page of this module: the frame, the status of what happened.
async fn render(
    state: &AppState,
    s: &SignedIn,
    title: &str,
    status: StatusCode,
    body: Markup,
) -> Response {
    let org = org_of(state, s).await;
    respond(status, workbench_page(title, s, org.as_ref(), body))
}

/// The catalog's refusal when the current role is not a data administration.
async fn refused(state: &AppState, s: &SignedIn, title: &str, action: &str) -> Option<Response> {
    let e = s.actor().require_role(&[Role::DataAdmin], action).err()?;
    let error = FormError::from(e);
    Some(
        render(
            state,
            s,
            title,
            error.status,
            html! { h1 { (title) } (error.summary()) },
        )
        .await,
    )
}

// ---------------------------------------------------------------------------------------------
// the negative list

/// The name of each resource a resource entry targets (published ones; others by code only).
async fn target_names(state: &AppState, entries: &[NegativeListEntry]) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for e in entries {
        if let NegativeTarget::Resource { code } = &e.details.target
            && !names.contains_key(code.as_str())
            && let Ok(entry) = state.catalog.public_catalog_entry_by_code(code).await
            && let PublicItem::Resource(r) = entry.item
        {
            names.insert(code.as_str().to_string(), r.content.name);
        }
    }
    names
}

/// The error of a lift or reinstate, with the entry it concerns.
struct RowError {
    id: Uuid,
    error: FormError,
}

fn entry_row(
    s: &SignedIn,
    e: &NegativeListEntry,
    names: &HashMap<String, String>,
    today: NaiveDate,
    row_error: Option<&RowError>,
) -> Markup {
    let d = &e.details;
    let error = row_error.filter(|r| r.id == e.id).map(|r| &r.error);
    let (change, button) = match e.status {
        NegativeStatus::Active => ("lift", "解除"),
        NegativeStatus::Lifted => ("reinstate", "恢复"),
    };
    let reason_id = format!("reason-{}", e.id);
    html! {
        tr id=(format!("entry-{}", e.id)) {
            td {
                @match &d.target {
                    NegativeTarget::Resource { code } => {
                        code { (code.as_str()) }
                        @if let Some(name) = names.get(code.as_str()) { br; (name) }
                    }
                    NegativeTarget::Category { domain, category_path } => {
                        "类别："
                        @if let Some(domain) = domain {
                            (GBT4754_SECTIONS.iter().find(|(c, _)| c == domain).map_or(domain.clone(), |(c, n)| format!("{c} {n}")))
                        }
                        @if !category_path.is_empty() { " " (category_path.join("/")) }
                    }
                }
                @if let NegativeScope::DataItems(items) = &d.scope {
                    br; span.muted { "信息项：" (items.join("、")) }
                }
                @if d.confidential { br; span.muted { "不公开" } }
            }
            td {
                (chinese(d.kind))
                @if let Some(c) = &d.conditions { br; span.muted { (c) } }
            }
            td { (chinese(d.reason)) }
            td { (d.legal_basis) }
            td { (d.approved_by) br; span.muted { (d.approved_on) } }
            td.status { (e.status.label()) }
            td {
                (d.next_review_on)
                @if e.review_overdue(today) {
                    br; strong.overdue { "已到复核期" }
                }
            }
            td {
                ol.history {
                    @for h in &e.history {
                        li { (beijing(&h.at)) " " (h.status.label()) "：" (h.reason) }
                    }
                }
            }
            td {
                form.stack method="post" action=(format!("/workbench/negative-list/{}/{change}", e.id)) {
                    (csrf_field(s))
                    label for=(reason_id) { (button) "理由" }
                    input id=(reason_id) name="reason" type="text" required;
                    @if let Some(m) = error { p.field-error { (m.message) } }
                    button type="submit" { (button) }
                }
            }
        }
    }
}

fn add_form(s: &SignedIn, fields: Option<&FormFields>, error: Option<&FormError>) -> Markup {
    let v = |name: &str| fields.map(|f| f.get(name).to_string()).unwrap_or_default();
    let err = |name: &str| error.and_then(|e| e.at(name));
    let target_type = fields.map_or("resource".to_string(), |f| f.get("target.type").to_string());
    let scope_type = v("scope.type");
    let kind = v("kind");
    let reason = v("reason");
    let domain = v("target.domain");
    html! {
        form.stack #add method="post" action="/workbench/negative-list" {
            (csrf_field(s))
            fieldset {
                legend { "列入对象" }
                label for="target" { "对象类型" }
                select #target name="target.type" {
                    option value="resource" selected[target_type == "resource"] { "单个资源" }
                    option value="category" selected[target_type == "category"] { "一类资源" }
                }
                @if let Some(m) = err("target") { (m) }
                label for="target.code" { "资源代码（对象为单个资源时填写）" }
                input id="target.code" name="target.code" type="text" value=(v("target.code"));
                @if let Some(m) = err("target.code") { (m) }
                label for="target.domain" { "行业分类（对象为一类资源时）" }
                select id="target.domain" name="target.domain" {
                    option value="" { "（不限）" }
                    @for (code, name) in GBT4754_SECTIONS {
                        option value=(code) selected[domain == code] { (code) " " (name) }
                    }
                }
                label for="target.category_path" { "分类路径（对象为一类资源时，以“/”分隔）" }
                input id="target.category_path" name="target.category_path" type="text" value=(v("target.category_path"));
                label for="scope" { "范围" }
                select #scope name="scope.type" {
                    option value="whole_resource" selected[scope_type != "data_items"] { "整个资源" }
                    option value="data_items" selected[scope_type == "data_items"] { "部分信息项" }
                }
                label for="scope.items" { "信息项（范围为部分信息项时，以逗号分隔）" }
                input id="scope.items" name="scope.items" type="text" value=(v("scope.items"));
                @if let Some(m) = err("scope.items") { (m) }
            }
            fieldset {
                legend { "类别与依据" }
                label for="kind" { "类型" }
                select #kind name="kind" {
                    @for k in KINDS { option value=(chinese(k)) selected[kind == chinese(k)] { (chinese(k)) } }
                }
                @if let Some(m) = err("kind") { (m) }
                label for="conditions" { "限制条件（限制类必填）" }
                textarea #conditions name="conditions" rows="2" { (v("conditions")) }
                @if let Some(m) = err("conditions") { (m) }
                label for="reason" { "理由类别" }
                select #reason name="reason" {
                    @for r in REASONS { option value=(chinese(r)) selected[reason == chinese(r)] { (chinese(r)) } }
                }
                @if let Some(m) = err("reason") { (m) }
                label for="legal_basis" { "法律依据" }
                textarea #legal_basis name="legal_basis" rows="2" { (v("legal_basis")) }
                @if let Some(m) = err("legal_basis") { (m) }
                label for="approved_by" { "批准机关" }
                input #approved_by name="approved_by" type="text" value=(v("approved_by"));
                @if let Some(m) = err("approved_by") { (m) }
                label for="approved_on" { "批准日期" }
                input #approved_on name="approved_on" type="date" value=(v("approved_on"));
                @if let Some(m) = err("approved_on") { (m) }
                label for="next_review_on" { "下次评估日期" }
                input #next_review_on name="next_review_on" type="date" value=(v("next_review_on"));
                @if let Some(m) = err("next_review_on") { (m) }
                div {
                    input #confidential name="confidential" type="checkbox" value="1" checked[v("confidential") == "1"];
                    label for="confidential" { "不向公众公开（仍然执行）" }
                }
            }
            button type="submit" { "列入负面清单" }
        }
    }
}

fn parse_date(f: &FormFields, name: &str) -> Result<NaiveDate, CatalogError> {
    let raw = f.get(name).trim();
    if raw.is_empty() {
        return Err(CatalogError::invalid(name, "请填写日期"));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| CatalogError::invalid(name, "日期格式应为 YYYY-MM-DD"))
}

fn optional(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The entry a posted form describes; the domain's own parsing (and messages) decide.
fn new_entry_from(f: &FormFields) -> Result<NewNegativeListEntry, CatalogError> {
    let approved_on = parse_date(f, "approved_on")?;
    let next_review_on = parse_date(f, "next_review_on")?;
    let target = if f.get("target.type") == "category" {
        serde_json::json!({
            "type": "category",
            "domain": optional(f.get("target.domain")),
            "category_path": f.get("target.category_path").split('/').map(str::trim)
                .filter(|s| !s.is_empty()).collect::<Vec<_>>(),
        })
    } else {
        if f.get("target.code").trim().is_empty() {
            return Err(CatalogError::invalid("target.code", "请填写资源代码"));
        }
        serde_json::json!({"type": "resource", "code": f.get("target.code").trim()})
    };
    let scope = if f.get("scope.type") == "data_items" {
        let items: Vec<&str> = f
            .get("scope.items")
            .split([',', '，', '、'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        serde_json::json!({"type": "data_items", "items": items})
    } else {
        serde_json::json!({"type": "whole_resource"})
    };
    let value = serde_json::json!({
        "target": target,
        "scope": scope,
        "kind": f.get("kind"),
        "conditions": optional(f.get("conditions")),
        "reason": f.get("reason"),
        "legal_basis": f.get("legal_basis"),
        "approved_by": f.get("approved_by"),
        "approved_on": approved_on,
        "next_review_on": next_review_on,
        "confidential": f.get("confidential") == "1",
    });
    let entry: NewNegativeListEntry = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path.starts_with("target") {
            "target.code".to_string()
        } else {
            path
        };
        CatalogError::invalid(field, e.inner().to_string())
    })?;
    entry.validate()?;
    Ok(entry)
}

async fn negative_page(
    state: &AppState,
    s: &SignedIn,
    fields: Option<&FormFields>,
    add_error: Option<&FormError>,
    row_error: Option<&RowError>,
) -> Response {
    let entries = match state.catalog.negative_list(false).await {
        Ok(e) => e,
        Err(e) => {
            let error = FormError::from(e);
            return render(
                state,
                s,
                NEGATIVE_TITLE,
                error.status,
                html! { h1 { (NEGATIVE_TITLE) } (error.summary()) },
            )
            .await;
        }
    };
    let names = target_names(state, &entries).await;
    let today = state.clock.today();
    let overdue = entries.iter().filter(|e| e.review_overdue(today)).count();
    let status = add_error
        .map(|e| e.status)
        .or(row_error.map(|r| r.error.status))
        .unwrap_or(StatusCode::OK);
    let body = html! {
        h1 { (NEGATIVE_TITLE) }
        @if let Some(e) = add_error { (e.summary()) }
        @if let Some(r) = row_error {
            div.error-summary role="alert" tabindex="-1" {
                h2 { "提交未成功" }
                p { a href=(format!("#reason-{}", r.id)) { (r.error.message) } }
            }
        }
        @if entries.is_empty() {
            p.muted { "负面清单暂无条目。可以在下方列入。" }
        } @else {
            @if overdue > 0 { p.overdue { (overdue) " 条有效条目已到复核期，请评估后解除或更新。" } }
            div.scroll { table #negative-list {
                caption { "共 " (entries.len()) " 条" }
                thead { tr {
                    th scope="col" { "对象" } th scope="col" { "类型" } th scope="col" { "理由类别" }
                    th scope="col" { "法律依据" } th scope="col" { "批准机关" } th scope="col" { "状态" }
                    th scope="col" { "下次评估" } th scope="col" { "历史" } th scope="col" { "调整" }
                } }
                tbody { @for e in &entries { (entry_row(s, e, &names, today, row_error)) } }
            } }
        }
        h2 { "列入负面清单" }
        (add_form(s, fields, add_error))
    };
    render(state, s, NEGATIVE_TITLE, status, body).await
}

pub async fn negative_list(State(state): State<AppState>, Session(s): Session) -> Response {
    if let Some(r) = refused(&state, &s, NEGATIVE_TITLE, "维护负面清单").await {
        return r;
    }
    negative_page(&state, &s, None, None, None).await
}

pub async fn add_negative(
    State(state): State<AppState>,
    Session(s): Session,
    body: Bytes,
) -> Response {
    let fields = FormFields::parse(&body);
    if let Some(r) = check_csrf(&s, fields.get("csrf")) {
        return r;
    }
    let result = match new_entry_from(&fields) {
        Ok(entry) => state.catalog.add_negative_entry(&s.actor(), entry).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(e) => Redirect::to(&format!("/workbench/negative-list#entry-{}", e.id)).into_response(),
        Err(e @ CatalogError::Forbidden(_)) => {
            let error = FormError::from(e);
            render(
                &state,
                &s,
                NEGATIVE_TITLE,
                error.status,
                html! { h1 { (NEGATIVE_TITLE) } (error.summary()) },
            )
            .await
        }
        Err(e) => negative_page(&state, &s, Some(&fields), Some(&FormError::from(e)), None).await,
    }
}

pub async fn change_negative(
    State(state): State<AppState>,
    Session(s): Session,
    Path((id, change)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let fields = FormFields::parse(&body);
    if let Some(r) = check_csrf(&s, fields.get("csrf")) {
        return r;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return crate::portal::fallback().await;
    };
    let (c, actor, reason) = (&state.catalog, s.actor(), fields.get("reason"));
    let result = match change.as_str() {
        "lift" => c.lift_negative_entry(&actor, id, reason, None).await,
        "reinstate" => c.reinstate_negative_entry(&actor, id, reason, None).await,
        _ => return crate::portal::fallback().await,
    };
    match result {
        Ok(_) => Redirect::to(&format!("/workbench/negative-list#entry-{id}")).into_response(),
        Err(CatalogError::NotFound { .. }) => crate::portal::fallback().await,
        Err(e @ CatalogError::Forbidden(_)) => {
            let error = FormError::from(e);
            render(
                &state,
                &s,
                NEGATIVE_TITLE,
                error.status,
                html! { h1 { (NEGATIVE_TITLE) } (error.summary()) },
            )
            .await
        }
        Err(e) => {
            let row = RowError {
                id,
                error: FormError::from(e),
            };
            negative_page(&state, &s, None, None, Some(&row)).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// editions

#[derive(Debug, Default, Deserialize)]
pub struct EditionsQuery {
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    published: Option<u32>,
}

/// Where a requested line came from, to put the catalog's refusal back next to it.
#[derive(Clone)]
enum Origin {
    /// A checked row of the resource table.
    Checked(Uuid),
    /// Line `n` (1-based) of the pasted codes.
    Pasted(usize),
}

struct Chosen {
    code: String,
    origin: Origin,
}

/// A refused edition: the message and where it belongs.
struct EditionError {
    message: String,
    status: StatusCode,
    /// Which requested line, if the error names one.
    origin: Option<Origin>,
    code: Option<String>,
    /// A field of the form itself (title, note, codes).
    field: Option<String>,
}

impl EditionError {
    fn at_field(&self, field: &str) -> Option<Markup> {
        (self.field.as_deref() == Some(field))
            .then(|| html! { p.field-error id=(format!("{field}-error")) { (self.message) } })
    }

    fn anchor(&self) -> Option<String> {
        match (&self.origin, &self.field) {
            (Some(Origin::Checked(id)), _) => Some(format!("pick-{id}")),
            (Some(Origin::Pasted(_)), _) => Some("codes".to_string()),
            (None, Some(f)) => Some(f.clone()),
            _ => None,
        }
    }

    fn summary(&self) -> Markup {
        let text = match (&self.origin, &self.code) {
            (Some(Origin::Pasted(n)), Some(code)) => {
                format!("粘贴的第 {n} 行（{code}）：{}", self.message)
            }
            (Some(Origin::Checked(_)), Some(code)) => format!("{code}：{}", self.message),
            _ => self.message.clone(),
        };
        html! {
            div.error-summary #edition-error role="alert" tabindex="-1" {
                h2 { "未发布" }
                p {
                    @if let Some(a) = self.anchor() { a href=(format!("#{a}")) { (text) } }
                    @else { (text) }
                }
                p.muted { "整版未发布，请调整后重新提交。" }
            }
        }
    }
}

/// `lines[3].resource_id` → 3.
fn line_index(field: &str) -> Option<usize> {
    field
        .strip_prefix("lines[")?
        .split(']')
        .next()?
        .parse()
        .ok()
}

fn edition_error(e: CatalogError, chosen: &[Chosen]) -> EditionError {
    let form = FormError::from(e);
    let index = form.field.as_deref().and_then(line_index);
    match index.and_then(|i| chosen.get(i)) {
        Some(c) => EditionError {
            message: form.message,
            status: form.status,
            origin: Some(c.origin.clone()),
            code: Some(c.code.clone()),
            field: matches!(c.origin, Origin::Pasted(_)).then(|| "codes".to_string()),
        },
        None => EditionError {
            message: form.message,
            status: form.status,
            origin: None,
            code: None,
            field: form.field,
        },
    }
}

/// The lines a posted form asks for: checked rows first, then the pasted codes (`代码` or
/// `代码 | 条件` per line). Codes are resolved to published resources.
async fn chosen_lines(
    state: &AppState,
    f: &FormFields,
) -> Result<(Vec<EditionLineRequest>, Vec<Chosen>), EditionError> {
    let mut lines = Vec::new();
    let mut chosen = Vec::new();
    for raw in f.all("pick") {
        let Ok(id) = raw.parse::<Uuid>() else {
            continue;
        };
        let code = match state.catalog.public_resource(id).await {
            Ok(r) => r.code.as_str().to_string(),
            Err(_) => id.to_string(),
        };
        lines.push(EditionLineRequest {
            resource_id: id,
            condition: optional(f.get(&format!("condition-{id}"))),
        });
        chosen.push(Chosen {
            code,
            origin: Origin::Checked(id),
        });
    }
    for (n, raw) in f.get("codes").lines().enumerate() {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let (code_text, condition) = match raw.split_once(['|', '｜']) {
            Some((c, cond)) => (c.trim(), optional(cond)),
            None => (raw, None),
        };
        let refuse = |message: String| EditionError {
            message,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            origin: Some(Origin::Pasted(n + 1)),
            code: Some(code_text.to_string()),
            field: Some("codes".to_string()),
        };
        let code = ResourceCode::parse(code_text).map_err(|e| refuse(e.message))?;
        let id = match state.catalog.public_catalog_entry_by_code(&code).await {
            Ok(entry) => entry.id(),
            Err(_) => return Err(refuse("不是已发布的资源".to_string())),
        };
        // Ticked on the page and also in the pasted list (which starts as the current
        // edition): one line, not a duplicate.
        if let Some(line) = lines.iter_mut().find(|l| l.resource_id == id) {
            if line.condition.is_none() {
                line.condition = condition;
            }
            continue;
        }
        lines.push(EditionLineRequest {
            resource_id: id,
            condition,
        });
        chosen.push(Chosen {
            code: code.as_str().to_string(),
            origin: Origin::Pasted(n + 1),
        });
    }
    Ok((lines, chosen))
}

/// The current edition as pasted codes (`代码` or `代码 | 条件`), one per line: the next edition
/// starts from it.
fn current_codes(edition: &DirectoryEdition) -> String {
    edition
        .lines
        .iter()
        .map(|l| match &l.condition {
            Some(c) => format!("{} | {c}", l.code.as_str()),
            None => l.code.as_str().to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where line `index` of the request came from, as the form shows it.
fn origin_text(chosen: &[Chosen], index: usize) -> String {
    match chosen.get(index).map(|c| &c.origin) {
        Some(Origin::Pasted(n)) => format!("粘贴的第 {n} 行"),
        Some(Origin::Checked(_)) => "勾选".to_string(),
        None => format!("第 {} 项", index + 1),
    }
}

/// The Chinese name of an edition line's field, for the diff.
fn line_field(field: &str) -> &str {
    match field {
        "name" => "名称",
        "version" => "资源版本",
        "provider_id" | "provider_name" => "提供单位",
        "domain" => "行业分类",
        "theme" => "主题",
        "formats" => "提供格式",
        "update_frequency" => "更新频率",
        "usage_restrictions" => "使用限制",
        "grade" => "分级",
        "share_type" => "共享类型",
        "open_type" => "开放类型",
        "condition" => "条件",
        "withheld_items" => "不予提供的信息项",
        other => other,
    }
}

fn line_rows(lines: &[EditionLine]) -> Markup {
    html! {
        @for l in lines {
            tr {
                td { code { (l.code.as_str()) } } td { (l.name) } td { (l.provider_name) }
                td { (l.grade.level.as_str()) } td { (l.condition.as_deref().unwrap_or("—")) }
            }
        }
    }
}

fn diff_section(diff: &EditionDiff) -> Markup {
    let head = html! { thead { tr {
        th scope="col" { "资源代码" } th scope="col" { "名称" } th scope="col" { "提供单位" }
        th scope="col" { "分级" } th scope="col" { "条件" }
    } } };
    html! {
        section #preview-diff aria-labelledby="preview-diff-title" {
            h3 #preview-diff-title {
                @if diff.from == 0 { "与当前版本比较（尚无已发布版本）" }
                @else { "与当前第 " (diff.from) " 版比较" }
            }
            @if diff.added.is_empty() && diff.removed.is_empty() && diff.changed.is_empty() {
                p.muted { "与当前版本相同。" }
            }
            @if !diff.added.is_empty() {
                h4 { "新增（" (diff.added.len()) " 项）" }
                div.scroll { table #preview-added { (head) tbody { (line_rows(&diff.added)) } } }
            }
            @if !diff.removed.is_empty() {
                h4 { "移出（" (diff.removed.len()) " 项）" }
                div.scroll { table #preview-removed { (head) tbody { (line_rows(&diff.removed)) } } }
            }
            @if !diff.changed.is_empty() {
                h4 { "变更（" (diff.changed.len()) " 项）" }
                div.scroll { table #preview-changed {
                    thead { tr { th scope="col" { "资源代码" } th scope="col" { "名称" } th scope="col" { "变更的字段" } } }
                    tbody {
                        @for c in &diff.changed {
                            tr {
                                td { code { (c.code.as_str()) } } td { (c.name) }
                                td { (c.changes.iter().map(|f| line_field(&f.field)).collect::<Vec<_>>().join("、")) }
                            }
                        }
                    }
                } }
            }
        }
    }
}

/// What publishing the form would do: the lines, every refused line with its rule and reason,
/// and the diff against the current edition. Nothing is written.
fn preview_section(p: &EditionPreview, chosen: &[Chosen]) -> Markup {
    html! {
        section #edition-preview aria-labelledby="preview-title" {
            h2 #preview-title { "预览（未发布）" }
            @if p.refused.is_empty() {
                p.notice role="status" { "全部 " (p.lines.len()) " 项均可纳入；按“发布新版本”发布。" }
            } @else {
                p.notice role="status" {
                    (p.refused.len()) " 项不符合要求；发布时整版将被拒绝。请去掉或修正这些行后再发布。"
                }
            }
            h3 { "将纳入的资源（" (p.lines.len()) " 项）" }
            @if p.lines.is_empty() {
                p.muted { "没有可纳入的资源。" }
            } @else {
                div.scroll { table #preview-lines {
                    thead { tr {
                        th scope="col" { "资源代码" } th scope="col" { "名称" } th scope="col" { "提供单位" }
                        th scope="col" { "分级" } th scope="col" { "条件" }
                    } }
                    tbody { (line_rows(&p.lines)) }
                } }
            }
            @if !p.refused.is_empty() {
                h3 { "不予纳入（" (p.refused.len()) " 项）" }
                div.scroll { table #preview-refused {
                    thead { tr {
                        th scope="col" { "来源" } th scope="col" { "资源代码" } th scope="col" { "名称" }
                        th scope="col" { "规则" } th scope="col" { "原因" }
                    } }
                    tbody {
                        @for r in &p.refused {
                            tr {
                                td { (origin_text(chosen, r.index)) }
                                td {
                                    @match (&r.code, chosen.get(r.index)) {
                                        (Some(code), _) => { code { (code.as_str()) } }
                                        (None, Some(c)) => { code { (c.code) } }
                                        (None, None) => { code { (r.resource_id) } }
                                    }
                                }
                                td { (r.name.as_deref().unwrap_or("—")) }
                                td {
                                    @match r.rule_number {
                                        Some(n) => { "规则" (n) }
                                        None => { "—" }
                                    }
                                }
                                td { (r.message) }
                            }
                        }
                    }
                } }
            }
            (diff_section(&p.diff))
        }
    }
}

async fn editions_page(
    state: &AppState,
    s: &SignedIn,
    query: &EditionsQuery,
    fields: Option<&FormFields>,
    error: Option<&EditionError>,
    preview: Option<(&EditionPreview, &[Chosen])>,
) -> Response {
    let c = &state.catalog;
    let editions = match c.editions().await {
        Ok(e) => e,
        Err(e) => {
            let error = FormError::from(e);
            return render(
                state,
                s,
                EDITIONS_TITLE,
                error.status,
                html! { h1 { (EDITIONS_TITLE) } (error.summary()) },
            )
            .await;
        }
    };
    let after = query.after.as_deref().and_then(|a| a.parse::<Uuid>().ok());
    let resources = c.public_resources(after, PAGE).await.unwrap_or_default();
    let next = (resources.len() as i64 == PAGE)
        .then(|| resources.last().map(|r| r.id.to_string()))
        .flatten();
    let v = |name: &str| fields.map(|f| f.get(name).to_string()).unwrap_or_default();
    let picked: HashSet<String> = fields
        .map(|f| f.all("pick").into_iter().map(str::to_string).collect())
        .unwrap_or_default();
    let row_error =
        |id: Uuid| error.filter(|e| matches!(e.origin, Some(Origin::Checked(x)) if x == id));
    let current = editions.last();
    let body = html! {
        h1 { (EDITIONS_TITLE) }
        @if let Some(e) = error { (e.summary()) }
        @if let Some((p, chosen)) = preview { (preview_section(p, chosen)) }
        @if let (Some(n), Some(e)) = (query.published, current) {
            @if e.number == n {
                div.notice role="status" #published {
                    p {
                        "已发布第 " (n) " 版。"
                        a href=(format!("/directory/{n}")) { "查看公开页面" }
                        @if n > 1 {
                            " · " a href=(format!("/directory/diff?from={}&to={n}", n - 1)) { "与第 " (n - 1) " 版比较" }
                        }
                    }
                }
            }
        }
        h2 { "当前版本" }
        @match current {
            Some(e) => {
                dl.fields #current-edition {
                    dt { "版本" } dd #current-number { "第 " (e.number) " 版" }
                    dt { "标题" } dd { a href=(format!("/directory/{}", e.number)) { (e.title) } }
                    dt { "发布日期" } dd { (date(&e.published_at)) }
                    dt { "发布机构" } dd { (e.publisher_name) }
                    dt { "资源数" } dd { (e.lines.len()) " 项" }
                    @if let Some(note) = &e.note { dt { "说明" } dd { (note) } }
                }
                @if e.number > 1 {
                    p { a href=(format!("/directory/diff?from={}&to={}", e.number - 1, e.number)) { "与上一版比较" } }
                }
            }
            None => { p.muted { "尚未发布运营目录。在下方选择已发布的资源，发布第 1 版。" } }
        }
        h2 { "发布新版本" }
        p.hint { "规则 1（负面清单）与规则 2（核心数据不得纳入；重要数据须写明条件）由目录服务检查，任何一行不符合则整版不发布，错误显示在该行旁。按“预览”可先查看每一行的检查结果及与当前版本的差异，不发布。" }
        form.stack #publish method="post" action="/workbench/editions" {
            (csrf_field(s))
            label for="title" { "标题" }
            input #title name="title" type="text" value=(v("title"));
            @if let Some(m) = error.and_then(|e| e.at_field("title")) { (m) }
            label for="note" { "说明" }
            textarea #note name="note" rows="2" { (v("note")) }
            fieldset {
                legend { "已发布的资源（每页 " (PAGE) " 项，勾选纳入本版）" }
                @if let Some(m) = error.and_then(|e| e.at_field("lines")) { (m) }
                @if resources.is_empty() {
                    p.muted { "没有已发布的资源。" }
                } @else {
                    div.scroll { table #resources {
                        thead { tr {
                            th scope="col" { "纳入" } th scope="col" { "资源代码" } th scope="col" { "名称" }
                            th scope="col" { "分级" } th scope="col" { "条件（重要数据必填）" }
                        } }
                        tbody {
                            @for r in &resources {
                                @let id = r.id.to_string();
                                tr id=(format!("row-{id}")) {
                                    td {
                                        input id=(format!("pick-{id}")) type="checkbox" name="pick" value=(id)
                                            checked[picked.contains(&id)] aria-label=(format!("纳入 {}", r.content.name));
                                    }
                                    td { code { (r.code.as_str()) } }
                                    td {
                                        (r.content.name)
                                        @if let Some(e) = row_error(r.id) { p.field-error { (e.message) } }
                                    }
                                    td { (r.content.grade.level.as_str()) }
                                    td {
                                        @if r.content.grade.level != GradeLevel::General {
                                            @let name = format!("condition-{id}");
                                            input type="text" name=(name) value=(v(&name)) aria-label=(format!("{} 的条件", r.content.name));
                                        }
                                    }
                                }
                            }
                        }
                    } }
                    (pager("/workbench/editions", after.is_some(), next))
                    p.hint { "换页不保留勾选；大批资源请在下方粘贴代码。" }
                }
            }
            label for="codes" { "或粘贴资源代码（每行一个；重要数据写作“代码 | 条件”）" }
            @if fields.is_none() && current.is_some() {
                p.hint #codes-hint { "已填入当前版本的全部资源：新版本在此基础上增删，删去的行不再列入。" }
            }
            textarea #codes name="codes" rows="6" {
                @match (fields, current) {
                    (None, Some(e)) => (current_codes(e)),
                    _ => (v("codes")),
                }
            }
            @if let Some(m) = error.and_then(|e| e.at_field("codes")) { (m) }
            div.actions {
                button type="submit" name="action" value="publish" { "发布新版本" }
                button type="submit" name="action" value="preview" { "预览" }
            }
        }
        @if editions.len() > 1 {
            h2 { "历次版本" }
            ul {
                @for e in editions.iter().rev() {
                    li { a href=(format!("/directory/{}", e.number)) { "第 " (e.number) " 版 " (e.title) } " · " (date(&e.published_at)) " · " (e.lines.len()) " 项" }
                }
            }
        }
    };
    let status = error.map_or(StatusCode::OK, |e| e.status);
    render(state, s, EDITIONS_TITLE, status, body).await
}

pub async fn editions(
    State(state): State<AppState>,
    Session(s): Session,
    Query(query): Query<EditionsQuery>,
) -> Response {
    if let Some(r) = refused(&state, &s, EDITIONS_TITLE, "发布运营目录").await {
        return r;
    }
    editions_page(&state, &s, &query, None, None, None).await
}

pub async fn publish_edition(
    State(state): State<AppState>,
    Session(s): Session,
    body: Bytes,
) -> Response {
    let fields = FormFields::parse(&body);
    if let Some(r) = check_csrf(&s, fields.get("csrf")) {
        return r;
    }
    let query = EditionsQuery::default();
    let (lines, chosen) = match chosen_lines(&state, &fields).await {
        Ok(x) => x,
        Err(e) => return editions_page(&state, &s, &query, Some(&fields), Some(&e), None).await,
    };
    let request = EditionRequest {
        title: fields.get("title").to_string(),
        note: optional(fields.get("note")),
        lines,
    };
    if fields.get("action") == "preview" {
        let preview = state
            .catalog
            .preview_edition(&s.actor(), s.person.org_id, &request)
            .await;
        return match preview {
            Ok(p) => {
                editions_page(&state, &s, &query, Some(&fields), None, Some((&p, &chosen))).await
            }
            Err(e) => edition_refused(&state, &s, &query, &fields, &chosen, e).await,
        };
    }
    let result = state
        .catalog
        .publish_edition(&s.actor(), s.person.org_id, request)
        .await;
    match result {
        Ok(e) => {
            Redirect::to(&format!("/workbench/editions?published={}", e.number)).into_response()
        }
        Err(e) => edition_refused(&state, &s, &query, &fields, &chosen, e).await,
    }
}

/// The page for a refused publication or preview: the bare refusal for a forbidden caller,
/// otherwise the form with the message next to the line it names.
async fn edition_refused(
    state: &AppState,
    s: &SignedIn,
    query: &EditionsQuery,
    fields: &FormFields,
    chosen: &[Chosen],
    e: CatalogError,
) -> Response {
    match e {
        e @ CatalogError::Forbidden(_) => {
            let error = FormError::from(e);
            render(
                state,
                s,
                EDITIONS_TITLE,
                error.status,
                html! { h1 { (EDITIONS_TITLE) } (error.summary()) },
            )
            .await
        }
        e => {
            let error = edition_error(e, chosen);
            editions_page(state, s, query, Some(fields), Some(&error), None).await
        }
    }
}
