//! A corpus/JSON import record of any shape maps to a draft or to a report, never a panic.
//! Shared by the fuzz target and by the replay test that runs the committed corpus on stable.
pub fn check(data: &[u8]) {
    if let Ok(record) = serde_json::from_slice::<importers::corpus::CorpusRecord>(data) {
        let _ = importers::corpus::map_record(&record);
    }
}
