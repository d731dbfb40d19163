//! 登记结果查询码: Mulu's own registration query code, verifiable offline.
//! Format "DJ-{year}-{region6}-{seq7}-{check}", check = ISO 7064 MOD 37,36 over year+region+seq.
//! (The national coding rule is not public; an externally issued code is stored beside ours.)

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::check_char::mod37_36_check;
use super::{InvalidValue, RegionCode};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct QueryCode(String);

super::string_schema!(
    QueryCode,
    r"^DJ-[0-9]{4}-[0-9]{6}-[0-9]{7}-[0-9A-Z]$",
    "DJ-2026-510500-0000001-7",
    "登记结果查询码（含校验码）"
);

impl QueryCode {
    pub fn new(year: i32, region: &RegionCode, seq: u64) -> Result<Self, InvalidValue> {
        if !(2000..=9999).contains(&year) || seq == 0 || seq > 9_999_999 {
            return Err(InvalidValue::new(format!(
                "查询码参数超出范围（年份 {year}，序号 {seq}）"
            )));
        }
        let body = format!("{year}{}{seq:07}", region.as_str());
        let check = mod37_36_check(&body).expect("digits only");
        Ok(QueryCode(format!(
            "DJ-{year}-{}-{seq:07}-{check}",
            region.as_str()
        )))
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim().to_uppercase();
        let parts: Vec<&str> = s.split('-').collect();
        let ["DJ", year, region, seq, check] = parts.as_slice() else {
            return Err(InvalidValue::new(format!(
                "查询码“{raw}”格式应为“DJ-年份-行政区划代码-7位序号-校验位”"
            )));
        };
        if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
            return Err(InvalidValue::new(format!("查询码“{raw}”的年份应为4位数字")));
        }
        // The region as parsed (RegionCode trims), so the code is checked and kept canonical.
        let region = RegionCode::parse(region)
            .map_err(|e| InvalidValue::new(format!("查询码“{raw}”中的{}", e.message)))?;
        let region = region.as_str();
        if seq.len() != 7 || !seq.chars().all(|c| c.is_ascii_digit()) {
            return Err(InvalidValue::new(format!("查询码“{raw}”的序号应为7位数字")));
        }
        let expected = mod37_36_check(&format!("{year}{region}{seq}")).expect("digits only");
        if *check != expected.to_string() {
            return Err(InvalidValue::new(format!(
                "查询码“{raw}”校验位错误，应为“{expected}”"
            )));
        }
        Ok(QueryCode(format!("DJ-{year}-{region}-{seq}-{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The region the result was registered in (the code's third part).
    pub fn region(&self) -> RegionCode {
        RegionCode::parse(&self.0[8..14]).expect("checked on parse")
    }
}

impl fmt::Display for QueryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for QueryCode {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for QueryCode {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<QueryCode> for String {
    fn from(c: QueryCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padded_regions_are_refused_or_canonical_never_a_panic() {
        // Found by cargo-fuzz: a region padded with no-break spaces reached the check digit.
        let padded = "DJ-2025-510500\u{a0}\u{a0}-0000001-7";
        if let Ok(code) = QueryCode::parse(padded) {
            assert_eq!(QueryCode::parse(code.as_str()).unwrap(), code);
            assert!(!code.as_str().contains('\u{a0}'));
        }
    }

    #[test]
    fn issued_codes_verify_offline_and_typos_do_not() {
        let region = RegionCode::parse("510500").unwrap();
        let code = QueryCode::new(2026, &region, 42).unwrap();
        assert!(code.as_str().starts_with("DJ-2026-510500-0000042-"));
        assert_eq!(code.region(), region);
        assert_eq!(
            QueryCode::parse(&code.as_str().to_lowercase()).unwrap(),
            code
        );
        let typo = code.as_str().replace("0000042", "0000043");
        assert!(
            QueryCode::parse(&typo)
                .unwrap_err()
                .message
                .contains("校验位")
        );
        assert!(QueryCode::parse("DJ-26-510500-0000042-X").is_err());
        assert!(QueryCode::parse("XX-2026-510500-0000042-X").is_err());
        assert!(QueryCode::new(2026, &region, 0).is_err());
    }
}
