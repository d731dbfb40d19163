//! The columns of the directory template: Chinese headers, which are required, and the allowed
//! values of enumerated ones (shown as drop-downs in the xlsx template).

use catalog::domain::{GradeLevel, OpenType, ShareType, UpdateFrequency};

pub const RESOURCE_SHEET: &str = "资源目录";
pub const ITEM_SHEET: &str = "信息项";
pub const LIST_SHEET: &str = "枚举值";
pub const GUIDE_SHEET: &str = "填写说明";

/// One template column.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub header: &'static str,
    /// The `ResourceContent` / `DataItem` field it fills, for mapping validation errors back.
    pub field: &'static str,
    pub required: bool,
    pub hint: &'static str,
}

const fn col(
    header: &'static str,
    field: &'static str,
    required: bool,
    hint: &'static str,
) -> Column {
    Column {
        header,
        field,
        required,
        hint,
    }
}

pub const RESOURCE_COLUMNS: [Column; 22] = [
    col("资源名称", "name", true, "不超过200字"),
    col("资源摘要", "summary", true, "不超过4000字"),
    col("标签", "tags", false, "多个用“；”或“,”分隔"),
    col("行业分类", "domain", false, "GB/T 4754-2017 门类代码 A–T"),
    col("主题分类", "theme", false, ""),
    col(
        "分类路径",
        "category_path",
        false,
        "类/项/目/细目，用“/”分隔，最多四级",
    ),
    col(
        "数据分级",
        "grade",
        true,
        "核心数据、重要数据、一般数据，一般数据可写“一般数据/3”",
    ),
    col("共享类型", "share_type", true, ""),
    col(
        "共享条件",
        "share_condition",
        false,
        "有条件共享、不予共享时必填",
    ),
    col("共享方式", "share_method", false, ""),
    col("开放类型", "open_type", true, ""),
    col("开放条件", "open_condition", false, "有条件开放时必填"),
    col("更新频率", "update_frequency", true, ""),
    col(
        "数据格式",
        "formats",
        false,
        "如 xlsx, csv, json；多个用逗号分隔",
    ),
    col("记录数", "record_count", false, "非负整数"),
    col("存储量", "storage_size", false, "如 12MB"),
    col("时间范围", "coverage_time", false, "如 2020年至今"),
    col(
        "覆盖区域",
        "coverage_region",
        false,
        "六位行政区划代码（GB/T 2260）",
    ),
    col("使用限制", "usage_restrictions", false, ""),
    col("质量说明", "quality_notes", false, ""),
    col("发布日期", "release_date", false, "YYYY-MM-DD"),
    col(
        "来源页面",
        "source_url",
        false,
        "原发布页面的网址（http:// 或 https://）",
    ),
];

pub const ITEM_COLUMNS: [Column; 8] = [
    col(
        "资源名称",
        "resource",
        true,
        "与“资源目录”表中的资源名称一致",
    ),
    col("信息项名称", "name", true, ""),
    col("英文名称", "english_name", false, ""),
    col("数据类型", "data_type", true, "如 字符型、数值型、日期型"),
    col("长度格式", "length_format", false, ""),
    col("值域", "value_domain", false, ""),
    col("敏感级别", "sensitivity", false, "不得高于资源的数据分级"),
    col("说明", "description", false, ""),
];

pub const GB4754_SECTIONS: [&str; 20] = [
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S",
    "T",
];

/// Grade values offered in the drop-down (sub-levels may still be typed).
pub fn grade_values() -> Vec<String> {
    let mut out: Vec<String> = GradeLevel::ALL
        .iter()
        .map(|l| l.as_str().to_string())
        .collect();
    out.extend((1..=4).map(|n| format!("一般数据/{n}")));
    out
}

/// Enumerated columns and their allowed values, by header.
pub fn enumerations() -> Vec<(&'static str, Vec<String>)> {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        ("行业分类", strings(&GB4754_SECTIONS)),
        ("数据分级", grade_values()),
        (
            "共享类型",
            ShareType::ALL
                .iter()
                .map(|v| v.as_str().to_string())
                .collect(),
        ),
        (
            "开放类型",
            OpenType::ALL
                .iter()
                .map(|v| v.as_str().to_string())
                .collect(),
        ),
        (
            "更新频率",
            UpdateFrequency::ALL
                .iter()
                .map(|v| v.as_str().to_string())
                .collect(),
        ),
        ("敏感级别", grade_values()),
    ]
}

/// A header as typed: surrounding space and a required-marker "*" ignored.
pub fn normalize_header(raw: &str) -> String {
    raw.trim()
        .trim_end_matches(['*', '＊'])
        .trim_start_matches(['*', '＊'])
        .trim()
        .to_string()
}

/// How the template shows a header (required columns get "*").
pub fn display_header(c: &Column) -> String {
    if c.required {
        format!("{}*", c.header)
    } else {
        c.header.to_string()
    }
}
