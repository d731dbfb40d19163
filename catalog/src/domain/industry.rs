//! 行业分类: the twenty sections (门类) of GB/T 4754-2017, the directory's domain values. The one
//! table every surface reads (forms, portal labels, DCAT themes, corpus mapping).

/// Section letter and Chinese name, in the standard's order.
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

/// A section as pages show it: "N 水利、环境和公共设施管理业"; an unknown letter as given.
pub fn section_label(letter: &str) -> String {
    match section_name(letter) {
        Some(name) => format!("{letter} {name}"),
        None => letter.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn twenty_sections_a_to_t() {
        let letters: String = super::GBT4754_SECTIONS.iter().map(|(c, _)| *c).collect();
        assert_eq!(letters, "ABCDEFGHIJKLMNOPQRST");
        assert_eq!(super::section_name("N"), Some("水利、环境和公共设施管理业"));
        assert_eq!(super::section_name("Z"), None);
    }
}
