//! Grading (分级), sharing and opening types, and update frequencies: exactly the Chinese values of
//! the directory standard, nothing else.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// Defines an enum whose serialized form is its Chinese value, with `parse`, `as_str` and `ALL`.
macro_rules! chinese_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
                let s = raw.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let allowed: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    InvalidValue::new(format!(
                        "{}“{raw}”无效，应为以下之一：{}",
                        $what,
                        allowed.join("、")
                    ))
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

chinese_enum!(
    /// Data level; ordered by sensitivity (一般 < 重要 < 核心).
    GradeLevel, "数据分级", {
        General => "一般数据",
        Important => "重要数据",
        Core => "核心数据",
    }
);

impl GradeLevel {
    fn rank(self) -> u8 {
        match self {
            GradeLevel::General => 0,
            GradeLevel::Important => 1,
            GradeLevel::Core => 2,
        }
    }
}

impl PartialOrd for GradeLevel {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for GradeLevel {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

chinese_enum!(ShareType, "共享类型", {
    Unconditional => "无条件共享",
    Conditional => "有条件共享",
    None => "不予共享",
});

chinese_enum!(OpenType, "开放类型", {
    Unconditional => "无条件开放",
    Conditional => "有条件开放",
    None => "不予开放",
});

chinese_enum!(UpdateFrequency, "更新频率", {
    RealTime => "实时",
    Daily => "每日",
    Weekly => "每周",
    Monthly => "每月",
    Quarterly => "每季度",
    HalfYearly => "每半年",
    Yearly => "每年",
    Irregular => "不定期",
    Historical => "历史存量",
});

impl UpdateFrequency {
    /// Map the messy values real portals publish onto the nine standard ones.
    ///
    /// | raw | result |
    /// |---|---|
    /// | a standard value, 每天, 实时更新, 季度, 半年, 年, 按年, 按年更新, 每年更新, quotes around any | the obvious one |
    /// | 每 N 日 / 每 N 天 | N=1 每日; N≤7 每周; N≤31 每月; N≤92 每季度; N≤183 每半年; N≤366 每年; else 不定期 |
    /// | 每 N 月 | N=1 每月; N≤3 每季度; N≤6 每半年; N≤12 每年; else 不定期 |
    /// | 每两年, 不定期更新, 自定义, 其他 | 不定期 |
    /// | anything else (incl. "每 null null") | `None` |
    ///
    /// A period that is not standard maps to the next coarser standard one: we never claim an
    /// entry is updated more often than its source says.
    pub fn normalize(raw: &str) -> Option<UpdateFrequency> {
        let s: String = raw
            .trim()
            .trim_matches(|c| matches!(c, '‘' | '’' | '“' | '”' | '\'' | '"'))
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if let Ok(v) = UpdateFrequency::parse(&s) {
            return Some(v);
        }
        use UpdateFrequency::*;
        let direct = match s.as_str() {
            "每天" | "日" | "按日" | "每日更新" => Some(Daily),
            "实时更新" => Some(RealTime),
            "周" | "按周" => Some(Weekly),
            "月" | "按月" | "每月更新" => Some(Monthly),
            "季度" | "按季度" | "每季" => Some(Quarterly),
            "半年" | "按半年" => Some(HalfYearly),
            "年" | "按年" | "按年更新" | "每年更新" | "年度" => Some(Yearly),
            "每两年" | "不定期更新" | "自定义" | "其他" | "不定时" => {
                Some(Irregular)
            }
            _ => None,
        };
        if direct.is_some() {
            return direct;
        }
        let body = s.strip_prefix('每')?;
        let unit_at = body.find(|c: char| !c.is_ascii_digit())?;
        let n: u32 = body[..unit_at].parse().ok()?;
        let unit = &body[unit_at..];
        let days = match unit {
            "日" | "天" => n,
            "周" => n * 7,
            "月" => n * 31,
            "年" => n * 366,
            _ => return None,
        };
        Some(match days {
            0 => return None,
            1 => Daily,
            2..=7 => Weekly,
            8..=31 => Monthly,
            32..=93 => Quarterly,
            94..=186 => HalfYearly,
            187..=366 => Yearly,
            _ => Irregular,
        })
    }
}

/// A grade: level, and for 一般数据 an optional local sub-level 1–4 (e.g. Sichuan practice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawGrade")]
pub struct Grade {
    pub level: GradeLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_level: Option<u8>,
}

#[derive(Deserialize)]
struct RawGrade {
    level: GradeLevel,
    #[serde(default)]
    sub_level: Option<u8>,
}

impl TryFrom<RawGrade> for Grade {
    type Error = InvalidValue;
    fn try_from(raw: RawGrade) -> Result<Self, Self::Error> {
        Grade::new(raw.level, raw.sub_level)
    }
}

impl Grade {
    pub fn new(level: GradeLevel, sub_level: Option<u8>) -> Result<Self, InvalidValue> {
        match sub_level {
            Some(n) if level != GradeLevel::General => Err(InvalidValue::new(format!(
                "只有一般数据可以细分级别，{level}不能带级别 {n}"
            ))),
            Some(n) if !(1..=4).contains(&n) => Err(InvalidValue::new(format!(
                "一般数据的细分级别应为 1–4，实为 {n}"
            ))),
            _ => Ok(Grade { level, sub_level }),
        }
    }

    /// Accepts "核心数据", "一般数据", "一般数据/3", "一般数据3级".
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim();
        let (level, rest) = match s.char_indices().nth(4) {
            Some((i, _)) => (
                &s[..i],
                s[i..].trim_start_matches('/').trim_end_matches('级'),
            ),
            None => (s, ""),
        };
        let level = GradeLevel::parse(level)?;
        let sub_level = if rest.is_empty() {
            None
        } else {
            Some(rest.parse::<u8>().map_err(|_| {
                InvalidValue::new(format!("数据分级“{raw}”的细分级别应为 1–4 的数字"))
            })?)
        };
        Grade::new(level, sub_level)
    }

    pub fn highest(grades: impl IntoIterator<Item = Grade>) -> Option<Grade> {
        grades.into_iter().max()
    }
}

impl PartialOrd for Grade {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Grade {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.level, self.sub_level.unwrap_or(0)).cmp(&(other.level, other.sub_level.unwrap_or(0)))
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sub_level {
            Some(n) => write!(f, "{}{n}级", self.level),
            None => f.write_str(self.level.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_values_only() {
        assert_eq!(
            ShareType::parse("有条件共享").unwrap(),
            ShareType::Conditional
        );
        let e = OpenType::parse("依申请开放").unwrap_err();
        assert!(
            e.message.contains("无条件开放、有条件开放、不予开放"),
            "{}",
            e.message
        );
        assert_eq!(UpdateFrequency::ALL.len(), 9);
        assert_eq!(
            serde_json::to_string(&UpdateFrequency::HalfYearly).unwrap(),
            "\"每半年\""
        );
        assert!(serde_json::from_str::<ShareType>("\"共享\"").is_err());
    }

    #[test]
    fn grades_order_and_parse() {
        let g = |s: &str| Grade::parse(s).unwrap();
        assert!(g("核心数据") > g("重要数据"));
        assert!(g("重要数据") > g("一般数据/4"));
        assert!(g("一般数据3级") > g("一般数据/2"));
        assert_eq!(
            Grade::highest([g("一般数据/2"), g("重要数据"), g("一般数据")]),
            Some(g("重要数据"))
        );
        assert!(Grade::parse("重要数据/2").is_err());
        assert!(Grade::parse("一般数据/5").is_err());
        assert!(Grade::parse("秘密").is_err());
        assert!(serde_json::from_str::<Grade>(r#"{"level":"一般数据","sub_level":7}"#).is_err());
        assert_eq!(g("一般数据/2").to_string(), "一般数据2级");
    }

    #[test]
    fn real_world_frequencies_normalize_conservatively() {
        use UpdateFrequency::*;
        for (raw, want) in [
            ("每年", Some(Yearly)),
            ("年", Some(Yearly)),
            ("按年更新", Some(Yearly)),
            ("‘每年’", Some(Yearly)),
            ("季度", Some(Quarterly)),
            ("每天", Some(Daily)),
            ("每 2 日", Some(Weekly)),
            ("每 3 月", Some(Quarterly)),
            ("每 6 月", Some(HalfYearly)),
            ("每 121 日", Some(HalfYearly)),
            ("每两年", Some(Irregular)),
            ("其他", Some(Irregular)),
            ("自定义", Some(Irregular)),
            ("每 null null", None),
            ("牲畜饲养", None),
        ] {
            assert_eq!(UpdateFrequency::normalize(raw), want, "{raw}");
        }
    }
}
