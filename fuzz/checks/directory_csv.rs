//! Any bytes read as a CSV directory file give a report, never a panic; every row counted is
//! either valid or reported.
//! Shared by the fuzz target and by the replay test that runs the committed corpus on stable.
pub fn check(data: &[u8]) {
    // A leading "PK\x03\x04" would route the bytes to the xlsx reader (its own target).
    if data.starts_with(b"PK") {
        return;
    }
    let parsed = importers::rows::parse_directory_file(data);
    assert!(parsed.valid.len() <= parsed.total_rows);
    if parsed.invalid_rows() > 0 {
        assert!(!parsed.problems.is_empty());
    }
}
