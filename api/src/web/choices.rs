//! Select boxes over the domain's enums: each enum's serialized name is its Chinese label (the
//! API's vocabulary), so a form shows, posts and parses exactly what the JSON API takes.

use catalog::CatalogError;
use maud::{Markup, html};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The label of an enum value: its serialized name.
pub fn label<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The value a select posted, or a Chinese error at `field`.
pub fn parse<T: DeserializeOwned>(field: &str, posted: &str) -> Result<T, CatalogError> {
    serde_json::from_value(serde_json::Value::String(posted.to_string()))
        .map_err(|_| CatalogError::invalid(field, "请从列表中选择"))
}

/// A labelled select over `all`, with `current` (a posted or stored label) selected.
pub fn select<T: Serialize>(id: &str, text: &str, all: &[T], current: &str) -> Markup {
    html! {
        label for=(id) { (text) }
        select id=(id) name=(id) {
            @for v in all {
                @let l = label(v);
                option value=(l) selected[l == current] { (l) }
            }
        }
    }
}
