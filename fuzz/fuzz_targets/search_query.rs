#![no_main]

#[path = "../checks/search_query.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
