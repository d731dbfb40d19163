//! The code parsers (USCC, region, resource code, registration query code) never panic, and what
//! they accept prints back to something they accept again.
//! Shared by the fuzz target and by the replay test that runs the committed corpus on stable.

use catalog::domain::query_code::QueryCode;
use catalog::domain::{RegionCode, ResourceCode, Uscc};

pub fn check(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(u) = Uscc::parse(s) {
        assert!(Uscc::parse(u.as_str()).is_ok());
    }
    if let Ok(r) = RegionCode::parse(s) {
        assert!(RegionCode::parse(r.as_str()).is_ok());
    }
    if let Ok(c) = ResourceCode::parse(s) {
        assert!(ResourceCode::parse(c.as_str()).is_ok());
    }
    if let Ok(q) = QueryCode::parse(s) {
        assert!(QueryCode::parse(q.as_str()).is_ok());
    }
}
