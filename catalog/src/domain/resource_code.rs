//! Our own resource-directory code, stable for the life of an entry: `{region6}-{seq8}-{check}`,
//! e.g. `440300-00000123-I`. The check character is ISO/IEC 7064 MOD 37,36 over the 14 digits
//! of region and sequence (see [`super::check_char`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::check_char::mod37_36_check;
use super::{InvalidValue, RegionCode};

/// Largest sequence number that fits in eight digits.
pub const MAX_SEQUENCE: u64 = 99_999_999;

const FORMAT_HINT: &str = "应为“6位行政区划代码-8位顺序号-1位校验码”，如“440300-00000123-I”";

/// A resource code whose region, sequence and check character have all been verified.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResourceCode(String);

super::string_schema!(
    ResourceCode,
    r"^[0-9]{6}-[0-9]{8}-[0-9A-Z]$",
    "440300-00000123-I",
    "资源代码：区划-序号-校验码（ISO 7064 MOD 37,36）"
);

fn check_for(region: &str, seq: &str) -> char {
    mod37_36_check(&format!("{region}{seq}")).expect("region and sequence are digits")
}

impl ResourceCode {
    /// The code for sequence number `seq` (1 to [`MAX_SEQUENCE`]) in `region`.
    pub fn new(region: &RegionCode, seq: u64) -> Result<Self, InvalidValue> {
        if !(1..=MAX_SEQUENCE).contains(&seq) {
            return Err(InvalidValue::new(format!(
                "资源代码顺序号{seq}超出范围，应为1至{MAX_SEQUENCE}"
            )));
        }
        let seq = format!("{seq:08}");
        let check = check_for(region.as_str(), &seq);
        Ok(ResourceCode(format!("{}-{seq}-{check}", region.as_str())))
    }

    /// Trims and uppercases `raw`, then checks the format, the region, the sequence and the check
    /// character, each with its own message.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim().to_uppercase();
        if s.is_empty() {
            return Err(InvalidValue::new("资源代码不能为空"));
        }
        let parts: Vec<&str> = s.split('-').collect();
        let [region, seq, check] = parts.as_slice() else {
            return Err(InvalidValue::new(format!(
                "资源代码“{s}”格式错误，{FORMAT_HINT}"
            )));
        };
        if s.chars().any(char::is_whitespace) {
            return Err(InvalidValue::new(format!(
                "资源代码“{s}”格式错误，不能含有空白字符，{FORMAT_HINT}"
            )));
        }
        let region = RegionCode::parse(region).map_err(|e| {
            InvalidValue::new(format!("资源代码“{s}”的行政区划部分无效：{}", e.message))
        })?;
        if seq.len() != 8 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidValue::new(format!(
                "资源代码“{s}”的顺序号“{seq}”应为8位数字"
            )));
        }
        if *seq == "00000000" {
            return Err(InvalidValue::new(format!(
                "资源代码“{s}”的顺序号不能为“00000000”，应从“00000001”起"
            )));
        }
        let expected = check_for(region.as_str(), seq);
        let mut check_chars = check.chars();
        match (check_chars.next(), check_chars.next()) {
            (Some(c), None) if c == expected => Ok(ResourceCode(s)),
            (Some(c), None) if c.is_ascii_alphanumeric() => Err(InvalidValue::new(format!(
                "资源代码“{s}”校验位错误，应为“{expected}”"
            ))),
            _ => Err(InvalidValue::new(format!(
                "资源代码“{s}”的校验码“{check}”应为1位数字或大写字母（此处应为“{expected}”）"
            ))),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn region(&self) -> RegionCode {
        RegionCode::parse(&self.0[..6]).expect("region checked on construction")
    }

    pub fn sequence(&self) -> u64 {
        self.0[7..15]
            .parse()
            .expect("sequence checked on construction")
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

    fn shenzhen() -> RegionCode {
        RegionCode::parse("440300").unwrap()
    }

    #[test]
    fn known_code() {
        let code = ResourceCode::new(&shenzhen(), 123).unwrap();
        assert_eq!(code.as_str(), "440300-00000123-I");
        assert_eq!(code.to_string(), "440300-00000123-I");
        assert_eq!(code.region(), shenzhen());
        assert_eq!(code.sequence(), 123);
    }

    #[test]
    fn round_trips_across_the_range() {
        for (region, seq) in [
            ("110101", 1),
            ("440300", 123),
            ("510500", 4_567),
            ("820000", MAX_SEQUENCE),
        ] {
            let region = RegionCode::parse(region).unwrap();
            let code = ResourceCode::new(&region, seq).unwrap();
            let parsed = ResourceCode::parse(code.as_str()).unwrap();
            assert_eq!(parsed, code);
            assert_eq!(parsed.region(), region);
            assert_eq!(parsed.sequence(), seq);
            assert_eq!(code.as_str().parse::<ResourceCode>().unwrap(), code);
        }
    }

    #[test]
    fn sequence_out_of_range_is_an_error_not_a_panic() {
        assert!(
            ResourceCode::new(&shenzhen(), 0)
                .unwrap_err()
                .message
                .contains("超出范围")
        );
        let e = ResourceCode::new(&shenzhen(), 100_000_000).unwrap_err();
        assert_eq!(
            e.message,
            "资源代码顺序号100000000超出范围，应为1至99999999"
        );
        assert!(ResourceCode::new(&shenzhen(), u64::MAX).is_err());
    }

    #[test]
    fn parse_trims_and_uppercases() {
        let code = ResourceCode::new(&RegionCode::parse("130630").unwrap(), 42).unwrap();
        let lower = format!(" {} ", code.as_str().to_lowercase());
        assert_eq!(ResourceCode::parse(&lower).unwrap(), code);
    }

    #[test]
    fn each_failure_has_its_own_message() {
        let msg = |s: &str| ResourceCode::parse(s).unwrap_err().message;
        assert_eq!(msg(""), "资源代码不能为空");
        assert!(msg("440300").contains("格式错误"));
        assert!(msg("440300-00000123-I-1").contains("格式错误"));
        assert!(msg("440300 -00000123-I").contains("空白字符"));
        assert!(
            msg("990300-00000123-I").contains("行政区划部分无效：行政区划代码“990300”的前两位")
        );
        assert!(msg("44030-00000123-I").contains("行政区划部分无效"));
        assert!(msg("440300-123-I").contains("顺序号“123”应为8位数字"));
        assert!(msg("440300-0000012X-I").contains("顺序号“0000012X”应为8位数字"));
        assert!(msg("440300-00000000-X").contains("不能为“00000000”"));
        assert_eq!(
            msg("440300-00000123-7"),
            "资源代码“440300-00000123-7”校验位错误，应为“I”"
        );
        assert!(msg("440300-00000123-").contains("校验码“”应为1位"));
        assert!(msg("440300-00000123-IJ").contains("校验码“IJ”应为1位"));
    }

    #[test]
    fn any_changed_digit_is_caught() {
        let code = ResourceCode::new(&shenzhen(), 123).unwrap();
        for i in [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14] {
            for d in '0'..='9' {
                let mut chars: Vec<char> = code.as_str().chars().collect();
                if chars[i] == d {
                    continue;
                }
                chars[i] = d;
                let changed: String = chars.into_iter().collect();
                assert!(ResourceCode::parse(&changed).is_err(), "{changed}");
            }
        }
    }

    #[test]
    fn serde_is_a_validated_string() {
        let code: ResourceCode = serde_json::from_str("\"440300-00000123-I\"").unwrap();
        assert_eq!(
            serde_json::to_string(&code).unwrap(),
            "\"440300-00000123-I\""
        );
        let e = serde_json::from_str::<ResourceCode>("\"440300-00000123-7\"").unwrap_err();
        assert!(e.to_string().contains("校验位错误"), "{e}");
    }
}
