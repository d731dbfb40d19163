//! Directory entries in the workbench: a provider's own entries (list, draft, edit with data
//! items, submit, withdraw) and a data administration's review (queue, approve, return with
//! reasons, publish). Every action is the catalog call the JSON API makes.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use catalog::domain::api_token::hash_secret;
use catalog::domain::content_diff::{FieldChange, diff};
use catalog::domain::industry::GBT4754_SECTIONS;
use catalog::domain::region::RegionCode;
use catalog::domain::resource::{DataItem, Resource, ResourceContent, ResourceStatus};
use catalog::domain::{Grade, GradeLevel, OpenType, ShareType, UpdateFrequency};
use catalog::{CatalogError, Role, SignedIn, Versioned, constant_time_eq};
use maud::{Markup, html};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::pages::{FormError, FormFields, respond, with_status, workbench_page};
use super::region_select::region_select;
use super::session::org_of;
use super::session::{Session, check_csrf, csrf_field};
use crate::error::{ApiError, ApiResult};
use crate::portal::labels::label;
use crate::portal::layout::{beijing, text};
use crate::state::AppState;

/// A field-by-field diff as a table: field, before, after.
fn changes_table(caption: &str, changes: &[FieldChange]) -> Markup {
    let cell = |v: &Option<serde_json::Value>| match v {
        Some(serde_json::Value::Array(items)) if items.iter().any(|i| i.is_object()) => {
            format!("{} 项", items.len())
        }
        Some(v) => text(v),
        None => "（无）".to_string(),
    };
    html! {
        @if changes.is_empty() {
            p.muted { (caption) "：无变化" }
        } @else {
            table.diff {
                caption { (caption) }
                thead { tr { th scope="col" { "字段" } th scope="col" { "原值" } th scope="col" { "新值" } } }
                tbody {
                    @for c in changes {
                        tr {
                            th scope="row" { (label(&c.field)) }
                            td.before { (cell(&c.before)) }
                            td.after { (cell(&c.after)) }
                        }
                    }
                }
            }
        }
    }
}

/// Blank data-item rows offered below the filled ones (more after each save).
const BLANK_ITEMS: usize = 3;

fn status_label(s: ResourceStatus) -> &'static str {
    match s {
        ResourceStatus::Draft => "草稿",
        ResourceStatus::Submitted => "待审核",
        ResourceStatus::Approved => "已审核待发布",
        ResourceStatus::Returned => "已退回",
        ResourceStatus::Published => "已发布",
        ResourceStatus::Withdrawn => "已撤回",
    }
}

const STATUSES: [ResourceStatus; 6] = [
    ResourceStatus::Draft,
    ResourceStatus::Submitted,
    ResourceStatus::Returned,
    ResourceStatus::Approved,
    ResourceStatus::Published,
    ResourceStatus::Withdrawn,
];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    q: Option<String>,
}

/// The entries the person may work on: their organization's (provider) or their region's
/// (data administration), by state, with a text filter.
pub async fn list(
    State(state): State<AppState>,
    Session(s): Session,
    Query(query): Query<ListQuery>,
) -> Response {
    let status = query
        .status
        .as_deref()
        .and_then(|raw| STATUSES.into_iter().find(|st| st.as_str() == raw));
    let text = query.q.clone().unwrap_or_default();
    let entries = state
        .catalog
        .resources_as(&s.actor(), None, status.into_iter().collect(), None, 1000)
        .await;
    let org = org_of(&state, &s).await;
    let entries = match entries {
        Ok(e) => e,
        Err(e) => {
            let error = FormError::from(e);
            return respond(
                error.status,
                workbench_page(
                    "目录条目",
                    &s,
                    org.as_ref(),
                    html! { h1 { "目录条目" } (error.summary()) },
                ),
            );
        }
    };
    let shown: Vec<&Versioned<Resource>> = entries
        .iter()
        .filter(|r| {
            text.trim().is_empty()
                || r.value.content.name.contains(text.trim())
                || r.value.code.as_str().contains(text.trim())
        })
        .collect();
    let title = if s.role == Role::DataAdmin {
        "目录审核"
    } else {
        "本单位目录"
    };
    workbench_page(
        title,
        &s,
        org.as_ref(),
        html! {
            h1 { (title) }
            @if s.role == Role::Provider {
                p.actions {
                    a.button href="/workbench/resources/new" { "新建目录条目" }
                    " "
                    a href=(EXPORT_PATH) download { "下载本单位目录（xlsx）" }
                    " "
                    a href="/api/v1/import-templates/directory.xlsx" download { "下载空白导入模板（xlsx）" }
                }
            }
            form.filters method="get" action="/workbench/resources" {
                label for="status" { "状态" }
                select #status name="status" {
                    option value="" { "全部" }
                    @for st in STATUSES {
                        option value=(st.as_str()) selected[status == Some(st)] { (status_label(st)) }
                    }
                }
                label for="q" { "名称或代码" }
                input #q name="q" type="search" value=(text);
                button type="submit" { "筛选" }
            }
            @if shown.is_empty() {
                p.muted {
                    @if s.role == Role::Provider { "没有符合条件的条目。可以新建目录条目。" }
                    @else { "没有符合条件的条目。" }
                }
            } @else {
                form #bulk method="post" action=(BULK_PATH) {
                (csrf_field(&s))
                table {
                    caption { "共 " (shown.len()) " 条" }
                    thead { tr {
                        th scope="col" { "选择" }
                        th scope="col" { "资源代码" } th scope="col" { "名称" } th scope="col" { "状态" }
                        th scope="col" { "版本" } th scope="col" { "更新时间" }
                    } }
                    tbody {
                        @for r in &shown {
                            tr {
                                td { input type="checkbox" name="id" value=(r.value.id) aria-label=(format!("选择 {}", r.value.content.name)); }
                                td { code { (r.value.code.as_str()) } }
                                td { a href=(format!("/workbench/resources/{}", r.value.id)) { (r.value.content.name) } }
                                td { (status_label(r.value.status)) }
                                td.num { (r.value.version) }
                                td { (beijing(&r.value.updated_at)) }
                            }
                        }
                    }
                }
                div.actions {
                    @for (action, text) in bulk_actions(s.role) {
                        button type="submit" name="action" value=(action) { (text) "（所选条目）" }
                    }
                }
                }
            }
        },
    )
    .into_response()
}

fn select<T: Copy + PartialEq>(
    id: &str,
    name: &str,
    all: &[T],
    chosen: Option<T>,
    text: impl Fn(T) -> &'static str,
    blank: bool,
) -> Markup {
    html! {
        select id=(id) name=(name) {
            @if blank { option value="" { "（未填）" } }
            @for v in all {
                option value=(text(*v)) selected[chosen == Some(*v)] { (text(*v)) }
            }
        }
    }
}

/// One text input with its label and error.
fn text_input(
    id: &str,
    label: &str,
    value: &str,
    error: Option<&FormError>,
    hint: Option<&str>,
) -> Markup {
    html! {
        label for=(id) { (label) }
        @if let Some(h) = hint { p.hint { (h) } }
        input id=(id) name=(id) type="text" value=(value);
        @if let Some(m) = error.and_then(|e| e.at(id)) { (m) }
    }
}

fn area(id: &str, label: &str, value: &str, error: Option<&FormError>) -> Markup {
    html! {
        label for=(id) { (label) }
        textarea id=(id) name=(id) rows="3" { (value) }
        @if let Some(m) = error.and_then(|e| e.at(id)) { (m) }
    }
}

/// The entry form (new or edit) with every field of the model and the data-item table; values
/// come from `fields` when a post came back with an error.
fn entry_form(
    action: &str,
    s: &SignedIn,
    home: Option<&RegionCode>,
    content: Option<&ResourceContent>,
    fields: Option<&FormFields>,
    error: Option<&FormError>,
) -> Markup {
    let value = |name: &str, from_content: String| -> String {
        match fields {
            Some(f) => f.get(name).to_string(),
            None => from_content,
        }
    };
    let c = content;
    let opt = |v: Option<&String>| v.cloned().unwrap_or_default();
    let grade = c.map(|c| c.grade.level);
    let items: Vec<DataItem> = match fields {
        Some(f) => items_from(f).unwrap_or_default(),
        None => c.map(|c| c.data_items.clone()).unwrap_or_default(),
    };
    let parsed = |name: &str| fields.map(|f| f.get(name).to_string());
    let chosen_grade = parsed("content.grade.level")
        .map(|v| GradeLevel::parse(&v).ok())
        .unwrap_or(grade);
    let chosen_share = parsed("content.share_type")
        .map(|v| ShareType::parse(&v).ok())
        .unwrap_or(c.map(|c| c.share_type));
    let chosen_open = parsed("content.open_type")
        .map(|v| OpenType::parse(&v).ok())
        .unwrap_or(c.map(|c| c.open_type));
    let chosen_freq = parsed("content.update_frequency")
        .map(|v| UpdateFrequency::parse(&v).ok())
        .unwrap_or(c.map(|c| c.update_frequency));
    let domain = value(
        "content.domain",
        c.and_then(|c| c.domain.clone()).unwrap_or_default(),
    );
    html! {
        @if let Some(e) = error { (e.summary()) }
        form.stack.entry method="post" action=(action) {
            (csrf_field(s))
            fieldset {
                legend { "基本信息" }
                (text_input("content.name", "资源名称（必填）", &value("content.name", c.map(|c| c.name.clone()).unwrap_or_default()), error, None))
                (area("content.summary", "资源摘要（必填）", &value("content.summary", c.map(|c| c.summary.clone()).unwrap_or_default()), error))
                (text_input("content.tags", "关键词", &value("content.tags", c.map(|c| c.tags.join("，")).unwrap_or_default()), error, Some("多个关键词以逗号分隔")))
                label for="content.domain" { "行业分类（GB/T 4754-2017 门类）" }
                select id="content.domain" name="content.domain" {
                    option value="" { "（未填）" }
                    @for (code, name) in GBT4754_SECTIONS {
                        option value=(code) selected[domain == code] { (code) " " (name) }
                    }
                }
                @if let Some(m) = error.and_then(|e| e.at("content.domain")) { (m) }
                (text_input("content.category_path", "本单位分类（类/项/目/细目）", &value("content.category_path", c.map(|c| c.category_path.join("/")).unwrap_or_default()), error, Some("以“/”分隔，至多四级")))
            }
            fieldset {
                legend { "分级与共享开放" }
                label for="content.grade.level" { "数据级别" }
                (select("content.grade.level", "content.grade.level", &GradeLevel::ALL, chosen_grade, GradeLevel::as_str, false))
                (text_input("content.grade.sub_level", "一般数据细分级别（1–4，可选）", &value("content.grade.sub_level", c.and_then(|c| c.grade.sub_level).map(|n| n.to_string()).unwrap_or_default()), error, None))
                @if let Some(m) = error.and_then(|e| e.at("content.grade")) { (m) }
                label for="content.share_type" { "共享类型" }
                (select("content.share_type", "content.share_type", &ShareType::ALL, chosen_share, ShareType::as_str, false))
                (text_input("content.share_condition", "共享条件", &value("content.share_condition", opt(c.and_then(|c| c.share_condition.as_ref()))), error, Some("有条件共享时必填")))
                label for="content.open_type" { "开放类型" }
                (select("content.open_type", "content.open_type", &OpenType::ALL, chosen_open, OpenType::as_str, false))
                (text_input("content.open_condition", "开放条件", &value("content.open_condition", opt(c.and_then(|c| c.open_condition.as_ref()))), error, Some("有条件开放时必填")))
                label for="content.update_frequency" { "更新频率" }
                (select("content.update_frequency", "content.update_frequency", &UpdateFrequency::ALL, chosen_freq, UpdateFrequency::as_str, false))
            }
            fieldset {
                legend { "数据描述" }
                (text_input("content.formats", "提供格式", &value("content.formats", c.map(|c| c.formats.join("，")).unwrap_or_default()), error, Some("如 csv，json，以逗号分隔")))
                (text_input("content.record_count", "记录数", &value("content.record_count", c.and_then(|c| c.record_count).map(|n| n.to_string()).unwrap_or_default()), error, None))
                (text_input("content.storage_size", "存储量", &value("content.storage_size", opt(c.and_then(|c| c.storage_size.as_ref()))), error, Some("如 2.3 GB")))
                (text_input("content.coverage_time", "覆盖时间", &value("content.coverage_time", opt(c.and_then(|c| c.coverage_time.as_ref()))), error, None))
                @let region = value("content.coverage_region", c.and_then(|c| c.coverage_region.as_ref()).map(|r| r.as_str().to_string()).unwrap_or_default());
                @match home {
                    Some(home) => (region_select("content.coverage_region", "覆盖地区", &RegionCode::parse(&home.province_code()).unwrap_or_else(|_| home.clone()), &region, error)),
                    None => (text_input("content.coverage_region", "覆盖地区（行政区划代码）", &region, error, Some("6位 GB/T 2260 代码，如 510500"))),
                }
                (text_input("content.release_date", "发布日期", &value("content.release_date", c.and_then(|c| c.release_date).map(|d| d.to_string()).unwrap_or_default()), error, Some("如 2026-03-15")))
                (text_input("content.theme", "主题分类", &value("content.theme", opt(c.and_then(|c| c.theme.as_ref()))), error, None))
                (text_input("content.related_codes", "关联资源代码", &value("content.related_codes", c.map(|c| c.related_codes.iter().map(|r| r.as_str().to_string()).collect::<Vec<_>>().join("，")).unwrap_or_default()), error, Some("多个代码以逗号分隔")))
                (area("content.usage_restrictions", "使用限制", &value("content.usage_restrictions", opt(c.and_then(|c| c.usage_restrictions.as_ref()))), error))
                (area("content.quality_notes", "数据质量说明", &value("content.quality_notes", opt(c.and_then(|c| c.quality_notes.as_ref()))), error))
                (text_input("content.source_url", "来源页面", &value("content.source_url", opt(c.and_then(|c| c.source_url.as_ref()))), error, Some("原发布页面的网址，如 https://data.example.gov.cn/dataset/123")))
            }
            fieldset #data-items {
                legend { "信息项" }
                p.hint { "每行一个信息项；名称留空的行不保存。保存后会再提供空行。" }
                @if let Some(m) = error.and_then(|e| e.at("content.data_items")) { (m) }
                div.scroll { table {
                    thead { tr {
                        th scope="col" { "名称" } th scope="col" { "英文名称" } th scope="col" { "数据类型" }
                        th scope="col" { "长度/格式" } th scope="col" { "值域" } th scope="col" { "敏感级别" } th scope="col" { "说明" }
                    } }
                    tbody {
                        @for (i, item) in items.iter().map(Some).chain(std::iter::repeat_n(None, BLANK_ITEMS)).enumerate() {
                            tr {
                                td { input type="text" name="item.name" aria-label=(format!("第{}行 名称", i + 1)) value=(item.map(|x| x.name.clone()).unwrap_or_default()); }
                                td { input type="text" name="item.english_name" aria-label=(format!("第{}行 英文名称", i + 1)) value=(item.and_then(|x| x.english_name.clone()).unwrap_or_default()); }
                                td { input type="text" name="item.data_type" aria-label=(format!("第{}行 数据类型", i + 1)) value=(item.map(|x| x.data_type.clone()).unwrap_or_default()); }
                                td { input type="text" name="item.length_format" aria-label=(format!("第{}行 长度/格式", i + 1)) value=(item.and_then(|x| x.length_format.clone()).unwrap_or_default()); }
                                td { input type="text" name="item.value_domain" aria-label=(format!("第{}行 值域", i + 1)) value=(item.and_then(|x| x.value_domain.clone()).unwrap_or_default()); }
                                td {
                                    select name="item.sensitivity" aria-label=(format!("第{}行 敏感级别", i + 1)) {
                                        option value="" { "（未填）" }
                                        @for level in GradeLevel::ALL {
                                            option value=(level.as_str()) selected[item.and_then(|x| x.sensitivity.map(|g| g.level)) == Some(level)] { (level.as_str()) }
                                        }
                                    }
                                }
                                td { input type="text" name="item.description" aria-label=(format!("第{}行 说明", i + 1)) value=(item.and_then(|x| x.description.clone()).unwrap_or_default()); }
                            }
                        }
                    }
                } }
            }
            button type="submit" { "保存" }
        }
    }
}

/// Split a list typed with Chinese or ASCII commas.
fn split_list(raw: &str, separators: &[char]) -> Vec<String> {
    raw.split(|c| separators.contains(&c))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn optional(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The data-item rows of a posted form (rows without a name are left out).
fn items_from(f: &FormFields) -> Result<Vec<DataItem>, CatalogError> {
    let column = |name: &str| f.all(name);
    let names = column("item.name");
    let mut items = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if name.trim().is_empty() {
            continue;
        }
        let cell = |col: &str| {
            column(col)
                .get(i)
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        let sensitivity = match optional(&cell("item.sensitivity")) {
            Some(level) => Some(Grade {
                level: GradeLevel::parse(&level).map_err(|e| {
                    CatalogError::invalid(format!("content.data_items[{i}].sensitivity"), e.message)
                })?,
                sub_level: None,
            }),
            None => None,
        };
        items.push(DataItem {
            name: name.trim().to_string(),
            english_name: optional(&cell("item.english_name")),
            data_type: cell("item.data_type").trim().to_string(),
            length_format: optional(&cell("item.length_format")),
            value_domain: optional(&cell("item.value_domain")),
            sensitivity,
            description: optional(&cell("item.description")),
        });
    }
    Ok(items)
}

/// The content a posted entry form describes; each field error names its path.
fn content_from(f: &FormFields) -> Result<ResourceContent, CatalogError> {
    let enum_field = |field: &str| f.get(field).to_string();
    let sub_level = match optional(f.get("content.grade.sub_level")) {
        Some(n) => Some(n.parse::<u8>().map_err(|_| {
            CatalogError::invalid("content.grade.sub_level", "细分级别应为1–4的整数")
        })?),
        None => None,
    };
    let record_count =
        match optional(f.get("content.record_count")) {
            Some(n) => Some(n.replace([',', '，'], "").parse::<u64>().map_err(|_| {
                CatalogError::invalid("content.record_count", "记录数应为非负整数")
            })?),
            None => None,
        };
    // The JSON the API takes, so the domain's own parsing (and its messages) decide.
    let value = serde_json::json!({
        "name": f.get("content.name"),
        "summary": f.get("content.summary"),
        "tags": split_list(f.get("content.tags"), &[',', '，', '、']),
        "domain": optional(f.get("content.domain")),
        "category_path": split_list(f.get("content.category_path"), &['/']),
        "grade": {"level": enum_field("content.grade.level"), "sub_level": sub_level},
        "share_type": enum_field("content.share_type"),
        "share_condition": optional(f.get("content.share_condition")),
        "open_type": enum_field("content.open_type"),
        "open_condition": optional(f.get("content.open_condition")),
        "update_frequency": enum_field("content.update_frequency"),
        "formats": split_list(f.get("content.formats"), &[',', '，', '、']),
        "record_count": record_count,
        "storage_size": optional(f.get("content.storage_size")),
        "coverage_time": optional(f.get("content.coverage_time")),
        "coverage_region": optional(f.get("content.coverage_region")),
        "release_date": optional(f.get("content.release_date")),
        "theme": optional(f.get("content.theme")),
        "related_codes": split_list(f.get("content.related_codes"), &[',', '，', '、']),
        "usage_restrictions": optional(f.get("content.usage_restrictions")),
        "quality_notes": optional(f.get("content.quality_notes")),
        "source_url": optional(f.get("content.source_url")),
        "data_items": items_from(f)?,
    });
    let content: ResourceContent = serde_path_to_error::deserialize(value).map_err(|e| {
        CatalogError::invalid(format!("content.{}", e.path()), e.inner().to_string())
    })?;
    content.validate()?;
    Ok(content)
}

pub async fn new_form(State(state): State<AppState>, Session(s): Session) -> Response {
    let org = org_of(&state, &s).await;
    workbench_page(
        "新建目录条目",
        &s,
        org.as_ref(),
        html! { h1 { "新建目录条目" } (entry_form("/workbench/resources", &s, org.as_ref().map(|o| &o.region), None, None, None)) },
    )
    .into_response()
}

pub async fn create(State(state): State<AppState>, Session(s): Session, body: Bytes) -> Response {
    let fields = FormFields::parse(&body);
    if let Some(r) = check_csrf(&s, fields.get("csrf")) {
        return r;
    }
    let result = match content_from(&fields) {
        Ok(content) => {
            state
                .catalog
                .create_resource(&s.actor(), s.person.org_id, content)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => Redirect::to(&format!("/workbench/resources/{}", r.id)).into_response(),
        Err(e) => {
            let error = FormError::from(e);
            let org = org_of(&state, &s).await;
            respond(
                error.status,
                workbench_page(
                    "新建目录条目",
                    &s,
                    org.as_ref(),
                    html! {
                        h1 { "新建目录条目" } (entry_form("/workbench/resources", &s, org.as_ref().map(|o| &o.region), None, Some(&fields), Some(&error)))
                    },
                ),
            )
        }
    }
}

async fn load(state: &AppState, s: &SignedIn, raw: &str) -> Result<Versioned<Resource>, Response> {
    let Ok(id) = raw.parse::<Uuid>() else {
        return Err(crate::portal::fallback().await);
    };
    match state.catalog.resource_as(&s.actor(), id).await {
        Ok(r) => Ok(r),
        Err(CatalogError::NotFound { .. }) => Err(crate::portal::fallback().await),
        Err(e) => {
            let error = FormError::from(e);
            let org = org_of(state, s).await;
            Err(respond(
                error.status,
                workbench_page(
                    "目录条目",
                    s,
                    org.as_ref(),
                    html! { h1 { "目录条目" } (error.summary()) },
                ),
            ))
        }
    }
}

async fn entry_page(
    state: &AppState,
    s: &SignedIn,
    r: &Versioned<Resource>,
    error: Option<&FormError>,
) -> Response {
    let org = org_of(state, s).await;
    let v = &r.value;
    let action = |a: &str| format!("/workbench/resources/{}/{a}", v.id);
    let own = s.role == Role::Provider && s.person.org_id == v.provider_id;
    let reviewer = s.role == Role::DataAdmin;
    let versions = state
        .catalog
        .resource_versions_as(&s.actor(), v.id)
        .await
        .unwrap_or_default();
    // What this version changes in the published one: what a reviewer decides on.
    let against_published = match v.published_version {
        Some(published) if published != v.version => versions
            .iter()
            .find(|old| old.version == published)
            .map(|old| diff(&old.content, &v.content)),
        _ => None,
    };
    let markup = workbench_page(
        "目录条目",
        s,
        org.as_ref(),
        html! {
            h1 { (v.content.name) }
            @if let Some(e) = error { (e.summary()) }
            dl.fields {
                dt { "资源代码" } dd { code { (v.code.as_str()) } }
                dt { "状态" } dd #status { (status_label(v.status)) }
                dt { "版本" } dd { (v.version) }
                @if !v.return_reasons.is_empty() {
                    dt { "退回原因" } dd #return-reasons { ul { @for reason in &v.return_reasons { li { (reason) } } } }
                }
                @if let Some(reason) = &v.withdrawal_reason {
                    dt { "撤回原因" } dd #withdrawal-reason { (reason) }
                }
                dt { "数据级别" } dd { (v.content.grade.level.as_str()) }
                dt { "共享类型" } dd { (v.content.share_type.as_str()) }
                dt { "开放类型" } dd { (v.content.open_type.as_str()) }
                dt { "更新频率" } dd { (v.content.update_frequency.as_str()) }
                @if let Some(region) = &v.content.coverage_region {
                    dt { "覆盖地区" } dd #coverage-region { (region.full_name()) "（" (region.as_str()) "）" }
                }
                dt { "信息项" } dd { (v.content.data_items.len()) " 项" }
            }
            p { (v.content.summary) }
            @if let Some(changes) = &against_published {
                h2 { "与已发布版本的差异" }
                (changes_table(&format!("第 {} 版相对已发布的第 {} 版", v.version, v.published_version.unwrap_or_default()), changes))
            }
            h2 { "办理" }
            div.actions {
                @if own && matches!(v.status, ResourceStatus::Draft | ResourceStatus::Returned | ResourceStatus::Published) {
                    a.button href=(action("edit")) { "修改" }
                }
                @if own && matches!(v.status, ResourceStatus::Draft | ResourceStatus::Returned) {
                    form.inline method="post" action=(action("submit")) { (csrf_field(s)) button type="submit" { "提交审核" } }
                }
                @if reviewer && v.status == ResourceStatus::Submitted {
                    form.inline method="post" action=(action("approve")) { (csrf_field(s)) button type="submit" { "审核通过" } }
                }
                @if reviewer && v.status == ResourceStatus::Approved {
                    form.inline method="post" action=(action("publish")) { (csrf_field(s)) button type="submit" { "发布" } }
                }
            }
            @if reviewer && v.status == ResourceStatus::Submitted {
                form.stack method="post" action=(action("return")) {
                    (csrf_field(s))
                    label for="reasons" { "退回原因（每行一条）" }
                    textarea #reasons name="reasons" rows="3" {}
                    @if let Some(m) = error.and_then(|e| e.at("reasons")) { (m) }
                    button type="submit" { "退回修改" }
                }
            }
            @if (own || reviewer) && v.status != ResourceStatus::Withdrawn {
                form.stack method="post" action=(action("withdraw")) {
                    (csrf_field(s))
                    label for="reason" { "撤回原因" }
                    textarea #reason name="reason" rows="2" {}
                    @if let Some(m) = error.and_then(|e| e.at("reason")) { (m) }
                    button type="submit" { "撤回" }
                }
            }
            h2 { "版本历史" }
            table {
                thead { tr { th scope="col" { "版本" } th scope="col" { "状态" } th scope="col" { "名称" } th scope="col" { "时间" } } }
                tbody {
                    @for old in &versions {
                        tr { td.num { (old.version) } td { (status_label(old.status)) } td { (old.content.name) } td { (beijing(&old.updated_at)) } }
                    }
                }
            }
            @for pair in versions.windows(2) {
                details {
                    summary { "第 " (pair[1].version) " 版相对第 " (pair[0].version) " 版的修改" }
                    (changes_table(&format!("第 {} 版的修改", pair[1].version), &diff(&pair[0].content, &pair[1].content)))
                }
            }
            p { a href="/workbench/resources" { "返回列表" } }
        },
    );
    with_status(markup, error)
}

pub async fn show(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
) -> Response {
    match load(&state, &s, &id).await {
        Ok(r) => entry_page(&state, &s, &r, None).await,
        Err(r) => r,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
) -> Response {
    let r = match load(&state, &s, &id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let org = org_of(&state, &s).await;
    let action = format!("/workbench/resources/{}/edit", r.value.id);
    workbench_page(
        "修改目录条目",
        &s,
        org.as_ref(),
        html! {
            h1 { "修改：" (r.value.content.name) }
            (entry_form(&action, &s, org.as_ref().map(|o| &o.region), Some(&r.value.content), None, None))
        },
    )
    .into_response()
}

/// Save the edit form.
pub async fn update(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    perform(&state, &s, &id, "edit", &body).await
}

/// Submit, approve, publish, return or withdraw an entry.
pub async fn act(
    State(state): State<AppState>,
    Session(s): Session,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    perform(&state, &s, &id, &action, &body).await
}

async fn perform(state: &AppState, s: &SignedIn, id: &str, action: &str, body: &[u8]) -> Response {
    let (state, s) = (state.clone(), s.clone());
    let fields = FormFields::parse(body);
    if let Some(r) = check_csrf(&s, fields.get("csrf")) {
        return r;
    }
    let r = match load(&state, &s, id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let (c, actor, id) = (&state.catalog, s.actor(), r.value.id);
    let tag = Some(r.row_version);
    let result = match action {
        "edit" => match content_from(&fields) {
            Ok(content) => c.update_resource(&actor, id, content, tag).await,
            Err(e) => Err(e),
        },
        "submit" => c.submit_resource(&actor, id, tag).await,
        "approve" => c.approve_resource(&actor, id, tag).await,
        "publish" => c.publish_resource(&actor, id, tag).await,
        "withdraw" => {
            c.withdraw_resource(&actor, id, fields.get("reason"), tag)
                .await
        }
        "return" => {
            let reasons: Vec<String> = fields
                .get("reasons")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            if reasons.is_empty() {
                Err(CatalogError::invalid("reasons", "请填写退回原因"))
            } else {
                c.return_resource(&actor, id, reasons, tag).await
            }
        }
        _ => return crate::portal::fallback().await,
    };
    match result {
        Ok(_) => Redirect::to(&format!("/workbench/resources/{id}")).into_response(),
        Err(e) if action == "edit" => {
            let error = FormError::from(e);
            let org = org_of(&state, &s).await;
            let target = format!("/workbench/resources/{id}/edit");
            respond(
                error.status,
                workbench_page(
                    "修改目录条目",
                    &s,
                    org.as_ref(),
                    html! {
                        h1 { "修改：" (r.value.content.name) }
                        (entry_form(&target, &s, org.as_ref().map(|o| &o.region), Some(&r.value.content), Some(&fields), Some(&error)))
                    },
                ),
            )
        }
        Err(e) => entry_page(&state, &s, &r, Some(&FormError::from(e))).await,
    }
}

/// Where the list's ticked entries are posted, and where the outcome is shown.
const BULK_PATH: &str = "/workbench/resources/bulk";
/// The provider's own entries as the import template's workbook.
const EXPORT_PATH: &str = "/workbench/resources/export.xlsx";

/// The actions the list offers for ticked entries, by role; each is the single-entry catalog
/// call, made once per entry.
fn bulk_actions(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Provider => &[("submit", "提交审核")],
        Role::DataAdmin => &[("approve", "审核通过"), ("publish", "发布")],
        _ => &[],
    }
}

fn bulk_label(action: &str) -> &'static str {
    [
        ("submit", "提交审核"),
        ("approve", "审核通过"),
        ("publish", "发布"),
    ]
    .into_iter()
    .find(|(a, _)| *a == action)
    .map_or("办理", |(_, text)| text)
}

/// What one ticked entry came to.
#[derive(Debug, Serialize, Deserialize)]
struct Outcome {
    id: String,
    name: String,
    ok: bool,
    /// The entry's state afterwards, or the catalog's refusal.
    text: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct BulkReport {
    action: String,
    outcomes: Vec<Outcome>,
}

/// The report's signature with the session's CSRF secret: the result page shows only what this
/// session's own post produced (no text can be planted through a link).
fn sign(s: &SignedIn, report: &str) -> String {
    // Nested, so the digest cannot be extended to a longer report.
    let inner = hash_secret(&format!("{}\n{report}", s.csrf));
    hash_secret(&format!("{}\n{inner}", s.csrf))
}

/// Submit (provider), approve or publish (data administration) every ticked entry, one catalog
/// call each, then show what happened to each (POST → 303 → GET).
pub async fn bulk(State(state): State<AppState>, Session(s): Session, body: Bytes) -> Response {
    let fields = FormFields::parse(&body);
    if let Some(r) = check_csrf(&s, fields.get("csrf")) {
        return r;
    }
    let action = fields.get("action").to_string();
    if !["submit", "approve", "publish"].contains(&action.as_str()) {
        return crate::portal::fallback().await;
    }
    let mut ids: Vec<&str> = Vec::new();
    for raw in fields.all("id") {
        if !ids.contains(&raw) {
            ids.push(raw);
        }
    }
    let (c, actor) = (&state.catalog, s.actor());
    let mut outcomes = Vec::new();
    for raw in ids {
        let refused = |name: String, e: CatalogError| Outcome {
            id: raw.to_string(),
            name,
            ok: false,
            text: FormError::from(e).message,
        };
        let Ok(id) = raw.parse::<Uuid>() else {
            outcomes.push(refused(
                raw.to_string(),
                CatalogError::invalid("id", "条目不存在"),
            ));
            continue;
        };
        let r = match c.resource_as(&actor, id).await {
            Ok(r) => r,
            Err(e) => {
                outcomes.push(refused(raw.to_string(), e));
                continue;
            }
        };
        let tag = Some(r.row_version);
        let result = match action.as_str() {
            "submit" => c.submit_resource(&actor, id, tag).await,
            "approve" => c.approve_resource(&actor, id, tag).await,
            _ => c.publish_resource(&actor, id, tag).await,
        };
        let name = r.value.content.name.clone();
        outcomes.push(match result {
            Ok(after) => Outcome {
                id: raw.to_string(),
                name,
                ok: true,
                text: status_label(after.value.status).to_string(),
            },
            Err(e) => refused(name, e),
        });
    }
    let report = serde_json::to_string(&BulkReport { action, outcomes }).unwrap_or_default();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("report", &report)
        .append_pair("sig", &sign(&s, &report))
        .finish();
    Redirect::to(&format!("{BULK_PATH}?{query}")).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct BulkQuery {
    #[serde(default)]
    report: String,
    #[serde(default)]
    sig: String,
}

/// What a bulk action did to each ticked entry.
pub async fn bulk_result(
    State(state): State<AppState>,
    Session(s): Session,
    Query(q): Query<BulkQuery>,
) -> Response {
    let genuine =
        !q.sig.is_empty() && constant_time_eq(q.sig.as_bytes(), sign(&s, &q.report).as_bytes());
    let report = match serde_json::from_str::<BulkReport>(&q.report) {
        Ok(r) if genuine => r,
        _ => return Redirect::to("/workbench/resources").into_response(),
    };
    let org = org_of(&state, &s).await;
    let done = report.outcomes.iter().filter(|o| o.ok).count();
    let title = format!("批量{}结果", bulk_label(&report.action));
    workbench_page(
        &title,
        &s,
        org.as_ref(),
        html! {
            h1 { (title) }
            @if report.outcomes.is_empty() {
                p.muted { "没有勾选条目。请在列表中勾选要办理的条目。" }
            } @else {
                p #bulk-summary { "共 " (report.outcomes.len()) " 条，成功 " (done) " 条，未成功 " (report.outcomes.len() - done) " 条。" }
                table #bulk-outcomes {
                    thead { tr { th scope="col" { "资源" } th scope="col" { "结果" } th scope="col" { "说明" } } }
                    tbody {
                        @for o in &report.outcomes {
                            tr.ok[o.ok] {
                                td { a href=(format!("/workbench/resources/{}", o.id)) { (o.name) } }
                                td { @if o.ok { "成功" } @else { "未成功" } }
                                td { @if o.ok { "现为：" } (o.text) }
                            }
                        }
                    }
                }
            }
            p { a href="/workbench/resources" { "返回列表" } }
        },
    )
    .into_response()
}

/// Entries one export holds; a larger directory is exported per provider or state.
const MAX_ENTRIES: usize = 10_000;
/// Entries read per database query.
const PAGE: i64 = 500;

/// The entries `actor` may see, oldest first, at most `MAX_ENTRIES`: what
/// `GET /api/v1/workspace/exports/directory.{xlsx,csv}` and the workbench's download export.
pub(crate) async fn export_entries(
    state: &AppState,
    actor: &catalog::Actor,
    provider_id: Option<Uuid>,
    status: Option<ResourceStatus>,
) -> ApiResult<Vec<ResourceContent>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = state
            .catalog
            .resources_as(
                actor,
                provider_id,
                status.into_iter().collect(),
                after,
                PAGE,
            )
            .await?;
        let full = page.len() as i64 == PAGE;
        after = page.last().map(|r| r.value.id);
        out.extend(page.into_iter().map(|r| r.value.content));
        if out.len() > MAX_ENTRIES {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "export-too-large",
                "导出条目过多",
                format!(
                    "一次最多导出 {MAX_ENTRIES} 条目录，请按数源单位（provider_id）或状态（status）分批导出"
                ),
            ));
        }
        if !full {
            return Ok(out);
        }
    }
}

/// Those entries as the import template's workbook (built off the request threads).
pub(crate) async fn export_xlsx(
    state: &AppState,
    actor: &catalog::Actor,
    provider_id: Option<Uuid>,
    status: Option<ResourceStatus>,
) -> ApiResult<Vec<u8>> {
    let entries = export_entries(state, actor, provider_id, status).await?;
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "xlsx export");
        ApiError::unavailable("导出文件暂时无法生成")
    };
    match tokio::task::spawn_blocking(move || importers::template::directory_xlsx(&entries)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => Err(failed(&e)),
        Err(e) => Err(failed(&e)),
    }
}

/// The person's entries (a provider: its organization's) as xlsx, with the session's rights.
pub async fn export(State(state): State<AppState>, Session(s): Session) -> Response {
    match export_xlsx(&state, &s.actor(), None, None).await {
        Ok(bytes) => super::pages::xlsx_attachment(
            bytes,
            "attachment; filename=\"directory-export.xlsx\"; filename*=UTF-8''%E8%B5%84%E6%BA%90%E7%9B%AE%E5%BD%95%E5%AF%BC%E5%87%BA.xlsx",
        ),
        Err(ApiError(problem)) => {
            let status =
                StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let org = org_of(&state, &s).await;
            respond(
                status,
                workbench_page(
                    "下载目录",
                    &s,
                    org.as_ref(),
                    html! {
                        h1 { "下载目录" }
                        (FormError::message(problem.detail).summary())
                        p { a href="/workbench/resources" { "返回列表" } }
                    },
                ),
            )
        }
    }
}
