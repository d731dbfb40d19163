//! 行政区划代码 (GB/T 2260): six digits, province–prefecture–county.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

const PROVINCES: [(&str, &str); 34] = [
    ("11", "北京市"),
    ("12", "天津市"),
    ("13", "河北省"),
    ("14", "山西省"),
    ("15", "内蒙古自治区"),
    ("21", "辽宁省"),
    ("22", "吉林省"),
    ("23", "黑龙江省"),
    ("31", "上海市"),
    ("32", "江苏省"),
    ("33", "浙江省"),
    ("34", "安徽省"),
    ("35", "福建省"),
    ("36", "江西省"),
    ("37", "山东省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("43", "湖南省"),
    ("44", "广东省"),
    ("45", "广西壮族自治区"),
    ("46", "海南省"),
    ("50", "重庆市"),
    ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"),
    ("54", "西藏自治区"),
    ("61", "陕西省"),
    ("62", "甘肃省"),
    ("63", "青海省"),
    ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
    ("71", "台湾省"),
    ("81", "香港特别行政区"),
    ("82", "澳门特别行政区"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionLevel {
    Province,
    Prefecture,
    County,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim();
        if s.len() != 6 || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(InvalidValue::new(format!(
                "行政区划代码“{raw}”应为6位数字（GB/T 2260）"
            )));
        }
        if !PROVINCES.iter().any(|(p, _)| *p == &s[..2]) {
            return Err(InvalidValue::new(format!(
                "行政区划代码“{raw}”的前两位“{}”不是省级行政区代码",
                &s[..2]
            )));
        }
        if &s[2..4] == "00" && &s[4..6] != "00" {
            return Err(InvalidValue::new(format!(
                "行政区划代码“{raw}”无效：县级代码必须隶属于地级代码（第3–4位不能为00）"
            )));
        }
        Ok(RegionCode(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        match (&self.0[2..4], &self.0[4..6]) {
            ("00", _) => RegionLevel::Province,
            (_, "00") => RegionLevel::Prefecture,
            _ => RegionLevel::County,
        }
    }

    /// The province-level code, e.g. 130000 for 130630.
    pub fn province_code(&self) -> String {
        format!("{}0000", &self.0[..2])
    }

    pub fn province_name(&self) -> &'static str {
        PROVINCES
            .iter()
            .find(|(p, _)| *p == &self.0[..2])
            .map(|(_, name)| *name)
            .expect("checked on parse")
    }

    /// True when `self` lies inside `ancestor` (or is it).
    pub fn is_within(&self, ancestor: &RegionCode) -> bool {
        let prefix = match ancestor.level() {
            RegionLevel::Province => &ancestor.0[..2],
            RegionLevel::Prefecture => &ancestor.0[..4],
            RegionLevel::County => &ancestor.0[..],
        };
        self.0.starts_with(prefix)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for RegionCode {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(r: RegionCode) -> String {
        r.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_containment() {
        let laiyuan = RegionCode::parse("130630").unwrap();
        assert_eq!(laiyuan.level(), RegionLevel::County);
        assert_eq!(laiyuan.province_name(), "河北省");
        assert_eq!(laiyuan.province_code(), "130000");
        assert!(laiyuan.is_within(&RegionCode::parse("130600").unwrap()));
        assert!(laiyuan.is_within(&RegionCode::parse("130000").unwrap()));
        assert!(!laiyuan.is_within(&RegionCode::parse("130700").unwrap()));
        assert_eq!(
            RegionCode::parse("520000").unwrap().level(),
            RegionLevel::Province
        );
        assert_eq!(
            RegionCode::parse("110101").unwrap().level(),
            RegionLevel::County
        );
    }

    #[test]
    fn bad_codes_are_refused_with_reasons() {
        assert!(
            RegionCode::parse("13063")
                .unwrap_err()
                .message
                .contains("6位")
        );
        assert!(
            RegionCode::parse("990000")
                .unwrap_err()
                .message
                .contains("省级")
        );
        assert!(
            RegionCode::parse("130030")
                .unwrap_err()
                .message
                .contains("地级")
        );
        assert!(RegionCode::parse("13a630").is_err());
    }
}
