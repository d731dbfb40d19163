//! Classification values of the directory standard, exactly as their Chinese strings: data grades
//! (分级), share and open types, and update frequencies.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// An enum serialized as its Chinese value, with `ALL`, `as_str`, an exact `parse`, `Display`
/// and `FromStr`.
macro_rules! chinese_enum {
    (@count) => { 0usize };
    (@count $head:ident $($tail:ident)*) => { 1usize + chinese_enum!(@count $($tail)*) };
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant,)+
        }

        // Written out because the derive cannot read `rename` values passed through a macro.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .description(Some($what))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            /// Every value, in the standard's order.
            pub const ALL: [$name; chinese_enum!(@count $($variant)+)] = [$($name::$variant),+];

            /// The Chinese value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// Exactly one of the Chinese values, surrounding whitespace ignored.
            pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
                let s = raw.trim();
                Self::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
                    let allowed: Vec<String> =
                        Self::ALL.iter().map(|v| format!("“{}”", v.as_str())).collect();
                    InvalidValue::new(format!(
                        "{}“{s}”无效，应为{}之一",
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

        impl FromStr for $name {
            type Err = InvalidValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

chinese_enum!(
    /// Data level. Ordered by severity: 一般数据 < 重要数据 < 核心数据.
    GradeLevel, "数据级别", {
        Core => "核心数据",
        Important => "重要数据",
        General => "一般数据",
    }
);

impl GradeLevel {
    /// Severity: 3 for 核心数据, 2 for 重要数据, 1 for 一般数据.
    pub fn rank(self) -> u8 {
        match self {
            GradeLevel::Core => 3,
            GradeLevel::Important => 2,
            GradeLevel::General => 1,
        }
    }
}

impl PartialOrd for GradeLevel {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for GradeLevel {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank().cmp(&other.rank())
    }
}

chinese_enum!(
    /// 共享类型.
    ShareType, "共享类型", {
        Unconditional => "无条件共享",
        Conditional => "有条件共享",
        None => "不予共享",
    }
);

chinese_enum!(
    /// 开放类型.
    OpenType, "开放类型", {
        Unconditional => "无条件开放",
        Conditional => "有条件开放",
        None => "不予开放",
    }
);

chinese_enum!(
    /// 更新频率: exactly these nine values.
    UpdateFrequency, "更新频率", {
        RealTime => "实时",
        Daily => "每日",
        Weekly => "每周",
        Monthly => "每月",
        Quarterly => "每季度",
        HalfYearly => "每半年",
        Yearly => "每年",
        Irregular => "不定期",
        Historical => "历史存量",
    }
);

/// A data grade: the level and, for 一般数据 only, an optional local sub-level 1–4 where a higher
/// sub-level is more sensitive.
///
/// Ordered by level, then sub-level (no sub-level sorts below 1). Serialized as
/// `{"level": "一般数据", "sub_level": 2}`; `sub_level` may be absent or null, and is checked on
/// deserialize.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "GradeRepr")]
pub struct Grade {
    pub level: GradeLevel,
    /// Only for 一般数据: the local sub-level 1–4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_level: Option<u8>,
}

/// The schema states what [`Grade::new`] checks, so that a request the document allows is never
/// refused for its grade: 一般数据 with an optional sub-level 1–4, or 重要数据 / 核心数据 without
/// one; no other members.
impl utoipa::PartialSchema for Grade {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AdditionalProperties, ObjectBuilder, OneOfBuilder, SchemaType, Type,
        };
        let level = |levels: &[GradeLevel]| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(levels.iter().map(|l| l.as_str())))
        };
        let sub_level = |allowed: bool| match allowed {
            true => ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
                .minimum(Some(1))
                .maximum(Some(4))
                .description(Some("Only for 一般数据: the local sub-level 1–4.")),
            false => ObjectBuilder::new().schema_type(Type::Null),
        };
        let grade = |levels: &[GradeLevel], sub_levels: bool| {
            ObjectBuilder::new()
                .property("level", level(levels))
                .property("sub_level", sub_level(sub_levels))
                .required("level")
                .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        };
        OneOfBuilder::new()
            .item(grade(&[GradeLevel::General], true))
            .item(grade(&[GradeLevel::Important, GradeLevel::Core], false))
            .description(Some(
                "数据分级：一般数据可带 1–4 的细分级别（sub_level），重要数据、核心数据不可细分。",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Grade {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GradeRepr {
    level: GradeLevel,
    #[serde(default)]
    sub_level: Option<u8>,
}

impl TryFrom<GradeRepr> for Grade {
    type Error = InvalidValue;
    fn try_from(r: GradeRepr) -> Result<Self, Self::Error> {
        Grade::new(r.level, r.sub_level)
    }
}

impl From<GradeLevel> for Grade {
    fn from(level: GradeLevel) -> Self {
        Grade {
            level,
            sub_level: None,
        }
    }
}

impl Grade {
    pub const CORE: Grade = Grade {
        level: GradeLevel::Core,
        sub_level: None,
    };
    pub const IMPORTANT: Grade = Grade {
        level: GradeLevel::Important,
        sub_level: None,
    };
    pub const GENERAL: Grade = Grade {
        level: GradeLevel::General,
        sub_level: None,
    };

    /// A grade; a sub-level is only allowed for 一般数据, and must be 1–4.
    pub fn new(level: GradeLevel, sub_level: Option<u8>) -> Result<Self, InvalidValue> {
        match sub_level {
            Some(n) if level != GradeLevel::General => Err(InvalidValue::new(format!(
                "{level}不能再细分级别（收到“{n}级”），只有一般数据可细分为1至4级"
            ))),
            Some(n) if !(1..=4).contains(&n) => Err(InvalidValue::new(format!(
                "一般数据的细分级别“{n}”无效，应为1至4"
            ))),
            _ => Ok(Grade { level, sub_level }),
        }
    }

    /// Accepts "核心数据", "重要数据", "一般数据", "一般数据/3" and "一般数据3级".
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim();
        let unknown = || {
            InvalidValue::new(format!(
                "数据分级“{s}”无效，应为“核心数据”“重要数据”“一般数据”之一，一般数据可带1至4的细分级别，如“一般数据/3”或“一般数据3级”"
            ))
        };
        let (level, rest) = GradeLevel::ALL
            .into_iter()
            .find_map(|l| s.strip_prefix(l.as_str()).map(|rest| (l, rest)))
            .ok_or_else(unknown)?;
        let rest = rest.trim();
        if rest.is_empty() {
            return Ok(Grade::from(level));
        }
        let digits = rest.strip_prefix(['/', '／']).unwrap_or(rest).trim_start();
        let digits = digits.strip_suffix('级').unwrap_or(digits).trim_end();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(unknown());
        }
        // Anything too long for a u8 is out of range anyway.
        let n = digits.parse::<u8>().unwrap_or(u8::MAX);
        Grade::new(level, Some(n))
    }

    /// The most sensitive of `grades`; `None` when there are none.
    pub fn highest<I>(grades: I) -> Option<Grade>
    where
        I: IntoIterator,
        I::Item: Borrow<Grade>,
    {
        grades.into_iter().map(|g| *g.borrow()).max()
    }
}

impl fmt::Display for Grade {
    /// "一般数据3级", or just the level.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sub_level {
            Some(n) => write!(f, "{}{n}级", self.level),
            None => f.write_str(self.level.as_str()),
        }
    }
}

impl FromStr for Grade {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl UpdateFrequency {
    /// Maps the messy update frequencies published by Chinese open-data portals onto the nine
    /// standard values; `None` when the value says nothing usable.
    ///
    /// Before matching, whitespace and quotes (‘’“”'"「」) are removed, ASCII is lowercased, and a
    /// trailing "更新", "一次" or "更新一次" is dropped.
    ///
    /// | raw value (examples)                                   | result    |
    /// |--------------------------------------------------------|-----------|
    /// | a standard value, quoted or not (‘每年’)               | itself    |
    /// | 实时更新, 即时, 动态                                   | 实时      |
    /// | 每天, 日, 天, 按日, 按天                               | 每日      |
    /// | 周, 按周, 每星期                                       | 每周      |
    /// | 月, 按月, 每个月, 半月, 每半月                         | 每月      |
    /// | 季度, 季, 每季, 按季度                                 | 每季度    |
    /// | 半年, 按半年                                           | 每半年    |
    /// | 年, 按年, 按年更新, 年度, 每年度                       | 每年      |
    /// | 不定期更新, 不定时, 自定义, 其他, 其它, 按需           | 不定期    |
    /// | 存量, 历史, 历史数据, 不更新, 一次性                   | 历史存量  |
    /// | 每 N 小时/分钟/秒 (period up to a day)                 | 每日      |
    /// | 每 N 日/天 (N days, "每 2 日", "每 121 日")            | see below |
    /// | 每 N 周                                                | 7·N days  |
    /// | 每 N 月/个月                                           | see below |
    /// | 每 N 季度                                              | 3·N months |
    /// | 每 N 年: N = 1                                         | 每年      |
    /// | 每 N 年: N ≥ 2 (每两年)                                | 不定期    |
    /// | "null" anywhere ("每 null null"), N = 0, anything else | `None`    |
    ///
    /// N may be ASCII digits or a Chinese numeral (一, 两, 十二…); "每" may be omitted.
    /// A period that is not standard goes to the nearest standard frequency that is *not more
    /// frequent* than claimed, so an entry never promises fresher data than its source:
    ///
    /// | N days  | 1    | 2–7  | 8–31 | 32–92  | 93–183 | 184–366 | > 366  |
    /// |---------|------|------|------|--------|--------|---------|--------|
    /// | result  | 每日 | 每周 | 每月 | 每季度 | 每半年 | 每年    | 不定期 |
    ///
    /// | N months | 1    | 2–3    | 4–6    | 7–12 | > 12   |
    /// |----------|------|--------|--------|------|--------|
    /// | result   | 每月 | 每季度 | 每半年 | 每年 | 不定期 |
    pub fn normalize(raw: &str) -> Option<UpdateFrequency> {
        use UpdateFrequency::*;
        let mut s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && !"‘’“”'\"「」".contains(*c))
            .collect::<String>()
            .to_ascii_lowercase();
        if s.is_empty()
            || ["null", "none", "nan", "undefined"]
                .iter()
                .any(|n| s.contains(n))
        {
            return None;
        }
        if let Ok(v) = UpdateFrequency::parse(&s) {
            return Some(v);
        }
        for suffix in ["更新一次", "一次", "更新"] {
            if let Some(rest) = s.strip_suffix(suffix)
                && !rest.is_empty()
            {
                s = rest.to_string();
                break;
            }
        }
        if let Ok(v) = UpdateFrequency::parse(&s) {
            return Some(v);
        }
        let alias = match s.as_str() {
            "即时" | "动态" | "realtime" | "real-time" => Some(RealTime),
            "每天" | "日" | "天" | "按日" | "按天" | "daily" => Some(Daily),
            "周" | "按周" | "每星期" | "weekly" => Some(Weekly),
            "月" | "按月" | "每个月" | "半月" | "每半月" | "monthly" => Some(Monthly),
            "季度" | "季" | "每季" | "按季" | "按季度" | "quarterly" => Some(Quarterly),
            "半年" | "按半年" => Some(HalfYearly),
            "年" | "按年" | "年度" | "每年度" | "按年度" | "yearly" | "annually" | "annual" => {
                Some(Yearly)
            }
            "不定时" | "自定义" | "其他" | "其它" | "按需" | "irregular" | "other" => {
                Some(Irregular)
            }
            "存量" | "历史" | "历史数据" | "不更新" | "无更新" | "一次性" => {
                Some(Historical)
            }
            _ => None,
        };
        if alias.is_some() {
            return alias;
        }
        let body = s.strip_prefix('每').unwrap_or(&s);
        let unit_at = body
            .char_indices()
            .find(|(_, c)| !c.is_ascii_digit() && cn_digit(*c).is_none())
            .map(|(i, _)| i)?;
        let n = parse_number(&body[..unit_at])?;
        if n == 0 {
            return None;
        }
        let unit = &body[unit_at..];
        let unit = unit.strip_prefix('个').unwrap_or(unit);
        let by_days = |days: u64| match days {
            0 => None,
            1 => Some(Daily),
            2..=7 => Some(Weekly),
            8..=31 => Some(Monthly),
            32..=92 => Some(Quarterly),
            93..=183 => Some(HalfYearly),
            184..=366 => Some(Yearly),
            _ => Some(Irregular),
        };
        let by_months = |months: u64| match months {
            0 => None,
            1 => Some(Monthly),
            2..=3 => Some(Quarterly),
            4..=6 => Some(HalfYearly),
            7..=12 => Some(Yearly),
            _ => Some(Irregular),
        };
        match unit {
            "秒" | "秒钟" => by_days(n.div_ceil(86_400)),
            "分" | "分钟" => by_days(n.div_ceil(1_440)),
            "时" | "小时" | "钟头" => by_days(n.div_ceil(24)),
            "日" | "天" => by_days(n),
            "周" | "星期" => by_days(n.saturating_mul(7)),
            "月" => by_months(n),
            "季" | "季度" => by_months(n.saturating_mul(3)),
            "年" => Some(if n == 1 { Yearly } else { Irregular }),
            _ => None,
        }
    }
}

fn cn_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        _ => return None,
    })
}

/// ASCII digits, or a Chinese numeral below 100 (一, 两, 十, 十二, 二十, 二十四). Empty means 1
/// ("每月" is every one month).
fn parse_number(s: &str) -> Option<u64> {
    if s.is_empty() {
        return Some(1);
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digits: Vec<u64> = s.chars().map(cn_digit).collect::<Option<_>>()?;
    match digits.as_slice() {
        [d] => Some(*d),
        [10, d] if *d < 10 => Some(10 + d),
        [t, 10] if (2..10).contains(t) => Some(t * 10),
        [t, 10, d] if (2..10).contains(t) && (1..10).contains(d) => Some(t * 10 + d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_values_parse_and_serialize() {
        assert_eq!(
            ShareType::parse(" 有条件共享 ").unwrap(),
            ShareType::Conditional
        );
        assert_eq!(OpenType::parse("不予开放").unwrap(), OpenType::None);
        assert_eq!(GradeLevel::parse("核心数据").unwrap(), GradeLevel::Core);
        assert_eq!(
            "每半年".parse::<UpdateFrequency>().unwrap(),
            UpdateFrequency::HalfYearly
        );
        assert_eq!(
            serde_json::to_string(&UpdateFrequency::HalfYearly).unwrap(),
            "\"每半年\""
        );
        assert_eq!(
            serde_json::from_str::<ShareType>("\"无条件共享\"").unwrap(),
            ShareType::Unconditional
        );
        assert!(serde_json::from_str::<ShareType>("\"共享\"").is_err());
        assert!(serde_json::from_str::<OpenType>("\"Unconditional\"").is_err());
        assert_eq!(OpenType::Conditional.to_string(), "有条件开放");
    }

    #[test]
    fn every_value_round_trips() {
        fn check<T: Copy + PartialEq + fmt::Debug + fmt::Display + FromStr>(all: &[T]) {
            for v in all {
                assert_eq!(v.to_string().parse::<T>().ok(), Some(*v));
            }
        }
        check(&GradeLevel::ALL);
        check(&ShareType::ALL);
        check(&OpenType::ALL);
        check(&UpdateFrequency::ALL);
        assert_eq!(UpdateFrequency::ALL.len(), 9);
        assert_eq!(ShareType::ALL.len(), 3);
        let names: Vec<&str> = UpdateFrequency::ALL.iter().map(|f| f.as_str()).collect();
        assert_eq!(
            names,
            [
                "实时",
                "每日",
                "每周",
                "每月",
                "每季度",
                "每半年",
                "每年",
                "不定期",
                "历史存量"
            ]
        );
    }

    #[test]
    fn errors_list_the_allowed_values() {
        let e = OpenType::parse("依申请开放").unwrap_err();
        assert_eq!(
            e.message,
            "开放类型“依申请开放”无效，应为“无条件开放”、“有条件开放”、“不予开放”之一"
        );
        let e = UpdateFrequency::parse("年").unwrap_err();
        assert!(e.message.contains("“每季度”、“每半年”"), "{}", e.message);
        assert!(ShareType::parse("").is_err());
    }

    #[test]
    fn grade_levels_order_by_severity() {
        assert!(GradeLevel::General < GradeLevel::Important);
        assert!(GradeLevel::Important < GradeLevel::Core);
        assert_eq!(GradeLevel::ALL.iter().max(), Some(&GradeLevel::Core));
        assert_eq!(GradeLevel::Core.rank(), 3);
        assert_eq!(GradeLevel::General.rank(), 1);
    }

    #[test]
    fn grade_parse_forms() {
        let g = |s: &str| Grade::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(g("核心数据"), Grade::CORE);
        assert_eq!(g(" 重要数据 "), Grade::IMPORTANT);
        assert_eq!(g("一般数据"), Grade::GENERAL);
        for s in [
            "一般数据/3",
            "一般数据3级",
            "一般数据 / 3",
            "一般数据／3级",
            "一般数据 3 级",
        ] {
            assert_eq!(
                g(s),
                Grade {
                    level: GradeLevel::General,
                    sub_level: Some(3)
                },
                "{s}"
            );
        }
        assert_eq!(g("一般数据/3").to_string(), "一般数据3级");
        assert_eq!(
            g("一般数据3级").to_string().parse::<Grade>().unwrap(),
            g("一般数据/3")
        );
    }

    #[test]
    fn grade_parse_errors() {
        let msg = |s: &str| Grade::parse(s).unwrap_err().message;
        assert!(msg("重要数据/2").contains("重要数据不能再细分级别"));
        assert!(msg("核心数据1级").contains("只有一般数据可细分"));
        assert_eq!(msg("一般数据/5"), "一般数据的细分级别“5”无效，应为1至4");
        assert!(msg("一般数据/0").contains("“0”无效"));
        assert!(msg("一般数据/300").contains("无效，应为1至4"));
        assert!(msg("秘密").contains("数据分级“秘密”无效"));
        assert!(msg("一般数据/三").contains("数据分级“一般数据/三”无效"));
        assert!(msg("一般数据/").contains("无效"));
        assert!(msg("一般").contains("无效"));
        assert!(Grade::new(GradeLevel::General, Some(4)).is_ok());
        assert!(Grade::new(GradeLevel::Important, Some(1)).is_err());
    }

    #[test]
    fn grades_order_by_level_then_sub_level() {
        let g = |s: &str| Grade::parse(s).unwrap();
        assert!(g("核心数据") > g("重要数据"));
        assert!(g("重要数据") > g("一般数据/4"));
        assert!(g("一般数据/4") > g("一般数据3级"));
        assert!(g("一般数据/1") > g("一般数据"));
        assert_eq!(
            Grade::highest([g("一般数据/2"), g("重要数据"), g("一般数据")]),
            Some(Grade::IMPORTANT)
        );
        let items = vec![g("一般数据/2"), g("一般数据/4"), g("一般数据")];
        assert_eq!(Grade::highest(&items), Some(g("一般数据/4")));
        assert_eq!(Grade::highest(Vec::<Grade>::new()), None);
    }

    #[test]
    fn grade_serde_is_a_validated_object() {
        let g: Grade = serde_json::from_str(r#"{"level":"一般数据","sub_level":2}"#).unwrap();
        assert_eq!(g, Grade::parse("一般数据/2").unwrap());
        assert_eq!(
            serde_json::to_string(&g).unwrap(),
            r#"{"level":"一般数据","sub_level":2}"#
        );
        assert_eq!(
            serde_json::to_string(&Grade::CORE).unwrap(),
            r#"{"level":"核心数据"}"#
        );
        let g: Grade = serde_json::from_str(r#"{"level":"重要数据"}"#).unwrap();
        assert_eq!(g, Grade::IMPORTANT);
        let g: Grade = serde_json::from_str(r#"{"level":"重要数据","sub_level":null}"#).unwrap();
        assert_eq!(g, Grade::IMPORTANT);
        for bad in [
            r#"{"level":"一般数据","sub_level":7}"#,
            r#"{"level":"一般数据","sub_level":0}"#,
            r#"{"level":"重要数据","sub_level":1}"#,
            r#"{"level":"秘密"}"#,
            r#"{"sub_level":1}"#,
            r#"{"level":"一般数据","sublevel":1}"#,
            r#""一般数据""#,
        ] {
            assert!(serde_json::from_str::<Grade>(bad).is_err(), "{bad}");
        }
        let e = serde_json::from_str::<Grade>(r#"{"level":"一般数据","sub_level":7}"#).unwrap_err();
        assert!(e.to_string().contains("应为1至4"), "{e}");
    }

    #[test]
    fn every_update_frequency_seen_in_the_portal_corpus() {
        use UpdateFrequency::*;
        // All distinct values of the shared corpus of Chinese portal catalogs (29,318 records).
        for (raw, want) in [
            ("每年", Some(Yearly)),
            ("其他", Some(Irregular)),
            ("实时", Some(RealTime)),
            ("每月", Some(Monthly)),
            ("每日", Some(Daily)),
            ("年", Some(Yearly)),
            ("不定期", Some(Irregular)),
            ("每半年", Some(HalfYearly)),
            ("季度", Some(Quarterly)),
            ("每两年", Some(Irregular)),
            ("按年更新", Some(Yearly)),
            ("每周", Some(Weekly)),
            ("每季度", Some(Quarterly)),
            ("每天", Some(Daily)),
            ("每 2 日", Some(Weekly)),
            ("每 3 月", Some(Quarterly)),
            ("每 121 日", Some(HalfYearly)),
            ("每 null null", None),
            ("自定义", Some(Irregular)),
            ("牲畜饲养", None),
            ("按年", Some(Yearly)),
            ("‘每年’", Some(Yearly)),
            ("不定期更新", Some(Irregular)),
            ("每 3 日", Some(Weekly)),
            ("每 6 月", Some(HalfYearly)),
        ] {
            assert_eq!(UpdateFrequency::normalize(raw), want, "{raw}");
        }
    }

    #[test]
    fn update_frequency_periods_round_to_the_coarser_standard() {
        use UpdateFrequency::*;
        for (raw, want) in [
            ("实时更新", Some(RealTime)),
            ("每 1 日", Some(Daily)),
            ("每小时", Some(Daily)),
            ("每 30 分钟", Some(Daily)),
            ("每 48 小时", Some(Weekly)),
            ("每7天", Some(Weekly)),
            ("每8天", Some(Monthly)),
            ("每两周", Some(Monthly)),
            ("每 31 日", Some(Monthly)),
            ("每 32 日", Some(Quarterly)),
            ("每 92 日", Some(Quarterly)),
            ("每 93 日", Some(HalfYearly)),
            ("每 183 日", Some(HalfYearly)),
            ("每 184 日", Some(Yearly)),
            ("每 366 日", Some(Yearly)),
            ("每 367 日", Some(Irregular)),
            ("每1个月", Some(Monthly)),
            ("每两个月", Some(Quarterly)),
            ("每三个月", Some(Quarterly)),
            ("每 4 月", Some(HalfYearly)),
            ("每 12 月", Some(Yearly)),
            ("每十二个月", Some(Yearly)),
            ("每 13 月", Some(Irregular)),
            ("每 2 季度", Some(HalfYearly)),
            ("每一年", Some(Yearly)),
            ("每 3 年", Some(Irregular)),
            ("每月更新一次", Some(Monthly)),
            ("“每季度”", Some(Quarterly)),
            ("存量", Some(Historical)),
            ("历史存量", Some(Historical)),
            ("Yearly", Some(Yearly)),
            ("每 0 日", None),
            ("每", None),
            ("", None),
            ("   ", None),
            ("null", None),
            ("每 2 次", None),
            ("更新", None),
        ] {
            assert_eq!(UpdateFrequency::normalize(raw), want, "{raw}");
        }
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(parse_number(""), Some(1));
        assert_eq!(parse_number("两"), Some(2));
        assert_eq!(parse_number("十"), Some(10));
        assert_eq!(parse_number("十二"), Some(12));
        assert_eq!(parse_number("二十"), Some(20));
        assert_eq!(parse_number("二十四"), Some(24));
        assert_eq!(parse_number("121"), Some(121));
        assert_eq!(parse_number("十十"), None);
        assert_eq!(parse_number("一二"), None);
    }
}
