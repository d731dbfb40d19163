//! CKAN portals through the Action API: `package_search` pages with `start`/`rows` until `count`
//! datasets are read; each package becomes a draft.

use catalog::domain::resource::ResourceContent;
use catalog::domain::{Grade, GradeLevel, OpenType, ShareType};
use serde_json::Value;

use super::{DEFAULT_MAX_PAGES, Harvest, HarvestError, Notes, fetch, format_name, push_unique};
use crate::corpus::Mapped;

const SEARCH: &str = "/api/3/action/package_search";

/// `http://portal` or `http://portal/api/3/action/package_search?q=…` → the search URL.
pub fn search_url(base: &str) -> String {
    if base.contains(SEARCH) {
        base.to_string()
    } else {
        format!("{}{SEARCH}", base.trim_end_matches('/'))
    }
}

/// Harvest every package `package_search` lists, `rows` per page.
pub async fn harvest(
    client: &reqwest::Client,
    base: &str,
    rows: usize,
    max_pages: Option<usize>,
) -> Result<Harvest, HarvestError> {
    let search = search_url(base);
    let rows = rows.clamp(1, 1000);
    let mut harvest = Harvest::default();
    let mut start = 0;
    while harvest.pages < max_pages.unwrap_or(DEFAULT_MAX_PAGES) {
        let separator = if search.contains('?') { '&' } else { '?' };
        let url = format!("{search}{separator}start={start}&rows={rows}");
        let (bytes, _) = fetch(client, &url, "application/json").await?;
        let page = parse_page(&bytes).map_err(|message| HarvestError::Format {
            url: url.clone(),
            message,
        })?;
        harvest.pages += 1;
        let n = page.results.len();
        for package in &page.results {
            harvest.push(Ok(map(package)));
        }
        start += n;
        if n == 0 || start >= page.count {
            break;
        }
    }
    Ok(harvest)
}

/// One `package_search` answer.
#[derive(Debug)]
pub struct Page {
    pub count: usize,
    pub results: Vec<Value>,
}

pub fn parse_page(bytes: &[u8]) -> Result<Page, String> {
    let body: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("不是 JSON（CKAN Action API）：{e}"))?;
    if body["success"] != Value::Bool(true) {
        let why = body["error"]["message"]
            .as_str()
            .unwrap_or("success 不为 true");
        return Err(format!("CKAN 返回错误：{why}"));
    }
    let result = &body["result"];
    let results = result["results"]
        .as_array()
        .ok_or("缺少 result.results 数组")?
        .clone();
    let count = result["count"]
        .as_u64()
        .map_or(results.len(), |c| c as usize);
    Ok(Page { count, results })
}

fn text(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// An `extras` value by any of `keys` (portals name the same thing differently).
fn extra(package: &Value, keys: &[&str]) -> Option<String> {
    package["extras"].as_array()?.iter().find_map(|e| {
        let key = e["key"].as_str()?;
        keys.contains(&key).then(|| text(&e["value"])).flatten()
    })
}

/// Map one CKAN package onto directory content.
pub fn map(package: &Value) -> Mapped {
    let mut notes = Notes::default();
    let name = text(&package["title"])
        .or_else(|| text(&package["name"]))
        .unwrap_or_default();
    let summary = match text(&package["notes"]) {
        Some(n) => n,
        None => {
            notes.note("summary", "", &name);
            name.clone()
        }
    };
    let mut tags = Vec::new();
    for t in package["tags"].as_array().into_iter().flatten() {
        if let Some(tag) = text(&t["display_name"]).or_else(|| text(&t["name"])) {
            push_unique(&mut tags, tag);
        }
    }
    let theme = package["groups"]
        .as_array()
        .and_then(|g| g.first())
        .and_then(|g| text(&g["title"]).or_else(|| text(&g["name"])));
    let frequency = extra(
        package,
        &[
            "frequency",
            "update_frequency",
            "accrual_periodicity",
            "更新频率",
        ],
    )
    .or_else(|| text(&package["frequency"]));
    let update_frequency = notes.frequency(frequency.as_deref());
    let (open_type, open_condition) = if package["private"] == Value::Bool(true) {
        notes.note("open_type", "private", "有条件开放");
        (
            OpenType::Conditional,
            Some("原目录中为非公开数据集".to_string()),
        )
    } else {
        (OpenType::Unconditional, None)
    };
    let mut formats = Vec::new();
    for r in package["resources"].as_array().into_iter().flatten() {
        if let Some(f) = text(&r["format"])
            .or_else(|| text(&r["mimetype"]))
            .and_then(|f| format_name(&f))
        {
            push_unique(&mut formats, f);
        }
    }
    let release_date = notes.date(
        extra(package, &["issued", "publish_date"])
            .or_else(|| text(&package["metadata_created"]))
            .as_deref(),
    );
    notes.note("grade", "", "一般数据");
    let source = text(&package["url"]).or_else(|| text(&package["name"]));
    Mapped {
        content: ResourceContent {
            name,
            summary,
            tags,
            domain: None,
            theme,
            category_path: Vec::new(),
            grade: Grade {
                level: GradeLevel::General,
                sub_level: None,
            },
            share_type: ShareType::Unconditional,
            share_condition: None,
            share_method: None,
            open_type,
            open_condition,
            update_frequency,
            formats,
            record_count: None,
            storage_size: None,
            coverage_time: None,
            coverage_region: None,
            usage_restrictions: text(&package["license_title"])
                .or_else(|| text(&package["license_id"]))
                .map(|l| format!("许可：{l}")),
            quality_notes: source.map(|s| format!("采集自 CKAN 目录：{s}")),
            release_date,
            related_codes: Vec::new(),
            data_items: Vec::new(),
            source_url: text(&package["url"]).filter(|u| super::is_web_address(u)),
        },
        notes: notes.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_maps_with_its_assumptions_noted() {
        let package = serde_json::json!({
            "name": "air-quality", "title": "空气质量监测", "notes": "",
            "tags": [{"name": "环境", "display_name": "环境"}],
            "groups": [{"title": "生态环境"}],
            "extras": [{"key": "frequency", "value": "daily"}],
            "resources": [{"format": "CSV"}, {"format": "csv"}, {"mimetype": "application/json"}],
            "metadata_created": "2023-05-06T01:02:03.456",
            "license_title": "CC-BY-4.0",
            "url": "https://data.example.gov.cn/dataset/air-quality"
        });
        let m = map(&package);
        // The source page is kept; a package whose url is not a web address has none.
        assert_eq!(
            m.content.source_url.as_deref(),
            Some("https://data.example.gov.cn/dataset/air-quality")
        );
        let mut local = package.clone();
        local["url"] = serde_json::json!("javascript:alert(1)");
        assert_eq!(map(&local).content.source_url, None);
        assert_eq!(m.content.name, "空气质量监测");
        assert_eq!(m.content.summary, "空气质量监测");
        assert_eq!(m.content.update_frequency.as_str(), "每日");
        assert_eq!(m.content.formats, vec!["csv", "json"]);
        assert_eq!(m.content.release_date.unwrap().to_string(), "2023-05-06");
        m.content.validate().unwrap();
        let fields: Vec<&str> = m.notes.iter().map(|n| n.field).collect();
        assert!(fields.contains(&"summary") && fields.contains(&"grade"));
    }

    #[test]
    fn error_answers_are_reported() {
        assert!(
            parse_page(br#"{"success": false, "error": {"message": "Not found"}}"#)
                .unwrap_err()
                .contains("Not found")
        );
        assert!(parse_page(b"<html>").is_err());
        assert_eq!(
            search_url("http://x/ckan/"),
            "http://x/ckan/api/3/action/package_search"
        );
    }
}
