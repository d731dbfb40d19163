//! Controlled vocabularies the exports point to: GB/T 4754-2017 sections (our theme taxonomy) and
//! the EU frequency authority table for update frequencies.

use catalog::domain::UpdateFrequency;
use catalog::domain::organization::{OrgKind, Organization};
use catalog::domain::registration::Standing;
use catalog::domain::{RegionCode, RegionLevel};

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
    /// Its kind in the ADMS licence type vocabulary (DCAT-AP's `dct:type` of a licence).
    pub kind: AdmsLicenceType,
}

/// The ADMS licence types Mulu's licences are (`http://purl.org/adms/licencetype/…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdmsLicenceType {
    /// 注明来源 (attribution required).
    Attribution,
    /// Use bound to conditions, an agreement or an application.
    OtherRestrictiveClauses,
}

impl AdmsLicenceType {
    pub fn iri(self) -> &'static str {
        match self {
            AdmsLicenceType::Attribution => "http://purl.org/adms/licencetype/Attribution",
            AdmsLicenceType::OtherRestrictiveClauses => {
                "http://purl.org/adms/licencetype/OtherRestrictiveClauses"
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AdmsLicenceType::Attribution => "须注明来源",
            AdmsLicenceType::OtherRestrictiveClauses => "附条件使用",
        }
    }
}

pub const OPEN: Licence = Licence {
    id: "mulu-open",
    title: "无条件开放",
    summary: "可通过开放平台直接获取，按开放平台的使用条款使用，注明来源。",
    kind: AdmsLicenceType::Attribution,
};
pub const CONDITIONAL: Licence = Licence {
    id: "mulu-conditional",
    title: "有条件开放",
    summary: "经申请并满足目录所列开放条件后获取，按约定的用途和范围使用。",
    kind: AdmsLicenceType::OtherRestrictiveClauses,
};
pub const NOT_OPEN: Licence = Licence {
    id: "mulu-not-open",
    title: "不予开放",
    summary: "不向社会开放，仅能通过授权运营等依法依规的途径使用。",
    kind: AdmsLicenceType::OtherRestrictiveClauses,
};
pub const PRODUCT: Licence = Licence {
    id: "mulu-product",
    title: "授权运营数据产品",
    summary: "按授权运营协议、登记证书和数据交易场所的交易规则使用。",
    kind: AdmsLicenceType::OtherRestrictiveClauses,
};
/// The catalogue's own metadata: every entry is a public disclosure.
pub const METADATA: Licence = Licence {
    id: "mulu-metadata",
    title: "目录元数据",
    summary: "目录中公开的元数据（资源目录、登记结果、公示公告）可自由复制、转载和再利用，注明来源。",
    kind: AdmsLicenceType::Attribution,
};

pub const LICENCES: [Licence; 5] = [OPEN, CONDITIONAL, NOT_OPEN, PRODUCT, METADATA];

/// The licence of a published resource, from its open type.
pub fn resource_licence(open_type: catalog::domain::OpenType) -> &'static Licence {
    use catalog::domain::OpenType;
    match open_type {
        OpenType::Unconditional => &OPEN,
        OpenType::Conditional => &CONDITIONAL,
        OpenType::None => &NOT_OPEN,
    }
}

/// The licence of a registered product.
pub fn product_licence() -> &'static Licence {
    &PRODUCT
}

/// The ADMS publisher types Mulu's organizations are (DCAT-AP's `dct:type` of an agent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublisherType {
    Company,
    RegionalAuthority,
    LocalAuthority,
}

impl PublisherType {
    pub fn iri(self) -> &'static str {
        match self {
            PublisherType::Company => "http://purl.org/adms/publishertype/Company",
            PublisherType::RegionalAuthority => {
                "http://purl.org/adms/publishertype/RegionalAuthority"
            }
            PublisherType::LocalAuthority => "http://purl.org/adms/publishertype/LocalAuthority",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PublisherType::Company => "企业",
            PublisherType::RegionalAuthority => "省级公共管理和服务机构",
            PublisherType::LocalAuthority => "市县公共管理和服务机构",
        }
    }

    /// Operators, developers and exchanges are companies; providers, administrations,
    /// registration bodies and supervisors are authorities of their region's level.
    pub fn of(org: &Organization) -> Self {
        let public_body = org.kinds.iter().any(|k| {
            matches!(
                k,
                OrgKind::Provider | OrgKind::DataAdmin | OrgKind::Registrar | OrgKind::Auditor
            )
        });
        match (public_body, org.region.level()) {
            (false, _) => PublisherType::Company,
            (true, RegionLevel::Province) => PublisherType::RegionalAuthority,
            (true, _) => PublisherType::LocalAuthority,
        }
    }
}

/// A vocabulary whose concepts the exports point to at `{base}/vocab/{id}/{code}`; each scheme
/// and each concept dereferences (`interop::linked_data`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    pub id: &'static str,
    pub title: &'static str,
    pub note: &'static str,
}

pub const SCHEMES: [Scheme; 6] = [
    Scheme {
        id: "kind",
        title: "条目类型",
        note: "目录中的两类条目：公共数据资源和已登记的公共数据产品和服务。",
    },
    Scheme {
        id: "gbt4754",
        title: "GB/T 4754-2017 国民经济行业分类（门类）",
        note: "资源目录的行业分类，即 DCAT 主题分类。",
    },
    Scheme {
        id: "registration-standing",
        title: "登记结果状态",
        note: "数据产品的登记结果在某一天是否有效。",
    },
    Scheme {
        id: "licence",
        title: "使用条款",
        note: "目录中每一条资源按其开放类型使用，每一个已登记的数据产品按授权运营协议和交易规则使用。",
    },
    Scheme {
        id: "region",
        title: "行政区划（GB/T 2260）",
        note: "资源覆盖和登记所在的行政区划。",
    },
    Scheme {
        id: "format",
        title: "数据格式",
        note: "数据提供单位在资源目录中列出的格式（开放集合）。",
    },
];

/// One concept of a scheme: its code (the last segment of its IRI), label and explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    pub code: String,
    pub label: String,
    pub note: Option<String>,
}

impl Concept {
    fn new(code: impl Into<String>, label: impl Into<String>, note: Option<&str>) -> Self {
        Concept {
            code: code.into(),
            label: label.into(),
            note: note.map(str::to_owned),
        }
    }
}

pub fn scheme(id: &str) -> Option<&'static Scheme> {
    SCHEMES.iter().find(|s| s.id == id)
}

/// The concepts a scheme page lists: all of them, the provinces for regions (their divisions
/// have pages of their own) and none for the open set of formats.
pub fn concepts(scheme: &Scheme) -> Vec<Concept> {
    match scheme.id {
        "kind" => vec![
            Concept::new("resource", "公共数据资源", None),
            Concept::new("product", "公共数据产品和服务", None),
        ],
        "gbt4754" => GBT4754_SECTIONS
            .iter()
            .map(|(code, name)| Concept::new(*code, *name, None))
            .collect(),
        "registration-standing" => [
            Standing::NotCoded,
            Standing::InForce {
                valid_to: chrono::NaiveDate::MIN,
            },
            Standing::Ended {
                on: None,
                reason: String::new(),
            },
        ]
        .iter()
        .map(|s| Concept::new(s.slug(), s.label(), None))
        .collect(),
        "licence" => LICENCES
            .iter()
            .map(|l| Concept::new(l.id, l.title, Some(l.summary)))
            .collect(),
        "region" => (11..=82)
            .filter_map(|p| RegionCode::parse(&format!("{p}0000")).ok())
            .map(|r| Concept::new(r.as_str(), r.full_name(), None))
            .collect(),
        _ => Vec::new(),
    }
}

/// One concept by its code; any region code that parses and any format name is one.
pub fn concept(scheme: &Scheme, code: &str) -> Option<Concept> {
    match scheme.id {
        "region" => RegionCode::parse(code)
            .ok()
            .filter(|r| r.as_str() == code)
            .map(|r| Concept::new(r.as_str(), r.full_name(), None)),
        "format" => {
            let name = code.trim();
            (!name.is_empty() && name.chars().count() <= 100)
                .then(|| Concept::new(name, name, None))
        }
        _ => concepts(scheme).into_iter().find(|c| c.code == code),
    }
}

pub use indexer::ckan_tag;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scheme_concept_is_found_by_its_code() {
        for scheme in &SCHEMES {
            for c in concepts(scheme) {
                assert_eq!(concept(scheme, &c.code).as_ref(), Some(&c), "{}", scheme.id);
            }
        }
        let regions = scheme("region").unwrap();
        assert_eq!(concepts(regions).len(), 34);
        assert_eq!(concept(regions, "510500").unwrap().label, "四川省泸州市");
        assert_eq!(concept(regions, "990000"), None);
        assert_eq!(concept(scheme("kind").unwrap(), "other"), None);
        assert_eq!(
            concept(scheme("licence").unwrap(), "mulu-metadata")
                .unwrap()
                .label,
            "目录元数据"
        );
    }

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
        // The index lists tags by these names and `fq=tags:` maps what it is given again: a
        // name maps to itself.
        for raw in [
            "交通/出行（公交）",
            "GB/T 4754",
            " 人口 ",
            &"长".repeat(150),
        ] {
            let name = ckan_tag(raw).unwrap();
            assert_eq!(ckan_tag(&name).as_deref(), Some(name.as_str()));
        }
    }
}
