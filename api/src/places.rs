//! Places named in a search (成都 不动产, 深圳南山): offered as a region filter beside the results,
//! which already include the entries about the place (their region's names are searchable).

use catalog::domain::RegionCode;
use serde::Serialize;
use utoipa::ToSchema;

/// At most this many places are offered (a query naming more is not about one place).
const MAX_PLACES: usize = 3;

/// A GB/T 2260 division the query names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlaceHint {
    /// The `region` filter value.
    pub region: RegionCode,
    /// From the province down: 四川省成都市.
    pub name: String,
}

/// The divisions the words of `q` name, unless the search is already filtered by region. A name
/// several divisions share (朝阳区) offers each.
pub fn named_in(q: &str, region_chosen: bool) -> Vec<PlaceHint> {
    if region_chosen {
        return Vec::new();
    }
    let mut out: Vec<PlaceHint> = Vec::new();
    for word in search::words_of(q) {
        for region in RegionCode::named(&word) {
            if out.len() < MAX_PLACES && out.iter().all(|p| p.region != *region) {
                out.push(PlaceHint {
                    name: region.full_name(),
                    region: region.clone(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_in_a_query_are_offered_once_and_only_without_a_region_filter() {
        let hints = named_in("成都 不动产", false);
        assert_eq!(hints.len(), 1);
        assert_eq!(hints[0].region.as_str(), "510100");
        assert_eq!(hints[0].name, "四川省成都市");
        assert_eq!(named_in("成都不动产登记", false), hints);
        assert!(named_in("成都 不动产", true).is_empty());
        assert!(named_in("不动产登记", false).is_empty());
    }
}
