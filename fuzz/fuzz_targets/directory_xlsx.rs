#![no_main]

#[path = "../checks/directory_xlsx.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
