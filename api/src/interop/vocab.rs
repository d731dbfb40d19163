//! Controlled vocabularies the exports point to: GB/T 4754-2017 sections (our theme taxonomy) and
//! the EU frequency authority table for update frequencies.

use catalog::domain::UpdateFrequency;

pub use catalog::domain::industry::{GBT4754_SECTIONS, section_name};

/// CKAN group name of a section: `gbt4754-a` … `gbt4754-t`.
pub fn group_name(letter: &str) -> String {
    format!("gbt4754-{}", letter.to_ascii_lowercase())
}

/// The EU Publications Office frequency concept closest to an update frequency.
pub fn frequency_iri(f: UpdateFrequency) -> String {
    let code = match f {
        UpdateFrequency::RealTime => "CONT",
        UpdateFrequency::Daily => "DAILY",
        UpdateFrequency::Weekly => "WEEKLY",
        UpdateFrequency::Monthly => "MONTHLY",
        UpdateFrequency::Quarterly => "QUARTERLY",
        UpdateFrequency::HalfYearly => "ANNUAL_2",
        UpdateFrequency::Yearly => "ANNUAL",
        UpdateFrequency::Irregular => "IRREG",
        UpdateFrequency::Historical => "NEVER",
    };
    format!("http://publications.europa.eu/resource/authority/frequency/{code}")
}

/// The terms an entry is used under. Chinese public data carries no Creative Commons style
/// licence: its open type says how a resource may be obtained (and a product is used under its
/// operating agreement and the exchange's terms), so each of those is a licence document of
/// Mulu's own, at `{base}/vocab/licence/{id}` (CKAN `license_list`, DCAT `dct:license`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Licence {
    pub id: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
}

pub const LICENCES: [Licence; 4] = [
    Licence {
        id: "mulu-open",
        title: "无条件开放",
        summary: "可通过开放平台直接获取，按开放平台的使用条款使用，注明来源。",
    },
    Licence {
        id: "mulu-conditional",
        title: "有条件开放",
        summary: "经申请并满足目录所列开放条件后获取，按约定的用途和范围使用。",
    },
    Licence {
        id: "mulu-not-open",
        title: "不予开放",
        summary: "不向社会开放，仅能通过授权运营等依法依规的途径使用。",
    },
    Licence {
        id: "mulu-product",
        title: "授权运营数据产品",
        summary: "按授权运营协议、登记证书和数据交易场所的交易规则使用。",
    },
];

/// The licence of a published resource, from its open type.
pub fn resource_licence(open_type: catalog::domain::OpenType) -> &'static Licence {
    use catalog::domain::OpenType;
    match open_type {
        OpenType::Unconditional => &LICENCES[0],
        OpenType::Conditional => &LICENCES[1],
        OpenType::None => &LICENCES[2],
    }
}

/// The licence of a registered product.
pub fn product_licence() -> &'static Licence {
    &LICENCES[3]
}

/// A tag as CKAN accepts it (`tag_name_validator`: 2–100 characters, letters of any script,
/// digits, space, `-`, `_`, `.`). Other characters become `-` (runs folded, ends trimmed);
/// a tag left shorter than two characters is dropped, a longer one cut at 100.
pub fn ckan_tag(raw: &str) -> Option<String> {
    let mut out = String::new();
    for c in raw.trim().chars() {
        let kept = c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.');
        let c = if kept { c } else { '-' };
        if c == '-' && out.ends_with('-') {
            continue;
        }
        out.push(c);
    }
    let out: String = out
        .trim_matches(|c| c == '-' || c == ' ')
        .chars()
        .take(100)
        .collect();
    (out.chars().count() >= 2).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_as_ckan_accepts_them() {
        assert_eq!(ckan_tag("交通出行").as_deref(), Some("交通出行"));
        assert_eq!(
            ckan_tag("交通/出行（公交）").as_deref(),
            Some("交通-出行-公交")
        );
        assert_eq!(ckan_tag("水"), None);
        assert_eq!(ckan_tag("、、"), None);
        assert_eq!(
            ckan_tag(&"长".repeat(150)).map(|t| t.chars().count()),
            Some(100)
        );
        assert_eq!(ckan_tag("GB/T 4754").as_deref(), Some("GB-T 4754"));
    }
}
