//! Field-by-field differences between two versions of an entry's content: what a reviewer reads
//! when a submission changes a published entry, and what the version history shows.

use serde::Serialize;
use serde_json::Value;

use super::resource::ResourceContent;

/// One field that differs: added (no `before`), removed (no `after`) or changed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    /// The content field's name, e.g. `summary`, `data_items`.
    pub field: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

fn present(v: Option<&Value>) -> Option<Value> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) if a.is_empty() => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(other) => Some(other.clone()),
    }
}

/// The fields of `after` that differ from `before`, in the content's own field order.
pub fn diff(before: &ResourceContent, after: &ResourceContent) -> Vec<FieldChange> {
    let (Ok(Value::Object(old)), Ok(Value::Object(new))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = new.keys().collect();
    keys.extend(old.keys().filter(|k| !new.contains_key(*k)));
    keys.into_iter()
        .filter_map(|key| {
            let (b, a) = (present(old.get(key)), present(new.get(key)));
            (b != a).then(|| FieldChange {
                field: key.clone(),
                before: b,
                after: a,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(name: &str, tags: &[&str]) -> ResourceContent {
        serde_json::from_value(serde_json::json!({
            "name": name, "summary": "摘要", "tags": tags,
            "grade": {"level": "一般数据"}, "share_type": "无条件共享",
            "open_type": "无条件开放", "update_frequency": "每月"
        }))
        .unwrap()
    }

    #[test]
    fn changed_added_and_removed_fields_are_listed_and_equal_ones_are_not() {
        let a = content("人口统计", &[]);
        let b = content("常住人口统计", &["人口"]);
        let changes = diff(&a, &b);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["name", "tags"]);
        assert_eq!(changes[1].before, None, "tags were added");
        assert!(diff(&a, &a).is_empty());
        let removed = diff(&b, &a);
        assert_eq!(removed[1].after, None, "tags were removed");
    }
}
