//! Workbooks never make the importer panic. Two shapes of input: raw bytes behind a zip header
//! (broken archives), and well-formed workbooks whose cells come from the fuzzer (tab-separated
//! cells, one line per row, sheets split by form feeds) so the validator sees every cell value.
//! Shared by the fuzz target and by the replay test that runs the committed corpus on stable.

use importers::columns::{ITEM_SHEET, RESOURCE_SHEET};
use rust_xlsxwriter::Workbook;

pub fn check(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode % 2 == 0 {
        let mut raw = b"PK\x03\x04".to_vec();
        raw.extend_from_slice(rest);
        raw
    } else {
        match workbook_from(rest) {
            Some(b) => b,
            None => return,
        }
    };
    let parsed = importers::rows::parse_directory_file(&bytes);
    assert!(parsed.valid.len() <= parsed.total_rows);
    if parsed.invalid_rows() > 0 {
        assert!(!parsed.problems.is_empty());
    }
}

fn workbook_from(data: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(data);
    let mut book = Workbook::new();
    for (index, sheet_text) in text.split('\u{c}').take(3).enumerate() {
        let sheet = book.add_worksheet();
        let name = [RESOURCE_SHEET, ITEM_SHEET, "其他"][index];
        sheet.set_name(name).ok()?;
        for (r, line) in sheet_text.lines().take(200).enumerate() {
            for (c, cell) in line.split('\t').take(40).enumerate() {
                sheet.write_string(r as u32, c as u16, cell).ok()?;
            }
        }
    }
    book.save_to_buffer().ok()
}
