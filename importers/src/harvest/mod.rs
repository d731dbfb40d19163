//! Harvesting foreign catalogs: DCAT (Turtle or JSON-LD, Hydra paging) and CKAN (Action API
//! `package_search`, start/rows paging). Each dataset is mapped onto our directory model with
//! every assumption reported as a normalization, then validated like an uploaded file, so a
//! harvest yields the same `Prepared` rows and report as `mulu import`.

pub mod ckan;
pub mod dcat;

use std::time::Duration;

use catalog::domain::UpdateFrequency;

use crate::corpus::{Mapped, Normalization};
use crate::report::{Prepared, validate_mapped};

/// Stop after this many pages unless told otherwise: a paging loop in a foreign catalog must not
/// run forever.
pub const DEFAULT_MAX_PAGES: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum HarvestError {
    #[error("无法获取 {url}：{message}")]
    Fetch { url: String, message: String },
    #[error("{url} 的内容无法解析：{message}")]
    Format { url: String, message: String },
}

/// Datasets found, page by page, in source order.
#[derive(Debug, Default)]
pub struct Harvest {
    /// Pages fetched.
    pub pages: usize,
    /// (position, mapped dataset or why it could not be read).
    pub rows: Vec<(usize, Result<Mapped, String>)>,
}

impl Harvest {
    pub(crate) fn push(&mut self, mapped: Result<Mapped, String>) {
        let n = self.rows.len() + 1;
        self.rows.push((n, mapped));
    }

    /// Validate every dataset like a template row; `source` names the catalog in problems.
    pub fn prepare(self, source: &str) -> Prepared {
        let mut prepared = validate_mapped(self.rows, source);
        if prepared.parsed.total_rows == 0 {
            prepared
                .parsed
                .push_whole_file_problem(source, "目录中没有找到任何数据集");
        }
        prepared
    }
}

/// The HTTP client harvests use: a clear user agent and bounded waits.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(concat!("mulu-harvest/", env!("CARGO_PKG_VERSION")))
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap_or_default()
}

/// GET `url` with `accept`; the body and its media type.
pub(crate) async fn fetch(
    client: &reqwest::Client,
    url: &str,
    accept: &str,
) -> Result<(Vec<u8>, String), HarvestError> {
    let fail = |message: String| HarvestError::Fetch {
        url: url.to_string(),
        message,
    };
    let response = client
        .get(url)
        .header(reqwest::header::ACCEPT, accept)
        .send()
        .await
        .map_err(|e| fail(e.to_string()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(format!("HTTP {status}")));
    }
    let media_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let bytes = response.bytes().await.map_err(|e| fail(e.to_string()))?;
    Ok((bytes.to_vec(), media_type))
}

/// Records the values a mapping assumed or changed.
#[derive(Default)]
pub(crate) struct Notes(pub Vec<Normalization>);

impl Notes {
    pub fn note(&mut self, field: &'static str, raw: &str, normalized: &str) {
        self.0.push(Normalization {
            field,
            raw: raw.to_string(),
            normalized: normalized.to_string(),
        });
    }

    /// A foreign update frequency (EU frequency authority IRI, Dublin Core term, or free text).
    pub fn frequency(&mut self, raw: Option<&str>) -> UpdateFrequency {
        let raw = raw.map(str::trim).unwrap_or_default();
        let local = raw.rsplit(['/', '#']).next().unwrap_or(raw);
        let known = match local.to_ascii_uppercase().as_str() {
            "CONT" | "CONTINUOUS" | "UPDATE_CONT" | "REALTIME" => Some(UpdateFrequency::RealTime),
            "DAILY" | "DAILY_2" | "DAILY_3" => Some(UpdateFrequency::Daily),
            "WEEKLY" | "WEEKLY_2" | "WEEKLY_3" | "BIWEEKLY" => Some(UpdateFrequency::Weekly),
            "MONTHLY" | "MONTHLY_2" | "MONTHLY_3" | "BIMONTHLY" => Some(UpdateFrequency::Monthly),
            "QUARTERLY" => Some(UpdateFrequency::Quarterly),
            "ANNUAL_2" | "SEMIANNUAL" => Some(UpdateFrequency::HalfYearly),
            "ANNUAL" | "ANNUALLY" | "YEARLY" | "BIENNIAL" | "TRIENNIAL" => {
                Some(UpdateFrequency::Yearly)
            }
            "IRREG" | "IRREGULAR" | "OTHER" | "UNKNOWN" | "AS_NEEDED" => {
                Some(UpdateFrequency::Irregular)
            }
            "NEVER" | "NOT_PLANNED" => Some(UpdateFrequency::Historical),
            _ => None,
        }
        .or_else(|| UpdateFrequency::normalize(raw));
        let frequency = known.unwrap_or(UpdateFrequency::Irregular);
        if frequency.as_str() != raw {
            self.note("update_frequency", raw, frequency.as_str());
        }
        frequency
    }

    /// The first ten characters of an ISO date or date-time.
    pub fn date(&mut self, raw: Option<&str>) -> Option<chrono::NaiveDate> {
        let raw = raw?.trim();
        let date = raw
            .get(..10)
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        match date {
            Some(d) if d.to_string() != raw => self.note("release_date", raw, &d.to_string()),
            None => self.note("release_date", raw, ""),
            _ => {}
        }
        date
    }
}

/// Distinct, lowercase format names: "CSV", "text/csv", ".../file-type/JSON" → "csv", "json".
pub(crate) fn format_name(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let local = raw.rsplit(['/', '#']).next().unwrap_or(raw);
    let name = match local.to_ascii_lowercase().as_str() {
        "" => return None,
        "vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx".to_string(),
        "vnd.ms-excel" => "xls".to_string(),
        "ld+json" => "json-ld".to_string(),
        "geo+json" => "geojson".to_string(),
        other => other.trim_start_matches('.').to_string(),
    };
    Some(name)
}

pub(crate) fn push_unique(list: &mut Vec<String>, value: String) {
    if !value.is_empty() && !list.contains(&value) {
        list.push(value);
    }
}

/// An absolute http(s) address: what a source page may be (anything else is left out, not
/// refused: the rest of the dataset still maps).
pub(crate) fn is_web_address(raw: &str) -> bool {
    reqwest::Url::parse(raw.trim())
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}
