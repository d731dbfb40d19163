//! Our own resource-directory code: "{region6}-{seq8}-{check}", e.g. "440300-00000123-7".
//! Stable for the life of the entry; the check character is ISO 7064 MOD 37,36 over region + sequence.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::check_char::mod37_36_check;
use super::{InvalidValue, RegionCode};

const MAX_SEQ: u64 = 99_999_999;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResourceCode(String);

impl ResourceCode {
    pub fn new(region: &RegionCode, seq: u64) -> Result<Self, InvalidValue> {
        if seq == 0 || seq > MAX_SEQ {
            return Err(InvalidValue::new(format!(
                "资源编码序号 {seq} 超出范围（1–{MAX_SEQ}）"
            )));
        }
        let body = format!("{}{seq:08}", region.as_str());
        let check = mod37_36_check(&body).expect("digits only");
        Ok(ResourceCode(format!(
            "{}-{seq:08}-{check}",
            region.as_str()
        )))
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim().to_uppercase();
        let parts: Vec<&str> = s.split('-').collect();
        let [region, seq, check] = parts.as_slice() else {
            return Err(InvalidValue::new(format!(
                "资源编码“{raw}”格式应为“6位行政区划代码-8位序号-校验位”"
            )));
        };
        let region = RegionCode::parse(region)
            .map_err(|e| InvalidValue::new(format!("资源编码“{raw}”中的{}", e.message)))?;
        if seq.len() != 8 || !seq.chars().all(|c| c.is_ascii_digit()) {
            return Err(InvalidValue::new(format!(
                "资源编码“{raw}”的序号应为8位数字"
            )));
        }
        let expected = mod37_36_check(&format!("{}{seq}", region.as_str())).expect("digits only");
        if *check != expected.to_string() {
            return Err(InvalidValue::new(format!(
                "资源编码“{raw}”校验位错误，应为“{expected}”"
            )));
        }
        Ok(ResourceCode(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn region(&self) -> RegionCode {
        RegionCode::parse(&self.0[..6]).expect("checked on parse")
    }

    pub fn sequence(&self) -> u64 {
        self.0[7..15].parse().expect("checked on parse")
    }
}

impl fmt::Display for ResourceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ResourceCode {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for ResourceCode {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ResourceCode> for String {
    fn from(c: ResourceCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let region = RegionCode::parse("440300").unwrap();
        let code = ResourceCode::new(&region, 123).unwrap();
        assert!(code.as_str().starts_with("440300-00000123-"));
        let parsed = ResourceCode::parse(code.as_str()).unwrap();
        assert_eq!(parsed, code);
        assert_eq!(parsed.sequence(), 123);
        assert_eq!(parsed.region(), region);
        let mut wrong = code.as_str().to_string();
        wrong.replace_range(10..11, "9");
        assert!(
            ResourceCode::parse(&wrong)
                .unwrap_err()
                .message
                .contains("校验位")
        );
        assert!(
            ResourceCode::parse("440300-123-7")
                .unwrap_err()
                .message
                .contains("8位")
        );
        assert!(
            ResourceCode::parse("440300")
                .unwrap_err()
                .message
                .contains("格式")
        );
        assert!(
            ResourceCode::parse("990300-00000123-7")
                .unwrap_err()
                .message
                .contains("省级")
        );
        assert!(ResourceCode::new(&region, 0).is_err());
        assert!(ResourceCode::new(&region, 100_000_000).is_err());
    }
}
