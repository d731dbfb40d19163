//! The real open-data corpus (`shared/corpus/cn_open_data_catalog.jsonl.gz`): 29,318 records crawled
//! from Chinese portals, read and mapped onto our directory model with every normalization reported.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use catalog::domain::industry::GBT4754_SECTIONS as SECTIONS;
use catalog::domain::resource::ResourceContent;
use catalog::domain::{Grade, GradeLevel, OpenType, RegionCode, ShareType, UpdateFrequency};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

const CORPUS_FILE: &str = "cn_open_data_catalog.jsonl.gz";

/// One line of the corpus, as crawled (written back as read by the benchmark's scale-up).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CorpusRecord {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_open: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_frequency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_formats: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_volume: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
    pub province: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub source: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("无法读取 {path}：{source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} 第 {line} 行不是有效的记录：{message}")]
    Line {
        path: String,
        line: usize,
        message: String,
    },
}

/// Where the shared corpus lives, looked up from the current directory and from the workspace.
pub fn default_corpus_path() -> Option<PathBuf> {
    let from_cwd = PathBuf::from("../shared/corpus").join(CORPUS_FILE);
    let from_workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(CORPUS_FILE);
    [from_cwd, from_workspace].into_iter().find(|p| p.is_file())
}

/// Read a JSONL corpus file, gzip-compressed when its name ends in `.gz`.
pub fn read_corpus(path: &Path) -> Result<Vec<CorpusRecord>, CorpusError> {
    corpus_records(path)?.collect()
}

/// The records of a corpus file one at a time, for corpora too large to hold (a million-entry
/// benchmark corpus is gigabytes as structs).
pub fn corpus_records(
    path: &Path,
) -> Result<impl Iterator<Item = Result<CorpusRecord, CorpusError>> + use<>, CorpusError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| CorpusError::Io {
        path: shown.clone(),
        source,
    })?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    Ok(parse_lines(BufReader::new(reader), shown))
}

fn parse_lines(
    reader: impl BufRead,
    path: String,
) -> impl Iterator<Item = Result<CorpusRecord, CorpusError>> {
    reader
        .lines()
        .enumerate()
        .filter_map(move |(i, line)| match line {
            Err(source) => Some(Err(CorpusError::Io {
                path: path.clone(),
                source,
            })),
            Ok(line) if line.trim().is_empty() => None,
            Ok(line) => Some(serde_json::from_str(&line).map_err(|e| CorpusError::Line {
                path: path.clone(),
                line: i + 1,
                message: e.to_string(),
            })),
        })
}

/// A dozen hand-written records, used when the shared corpus is absent.
pub fn builtin_sample() -> Vec<CorpusRecord> {
    parse_lines(
        include_str!("builtin_sample.jsonl").as_bytes(),
        "builtin_sample.jsonl".to_owned(),
    )
    .collect::<Result<_, _>>()
    .expect("the built-in sample is valid")
}

/// A value the mapping changed on the way in, for the import report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalization {
    pub field: &'static str,
    pub raw: String,
    pub normalized: String,
}

#[derive(Debug, Clone)]
pub struct Mapped {
    pub content: ResourceContent,
    pub notes: Vec<Normalization>,
}

/// Map one crawled record onto directory content.
pub fn map_record(r: &CorpusRecord) -> Mapped {
    let mut notes = Vec::new();
    let mut note = |field, raw: &str, normalized: &str| {
        notes.push(Normalization {
            field,
            raw: raw.to_string(),
            normalized: normalized.to_string(),
        })
    };
    let name = r.title.trim().to_string();
    let summary = match r.description.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => d.to_string(),
        _ => {
            note("summary", "", &name);
            name.clone()
        }
    };
    let category = present(&r.category);
    let domain = present(&r.industry).and_then(|raw| {
        let section = industry_section(&raw);
        note(
            "domain",
            &raw,
            section.unwrap_or("（无法对应 GB/T 4754 门类）"),
        );
        section.map(str::to_string)
    });
    let (open_type, open_condition) = match present(&r.is_open).as_deref() {
        Some("无条件开放" | "普遍开放" | "无条件" | "无条件开发" | "无条件共享") => {
            (OpenType::Unconditional, None)
        }
        Some(raw @ ("无" | "")) | Some(raw @ "null") => {
            let why = "原目录未标注开放属性，按有条件开放处理";
            note("open_type", raw, "有条件开放");
            (OpenType::Conditional, Some(why.to_string()))
        }
        Some(raw) => {
            if raw != "有条件开放" {
                note("open_type", raw, "有条件开放");
            }
            (OpenType::Conditional, Some(raw.to_string()))
        }
        None => {
            let why = "原目录未标注开放属性，按有条件开放处理";
            note("open_type", "", "有条件开放");
            (OpenType::Conditional, Some(why.to_string()))
        }
    };
    let raw_frequency = present(&r.update_frequency).unwrap_or_default();
    let update_frequency = match UpdateFrequency::normalize(&raw_frequency) {
        Some(f) => {
            if f.as_str() != raw_frequency {
                note("update_frequency", &raw_frequency, f.as_str());
            }
            f
        }
        None => {
            note(
                "update_frequency",
                &raw_frequency,
                UpdateFrequency::Irregular.as_str(),
            );
            UpdateFrequency::Irregular
        }
    };
    let (record_count, storage_size) = match present(&r.data_volume) {
        Some(v) => match v.parse::<u64>() {
            Ok(n) => (Some(n), None),
            Err(_) => (None, Some(v)),
        },
        None => (None, None),
    };
    let release_date = present(&r.publish_time).and_then(|raw| {
        let date = parse_date(&raw);
        if date.map(|d| d.to_string()).as_deref() != Some(raw.as_str()) {
            note(
                "release_date",
                &raw,
                &date.map(|d| d.to_string()).unwrap_or_default(),
            );
        }
        date
    });
    Mapped {
        content: ResourceContent {
            name,
            summary,
            tags: present(&r.tags).map(|t| split_tags(&t)).unwrap_or_default(),
            domain,
            theme: category.clone(),
            category_path: category.into_iter().collect(),
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
            formats: present(&r.data_formats)
                .map(|f| parse_formats(&f))
                .unwrap_or_default(),
            record_count,
            storage_size,
            coverage_time: None,
            coverage_region: None,
            usage_restrictions: None,
            quality_notes: None,
            release_date,
            related_codes: Vec::new(),
            data_items: Vec::new(),
            source_url: None,
        },
        notes,
    }
}

/// A trimmed, meaningful value: empty strings and the portals' placeholders count as absent.
fn present(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && !matches!(*s, "None" | "null" | "暂无" | "空"))
        .map(str::to_string)
}

/// The portals' own theme names that clearly belong to one section.
const THEMES: [(&str, &str); 9] = [
    ("医疗卫生", "Q"),
    ("交通运输", "G"),
    ("财税金融", "J"),
    ("生态环境", "N"),
    ("教育", "P"),
    ("教育科技", "P"),
    ("文化休闲", "R"),
    ("社保就业", "S"),
    ("机构团体", "S"),
];

/// "S.公共管理…", "公共管理…" or a clear portal theme → section letter.
pub fn industry_section(raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    if let Some((letter, _)) = raw.split_once('.')
        && let Some((code, _)) = SECTIONS.iter().find(|(c, _)| *c == letter)
    {
        return Some(code);
    }
    SECTIONS
        .iter()
        .find(|(_, name)| *name == raw)
        .map(|(code, _)| *code)
        .or_else(|| THEMES.iter().find(|(t, _)| *t == raw).map(|(_, c)| *c))
}

fn split_tags(raw: &str) -> Vec<String> {
    let mut tags: Vec<String> = raw
        .split(|c: char| matches!(c, ',' | '，' | ';' | '；' | '、') || c.is_whitespace())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    tags.dedup();
    tags
}

/// "['xls', 'json']", "[xml,xls]", "mysql", "api" → distinct, lowercase format names.
fn parse_formats(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in raw
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|p| {
            p.trim()
                .trim_matches(|c| c == '\'' || c == '"')
                .trim()
                .to_lowercase()
        })
        .filter(|p| !p.is_empty() && p != "none")
    {
        let name = match part.as_str() {
            "mysql" | "oracle" | "database" => "数据库".to_string(),
            "api" | "http" | "接口" => "接口".to_string(),
            "file" => "文件".to_string(),
            other => other.to_string(),
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// "2020-07-20", "2023-6-16", "2023-01-09；2023-01-10" (the first date).
fn parse_date(raw: &str) -> Option<NaiveDate> {
    let first = raw.split(['；', ';', ' ']).next()?.trim();
    NaiveDate::parse_from_str(first, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(first, "%Y/%m/%d"))
        .ok()
}

/// GB/T 2260 code of the corpus's provinces and cities (the city's when known).
pub fn region_for(province: &str, city: Option<&str>) -> Option<RegionCode> {
    const CITIES: [(&str, &str); 19] = [
        ("泸州市", "510500"),
        ("内江市", "511000"),
        ("南充市", "511300"),
        ("德阳市", "510600"),
        ("银川市", "640100"),
        ("池州市", "341700"),
        ("滁州市", "341100"),
        ("六安市", "341500"),
        ("芜湖市", "340200"),
        ("宿州市", "341300"),
        ("淮北市", "340600"),
        ("合肥市", "340100"),
        ("黄山市", "341000"),
        ("蚌埠市", "340300"),
        ("淮南市", "340400"),
        ("厦门市", "350200"),
        ("福州市", "350100"),
        ("乌鲁木齐市", "650100"),
        ("成都市", "510100"),
    ];
    const PROVINCES: [(&str, &str); 7] = [
        ("四川省", "510000"),
        ("宁夏回族自治区", "640000"),
        ("安徽省", "340000"),
        ("福建省", "350000"),
        ("江西省", "360000"),
        ("陕西省", "610000"),
        ("新疆维吾尔自治区", "650000"),
    ];
    let province_code = PROVINCES.iter().find(|(p, _)| *p == province)?.1;
    let code = city
        .and_then(|c| CITIES.iter().find(|(name, _)| *name == c))
        .map(|(_, code)| *code)
        .filter(|code| code[..2] == province_code[..2])
        .unwrap_or(province_code);
    RegionCode::parse(code).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> CorpusRecord {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn messy_fields_are_normalized_and_reported() {
        let r = record(
            r#"{"id":"x","title":" 医疗机构名录 ","description":"","industry":"Q.卫生和社会工作","is_open":"依申请开放",
                "update_frequency":"季度","data_formats":"['xls', 'json', 'xls']","data_volume":"1,000条",
                "publish_time":"2023-6-16","province":"四川省","city":"泸州市","source":"s","tags":"医疗，机构"}"#,
        );
        let m = map_record(&r);
        let c = &m.content;
        assert_eq!(c.name, "医疗机构名录");
        assert_eq!(c.summary, "医疗机构名录");
        assert_eq!(c.domain.as_deref(), Some("Q"));
        assert_eq!(c.open_type, OpenType::Conditional);
        assert_eq!(c.open_condition.as_deref(), Some("依申请开放"));
        assert_eq!(c.update_frequency, UpdateFrequency::Quarterly);
        assert_eq!(c.formats, vec!["xls", "json"]);
        assert_eq!(c.storage_size.as_deref(), Some("1,000条"));
        assert_eq!(c.release_date, NaiveDate::from_ymd_opt(2023, 6, 16));
        assert_eq!(c.tags, vec!["医疗", "机构"]);
        let fields: Vec<&str> = m.notes.iter().map(|n| n.field).collect();
        assert!(
            fields.contains(&"update_frequency")
                && fields.contains(&"open_type")
                && fields.contains(&"release_date")
        );
        c.validate().unwrap();
    }

    #[test]
    fn regions_prefer_the_city() {
        assert_eq!(
            region_for("四川省", Some("泸州市")).unwrap().as_str(),
            "510500"
        );
        assert_eq!(region_for("四川省", None).unwrap().as_str(), "510000");
        assert_eq!(
            region_for("安徽省", Some("泸州市")).unwrap().as_str(),
            "340000"
        );
        assert!(region_for("火星", None).is_none());
    }

    #[test]
    fn builtin_sample_maps_cleanly() {
        let sample = builtin_sample();
        assert!(sample.len() >= 10);
        for r in &sample {
            map_record(r).content.validate().unwrap();
            assert!(
                region_for(&r.province, r.city.as_deref()).is_some(),
                "{}",
                r.title
            );
        }
    }
}
