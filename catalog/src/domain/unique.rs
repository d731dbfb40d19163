//! Sets sent as JSON arrays (organization kinds, a person's roles): the API document declares them
//! `uniqueItems`, so a repeated value is refused rather than silently dropped.

use std::collections::BTreeSet;

use serde::de::Error;
use serde::{Deserialize, Deserializer};

/// `#[serde(deserialize_with = "unique::set")]`.
pub fn set<'de, D, T>(deserializer: D) -> Result<BTreeSet<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Ord,
{
    let items = Vec::<T>::deserialize(deserializer)?;
    let count = items.len();
    let set: BTreeSet<T> = items.into_iter().collect();
    if set.len() != count {
        return Err(D::Error::custom("列表中有重复的值"));
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Kinds {
        #[serde(deserialize_with = "set")]
        kinds: BTreeSet<String>,
    }

    #[test]
    fn repeated_values_are_refused() {
        let ok: Kinds = serde_json::from_str(r#"{"kinds": ["a", "b"]}"#).unwrap();
        assert_eq!(ok.kinds.len(), 2);
        let err = serde_json::from_str::<Kinds>(r#"{"kinds": ["a", "a"]}"#)
            .err()
            .unwrap();
        assert!(err.to_string().contains("重复"), "{err}");
    }
}
