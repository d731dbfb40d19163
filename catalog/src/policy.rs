//! Jurisdiction policy (rule 3 and friends): numbers and switches loaded from a TOML file, with
//! national defaults and provincial or county overrides resolved through `parent` links.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::RegionCode;
use crate::error::{CatalogError, Result};

/// The policy shipped with Mulu; deployments may load their own file instead.
pub const BUILTIN_POLICY: &str = include_str!("../../config/jurisdictions.toml");

/// One jurisdiction's fully resolved policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct JurisdictionPolicy {
    pub key: String,
    pub name: String,
    pub region: Option<RegionCode>,
    pub max_agreement_years: u32,
    pub operator_publicity_working_days: u32,
    pub registration_publicity_working_days: u32,
    pub registration_acceptance_working_days: u32,
    pub formal_review_working_days: u32,
    pub registration_validity_years: u32,
    pub renewal_window_days: u32,
    pub core_data_in_directory: bool,
    pub important_data_requires_condition: bool,
    /// R 9 (四): a cancellation is completed within these working days after acceptance.
    pub cancellation_working_days: u32,
    /// GZ 17: the largest product sample (样例数据) accepted, in bytes.
    pub sample_max_bytes: u64,
    /// The day of the following year by which the annual statements for a year are due
    /// (`MM-DD`): LY 七(二)2 sets the first quarter; N 18–19 only say "regularly".
    #[schema(value_type = String, example = "03-31")]
    pub annual_disclosure_due: MonthDay,
    /// R 9(一): a holder files the first registration of a resource within these working days
    /// of providing it to authorized operation.
    pub first_registration_working_days: u32,
    /// SD 12: the implementation plan is filed with the provincial administration within these
    /// working days of its approval; `None` where no deadline is set (N 11 only asks for filing).
    pub plan_filing_working_days: Option<u32>,
    /// LY: the agreement is filed within these working days of signing (N 13: filing, no days).
    pub agreement_filing_working_days: Option<u32>,
    /// LY: a termination is filed within these working days of it.
    pub termination_filing_working_days: Option<u32>,
    /// N 14(九) provides for renewal; GZ 9 does not (a new selection follows the term's end).
    pub agreement_renewal: bool,
    /// LY: renewal is applied for within these months before the term ends; `None`: any time
    /// before the end.
    pub renewal_application_months: Option<u32>,
    /// LY: the destruction of the data is recorded and its logs kept at least these months.
    pub destruction_log_retention_months: u32,
    /// SD 24 (每年), LY 七(二)2 (first quarter): the operator's report on a year is due on this
    /// day of the following year.
    #[schema(value_type = String, example = "03-31")]
    pub operator_report_due: MonthDay,
    /// C 12.1, GZ 23, SD 35: every year's operation is evaluated by this day of the year.
    #[schema(value_type = String, example = "12-31")]
    pub evaluation_due: MonthDay,
    /// SD 17; LY 四: the operator obtains a resource only under an approved demand application,
    /// beside its authorization.
    pub demand_before_access: bool,
    /// C 10.6; SD 8 (“在规定期限内完成问题数据的整改”): once the implementing body finds a
    /// quality report true and reasonable, the provider answers within these working days. No
    /// seed sets the number; each administration does.
    pub feedback_answer_working_days: u32,
}

/// A day of the year, written `MM-DD` (29 February is refused: it is not in every year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    month: u32,
    day: u32,
}

impl MonthDay {
    pub fn parse(raw: &str) -> std::result::Result<Self, String> {
        let bad = || format!("“{raw}”应为 MM-DD 形式的日期，如 03-31");
        let (m, d) = raw.split_once('-').ok_or_else(bad)?;
        let (month, day) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
        // 2025 is not a leap year: a day valid in it is valid in every year.
        NaiveDate::from_ymd_opt(2025, month, day).ok_or_else(bad)?;
        Ok(MonthDay { month, day })
    }

    /// This day in `year`, if the year is representable.
    pub fn in_year(self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
    }
}

impl Serialize for MonthDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:02}-{:02}", self.month, self.day))
    }
}

impl<'de> Deserialize<'de> for MonthDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        MonthDay::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// Values added after the first policy files shipped: files that do not set them get these.
const DEFAULT_CANCELLATION_WORKING_DAYS: u32 = 10;
const DEFAULT_SAMPLE_MAX_BYTES: u64 = 1024 * 1024;
const DEFAULT_ANNUAL_DISCLOSURE_DUE: MonthDay = MonthDay { month: 3, day: 31 };
const DEFAULT_FIRST_REGISTRATION_WORKING_DAYS: u32 = 20;
const DEFAULT_DESTRUCTION_LOG_RETENTION_MONTHS: u32 = 6;
const DEFAULT_OPERATOR_REPORT_DUE: MonthDay = MonthDay { month: 3, day: 31 };
const DEFAULT_EVALUATION_DUE: MonthDay = MonthDay { month: 12, day: 31 };
const DEFAULT_FEEDBACK_ANSWER_WORKING_DAYS: u32 = 15;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJurisdiction {
    name: String,
    parent: Option<String>,
    region: Option<RegionCode>,
    max_agreement_years: Option<u32>,
    operator_publicity_working_days: Option<u32>,
    registration_publicity_working_days: Option<u32>,
    registration_acceptance_working_days: Option<u32>,
    formal_review_working_days: Option<u32>,
    registration_validity_years: Option<u32>,
    renewal_window_days: Option<u32>,
    core_data_in_directory: Option<bool>,
    important_data_requires_condition: Option<bool>,
    cancellation_working_days: Option<u32>,
    sample_max_bytes: Option<u64>,
    annual_disclosure_due: Option<MonthDay>,
    first_registration_working_days: Option<u32>,
    plan_filing_working_days: Option<u32>,
    agreement_filing_working_days: Option<u32>,
    termination_filing_working_days: Option<u32>,
    agreement_renewal: Option<bool>,
    renewal_application_months: Option<u32>,
    destruction_log_retention_months: Option<u32>,
    operator_report_due: Option<MonthDay>,
    evaluation_due: Option<MonthDay>,
    demand_before_access: Option<bool>,
    feedback_answer_working_days: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicyFile {
    default: String,
    jurisdiction: BTreeMap<String, RawJurisdiction>,
}

/// All jurisdictions of a deployment, resolved, plus which one applies when nothing more specific does.
#[derive(Debug, Clone)]
pub struct PolicySet {
    default_key: String,
    jurisdictions: BTreeMap<String, JurisdictionPolicy>,
}

impl PolicySet {
    pub fn builtin() -> Self {
        Self::from_toml(BUILTIN_POLICY).expect("the shipped policy file is valid")
    }

    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CatalogError::Config(format!("无法读取政策文件 {}：{e}", path.display()))
        })?;
        Self::from_toml(&text)
    }

    pub fn from_toml(text: &str) -> Result<Self> {
        let raw: RawPolicyFile = toml::from_str(text)
            .map_err(|e| CatalogError::Config(format!("政策文件格式错误：{e}")))?;
        let mut jurisdictions = BTreeMap::new();
        for key in raw.jurisdiction.keys() {
            jurisdictions.insert(key.clone(), resolve(key, &raw.jurisdiction)?);
        }
        if !jurisdictions.contains_key(&raw.default) {
            return Err(CatalogError::Config(format!(
                "默认辖区“{}”未定义",
                raw.default
            )));
        }
        Ok(PolicySet {
            default_key: raw.default,
            jurisdictions,
        })
    }

    pub fn get(&self, key: &str) -> Option<&JurisdictionPolicy> {
        self.jurisdictions.get(key)
    }

    pub fn default_policy(&self) -> &JurisdictionPolicy {
        &self.jurisdictions[&self.default_key]
    }

    /// The most specific jurisdiction whose region contains `region`, else the default.
    pub fn for_region(&self, region: &RegionCode) -> &JurisdictionPolicy {
        self.jurisdictions
            .values()
            .filter(|p| p.region.as_ref().is_some_and(|r| region.is_within(r)))
            .max_by_key(|p| p.region.as_ref().map(specificity))
            .unwrap_or_else(|| self.default_policy())
    }
}

/// Number of significant digits: 2 for a province, 4 for a prefecture, 6 for a county.
fn specificity(region: &RegionCode) -> usize {
    region.as_str().trim_end_matches("00").len()
}

fn resolve(key: &str, all: &BTreeMap<String, RawJurisdiction>) -> Result<JurisdictionPolicy> {
    // Walk to the root, then apply overrides from the root down.
    let mut chain = Vec::new();
    let mut next = Some(key.to_string());
    while let Some(k) = next {
        if chain.iter().any(|(seen, _)| *seen == k) {
            return Err(CatalogError::Config(format!("辖区“{key}”的上级关系成环")));
        }
        let raw = all
            .get(&k)
            .ok_or_else(|| CatalogError::Config(format!("辖区“{k}”未定义（被引用为上级）")))?;
        next = raw.parent.clone();
        chain.push((k, raw));
    }
    let mut merged = RawJurisdiction::default();
    for (_, raw) in chain.iter().rev() {
        merged = RawJurisdiction {
            name: raw.name.clone(),
            parent: None,
            region: raw.region.clone().or(merged.region),
            max_agreement_years: raw.max_agreement_years.or(merged.max_agreement_years),
            operator_publicity_working_days: raw
                .operator_publicity_working_days
                .or(merged.operator_publicity_working_days),
            registration_publicity_working_days: raw
                .registration_publicity_working_days
                .or(merged.registration_publicity_working_days),
            registration_acceptance_working_days: raw
                .registration_acceptance_working_days
                .or(merged.registration_acceptance_working_days),
            formal_review_working_days: raw
                .formal_review_working_days
                .or(merged.formal_review_working_days),
            registration_validity_years: raw
                .registration_validity_years
                .or(merged.registration_validity_years),
            renewal_window_days: raw.renewal_window_days.or(merged.renewal_window_days),
            core_data_in_directory: raw.core_data_in_directory.or(merged.core_data_in_directory),
            important_data_requires_condition: raw
                .important_data_requires_condition
                .or(merged.important_data_requires_condition),
            cancellation_working_days: raw
                .cancellation_working_days
                .or(merged.cancellation_working_days),
            sample_max_bytes: raw.sample_max_bytes.or(merged.sample_max_bytes),
            annual_disclosure_due: raw.annual_disclosure_due.or(merged.annual_disclosure_due),
            first_registration_working_days: raw
                .first_registration_working_days
                .or(merged.first_registration_working_days),
            plan_filing_working_days: raw
                .plan_filing_working_days
                .or(merged.plan_filing_working_days),
            agreement_filing_working_days: raw
                .agreement_filing_working_days
                .or(merged.agreement_filing_working_days),
            termination_filing_working_days: raw
                .termination_filing_working_days
                .or(merged.termination_filing_working_days),
            agreement_renewal: raw.agreement_renewal.or(merged.agreement_renewal),
            renewal_application_months: raw
                .renewal_application_months
                .or(merged.renewal_application_months),
            destruction_log_retention_months: raw
                .destruction_log_retention_months
                .or(merged.destruction_log_retention_months),
            operator_report_due: raw.operator_report_due.or(merged.operator_report_due),
            evaluation_due: raw.evaluation_due.or(merged.evaluation_due),
            demand_before_access: raw.demand_before_access.or(merged.demand_before_access),
            feedback_answer_working_days: raw
                .feedback_answer_working_days
                .or(merged.feedback_answer_working_days),
        };
    }
    let missing = |field: &str| CatalogError::Config(format!("辖区“{key}”缺少 {field}"));
    Ok(JurisdictionPolicy {
        key: key.to_string(),
        name: merged.name,
        region: chain[0].1.region.clone(),
        max_agreement_years: merged
            .max_agreement_years
            .ok_or_else(|| missing("max_agreement_years"))?,
        operator_publicity_working_days: merged
            .operator_publicity_working_days
            .ok_or_else(|| missing("operator_publicity_working_days"))?,
        registration_publicity_working_days: merged
            .registration_publicity_working_days
            .ok_or_else(|| missing("registration_publicity_working_days"))?,
        registration_acceptance_working_days: merged
            .registration_acceptance_working_days
            .ok_or_else(|| missing("registration_acceptance_working_days"))?,
        formal_review_working_days: merged
            .formal_review_working_days
            .ok_or_else(|| missing("formal_review_working_days"))?,
        registration_validity_years: merged
            .registration_validity_years
            .ok_or_else(|| missing("registration_validity_years"))?,
        renewal_window_days: merged
            .renewal_window_days
            .ok_or_else(|| missing("renewal_window_days"))?,
        core_data_in_directory: merged
            .core_data_in_directory
            .ok_or_else(|| missing("core_data_in_directory"))?,
        important_data_requires_condition: merged
            .important_data_requires_condition
            .ok_or_else(|| missing("important_data_requires_condition"))?,
        cancellation_working_days: merged
            .cancellation_working_days
            .unwrap_or(DEFAULT_CANCELLATION_WORKING_DAYS),
        sample_max_bytes: merged.sample_max_bytes.unwrap_or(DEFAULT_SAMPLE_MAX_BYTES),
        annual_disclosure_due: merged
            .annual_disclosure_due
            .unwrap_or(DEFAULT_ANNUAL_DISCLOSURE_DUE),
        first_registration_working_days: merged
            .first_registration_working_days
            .unwrap_or(DEFAULT_FIRST_REGISTRATION_WORKING_DAYS),
        plan_filing_working_days: merged.plan_filing_working_days,
        agreement_filing_working_days: merged.agreement_filing_working_days,
        termination_filing_working_days: merged.termination_filing_working_days,
        agreement_renewal: merged.agreement_renewal.unwrap_or(true),
        renewal_application_months: merged.renewal_application_months,
        destruction_log_retention_months: merged
            .destruction_log_retention_months
            .unwrap_or(DEFAULT_DESTRUCTION_LOG_RETENTION_MONTHS),
        operator_report_due: merged
            .operator_report_due
            .unwrap_or(DEFAULT_OPERATOR_REPORT_DUE),
        evaluation_due: merged.evaluation_due.unwrap_or(DEFAULT_EVALUATION_DUE),
        demand_before_access: merged.demand_before_access.unwrap_or(false),
        feedback_answer_working_days: merged
            .feedback_answer_working_days
            .unwrap_or(DEFAULT_FEEDBACK_ANSWER_WORKING_DAYS),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn agreement_filing_renewal_and_reports_follow_each_jurisdiction() {
        let set = PolicySet::builtin();
        let national = set.default_policy();
        assert_eq!(national.plan_filing_working_days, None);
        assert!(national.agreement_renewal);
        assert_eq!(national.renewal_application_months, None);
        let shandong = set.for_region(&region("370100"));
        assert_eq!(shandong.plan_filing_working_days, Some(20));
        let laiyuan = set.for_region(&region("130630"));
        assert_eq!(laiyuan.agreement_filing_working_days, Some(10));
        assert_eq!(laiyuan.termination_filing_working_days, Some(10));
        assert_eq!(laiyuan.renewal_application_months, Some(3));
        assert_eq!(laiyuan.destruction_log_retention_months, 6);
        assert!(!set.for_region(&region("520100")).agreement_renewal);
        assert!(shandong.demand_before_access && laiyuan.demand_before_access);
        assert!(!national.demand_before_access);
        assert_eq!(
            laiyuan.operator_report_due.in_year(2028),
            NaiveDate::from_ymd_opt(2028, 3, 31)
        );
    }

    #[test]
    fn the_annual_disclosure_day_is_policy_and_must_be_a_real_day() {
        let set = PolicySet::builtin();
        let laiyuan = set.for_region(&region("130630"));
        assert_eq!(
            laiyuan.annual_disclosure_due.in_year(2027),
            NaiveDate::from_ymd_opt(2027, 3, 31)
        );
        let text = BUILTIN_POLICY.replace(
            "[jurisdiction.shandong]",
            "[jurisdiction.shandong]\nannual_disclosure_due = \"06-30\"",
        );
        let moved = PolicySet::from_toml(&text).unwrap();
        assert_eq!(
            moved
                .for_region(&region("370100"))
                .annual_disclosure_due
                .in_year(2027),
            NaiveDate::from_ymd_opt(2027, 6, 30)
        );
        for bad in ["02-29", "13-01", "03/31", "0331"] {
            assert!(MonthDay::parse(bad).is_err(), "{bad}");
            let text = BUILTIN_POLICY.replace("\"03-31\"", &format!("\"{bad}\""));
            assert!(PolicySet::from_toml(&text).is_err(), "{bad}");
        }
    }

    #[test]
    fn shipped_presets_resolve_with_inheritance() {
        let set = PolicySet::builtin();
        assert_eq!(set.default_policy().max_agreement_years, 5);
        assert_eq!(set.get("guizhou").unwrap().max_agreement_years, 3);
        assert_eq!(set.get("laiyuan").unwrap().max_agreement_years, 3);
        let sd = set.get("shandong").unwrap();
        assert_eq!(
            sd.max_agreement_years, 5,
            "Shandong inherits the national limit"
        );
        assert_eq!(sd.registration_publicity_working_days, 10);
    }

    #[test]
    fn region_lookup_picks_the_most_specific_jurisdiction() {
        let set = PolicySet::builtin();
        assert_eq!(set.for_region(&region("520100")).key, "guizhou");
        assert_eq!(set.for_region(&region("130630")).key, "laiyuan");
        assert_eq!(set.for_region(&region("130600")).key, "national");
        assert_eq!(set.for_region(&region("370200")).key, "shandong");
        assert_eq!(set.for_region(&region("110101")).key, "national");
    }

    #[test]
    fn a_city_policy_inside_a_province_policy_wins_for_the_city_only() {
        let text = format!(
            "{BUILTIN_POLICY}\n[jurisdiction.guiyang]\nname = \"贵阳市\"\nparent = \"guizhou\"\nregion = \"520100\"\n"
        );
        let set = PolicySet::from_toml(&text).unwrap();
        assert_eq!(set.for_region(&region("520102")).key, "guiyang");
        assert_eq!(set.for_region(&region("520100")).key, "guiyang");
        assert_eq!(set.for_region(&region("520200")).key, "guizhou");
        assert_eq!(set.for_region(&region("520000")).key, "guizhou");
    }

    #[test]
    fn values_a_file_leaves_out_take_their_defaults() {
        let text = BUILTIN_POLICY.replace("sample_max_bytes = 1048576\n", "");
        assert_ne!(text, BUILTIN_POLICY);
        let set = PolicySet::from_toml(&text).unwrap();
        assert_eq!(set.default_policy().sample_max_bytes, 1024 * 1024);
    }

    #[test]
    fn broken_files_are_refused_with_a_reason() {
        let cycle = "default = \"a\"\n[jurisdiction.a]\nname=\"A\"\nparent=\"b\"\n[jurisdiction.b]\nname=\"B\"\nparent=\"a\"\n";
        assert!(
            matches!(PolicySet::from_toml(cycle), Err(CatalogError::Config(m)) if m.contains("成环"))
        );
        let missing = "default = \"a\"\n[jurisdiction.a]\nname=\"A\"\n";
        assert!(
            matches!(PolicySet::from_toml(missing), Err(CatalogError::Config(m)) if m.contains("max_agreement_years"))
        );
        let unknown = "default = \"a\"\n[jurisdiction.a]\nname=\"A\"\nmax_years=3\n";
        assert!(PolicySet::from_toml(unknown).is_err());
    }
}
