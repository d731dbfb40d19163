//! Names of GB/T 2260 divisions below the province (地级、县级), read once from the shipped table
//! `catalog/data/regions.tsv` (国家统计局 2023 edition). Pages show names, never bare codes; a
//! code the table does not know still parses (the table lags the official list) and is shown
//! with its code.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::region::{RegionCode, RegionLevel};

const TABLE: &str = include_str!("../../data/regions.tsv");

/// Entries that stand for "the rest of the province/municipality", not a place of their own.
const PLACEHOLDERS: [&str; 4] = [
    "市辖区",
    "县",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
];

static NAMES: LazyLock<BTreeMap<&'static str, &'static str>> = LazyLock::new(|| {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(code, name)| (code.trim(), name.trim()))
        .collect()
});

impl RegionCode {
    /// The division's own name: 四川省, 泸州市, 江阳区; `None` when the table does not know it.
    pub fn own_name(&self) -> Option<&'static str> {
        match self.level() {
            RegionLevel::Province => Some(self.province_name()),
            _ => NAMES.get(self.as_str()).copied(),
        }
    }

    /// The name from the province down, without placeholder tiers: 四川省泸州市江阳区,
    /// 北京市东城区, 湖北省仙桃市. An unknown code reads 四川省（510599）.
    pub fn full_name(&self) -> String {
        let name = self.names_from_province().concat();
        match self.own_name() {
            Some(_) => name,
            None => format!("{name}（{}）", self.as_str()),
        }
    }
}

/// Every known division inside `ancestor` (itself first), in code order, with its full name:
/// the choices of a region select.
pub fn divisions_within(ancestor: &RegionCode) -> Vec<(RegionCode, String)> {
    let mut out = vec![(ancestor.clone(), ancestor.full_name())];
    for (code, name) in NAMES.iter() {
        if PLACEHOLDERS.contains(name) {
            continue;
        }
        let Ok(c) = RegionCode::parse(code) else {
            continue;
        };
        if c != *ancestor && c.is_within(ancestor) {
            let full = c.full_name();
            out.push((c, full));
        }
    }
    out
}

/// Tier suffixes a place is typed without (成都市 → 成都, 南山区 → 南山), longest first.
// scripts/build-words.py reads this list (the segmenter's words): keep it one array literal.
const SUFFIXES: [&str; 18] = [
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "林区",
    "特区",
    "新区",
    "地区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
];

/// A name without its tier suffix, when at least two characters remain.
fn without_suffix(name: &str) -> Option<&str> {
    SUFFIXES.iter().find_map(|s| {
        let rest = name.strip_suffix(s)?;
        (rest.chars().count() >= 2).then_some(rest)
    })
}

/// Every division by its own name and by that name without its suffix.
static BY_NAME: LazyLock<BTreeMap<&'static str, Vec<RegionCode>>> = LazyLock::new(|| {
    let mut out: BTreeMap<&'static str, Vec<RegionCode>> = BTreeMap::new();
    let provinces = super::region::PROVINCES
        .iter()
        .map(|(prefix, name)| (format!("{prefix}0000"), *name));
    let below = NAMES
        .iter()
        .filter(|(_, name)| !PLACEHOLDERS.contains(name))
        .map(|(code, name)| ((*code).to_owned(), *name));
    for (code, name) in provinces.chain(below) {
        let Ok(code) = RegionCode::parse(&code) else {
            continue;
        };
        for key in [Some(name), without_suffix(name)].into_iter().flatten() {
            let codes = out.entry(key).or_default();
            if !codes.contains(&code) {
                codes.push(code.clone());
            }
        }
    }
    out
});

impl RegionCode {
    /// The divisions a typed place name means: 成都 and 成都市 → 510100; 朝阳区 → Beijing's and
    /// Changchun's. Empty when it names none.
    pub fn named(name: &str) -> &'static [RegionCode] {
        BY_NAME.get(name.trim()).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Own names from the province down, without placeholder tiers: 四川省, 成都市, 武侯区.
    pub fn names_from_province(&self) -> Vec<&'static str> {
        let code = self.as_str();
        let tiers = match self.level() {
            RegionLevel::Province => vec![],
            RegionLevel::Prefecture => vec![code.to_owned()],
            RegionLevel::County => vec![format!("{}00", &code[..4]), code.to_owned()],
        };
        std::iter::once(self.province_name())
            .chain(
                tiers
                    .iter()
                    .filter_map(|t| NAMES.get(t.as_str()).copied())
                    .filter(|n| !PLACEHOLDERS.contains(n)),
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn names_from_the_province_down() {
        assert_eq!(code("510000").full_name(), "四川省");
        assert_eq!(code("510500").full_name(), "四川省泸州市");
        assert_eq!(code("510502").full_name(), "四川省泸州市江阳区");
        assert_eq!(code("110101").full_name(), "北京市东城区");
        assert_eq!(code("110100").full_name(), "北京市");
        assert_eq!(code("429004").full_name(), "湖北省仙桃市");
        assert_eq!(code("500229").full_name(), "重庆市城口县");
        assert_eq!(code("440305").full_name(), "广东省深圳市南山区");
        assert_eq!(code("510599").full_name(), "四川省泸州市（510599）");
        assert_eq!(code("510502").own_name(), Some("江阳区"));
        assert_eq!(code("510000").own_name(), Some("四川省"));
        assert_eq!(code("510599").own_name(), None);
    }

    #[test]
    fn places_by_the_names_people_type() {
        assert_eq!(RegionCode::named("成都"), [code("510100")]);
        assert_eq!(RegionCode::named("成都市"), [code("510100")]);
        assert_eq!(RegionCode::named("四川"), [code("510000")]);
        assert!(RegionCode::named("南山区").contains(&code("440305")));
        assert!(RegionCode::named("朝阳区").len() >= 2);
        assert!(RegionCode::named("不动产").is_empty());
        assert_eq!(
            code("510104").names_from_province(),
            ["四川省", "成都市", "锦江区"]
        );
        assert_eq!(code("110101").names_from_province(), ["北京市", "东城区"]);
    }

    #[test]
    fn divisions_of_a_prefecture_and_a_province() {
        let luzhou = divisions_within(&code("510500"));
        assert_eq!(luzhou[0].1, "四川省泸州市");
        assert!(luzhou.iter().any(|(_, n)| n == "四川省泸州市江阳区"));
        assert!(luzhou.iter().all(|(c, _)| c.is_within(&code("510500"))));
        let sichuan = divisions_within(&code("510000"));
        assert!(sichuan.len() > 190, "{}", sichuan.len());
        assert!(
            divisions_within(&code("110000"))
                .iter()
                .all(|(_, n)| !n.contains("市辖区"))
        );
    }
}
