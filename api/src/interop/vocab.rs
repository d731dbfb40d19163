//! Controlled vocabularies the exports point to: GB/T 4754-2017 sections (our theme taxonomy) and
//! the EU frequency authority table for update frequencies.

use catalog::domain::UpdateFrequency;

/// GB/T 4754-2017 门类 (sections A–T) with their Chinese names.
pub const GBT4754_SECTIONS: [(&str, &str); 20] = [
    ("A", "农、林、牧、渔业"),
    ("B", "采矿业"),
    ("C", "制造业"),
    ("D", "电力、热力、燃气及水生产和供应业"),
    ("E", "建筑业"),
    ("F", "批发和零售业"),
    ("G", "交通运输、仓储和邮政业"),
    ("H", "住宿和餐饮业"),
    ("I", "信息传输、软件和信息技术服务业"),
    ("J", "金融业"),
    ("K", "房地产业"),
    ("L", "租赁和商务服务业"),
    ("M", "科学研究和技术服务业"),
    ("N", "水利、环境和公共设施管理业"),
    ("O", "居民服务、修理和其他服务业"),
    ("P", "教育"),
    ("Q", "卫生和社会工作"),
    ("R", "文化、体育和娱乐业"),
    ("S", "公共管理、社会保障和社会组织"),
    ("T", "国际组织"),
];

/// The Chinese name of a section letter, if it is one.
pub fn section_name(letter: &str) -> Option<&'static str> {
    GBT4754_SECTIONS
        .iter()
        .find(|(code, _)| *code == letter)
        .map(|(_, name)| *name)
}

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
