//! The real corpus in ../shared/corpus reads and maps completely.

use std::collections::{BTreeMap, BTreeSet};

use catalog::domain::UpdateFrequency;
use importers::corpus::{default_corpus_path, map_record, read_corpus, region_for};

#[test]
fn every_real_record_maps_to_valid_content() {
    let Some(path) = default_corpus_path() else {
        eprintln!("../shared/corpus not present: skipping the real-corpus test");
        return;
    };
    let records = read_corpus(&path).unwrap();
    assert_eq!(records.len(), 29_318);
    let mut notes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut yearly_from_nian = 0;
    let mut regions = BTreeSet::new();
    for r in &records {
        let mapped = map_record(r);
        mapped
            .content
            .validate()
            .unwrap_or_else(|e| panic!("record {} ({}) does not validate: {e}", r.id, r.title));
        for n in &mapped.notes {
            *notes.entry(n.field).or_default() += 1;
        }
        if r.update_frequency.as_deref() == Some("年") {
            assert_eq!(mapped.content.update_frequency, UpdateFrequency::Yearly);
            yearly_from_nian += 1;
        }
        let region = region_for(&r.province, r.city.as_deref())
            .unwrap_or_else(|| panic!("no region code for {} {:?}", r.province, r.city));
        regions.insert(region);
    }
    eprintln!(
        "normalizations per field: {notes:?}; distinct regions: {}",
        regions.len()
    );
    assert_eq!(yearly_from_nian, 836);
    assert!(regions.len() >= 20, "cities resolve to their own codes");
    assert!(
        notes["update_frequency"] > 6_000,
        "missing frequencies are reported"
    );
}
