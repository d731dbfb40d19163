//! 统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character.
//!
//! Layout: 1 登记管理部门代码, 2 机构类别代码, 3–8 登记管理机关行政区划码, 9–17 主体标识码
//! (组织机构代码), 18 校验码. Only the charset, the region digits and the check character are
//! verified here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// The 31 characters GB 32100 uses; I, O, Z, S and V are left out. A character's value is its index.
const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The GB 32100 check character for the first 17 characters of a code.
///
/// `None` unless `first17` is exactly 17 characters from the charset (uppercase).
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

/// A 统一社会信用代码 that has passed every check: always 18 uppercase charset characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

super::string_schema!(
    Uscc,
    r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    "91510500000000003C",
    "统一社会信用代码（GB 32100，含校验码）"
);

impl Uscc {
    /// Trims and uppercases `raw`, then checks length, charset, region digits and check character.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim().to_uppercase();
        if s.is_empty() {
            return Err(InvalidValue::new("统一社会信用代码不能为空"));
        }
        let n = s.chars().count();
        if n != 18 {
            return Err(InvalidValue::new(format!(
                "统一社会信用代码“{s}”应为18位，实为{n}位"
            )));
        }
        if let Some((i, bad)) = s.chars().enumerate().find(|(_, c)| !CHARSET.contains(*c)) {
            return Err(InvalidValue::new(format!(
                "统一社会信用代码“{s}”第{}位“{bad}”不是有效字符，应为数字或除I、O、Z、S、V以外的大写字母",
                i + 1
            )));
        }
        // From here on every character is ASCII, so byte slicing is safe.
        if !s[2..8].bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidValue::new(format!(
                "统一社会信用代码“{s}”第3至8位“{}”应为6位数字的登记管理机关行政区划码",
                &s[2..8]
            )));
        }
        let expected = compute_check_char(&s[..17]).expect("charset checked above");
        if !s.ends_with(expected) {
            return Err(InvalidValue::new(format!(
                "统一社会信用代码“{s}”校验位错误，应为“{expected}”"
            )));
        }
        Ok(Uscc(s))
    }

    /// Same as the free function [`compute_check_char`].
    pub fn compute_check_char(first17: &str) -> Option<char> {
        compute_check_char(first17)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Characters 3–8: the registering authority's region code (GB/T 2260 digits).
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

    /// Published codes, each checked against the algorithm (not just trusted).
    const REAL: [(&str, &str); 7] = [
        ("914403001922038216", "华为技术有限公司"),
        ("9144030071526726XG", "腾讯科技（深圳）有限公司"),
        ("91330100799655058B", "阿里巴巴（中国）有限公司"),
        ("91110000802100433B", "百度在线网络技术（北京）有限公司"),
        ("91110108551385082Q", "小米科技有限责任公司"),
        ("91110000710926094P", "中国石油化工股份有限公司"),
        ("91110000710925243K", "中国移动通信集团有限公司"),
    ];

    #[test]
    fn real_published_codes_verify() {
        for (code, name) in REAL {
            let u = Uscc::parse(code).unwrap_or_else(|e| panic!("{name} {code}: {e}"));
            assert_eq!(u.as_str(), code);
            assert_eq!(compute_check_char(&code[..17]), code.chars().last());
        }
        assert_eq!(Uscc::parse(REAL[0].0).unwrap().region_part(), "440300");
        assert_eq!(Uscc::parse(REAL[4].0).unwrap().region_part(), "110108");
    }

    #[test]
    fn check_char_of_known_prefixes() {
        assert_eq!(compute_check_char("91440300192203821"), Some('6'));
        assert_eq!(compute_check_char("9144030071526726X"), Some('G'));
        // The example in our own documentation: its check character is 3, not A.
        assert_eq!(compute_check_char("91350100M000100Y4"), Some('3'));
        assert_eq!(Uscc::compute_check_char("9144030071526726X"), Some('G'));
    }

    #[test]
    fn check_char_needs_17_charset_chars() {
        assert_eq!(compute_check_char("9144030071526726"), None);
        assert_eq!(compute_check_char("914403007152672600"), None);
        assert_eq!(compute_check_char("9144030071526726I"), None);
        assert_eq!(compute_check_char("9144030071526726x"), None);
    }

    #[test]
    fn generated_codes_round_trip() {
        for first17 in [
            "11510500000000123",
            "91350100M000100Y4",
            "Y1110000000000000",
        ] {
            let code = format!("{first17}{}", compute_check_char(first17).unwrap());
            let parsed = Uscc::parse(&format!("  {}\n", code.to_lowercase())).unwrap();
            assert_eq!(parsed.as_str(), code);
            assert_eq!(parsed.to_string(), code);
            assert_eq!(code.parse::<Uscc>().unwrap(), parsed);
        }
    }

    #[test]
    fn any_changed_character_is_caught() {
        let code = REAL[1].0;
        for i in 0..18 {
            for c in CHARSET.chars() {
                let mut chars: Vec<char> = code.chars().collect();
                if chars[i] == c {
                    continue;
                }
                chars[i] = c;
                let changed: String = chars.into_iter().collect();
                assert!(Uscc::parse(&changed).is_err(), "{changed}");
            }
        }
    }

    #[test]
    fn errors_name_the_value_and_the_problem() {
        let msg = |s: &str| Uscc::parse(s).unwrap_err().message;
        assert_eq!(msg("  "), "统一社会信用代码不能为空");
        assert_eq!(
            msg("9144030071526726X"),
            "统一社会信用代码“9144030071526726X”应为18位，实为17位"
        );
        assert!(msg("9144030071526726XO").contains("第18位“O”不是有效字符"));
        assert!(msg("9144030071526726SG").contains("第17位“S”"));
        assert!(msg("91AB030071526726XG").contains("第3至8位“AB0300”"));
        assert_eq!(
            msg("91350100M000100Y4A"),
            "统一社会信用代码“91350100M000100Y4A”校验位错误，应为“3”"
        );
        assert_eq!(
            msg("91440300715267261g"),
            "统一社会信用代码“91440300715267261G”校验位错误，应为“R”"
        );
    }

    #[test]
    fn serde_is_a_validated_string() {
        let u: Uscc = serde_json::from_str("\"914403001922038216\"").unwrap();
        assert_eq!(serde_json::to_string(&u).unwrap(), "\"914403001922038216\"");
        let err = serde_json::from_str::<Uscc>("\"914403001922038217\"").unwrap_err();
        assert!(err.to_string().contains("校验位错误，应为“6”"), "{err}");
        assert!(serde_json::from_str::<Uscc>("18").is_err());
    }
}
