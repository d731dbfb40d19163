#![no_main]

#[path = "../checks/corpus_record.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
