//! CKAN action parameters: read from the query string (GET) or a JSON / form body (POST), and the
//! subset of `package_search` syntax Mulu understands (`fq`, `sort`, `rows`, `start`,
//! `facet.field`). Unknown parameters are ignored, as in CKAN; bad values are validation errors.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;

/// A CKAN `Validation Error`: field → messages.
#[derive(Debug)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// The action's parameters, whatever way they came.
#[derive(Debug, Default)]
pub struct Params(pub BTreeMap<String, Value>);

impl Params {
    /// Form or query-string pairs; a repeated key keeps its values as a list.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            match map.remove(&k) {
                None => {
                    map.insert(k, Value::String(v));
                }
                Some(Value::Array(mut list)) => {
                    list.push(Value::String(v));
                    map.insert(k, Value::Array(list));
                }
                Some(first) => {
                    map.insert(k, Value::Array(vec![first, Value::String(v)]));
                }
            }
        }
        Params(map)
    }

    pub fn merge(&mut self, other: Params) {
        self.0.extend(other.0);
    }

    /// A text parameter; numbers are accepted as their text.
    pub fn text(&self, key: &str) -> Result<Option<String>, Invalid> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(_) => Err(Invalid::new(key, "Must be a string")),
        }
    }

    /// A natural number (0 or more), as a JSON number or text; empty text counts as absent.
    pub fn natural(&self, key: &str) -> Result<Option<i64>, Invalid> {
        let bad = || Invalid::new(key, "Must be a natural number");
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_i64().filter(|n| *n >= 0).map(Some).ok_or_else(bad),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .map(Some)
                .ok_or_else(bad),
            Some(_) => Err(bad()),
        }
    }

    /// A boolean the CKAN way: true/false, "true"/"false", "1"/"0", "yes"/"no".
    pub fn flag(&self, key: &str) -> Result<bool, Invalid> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::Number(n)) => Ok(n.as_i64().unwrap_or(0) != 0),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" | "" => Ok(false),
                _ => Err(Invalid::new(key, "Must be a boolean")),
            },
            Some(_) => Err(Invalid::new(key, "Must be a boolean")),
        }
    }

    /// A list given as a JSON list, a JSON-encoded list in text (CKAN's `facet.field`), a repeated
    /// parameter or a single value.
    pub fn list(&self, key: &str) -> Result<Vec<String>, Invalid> {
        let bad = || Invalid::new(key, "Must be a list of strings");
        let from_values = |values: &[Value]| {
            values
                .iter()
                .map(|v| v.as_str().map(str::to_owned).ok_or_else(bad))
                .collect::<Result<Vec<_>, _>>()
        };
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(values)) => from_values(values),
            Some(Value::String(s)) if s.trim_start().starts_with('[') => {
                match serde_json::from_str::<Vec<Value>>(s) {
                    Ok(values) => from_values(&values),
                    Err(_) => Err(bad()),
                }
            }
            Some(Value::String(s)) if s.trim().is_empty() => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s.clone()]),
            Some(_) => Err(bad()),
        }
    }
}

/// The `fq` filters Mulu supports, combined with AND.
#[derive(Debug, Default, PartialEq)]
pub struct Filters {
    pub modified_since: Option<DateTime<Utc>>,
    /// Organization names (`organization:`) — every one must match.
    pub organizations: Vec<String>,
    /// Organization ids (`owner_org:`).
    pub owner_orgs: Vec<String>,
    /// Something was asked for that no package can match (e.g. `dataset_type:harvest`).
    pub nothing: bool,
}

/// Parse `fq`: terms separated by spaces or `AND`, each optionally prefixed by `+`.
pub fn parse_fq(raw: &str) -> Result<Filters, Invalid> {
    let mut filters = Filters::default();
    for term in terms(raw)? {
        let term = term.strip_prefix('+').unwrap_or(&term);
        if term == "*:*" {
            continue;
        }
        let Some((field, value)) = term.split_once(':') else {
            return Err(Invalid::new(
                "fq",
                format!(
                    "Search Query is invalid: cannot read the term \"{term}\" (expected field:value)"
                ),
            ));
        };
        let value = unquote(value);
        match field {
            "metadata_modified" => {
                let since = parse_range_start(value)?;
                filters.modified_since = filters.modified_since.max(since);
            }
            "organization" => filters.organizations.push(value.to_owned()),
            "owner_org" => filters.owner_orgs.push(value.to_owned()),
            "dataset_type" | "type" => filters.nothing |= value != "dataset",
            "capacity" => filters.nothing |= value != "public",
            "state" => filters.nothing |= value != "active",
            "private" => filters.nothing |= value != "false",
            _ => {
                return Err(Invalid::new(
                    "fq",
                    format!(
                        "Search Query is invalid: unsupported filter field \"{field}\" (supported: metadata_modified, organization, owner_org, dataset_type, capacity, state, private)"
                    ),
                ));
            }
        }
    }
    Ok(filters)
}

/// Split on whitespace outside brackets and quotes, dropping `AND`.
fn terms(raw: &str) -> Result<Vec<String>, Invalid> {
    let mut out = Vec::new();
    let mut current = String::new();
    let (mut depth, mut quoted) = (0i32, false);
    for c in raw.chars() {
        match c {
            '"' => quoted = !quoted,
            '[' | '{' if !quoted => depth += 1,
            ']' | '}' if !quoted => depth -= 1,
            _ => {}
        }
        if c.is_whitespace() && depth == 0 && !quoted {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
        if depth < 0 {
            return Err(Invalid::new(
                "fq",
                "Search Query is invalid: unbalanced brackets",
            ));
        }
    }
    if depth != 0 || quoted {
        return Err(Invalid::new(
            "fq",
            "Search Query is invalid: unbalanced brackets or quotes",
        ));
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.retain(|t| t != "AND" && t != "&&");
    if out
        .iter()
        .any(|t| t == "OR" || t == "NOT" || t.starts_with('-'))
    {
        return Err(Invalid::new(
            "fq",
            "Search Query is invalid: only AND combinations of filters are supported",
        ));
    }
    Ok(out)
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// `[2024-01-01T00:00:00Z TO *]` (or `TO NOW`): the lower bound. Closed upper bounds are refused
/// rather than silently ignored.
fn parse_range_start(value: &str) -> Result<Option<DateTime<Utc>>, Invalid> {
    let bad = |why: &str| {
        Invalid::new(
            "fq",
            format!("Search Query is invalid: metadata_modified {why}"),
        )
    };
    let inner = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .ok_or_else(|| bad("must be a range like [2024-01-01T00:00:00Z TO *]"))?;
    let (from, to) = inner
        .split_once(" TO ")
        .ok_or_else(|| bad("must be a range like [2024-01-01T00:00:00Z TO *]"))?;
    if !matches!(to.trim(), "*" | "NOW") {
        return Err(bad("supports only open-ended ranges ([… TO *])"));
    }
    match from.trim() {
        "*" => Ok(None),
        from => parse_time(from)
            .map(Some)
            .ok_or_else(|| bad(&format!("start \"{from}\" is not an ISO 8601 date-time"))),
    }
}

/// An ISO 8601 instant: RFC 3339, or a date-time without zone (UTC, as CKAN stores it), or a date.
pub fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    let naive = raw.strip_suffix('Z').unwrap_or(raw);
    if let Ok(t) = NaiveDateTime::parse_from_str(naive, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    chrono::NaiveDate::parse_from_str(naive, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// The orders `package_search` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Relevance for a text query, newest first otherwise (CKAN's default).
    Default,
    IdAsc,
    IdDesc,
    ModifiedAsc,
    ModifiedDesc,
}

pub fn parse_sort(raw: Option<&str>) -> Result<Sort, Invalid> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Sort::Default);
    };
    let normalized: Vec<String> = raw
        .split(',')
        .map(|part| {
            part.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_ascii_lowercase()
        })
        .collect();
    let first = normalized.first().map(String::as_str).unwrap_or_default();
    Ok(match first {
        "score desc" | "relevance" | "rank" => Sort::Default,
        "id asc" | "id" => Sort::IdAsc,
        "id desc" => Sort::IdDesc,
        "metadata_modified asc" => Sort::ModifiedAsc,
        "metadata_modified desc" | "metadata_modified" => Sort::ModifiedDesc,
        _ => {
            return Err(Invalid::new(
                "sort",
                format!(
                    "unsupported sort \"{raw}\" (supported: id asc, id desc, metadata_modified asc, metadata_modified desc, score desc)"
                ),
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fq_modified_and_organization() {
        let f = parse_fq(
            "metadata_modified:[2024-01-01T00:00:00.123456Z TO *] AND organization:\"abc\" +dataset_type:dataset",
        )
        .unwrap();
        assert_eq!(f.modified_since, parse_time("2024-01-01T00:00:00.123456Z"));
        assert_eq!(f.organizations, vec!["abc"]);
        assert!(!f.nothing);
    }

    #[test]
    fn fq_refuses_unknown_fields_and_closed_ranges() {
        assert!(parse_fq("tags:x").is_err());
        assert!(
            parse_fq("metadata_modified:[2024-01-01T00:00:00Z TO 2025-01-01T00:00:00Z]").is_err()
        );
        assert!(parse_fq("metadata_modified:[yesterday TO *]").is_err());
        assert!(parse_fq("organization:a OR organization:b").is_err());
        assert!(parse_fq("metadata_modified:[2024 TO *").is_err());
    }

    #[test]
    fn sorts() {
        assert_eq!(parse_sort(Some("id asc")).unwrap(), Sort::IdAsc);
        assert_eq!(
            parse_sort(Some("score desc, metadata_modified desc")).unwrap(),
            Sort::Default
        );
        assert_eq!(
            parse_sort(Some("metadata_modified  desc")).unwrap(),
            Sort::ModifiedDesc
        );
        assert!(parse_sort(Some("title_string asc")).is_err());
    }

    #[test]
    fn lists() {
        let p = Params::from_pairs([("facet.field".into(), "[\"organization\",\"tags\"]".into())]);
        assert_eq!(p.list("facet.field").unwrap(), vec!["organization", "tags"]);
        let p = Params::from_pairs([("rows".into(), "-1".into())]);
        assert!(p.natural("rows").is_err());
    }
}
