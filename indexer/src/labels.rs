//! What the index's kinds and status codes mean to a person. The indexer writes each kind's
//! status as its catalog enum spells it (`as_str`), so the label comes from that same enum: one
//! vocabulary for the portal's hits, facets and filters, the workbench and the API's enums.

use catalog::domain::authorization::AuthorizationStatus;
use catalog::domain::disclosure::DisclosureStatus;
use catalog::domain::from_code;
use catalog::domain::negative_list::NegativeStatus;
use catalog::domain::organization::OrgStatus;
use catalog::domain::product::ProductStatus;
use catalog::domain::registration::RegistrationStatus;
use catalog::domain::resource::ResourceStatus;
use search::EntityKind;

/// Every kind, in the order pages list them.
pub const KINDS: [EntityKind; 9] = [
    EntityKind::Resource,
    EntityKind::DirectoryLine,
    EntityKind::NegativeListEntry,
    EntityKind::Authorization,
    EntityKind::Product,
    EntityKind::Registration,
    EntityKind::Publicity,
    EntityKind::Disclosure,
    EntityKind::Organization,
];

/// A kind of entry as people call it.
pub fn kind_label(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Resource => "数据资源",
        EntityKind::DirectoryLine => "目录条目",
        EntityKind::NegativeListEntry => "负面清单",
        EntityKind::Registration => "登记",
        EntityKind::Publicity => "公示",
        EntityKind::Product => "数据产品",
        EntityKind::Disclosure => "年度披露",
        EntityKind::Organization => "机构",
        EntityKind::Authorization => "授权",
    }
}

/// A kind given by its code (`resource`, …), as a facet or filter carries it.
pub fn kind_named(code: &str) -> Option<EntityKind> {
    KINDS.into_iter().find(|k| k.as_str() == code)
}

/// The status `value` of an entry of `kind`, from the enum the indexer wrote it with; `None`
/// when the kind has no such status (a directory line's "status" is its edition, already words).
pub fn status_label(kind: EntityKind, value: &str) -> Option<&'static str> {
    match kind {
        EntityKind::Resource => from_code(value).map(ResourceStatus::label),
        EntityKind::NegativeListEntry => from_code(value).map(NegativeStatus::label),
        EntityKind::Authorization => from_code(value).map(AuthorizationStatus::label),
        EntityKind::Product => from_code(value).map(ProductStatus::label),
        EntityKind::Registration | EntityKind::Publicity => {
            from_code(value).map(RegistrationStatus::label)
        }
        EntityKind::Disclosure => from_code(value).map(DisclosureStatus::label),
        EntityKind::Organization => from_code(value).map(|s: OrgStatus| s.label()),
        EntityKind::DirectoryLine => None,
    }
}

/// A status facet value over several kinds: the labels it has in those kinds, each once
/// ("运营中／有效" when an authorization and a negative-list entry both say `active`); the
/// value itself when no kind knows it (a directory line's edition).
pub fn status_value_label(value: &str, kinds: &[EntityKind]) -> String {
    let kinds = if kinds.is_empty() { &KINDS[..] } else { kinds };
    let mut labels: Vec<&str> = Vec::new();
    for kind in kinds {
        if let Some(label) = status_label(*kind, value)
            && !labels.contains(&label)
        {
            labels.push(label);
        }
    }
    if labels.is_empty() {
        value.to_owned()
    } else {
        labels.join("／")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_the_indexer_writes_has_its_enums_label() {
        assert_eq!(
            status_label(EntityKind::Product, "draft"),
            Some("待合规审核")
        );
        assert_eq!(status_label(EntityKind::Resource, "draft"), Some("草稿"));
        assert_eq!(
            status_label(EntityKind::Publicity, "under_objection"),
            Some(RegistrationStatus::UnderObjection.label())
        );
        assert_eq!(status_label(EntityKind::DirectoryLine, "第2版"), None);
        assert_eq!(
            status_value_label(
                "active",
                &[EntityKind::Authorization, EntityKind::NegativeListEntry]
            ),
            "运营中／有效"
        );
        assert_eq!(
            status_value_label("active", &[EntityKind::NegativeListEntry]),
            "有效"
        );
        assert_eq!(status_value_label("第2版", &[]), "第2版");
        for kind in KINDS {
            assert_eq!(kind_named(kind.as_str()), Some(kind));
        }
    }
}
