//! A region chosen by name (GB/T 2260), not typed as a code: the divisions of one province,
//! grouped by prefecture. The posted value is still the code, parsed by the catalog.

use catalog::domain::region::{RegionCode, RegionLevel};
use catalog::domain::region_names::divisions_within;
use maud::{Markup, html};

use super::pages::FormError;

/// `<label>` + `<select>` of every division of `province`; `chosen` (a code, possibly invalid or
/// outside the province) stays selected so a form that comes back keeps what was posted.
pub fn region_select(
    id: &str,
    label: &str,
    province: &RegionCode,
    chosen: &str,
    error: Option<&FormError>,
) -> Markup {
    let divisions = divisions_within(province);
    let known = divisions.iter().any(|(c, _)| c.as_str() == chosen);
    // Prefecture prefix → (group label, its divisions), in code order.
    let mut groups: Vec<(String, Vec<(RegionCode, String)>)> = Vec::new();
    for (code, full) in divisions.iter().skip(1) {
        let group = match code.level() {
            RegionLevel::Prefecture => full.clone(),
            _ => prefecture_label(code),
        };
        let own = match code.level() {
            RegionLevel::Prefecture => whole(code.own_name().unwrap_or(full)),
            _ => code.own_name().unwrap_or(full).to_string(),
        };
        match groups.last_mut() {
            Some((g, members)) if *g == group => members.push((code.clone(), own)),
            _ => groups.push((group, vec![(code.clone(), own)])),
        }
    }
    let shown = |raw: &str| match RegionCode::parse(raw) {
        Ok(c) => c.full_name(),
        Err(_) => raw.to_string(),
    };
    html! {
        label for=(id) { (label) }
        select id=(id) name=(id) {
            option value="" { "（未填）" }
            @if !known && !chosen.is_empty() {
                option value=(chosen) selected { (shown(chosen)) }
            }
            option value=(province.as_str()) selected[chosen == province.as_str()] {
                (whole(&province.full_name()))
            }
            @for (group, members) in &groups {
                optgroup label=(group) {
                    @for (code, name) in members {
                        option value=(code.as_str()) selected[chosen == code.as_str()] { (name) }
                    }
                }
            }
        }
        @if let Some(m) = error.and_then(|e| e.at(id)) { (m) }
    }
}

/// The group a county belongs to: its prefecture's full name (the province's for 市辖区 and
/// 省直辖 counties).
fn prefecture_label(county: &RegionCode) -> String {
    let prefecture = format!("{}00", &county.as_str()[..4]);
    match RegionCode::parse(&prefecture) {
        Ok(p) => p.full_name(),
        Err(_) => county.province_name().to_string(),
    }
}

/// 泸州市（全市）, 四川省（全省）, 凉山彝族自治州（全州）: the whole division, not its seat.
fn whole(name: &str) -> String {
    let tier = ["地区", "省", "市", "州", "盟", "区"]
        .into_iter()
        .find(|t| name.ends_with(t))
        .unwrap_or("境");
    format!("{name}（全{tier}）")
}
