//! 行政区划代码 (GB/T 2260): six digits, two each for province, prefecture and county.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// The 34 province-level divisions: code prefix and name.
pub(super) const PROVINCES: [(&str, &str); 34] = [
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

fn province_name_of(prefix: &str) -> Option<&'static str> {
    PROVINCES
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, name)| *name)
}

/// Which tier a code names, read from its trailing zeros.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegionLevel {
    /// `XX0000`
    Province,
    /// `XXXX00`, including a municipality's 市辖区 (e.g. 110100).
    Prefecture,
    /// Anything else, including a municipality's districts (e.g. 110101).
    County,
}

/// A GB/T 2260 code that is six ASCII digits, under one of the 34 province-level prefixes, and
/// never a county without a prefecture (digits 3–4 "00" with 5–6 not "00").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

super::string_schema!(
    RegionCode,
    r"^[1-8][0-9]{5}$",
    "510500",
    "行政区划代码（GB/T 2260）"
);

impl RegionCode {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim();
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidValue::new(format!(
                "行政区划代码“{s}”应为6位数字（GB/T 2260）"
            )));
        }
        if province_name_of(&s[..2]).is_none() {
            return Err(InvalidValue::new(format!(
                "行政区划代码“{s}”的前两位“{}”不是省级行政区代码（应为11–15、21–23、31–37、41–46、50–54、61–65、71、81、82之一）",
                &s[..2]
            )));
        }
        if &s[2..4] == "00" && &s[4..6] != "00" {
            return Err(InvalidValue::new(format!(
                "行政区划代码“{s}”无效：第3–4位为“00”时第5–6位也应为“00”（县级区划须隶属于地级区划）"
            )));
        }
        Ok(RegionCode(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The enclosing province-level code, e.g. "130000" for 130630.
    pub fn province_code(&self) -> String {
        format!("{}0000", &self.0[..2])
    }

    pub fn province_name(&self) -> &'static str {
        province_name_of(&self.0[..2]).expect("prefix checked on parse")
    }

    pub fn level(&self) -> RegionLevel {
        match (&self.0[2..4], &self.0[4..6]) {
            ("00", _) => RegionLevel::Province,
            (_, "00") => RegionLevel::Prefecture,
            _ => RegionLevel::County,
        }
    }

    /// The division one tier up: 510104 → 510100 → 510000 → none.
    pub fn parent(&self) -> Option<RegionCode> {
        match self.level() {
            RegionLevel::Province => None,
            RegionLevel::Prefecture => Some(RegionCode(self.province_code())),
            RegionLevel::County => Some(RegionCode(format!("{}00", &self.0[..4]))),
        }
    }

    /// The divisions this one lies within, province first (510104 → 510000, 510100).
    pub fn enclosing(&self) -> Vec<RegionCode> {
        let mut chain = Vec::new();
        let mut next = self.parent();
        while let Some(parent) = next {
            next = parent.parent();
            chain.push(parent);
        }
        chain.reverse();
        chain
    }

    /// True when `self` is `ancestor` or lies inside it: 130630 is within 130600 and 130000.
    pub fn is_within(&self, ancestor: &RegionCode) -> bool {
        let significant = match ancestor.level() {
            RegionLevel::Province => 2,
            RegionLevel::Prefecture => 4,
            RegionLevel::County => 6,
        };
        self.0[..significant] == ancestor.0[..significant]
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

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn a_division_lies_within_its_province_and_prefecture() {
        let enclosing = |s: &str| -> Vec<String> {
            code(s)
                .enclosing()
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect()
        };
        assert_eq!(enclosing("510104"), ["510000", "510100"]);
        assert_eq!(enclosing("510100"), ["510000"]);
        assert!(enclosing("510000").is_empty());
    }

    #[test]
    fn real_codes_parse_with_their_level_and_province() {
        for (s, level, province) in [
            ("110000", RegionLevel::Province, "北京市"),
            ("110100", RegionLevel::Prefecture, "北京市"),
            ("110101", RegionLevel::County, "北京市"), // 东城区
            ("130630", RegionLevel::County, "河北省"), // 涞源县
            ("440300", RegionLevel::Prefecture, "广东省"), // 深圳市
            ("429004", RegionLevel::County, "湖北省"), // 仙桃市, 省直辖
            ("510500", RegionLevel::Prefecture, "四川省"), // 泸州市
            ("650000", RegionLevel::Province, "新疆维吾尔自治区"),
            ("710000", RegionLevel::Province, "台湾省"),
            ("810000", RegionLevel::Province, "香港特别行政区"),
            ("820000", RegionLevel::Province, "澳门特别行政区"),
        ] {
            let c = code(s);
            assert_eq!(c.level(), level, "{s}");
            assert_eq!(c.province_name(), province, "{s}");
            assert_eq!(c.province_code(), format!("{}0000", &s[..2]));
            assert_eq!(c.to_string(), s);
        }
        assert_eq!(code(" 130630\t").as_str(), "130630");
    }

    #[test]
    fn every_province_prefix_and_nothing_else() {
        assert_eq!(PROVINCES.len(), 34);
        let mut accepted = 0;
        for p in 0..100 {
            if RegionCode::parse(&format!("{p:02}0000")).is_ok() {
                accepted += 1;
            }
        }
        assert_eq!(accepted, 34);
        for bad in [
            "000000", "100000", "160000", "200000", "240000", "380000", "470000", "550000",
            "660000", "720000", "830000", "990000",
        ] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn containment() {
        let laiyuan = code("130630");
        assert!(laiyuan.is_within(&code("130630")));
        assert!(laiyuan.is_within(&code("130600")));
        assert!(laiyuan.is_within(&code("130000")));
        assert!(!laiyuan.is_within(&code("130700")));
        assert!(!laiyuan.is_within(&code("130631")));
        assert!(!laiyuan.is_within(&code("140000")));
        assert!(!code("130600").is_within(&laiyuan));
        assert!(!code("130000").is_within(&code("130600")));
        assert!(code("110101").is_within(&code("110100")));
    }

    #[test]
    fn bad_codes_are_refused_with_reasons() {
        let msg = |s: &str| RegionCode::parse(s).unwrap_err().message;
        assert_eq!(msg("13063"), "行政区划代码“13063”应为6位数字（GB/T 2260）");
        assert!(msg("1306300").contains("6位数字"));
        assert!(msg("13a630").contains("6位数字"));
        assert!(msg("１３０６３０").contains("6位数字"));
        assert!(msg("990000").contains("前两位“99”不是省级行政区代码"));
        assert!(msg("110001").contains("第3–4位为“00”时第5–6位也应为“00”"));
        assert!(msg("130030").contains("“130030”"));
    }

    #[test]
    fn serde_is_a_validated_string() {
        let c: RegionCode = serde_json::from_str("\"440300\"").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"440300\"");
        assert!(serde_json::from_str::<RegionCode>("\"440001\"").is_err());
        assert!(serde_json::from_str::<RegionCode>("440300").is_err());
    }
}
