//! Every bound of one import file, in one place: what a workbook may declare and unpack, how many
//! rows and how much text a file may hand to validation, and how long its report may grow.
//!
//! Each limit is checked before the memory it guards is spent: the zip container's directory and
//! declared sizes before anything is unpacked (`zip_guard`), the sheet's declared dimension before
//! its first cell, rows and text while they stream (`sheet`), problems as they are found
//! (`problems`). A file over a limit is refused as a whole with [`LimitExceeded`], which the API
//! answers with 413.
//!
//! With the defaults one file costs its reader at most 512 MiB on top of what the process held
//! before (README "Security"). Measured on the server: a 100,000-row workbook with 62 MiB of
//! shared strings +376 MB; the same with 92 MiB of cell text and 60,000 styles, validated and
//! written, +429 MB; every bomb in `tests/bombs.rs` and `tests/e2e/upload_bombs.rs` under
//! +16 MiB, refused before it is unpacked. A report lists at most 1,000 problems and 1,000
//! normalizations with every text clipped: a few MiB at worst, tens of KiB as a rule.

/// Bounds of one import file. `Limits::default()` is what uploads and `mulu import` use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Entries in a workbook's zip container (every sheet, style, image … is one).
    pub max_zip_entries: usize,
    /// Sum of the uncompressed sizes a workbook's entries declare (the zip reader refuses to
    /// inflate an entry beyond its declared size, so this bounds what is ever unpacked).
    pub max_unpacked_bytes: u64,
    /// Largest ratio of uncompressed to compressed size of one entry, for entries of more than
    /// [`RATIO_CHECKED_ABOVE`] bytes. Real sheets compress 5–30×; a bomb of one repeated
    /// character about 1,000×.
    pub max_compression_ratio: u64,
    /// Uncompressed size of the shared strings (`xl/sharedStrings.xml`), which are read whole.
    pub max_shared_strings_bytes: u64,
    /// Strings the shared-string table may declare or hold (`uniqueCount`, `<si>` elements).
    pub max_shared_strings: u64,
    /// Uncompressed size of every other part read whole (workbook, relationships, styles, theme)
    /// and of every entry that is not XML (images …).
    pub max_part_bytes: u64,
    /// Elements in one of the parts read whole (styles: cell formats, fonts, fills …).
    pub max_part_elements: u64,
    /// Longest attribute value in the styles part (each cell format copies its font name and
    /// number format).
    pub max_style_attribute_bytes: usize,
    /// Longest attribute value in the other parts read whole.
    pub max_part_attribute_bytes: usize,
    /// Longest piece of XML the parser holds at once: one tag, one text run, one comment.
    /// Excel's longest cell (32,767 characters) is a few hundred KiB.
    pub max_xml_token_bytes: u64,
    /// Data rows of one sheet (the header row not counted), of a CSV file and of a JSON Lines
    /// file read whole; also the rows a sheet may declare in its `<dimension>` (+1 for the header).
    pub max_rows: usize,
    /// Columns of a sheet (declared or used) and fields of a CSV record.
    pub max_columns: usize,
    /// Characters of one cell (Excel's own limit).
    pub max_cell_chars: usize,
    /// Text of every non-empty cell read, all sheets together (shared strings count once per
    /// cell that uses them); for JSON Lines read whole, the bytes unpacked.
    pub max_text_bytes: u64,
    /// Longest line of a JSON Lines file.
    pub max_line_bytes: usize,
    /// Problems listed one by one in a report; every problem is still counted by kind.
    pub max_listed_problems: usize,
    /// Characters kept of a problem's value and message (its sheet and column: 64 at most) and
    /// of a normalization's values.
    pub max_problem_chars: usize,
    /// Distinct normalizations (field, raw value, result) listed in a report; the rest are
    /// counted per field.
    pub max_normalizations: usize,
}

/// Entries smaller than this are not held to `max_compression_ratio` (tiny parts compress
/// oddly, and cannot hurt).
pub const RATIO_CHECKED_ABOVE: u64 = 1024 * 1024;

const MIB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_zip_entries: 10_000,
            max_unpacked_bytes: 256 * MIB,
            max_compression_ratio: 100,
            max_shared_strings_bytes: 64 * MIB,
            max_shared_strings: 2_000_000,
            max_part_bytes: 8 * MIB,
            max_part_elements: 64_000,
            max_style_attribute_bytes: 256,
            max_part_attribute_bytes: 4096,
            max_xml_token_bytes: 4 * MIB,
            max_rows: 100_000,
            max_columns: 256,
            max_cell_chars: 32_767,
            max_text_bytes: 96 * MIB,
            max_line_bytes: 1024 * 1024,
            max_listed_problems: 1_000,
            max_problem_chars: 256,
            max_normalizations: 1_000,
        }
    }
}

/// A file refused because it is over one of the [`Limits`]: nothing of it is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LimitExceeded {
    /// The `Limits` field that was exceeded, e.g. `max_unpacked_bytes`.
    pub limit: &'static str,
    /// Chinese, for the person who uploaded the file.
    pub message: String,
}

impl LimitExceeded {
    pub fn new(limit: &'static str, message: impl Into<String>) -> Self {
        LimitExceeded {
            limit,
            message: message.into(),
        }
    }
}

/// A size for people: "256 MiB", "8 KiB", "12 字节".
pub fn size(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= 1024 {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} 字节")
    }
}

/// `text` cut to `max` characters, "…" marking the cut.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_clips_read_well() {
        assert_eq!(size(256 * MIB), "256 MiB");
        assert_eq!(size(3 * MIB / 2), "1.5 MiB");
        assert_eq!(size(4096), "4 KiB");
        assert_eq!(clip("资源名称", 2), "资源…");
        assert_eq!(clip("资源", 2), "资源");
    }
}
