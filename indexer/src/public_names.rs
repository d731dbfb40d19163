//! Names the index gives entries that other surfaces must give alike: a tag as CKAN accepts it
//! (the index files tags by it, the CKAN API filters by it) and the address of a resource's line
//! in an edition (a hit links to it, the portal serves it).

/// A tag as CKAN accepts it (`tag_name_validator`: 2–100 characters, letters of any script,
/// digits, space, `-`, `_`, `.`). Other characters become `-` (runs folded, ends trimmed);
/// a tag left shorter than two characters is dropped, a longer one cut at 100.
pub fn ckan_tag(raw: &str) -> Option<String> {
    let mut out = String::new();
    for c in raw.trim().chars() {
        let kept = c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.');
        let c = if kept { c } else { '-' };
        if c == '-' && out.ends_with('-') {
            continue;
        }
        out.push(c);
    }
    let out: String = out
        .trim_matches(|c| c == '-' || c == ' ')
        .chars()
        .take(100)
        .collect();
    (out.chars().count() >= 2).then_some(out)
}

/// The link to a resource's line in an edition (the portal pages long editions).
pub fn directory_line_href(edition: u32, code: &str) -> String {
    format!("/directory/{edition}?code={code}#{code}")
}
