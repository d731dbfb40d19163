//! 统一社会信用代码 (GB 32100-2015): 18 characters with a check character.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

/// The GB 32100 check character for the first 17 characters; `None` if any is outside the charset.
pub fn compute_check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += CHARSET.find(c)? as u32 * w;
    }
    let check = (31 - sum % 31) % 31;
    CHARSET.chars().nth(check as usize)
}

impl Uscc {
    pub fn compute_check_char(first17: &str) -> Option<char> {
        compute_check_char(first17)
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim().to_uppercase();
        let n = s.chars().count();
        if n != 18 {
            return Err(InvalidValue::new(format!(
                "统一社会信用代码“{raw}”应为18位，实为{n}位"
            )));
        }
        if let Some(bad) = s.chars().find(|c| !CHARSET.contains(*c)) {
            return Err(InvalidValue::new(format!(
                "统一社会信用代码“{raw}”含有不允许的字符“{bad}”（不使用 I、O、Z、S、V）"
            )));
        }
        if !s[2..8].chars().all(|c| c.is_ascii_digit()) {
            return Err(InvalidValue::new(format!(
                "统一社会信用代码“{raw}”第3–8位应为行政区划代码（数字）"
            )));
        }
        let expected = compute_check_char(&s[..17]).expect("charset checked above");
        if !s.ends_with(expected) {
            return Err(InvalidValue::new(format!(
                "统一社会信用代码“{raw}”校验位错误，应为“{expected}”"
            )));
        }
        Ok(Uscc(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Characters 3–8: the registering authority's region code.
    pub fn region_part(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Uscc {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Uscc {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Uscc> for String {
    fn from(u: Uscc) -> String {
        u.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_codes_verify() {
        // Published codes: 华为技术有限公司, 腾讯科技（深圳）有限公司, 阿里巴巴（中国）有限公司.
        for code in [
            "914403001922038216",
            "9144030071526726XG",
            "91330100799655058B",
        ] {
            Uscc::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        }
    }

    #[test]
    fn generated_codes_round_trip_and_any_changed_char_fails() {
        let first17 = "11510500000000123";
        let code = format!("{first17}{}", compute_check_char(first17).unwrap());
        let parsed = Uscc::parse(&code.to_lowercase()).unwrap();
        assert_eq!(parsed.as_str(), code);
        assert_eq!(parsed.region_part(), "510500");
        for i in 0..17 {
            let mut chars: Vec<char> = code.chars().collect();
            chars[i] = if chars[i] == '9' { '8' } else { '9' };
            let changed: String = chars.into_iter().collect();
            if changed[2..8].chars().all(|c| c.is_ascii_digit()) {
                assert!(Uscc::parse(&changed).is_err(), "{changed}");
            }
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(
            Uscc::parse("9144030071526726X")
                .unwrap_err()
                .message
                .contains("18位")
        );
        assert!(
            Uscc::parse("9144030071526726XO")
                .unwrap_err()
                .message
                .contains("“O”")
        );
        assert!(
            Uscc::parse("91440300715267261G")
                .unwrap_err()
                .message
                .contains("校验位")
        );
        assert!(
            Uscc::parse("91AB030071526726XG")
                .unwrap_err()
                .message
                .contains("行政区划")
        );
        assert!(serde_json::from_str::<Uscc>("\"914403001922038217\"").is_err());
    }
}
