//! Controlled vocabularies the exports point to: GB/T 4754-2017 sections (our theme taxonomy) and
//! the EU frequency authority table for update frequencies.

use catalog::domain::UpdateFrequency;

pub use catalog::domain::industry::{GBT4754_SECTIONS, section_name};

/// CKAN group name of a section: `gbt4754-a` … `gbt4754-t`.
pub fn group_name(letter: &str) -> String {
    format!("gbt4754-{}", letter.to_ascii_lowercase())
}

/// The EU Publications Office frequency concept closest to an update frequency.
pub fn frequency_iri(f: UpdateFrequency) -> String {
    let code = match f {
        UpdateFrequency::RealTime => "CONT",
        UpdateFrequency::Daily => "DAILY",
        UpdateFrequency::Weekly => "WEEKLY",
        UpdateFrequency::Monthly => "MONTHLY",
        UpdateFrequency::Quarterly => "QUARTERLY",
        UpdateFrequency::HalfYearly => "ANNUAL_2",
        UpdateFrequency::Yearly => "ANNUAL",
        UpdateFrequency::Irregular => "IRREG",
        UpdateFrequency::Historical => "NEVER",
    };
    format!("http://publications.europa.eu/resource/authority/frequency/{code}")
}
