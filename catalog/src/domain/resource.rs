//! Directory entries (公共数据资源目录条目), their data items and their review lifecycle.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::organization::require_text;
use super::text::{Lines, check_optional, check_text};
use super::{Grade, OpenType, RegionCode, ResourceCode, ShareType, UpdateFrequency};
use crate::error::{CatalogError, Result};

/// 信息项: one column or field of the resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DataItem {
    pub name: String,
    #[serde(default)]
    pub english_name: Option<String>,
    pub data_type: String,
    #[serde(default)]
    pub length_format: Option<String>,
    #[serde(default)]
    pub value_domain: Option<String>,
    /// Sensitivity of this item; the entry's grade must be at least the highest of these.
    #[serde(default)]
    pub sensitivity: Option<Grade>,
    #[serde(default)]
    pub description: Option<String>,
}

/// Everything a provider describes about a resource; versioned as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResourceContent {
    pub name: String,
    pub summary: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// 行业分类: GB/T 4754-2017 section letter (A–T).
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub theme: Option<String>,
    /// The provider's own category path (类/项/目/细目), at most four levels.
    #[serde(default)]
    pub category_path: Vec<String>,
    pub grade: Grade,
    pub share_type: ShareType,
    #[serde(default)]
    pub share_condition: Option<String>,
    #[serde(default)]
    pub share_method: Option<String>,
    pub open_type: OpenType,
    #[serde(default)]
    pub open_condition: Option<String>,
    pub update_frequency: UpdateFrequency,
    #[serde(default)]
    pub formats: Vec<String>,
    #[serde(default)]
    pub record_count: Option<u64>,
    #[serde(default)]
    pub storage_size: Option<String>,
    #[serde(default)]
    pub coverage_time: Option<String>,
    #[serde(default)]
    pub coverage_region: Option<RegionCode>,
    #[serde(default)]
    pub usage_restrictions: Option<String>,
    #[serde(default)]
    pub quality_notes: Option<String>,
    #[serde(default)]
    pub release_date: Option<NaiveDate>,
    #[serde(default)]
    pub related_codes: Vec<ResourceCode>,
    #[serde(default)]
    pub data_items: Vec<DataItem>,
    /// 来源页面: the entry's page on the portal it was harvested or imported from (http or
    /// https), kept so that anyone can check it against its source.
    #[serde(default)]
    pub source_url: Option<String>,
}

const GB4754_SECTIONS: &str = "ABCDEFGHIJKLMNOPQRST";

/// Data items (信息项) one entry may list: a wide table of a real directory has a few hundred
/// columns.
pub const MAX_DATA_ITEMS: usize = 500;
/// Tags one entry may carry (the open-data corpus's largest entry has 95).
pub const MAX_TAGS: usize = 100;
/// Characters in one tag or one category level.
pub const MAX_TAG_CHARS: usize = 50;
/// Formats one entry may list.
pub const MAX_FORMATS: usize = 50;
/// Characters in one format (portals' unsplit lists such as “xlsx；xls；…” reach 64).
pub const MAX_FORMAT_CHARS: usize = 100;

impl ResourceContent {
    /// Checks that need more than one field; every error names its field path.
    pub fn validate(&self) -> Result<()> {
        require_text("content.name", &self.name, 200)?;
        require_text("content.summary", &self.summary, 4000)?;
        if let Some(domain) = &self.domain
            && !(domain.len() == 1 && GB4754_SECTIONS.contains(domain.as_str()))
        {
            return Err(CatalogError::invalid(
                "content.domain",
                format!("行业分类“{domain}”不是 GB/T 4754-2017 门类代码（A–T）"),
            ));
        }
        if self.category_path.len() > 4 {
            return Err(CatalogError::invalid(
                "content.category_path",
                "分类路径最多四级（类/项/目/细目）",
            ));
        }
        self.check_texts()?;
        if let Some(url) = &self.source_url {
            check_source_url(url)?;
        }
        if self.share_type == ShareType::Conditional && blank(&self.share_condition) {
            return Err(CatalogError::invalid(
                "content.share_condition",
                "有条件共享的资源必须写明共享条件",
            ));
        }
        if self.share_type == ShareType::None && blank(&self.share_condition) {
            return Err(CatalogError::invalid(
                "content.share_condition",
                "不予共享的资源必须写明依据",
            ));
        }
        if self.open_type == OpenType::Conditional && blank(&self.open_condition) {
            return Err(CatalogError::invalid(
                "content.open_condition",
                "有条件开放的资源必须写明开放条件",
            ));
        }
        let mut names = BTreeSet::new();
        for (i, item) in self.data_items.iter().enumerate() {
            require_text(&format!("content.data_items[{i}].name"), &item.name, 200)?;
            require_text(
                &format!("content.data_items[{i}].data_type"),
                &item.data_type,
                50,
            )?;
            if !names.insert(item.name.trim()) {
                return Err(CatalogError::invalid(
                    format!("content.data_items[{i}].name"),
                    format!("信息项“{}”重复", item.name),
                ));
            }
            // An entry takes the highest level of its data items.
            if let Some(sensitivity) = item.sensitivity
                && sensitivity > self.grade
            {
                return Err(CatalogError::invalid(
                    format!("content.data_items[{i}].sensitivity"),
                    format!(
                        "信息项“{}”的级别（{sensitivity}）高于资源分级（{}），资源应取其信息项的最高级别",
                        item.name, self.grade
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Characters in a source page's address.
pub const MAX_SOURCE_URL_CHARS: usize = 2000;

/// A source page is an absolute http(s) address of reasonable length.
fn check_source_url(url: &str) -> Result<()> {
    let field = "content.source_url";
    if url.chars().count() > MAX_SOURCE_URL_CHARS {
        return Err(CatalogError::invalid(
            field,
            format!("来源页面地址最长 {MAX_SOURCE_URL_CHARS} 个字符"),
        ));
    }
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(CatalogError::invalid(
            field,
            format!("来源页面地址“{url}”应为以 http:// 或 https:// 开头的完整网址"),
        )),
    }
}

impl ResourceContent {
    /// The counts and lengths of the lists, and no control characters in any text field (names
    /// and short fields on one line; conditions, restrictions and notes may span lines).
    fn check_texts(&self) -> Result<()> {
        // The category path's depth is checked with its own message.
        check_list("content.tags", &self.tags, Some(MAX_TAGS), MAX_TAG_CHARS)?;
        check_list(
            "content.category_path",
            &self.category_path,
            None,
            MAX_TAG_CHARS,
        )?;
        check_list(
            "content.formats",
            &self.formats,
            Some(MAX_FORMATS),
            MAX_FORMAT_CHARS,
        )?;
        let single = [
            ("content.domain", &self.domain),
            ("content.theme", &self.theme),
            ("content.share_method", &self.share_method),
            ("content.storage_size", &self.storage_size),
            ("content.coverage_time", &self.coverage_time),
        ];
        let multi = [
            ("content.share_condition", &self.share_condition),
            ("content.open_condition", &self.open_condition),
            ("content.usage_restrictions", &self.usage_restrictions),
            ("content.quality_notes", &self.quality_notes),
        ];
        for (fields, lines) in [(&single[..], Lines::One), (&multi[..], Lines::Many)] {
            for (field, value) in fields {
                check_optional(field, value.as_deref(), lines)?;
            }
        }
        if self.data_items.len() > MAX_DATA_ITEMS {
            return Err(CatalogError::invalid(
                "content.data_items",
                format!(
                    "信息项共{}个，超过上限{MAX_DATA_ITEMS}个；请拆分为多个资源",
                    self.data_items.len()
                ),
            ));
        }
        for (i, item) in self.data_items.iter().enumerate() {
            let at = |f: &str| format!("content.data_items[{i}].{f}");
            check_optional(
                &at("english_name"),
                item.english_name.as_deref(),
                Lines::One,
            )?;
            check_optional(
                &at("length_format"),
                item.length_format.as_deref(),
                Lines::One,
            )?;
            check_optional(
                &at("value_domain"),
                item.value_domain.as_deref(),
                Lines::Many,
            )?;
            check_optional(&at("description"), item.description.as_deref(), Lines::Many)?;
        }
        Ok(())
    }
}

/// A list of short single-line values: at most `max_count` of them (when given), each 1 to
/// `max_chars` characters.
fn check_list(
    field: &str,
    values: &[String],
    max_count: Option<usize>,
    max_chars: usize,
) -> Result<()> {
    if let Some(max) = max_count
        && values.len() > max
    {
        return Err(CatalogError::invalid(
            field,
            format!("共{}项，超过上限{max}项", values.len()),
        ));
    }
    for (i, value) in values.iter().enumerate() {
        let field = format!("{field}[{i}]");
        check_text(&field, value, Lines::One)?;
        let n = value.trim().chars().count();
        if n == 0 || n > max_chars {
            return Err(CatalogError::invalid(
                field,
                format!("每项须为1到{max_chars}个字符，此项为{n}个字符"),
            ));
        }
    }
    Ok(())
}

fn blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|s| s.trim().is_empty())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceStatus {
    Draft,
    Submitted,
    Approved,
    Returned,
    Published,
    Withdrawn,
}

impl ResourceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceStatus::Draft => "draft",
            ResourceStatus::Submitted => "submitted",
            ResourceStatus::Approved => "approved",
            ResourceStatus::Returned => "returned",
            ResourceStatus::Published => "published",
            ResourceStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ResourceStatus::Draft => "草稿",
            ResourceStatus::Submitted => "已提交",
            ResourceStatus::Approved => "已审核",
            ResourceStatus::Returned => "已退回",
            ResourceStatus::Published => "已发布",
            ResourceStatus::Withdrawn => "已撤回",
        }
    }
}

/// A directory entry. `version` counts content versions: every change after approval makes a new one,
/// while `published_version` keeps pointing at what the public sees until the change is published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Resource {
    pub id: Uuid,
    pub code: ResourceCode,
    pub provider_id: Uuid,
    pub version: u32,
    pub status: ResourceStatus,
    pub published_version: Option<u32>,
    /// When the public view last changed (the latest publication): what public "modified" times
    /// report, so saving an unpublished edit moves nothing the public sees.
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
    pub content: ResourceContent,
    /// Reasons given the last time a reviewer returned the entry.
    #[serde(default)]
    pub return_reasons: Vec<String>,
    #[serde(default)]
    pub withdrawal_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ResourceContent {
    /// The content as the public sees it (rule 8): data items keep their name, type, format and
    /// description; their sensitivity and value domain stay internal.
    pub fn public_view(mut self) -> Self {
        for item in &mut self.data_items {
            item.sensitivity = None;
            item.value_domain = None;
        }
        self
    }
}

impl Resource {
    pub fn new(
        code: ResourceCode,
        provider_id: Uuid,
        content: ResourceContent,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        content.validate()?;
        Ok(Resource {
            id: Uuid::now_v7(),
            code,
            provider_id,
            version: 1,
            status: ResourceStatus::Draft,
            published_version: None,
            published_at: None,
            content,
            return_reasons: Vec::new(),
            withdrawal_reason: None,
            created_at: now,
            updated_at: now,
        })
    }

    /// Publicly visible: some version was published and the entry was not withdrawn.
    pub fn is_public(&self) -> bool {
        self.published_version.is_some() && self.status != ResourceStatus::Withdrawn
    }

    fn refuse(&self, action: &str) -> CatalogError {
        CatalogError::InvalidTransition(format!(
            "资源“{}”当前状态为{}，不能{action}",
            self.content.name,
            self.status.label()
        ))
    }

    /// Replace the content. Drafts and returned entries change in place; approved or published ones
    /// start a new version, leaving the old one readable.
    pub fn edit(&mut self, content: ResourceContent, now: DateTime<Utc>) -> Result<()> {
        content.validate()?;
        match self.status {
            ResourceStatus::Draft | ResourceStatus::Returned => {}
            ResourceStatus::Approved | ResourceStatus::Published => self.version += 1,
            ResourceStatus::Submitted | ResourceStatus::Withdrawn => {
                return Err(self.refuse("修改"));
            }
        }
        self.content = content;
        self.status = ResourceStatus::Draft;
        self.updated_at = now;
        Ok(())
    }

    pub fn submit(&mut self, now: DateTime<Utc>) -> Result<()> {
        match self.status {
            ResourceStatus::Draft | ResourceStatus::Returned => {
                self.status = ResourceStatus::Submitted;
                self.updated_at = now;
                Ok(())
            }
            _ => Err(self.refuse("提交审核")),
        }
    }

    pub fn approve(&mut self, now: DateTime<Utc>) -> Result<()> {
        if self.status != ResourceStatus::Submitted {
            return Err(self.refuse("审核通过"));
        }
        self.status = ResourceStatus::Approved;
        self.return_reasons.clear();
        self.updated_at = now;
        Ok(())
    }

    pub fn return_for_revision(&mut self, reasons: Vec<String>, now: DateTime<Utc>) -> Result<()> {
        if self.status != ResourceStatus::Submitted {
            return Err(self.refuse("退回"));
        }
        let reasons: Vec<String> = reasons
            .into_iter()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        if reasons.is_empty() {
            return Err(CatalogError::invalid("reasons", "退回时必须说明理由"));
        }
        self.status = ResourceStatus::Returned;
        self.return_reasons = reasons;
        self.updated_at = now;
        Ok(())
    }

    pub fn publish(&mut self, now: DateTime<Utc>) -> Result<()> {
        if self.status != ResourceStatus::Approved {
            return Err(self.refuse("发布"));
        }
        self.status = ResourceStatus::Published;
        self.published_version = Some(self.version);
        self.published_at = Some(now);
        self.updated_at = now;
        Ok(())
    }

    /// Withdrawal is a state with a reason, never a deletion (rule 6).
    pub fn withdraw(&mut self, reason: &str, now: DateTime<Utc>) -> Result<()> {
        require_text("reason", reason, 1000)?;
        if self.status == ResourceStatus::Withdrawn {
            return Err(self.refuse("撤回"));
        }
        self.status = ResourceStatus::Withdrawn;
        self.withdrawal_reason = Some(reason.trim().to_string());
        self.updated_at = now;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> ResourceContent {
        serde_json::from_value(serde_json::json!({
            "name": "城市公交线路", "summary": "线路与站点", "tags": ["公交"],
            "grade": {"level": "一般数据"}, "share_type": "无条件共享",
            "open_type": "无条件开放", "update_frequency": "每月",
            "data_items": [{"name": "线路名称", "data_type": "字符型"}]
        }))
        .unwrap()
    }

    fn item(name: String) -> DataItem {
        DataItem {
            name,
            english_name: None,
            data_type: "字符型".to_string(),
            length_format: None,
            value_domain: None,
            sensitivity: None,
            description: None,
        }
    }

    fn refused_field(c: &ResourceContent) -> String {
        match c.validate() {
            Err(CatalogError::Invalid { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn control_characters_are_refused_in_every_text_field() {
        assert!(content().validate().is_ok());
        type Spoil = fn(&mut ResourceContent);
        let cases: [(&str, Spoil); 8] = [
            ("content.name", |c| c.name.push('\u{0}')),
            ("content.summary", |c| c.summary.push('\u{fffe}')),
            ("content.tags[1]", |c| c.tags.push("a\u{1}".into())),
            ("content.theme", |c| c.theme = Some("主题\n".into())),
            ("content.quality_notes", |c| {
                c.quality_notes = Some("\u{85}".into())
            }),
            ("content.data_items[0].name", |c| {
                c.data_items[0].name.push('\u{1}')
            }),
            ("content.data_items[0].english_name", |c| {
                c.data_items[0].english_name = Some("line\u{0}".into())
            }),
            ("content.data_items[0].description", |c| {
                c.data_items[0].description = Some("\u{ffff}".into())
            }),
        ];
        for (field, spoil) in cases {
            let mut c = content();
            spoil(&mut c);
            assert_eq!(refused_field(&c), field);
        }
        // Multi-line fields keep their line breaks.
        let mut c = content();
        c.summary = "第一行\n第二行\t制表".into();
        c.quality_notes = Some("一\r\n二".into());
        assert!(c.validate().is_ok());
    }

    #[test]
    fn a_source_page_is_a_whole_web_address() {
        let mut c = content();
        for good in [
            "https://data.sc.gov.cn/dataset/123",
            "http://10.0.0.1/a?b=c",
        ] {
            c.source_url = Some(good.to_string());
            assert!(c.validate().is_ok(), "{good}");
        }
        let long = format!("https://x.cn/{}", "a".repeat(MAX_SOURCE_URL_CHARS));
        for bad in [
            "data.sc.gov.cn/dataset/123",
            "javascript:alert(1)",
            "ftp://x.cn/a",
            "https://",
            &long,
        ] {
            c.source_url = Some(bad.to_string());
            assert!(
                matches!(c.validate(), Err(CatalogError::Invalid { ref field, .. }) if field == "content.source_url"),
                "{bad}"
            );
        }
    }

    #[test]
    fn lists_are_capped() {
        let mut c = content();
        c.data_items = (0..MAX_DATA_ITEMS)
            .map(|i| item(format!("字段{i}")))
            .collect();
        assert!(c.validate().is_ok());
        c.data_items.push(item("多一个".into()));
        assert_eq!(refused_field(&c), "content.data_items");
        c.data_items = (0..10_000).map(|i| item(format!("字段{i}"))).collect();
        assert_eq!(refused_field(&c), "content.data_items");

        let mut c = content();
        c.tags = (0..MAX_TAGS).map(|i| format!("标签{i}")).collect();
        assert!(c.validate().is_ok());
        c.tags.push("多一个".into());
        assert_eq!(refused_field(&c), "content.tags");
        c.tags = vec!["长".repeat(MAX_TAG_CHARS)];
        assert!(c.validate().is_ok());
        c.tags = vec!["长".repeat(MAX_TAG_CHARS + 1)];
        assert_eq!(refused_field(&c), "content.tags[0]");
        c.tags = vec!["  ".into()];
        assert_eq!(refused_field(&c), "content.tags[0]");

        let mut c = content();
        c.formats = (0..=MAX_FORMATS).map(|i| format!("f{i}")).collect();
        assert_eq!(refused_field(&c), "content.formats");
        // A portal's unsplit list, as the open-data corpus has it, still fits.
        c.formats = vec!["xlsx；".repeat(13)];
        assert!(c.validate().is_ok());
        c.formats = vec!["x".repeat(MAX_FORMAT_CHARS + 1)];
        assert_eq!(refused_field(&c), "content.formats[0]");
    }
}
