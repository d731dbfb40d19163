//! Operation-directory editions (运营目录, C 6.2): numbered, frozen snapshots, and the diff between two.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Grade, OpenType, ResourceCode, ShareType, UpdateFrequency};

/// One line of an edition. Frozen: later edits of the resource never change a published edition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EditionLine {
    pub resource_id: Uuid,
    pub code: ResourceCode,
    /// The resource version this line was taken from.
    pub version: u32,
    pub name: String,
    pub provider_id: Uuid,
    pub provider_name: String,
    /// 资源类型: the 行业分类 section and theme.
    pub domain: Option<String>,
    pub theme: Option<String>,
    pub formats: Vec<String>,
    pub update_frequency: UpdateFrequency,
    pub usage_restrictions: Option<String>,
    pub grade: Grade,
    pub share_type: ShareType,
    pub open_type: OpenType,
    /// The condition under which the line may be operated (required for 重要数据 by policy).
    pub condition: Option<String>,
    /// Data items withheld by item-scoped negative-list entries.
    #[serde(default)]
    pub withheld_items: Vec<String>,
    /// Conditions of restricting (限制) negative-list entries that cover the resource: it is
    /// operated only under them.
    #[serde(default)]
    pub restrictions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DirectoryEdition {
    pub id: Uuid,
    /// 1, 2, 3… in publication order.
    pub number: u32,
    pub title: String,
    pub publisher_id: Uuid,
    pub publisher_name: String,
    pub published_at: DateTime<Utc>,
    #[serde(default)]
    pub note: Option<String>,
    pub lines: Vec<EditionLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldChange {
    pub field: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangedLine {
    pub code: ResourceCode,
    pub name: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EditionDiff {
    pub from: u32,
    pub to: u32,
    pub added: Vec<EditionLine>,
    pub removed: Vec<EditionLine>,
    pub changed: Vec<ChangedLine>,
}

impl EditionDiff {
    /// Lines are matched by resource code; changed lines list every differing field.
    pub fn between(from: &DirectoryEdition, to: &DirectoryEdition) -> EditionDiff {
        EditionDiff::of_lines(from.number, &from.lines, to.number, &to.lines)
    }

    /// The diff between two line lists, saved or not (a preview compares the current edition's
    /// lines, or none, with the lines the next edition would have). Numbered `from` → `to`.
    pub fn of_lines(
        from: u32,
        from_lines: &[EditionLine],
        to: u32,
        to_lines: &[EditionLine],
    ) -> EditionDiff {
        let old: BTreeMap<&str, &EditionLine> =
            from_lines.iter().map(|l| (l.code.as_str(), l)).collect();
        let new: BTreeMap<&str, &EditionLine> =
            to_lines.iter().map(|l| (l.code.as_str(), l)).collect();
        let added = new
            .iter()
            .filter(|(code, _)| !old.contains_key(*code))
            .map(|(_, l)| (*l).clone())
            .collect();
        let removed = old
            .iter()
            .filter(|(code, _)| !new.contains_key(*code))
            .map(|(_, l)| (*l).clone())
            .collect();
        let changed = new
            .iter()
            .filter_map(|(code, after)| {
                let before = old.get(code)?;
                let changes = field_changes(before, after);
                (!changes.is_empty()).then(|| ChangedLine {
                    code: after.code.clone(),
                    name: after.name.clone(),
                    changes,
                })
            })
            .collect();
        EditionDiff {
            from,
            to,
            added,
            removed,
            changed,
        }
    }
}

fn field_changes(before: &EditionLine, after: &EditionLine) -> Vec<FieldChange> {
    let (serde_json::Value::Object(b), serde_json::Value::Object(a)) = (
        serde_json::to_value(before).unwrap_or_default(),
        serde_json::to_value(after).unwrap_or_default(),
    ) else {
        return Vec::new();
    };
    a.iter()
        .filter(|(field, value)| b.get(*field) != Some(value))
        .map(|(field, value)| FieldChange {
            field: field.clone(),
            before: b.get(field).cloned().unwrap_or_default(),
            after: value.clone(),
        })
        .collect()
}
