//! The page shell (lang="zh-CN", skip link, navigation), the Chinese 404/500 pages, and small
//! building blocks shared by every page: field lists, pagers.

use std::sync::OnceLock;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use catalog::CatalogError;
use catalog::domain::agreement::{AgreementChange, FilingKind};
use catalog::domain::from_code;
use catalog::domain::organization::OrgKind;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value;

use super::labels::{ORDER, label};

/// The site's name when the deployment gives none.
pub const DEFAULT_SITE_NAME: &str = "公共数据授权运营目录";

/// The site as the deployment names it (`--site-name`, `--icp-filing`), set once at start.
#[derive(Debug, Clone)]
pub struct Site {
    pub name: String,
    /// ICP备案号, shown in every footer and linked to the MIIT filing system.
    pub icp_filing: Option<String>,
}

static SITE: OnceLock<Site> = OnceLock::new();

pub fn configure_site(site: Site) {
    // One process serves one site: the first setting stays.
    let _ = SITE.set(site);
}

pub fn site_name() -> &'static str {
    SITE.get().map_or(DEFAULT_SITE_NAME, |s| s.name.as_str())
}

fn icp_filing() -> Option<&'static str> {
    SITE.get().and_then(|s| s.icp_filing.as_deref())
}

tokio::task_local! {
    /// The path of the request a page is rendered for: the navigation marks where the reader is.
    static REQUEST_PATH: String;
}

/// Middleware: pages rendered while handling this request know its path.
pub async fn remember_path(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    REQUEST_PATH.scope(path, next.run(request)).await
}

/// `aria-current="page"` for the navigation entry of the section the request is in.
fn current(href: &str) -> Option<&'static str> {
    REQUEST_PATH
        .try_with(|path| {
            path == href || path.strip_prefix(href).is_some_and(|r| r.starts_with('/'))
        })
        .unwrap_or(false)
        .then_some("page")
}

/// A whole HTML page; `title` is also the page's only `<h1>` unless `body` brings its own hero.
pub fn page(title: &str, body: Markup) -> Markup {
    shell(title, public_nav(), body)
}

/// The public site's sections, in navigation order.
const SECTIONS: [(&str, &str); 9] = [
    ("/search", "检索"),
    ("/directory", "运营目录"),
    ("/negative-list", "负面清单"),
    ("/publicity", "公示公告"),
    ("/products", "登记产品"),
    ("/verify", "登记查询"),
    ("/authorizations", "授权信息"),
    ("/disclosures", "年度披露"),
    ("/workbench", "工作台登录"),
];

/// The public site's navigation, with the way into the workbench; the current section marked.
fn public_nav() -> Markup {
    html! {
        nav.main aria-label="主导航" {
            ul {
                @for (href, name) in SECTIONS {
                    li { a href=(href) aria-current=[current(href)] { (name) } }
                }
            }
        }
    }
}

/// The one page shell of the portal and the workbench: same head, styles, skip link and
/// footer; `header` is what the site header shows beside the brand.
pub fn shell(title: &str, header: Markup, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (site_name()) }
                link rel="icon" type="image/svg+xml" href="/favicon.svg";
                link rel="stylesheet" href="/static/portal.css";
                link rel="alternate" type="application/atom+xml" title="公示公告" href="/feeds/publicity.atom";
                link rel="alternate" type="application/atom+xml" title="目录版本" href="/feeds/editions.atom";
                link rel="alternate" type="application/atom+xml" title="登记结果" href="/feeds/registrations.atom";
            }
            body {
                a.skip href="#content" { "跳到正文" }
                header.site {
                    div.wrap {
                        a.brand href="/" { (site_name()) }
                        (header)
                    }
                }
                main #content.wrap tabindex="-1" { (body) }
                footer.site {
                    "本站仅展示已公开的信息。 "
                    a href="/developers" { "开放接口" }
                    " · " a href="/catalog.ttl" { "DCAT 目录" }
                    " · " a href="/api/3/action/package_search" { "CKAN 接口" }
                    @if let Some(filing) = icp_filing() {
                        " · " a href="https://beian.miit.gov.cn/" rel="noopener noreferrer" { (filing) }
                    }
                }
                script src="/static/portal.js" defer {}
            }
        }
    }
}

/// What a portal handler can fail with: the public only ever sees "not found" or a calm 500.
#[derive(Debug)]
pub enum PortalError {
    NotFound,
    Internal(String),
}

pub type PortalResult<T> = Result<T, PortalError>;

impl From<CatalogError> for PortalError {
    fn from(e: CatalogError) -> Self {
        match e {
            // Invalid ids and unpublished entries look exactly like missing ones.
            CatalogError::NotFound { .. } | CatalogError::Invalid { .. } => PortalError::NotFound,
            other => PortalError::Internal(other.to_string()),
        }
    }
}

impl From<search::SearchError> for PortalError {
    fn from(e: search::SearchError) -> Self {
        PortalError::Internal(e.to_string())
    }
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        match self {
            PortalError::NotFound => not_found().into_response(),
            PortalError::Internal(detail) => {
                tracing::error!(%detail, "门户页面出错");
                let body = page(
                    "服务暂时不可用",
                    html! { h1 { "服务暂时不可用" } p { "请稍后再试。" } },
                );
                (StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
            }
        }
    }
}

pub fn not_found() -> (StatusCode, Markup) {
    let body = html! {
        h1 { "页面不存在" }
        p { "没有找到您要访问的页面，它可能尚未公开或地址有误。" }
        p { a href="/" { "返回首页" } " · " a href="/search" { "检索目录" } }
    };
    (StatusCode::NOT_FOUND, page("页面不存在", body))
}

/// `n` with thousands separators, as people read numbers: 12,345.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Said on the pages drawn from the search index (home, search) while it is rebuilt: their counts
/// and results are partial until then (`SearchResults::partial`).
pub fn rebuilding_notice(results: &search::SearchResults) -> Markup {
    html! {
        @if results.partial {
            p.caution #index-rebuilding role="status" {
                "检索索引正在重建，以下统计与检索结果暂不完整，请稍后刷新。"
            }
        }
    }
}

/// A count as people read it (thousands separators), marked 约 when it is estimated from a
/// sample (a search of more than 10,000 matches counts its facets on one).
pub fn count_about(n: u64, estimated: bool) -> String {
    let n = thousands(n);
    if estimated { format!("约 {n}") } else { n }
}

/// An amount kept in fen (分) as people read it: 元 with two decimals and thousands separators
/// ("1,250.00 元"). Every page shows prices through this.
pub fn yuan(fen: u64) -> String {
    format!("{}.{:02} 元", thousands(fen / 100), fen % 100)
}

/// Counts people read with thousands separators (1,085 records).
const COUNT_FIELDS: [&str; 2] = ["record_count", "objections_filed"];

/// Fields of a JSON object as a definition list with Chinese labels; `skip` names fields the
/// page shows elsewhere (or never: internal ids).
pub fn fields(value: &Value, skip: &[&str]) -> Markup {
    let Value::Object(map) = value else {
        return html! { (text(value)) };
    };
    // JSON objects come alphabetically; people read them in the order of `labels::ORDER`.
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by_key(|(key, _)| ORDER.iter().position(|k| k == key).unwrap_or(ORDER.len()));
    html! {
        dl.fields {
            @for (key, v) in entries {
                @if !skip.contains(&key.as_str()) && !is_empty(v) {
                    dt { (label(key)) }
                    dd {
                        @match v {
                            Value::Object(o) if !o.contains_key("level") => (fields(v, skip)),
                            Value::Array(items) if items.iter().any(Value::is_object) => {
                                @for item in items { (fields(item, skip)) }
                            }
                            Value::String(code) if key == "domain" => (super::labels::domain(code)),
                            Value::Array(kinds) if key == "kinds" => (org_kinds(kinds)),
                            Value::String(code) if REGION_FIELDS.contains(&key.as_str()) => (region_name(code)),
                            Value::Number(n) if COUNT_FIELDS.contains(&key.as_str()) && n.is_u64() => {
                                (thousands(n.as_u64().unwrap_or_default()))
                            }
                            // Prices are kept in fen (分); people read yuan.
                            Value::Number(n) if key.ends_with("_fen") && n.is_u64() => {
                                (yuan(n.as_u64().unwrap_or_default()))
                            }
                            Value::String(code) => {
                                (coded_label(key, code).map_or_else(|| text(v), str::to_owned))
                            }
                            _ => (text(v)),
                        }
                    }
                }
            }
        }
    }
}

/// A value the public views store as an enum's code, by that enum's own label (statuses are
/// shown by each page from its entity's enum, never from here).
fn coded_label(key: &str, code: &str) -> Option<&'static str> {
    match key {
        // An agreement version: signed, renewed, scope changed (N 14).
        "change" => from_code(code).map(AgreementChange::label),
        // A filing: the plan or the agreement (SD 12; LY).
        "kind" => from_code(code).map(FilingKind::label),
        _ => None,
    }
}

/// An organization's kinds by their own labels ("数源单位、运营机构").
fn org_kinds(kinds: &[Value]) -> String {
    kinds
        .iter()
        .map(|k| match k.as_str().and_then(from_code::<OrgKind>) {
            Some(kind) => kind.label().to_owned(),
            None => text(k),
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// Fields that hold a GB/T 2260 code: people read the name (the code after it).
const REGION_FIELDS: [&str; 3] = ["coverage_region", "region", "jurisdiction"];

fn region_name(code: &str) -> String {
    match catalog::domain::region::RegionCode::parse(code) {
        Ok(c) => format!("{}（{code}）", c.full_name()),
        Err(_) => label(code).to_string(),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// A scalar (or list of scalars) as text.
pub fn text(v: &Value) -> String {
    match v {
        // Timestamps in Beijing time, to the minute.
        Value::String(s) if s.len() > 19 && chrono::DateTime::parse_from_rfc3339(s).is_ok() => {
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| beijing(&t.with_timezone(&chrono::Utc)))
                .unwrap_or_default()
        }
        Value::String(s) => s.clone(),
        Value::Bool(true) => "是".into(),
        Value::Bool(false) => "否".into(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join("、"),
        Value::Null => String::new(),
        // A grade: "一般数据3级", as `Grade` displays itself.
        Value::Object(o) if o.contains_key("level") => {
            let level = o.get("level").map(text).unwrap_or_default();
            match o.get("sub_level").and_then(Value::as_u64) {
                Some(n) => format!("{level}{n}级"),
                None => level,
            }
        }
        other => other.to_string(),
    }
}

/// A serializable value as JSON (for field lists).
pub fn json(v: &impl serde::Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Paging links for keyset listings: back to the first page (when not on it) and the next page.
pub fn pager(path: &str, paged: bool, next: Option<String>) -> Markup {
    html! {
        @if paged || next.is_some() {
            nav.pager aria-label="分页" {
                @if paged { a href=(path) { "回到第一页" } }
                @if let Some(after) = next {
                    a rel="next" href=(format!("{path}?after={after}")) { "下一页" }
                }
            }
        }
    }
}

/// A highlight string the search crate already escaped (only `<mark>` is raw).
pub fn marked(s: &str) -> PreEscaped<String> {
    PreEscaped(s.to_string())
}

/// A timestamp as Beijing time (UTC+8), to the minute.
pub fn beijing(t: &chrono::DateTime<chrono::Utc>) -> String {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    t.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub fn date(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// The day of Unix seconds, as [`date`] writes it (the search index keeps times in seconds).
pub fn day_of(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| date(&t))
        .unwrap_or_default()
}

/// The same entry for machines: its DCAT record (Turtle, JSON-LD), its CKAN package and its JSON
/// in the API, as links at the foot of its page.
pub fn machine_links(id: uuid::Uuid, api_path: &str) -> Markup {
    html! {
        p.machine-links #machine-links {
            "元数据："
            a href=(format!("/datasets/{id}.ttl")) type="text/turtle" { "DCAT（Turtle）" } " · "
            a href=(format!("/datasets/{id}.jsonld")) type="application/ld+json" { "DCAT（JSON-LD）" } " · "
            a href=(format!("/api/3/action/package_show?id={id}")) type="application/json" { "CKAN" } " · "
            a href=(api_path) type="application/json" { "JSON" } " · "
            a href="/developers" { "接口说明" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh index has no position until its rebuild commits one: its results say they are
    /// partial, and pages say so, until then and not after.
    #[tokio::test]
    async fn pages_say_so_while_the_index_is_rebuilt() {
        let index = search::SearchIndex::in_memory().unwrap();
        let notice = || {
            let results = index.search(&search::SearchRequest::default()).unwrap();
            rebuilding_notice(&results).into_string()
        };
        assert!(notice().contains("检索索引正在重建"), "{}", notice());
        let writer = search::spawn_writer(&index).unwrap();
        writer
            .send(search::ChangeBatch {
                reset: true,
                up_to_seq: Some(7),
                ..search::ChangeBatch::default()
            })
            .await
            .unwrap();
        writer.flush().await.unwrap();
        assert_eq!(notice(), "");
    }

    #[test]
    fn counts_read_with_separators_and_about_when_estimated() {
        assert_eq!(count_about(970_412, true), "约 970,412");
        assert_eq!(count_about(970_412, false), "970,412");
        assert_eq!(count_about(3, true), "约 3");
    }
}
