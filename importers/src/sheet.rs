//! Spreadsheets as plain text tables: an uploaded .xlsx (calamine) or .csv (csv) becomes named
//! sheets of header + rows of trimmed strings, each row keeping its spreadsheet row number.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use chrono::{Days, NaiveDate};

/// One sheet: the header row and the data rows below it.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub name: String,
    pub headers: Vec<String>,
    /// (1-based spreadsheet row number, cells as text)
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnreadableFile(pub String);

/// What the uploaded bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Xlsx,
    Csv,
}

impl FileKind {
    /// By content: every xlsx is a zip file ("PK\x03\x04"); anything else is read as CSV.
    pub fn sniff(bytes: &[u8]) -> FileKind {
        if bytes.starts_with(b"PK\x03\x04") {
            FileKind::Xlsx
        } else {
            FileKind::Csv
        }
    }
}

/// Read every sheet of a workbook, or the one table of a CSV file (named `csv_name`).
pub fn read_tables(bytes: &[u8], csv_name: &str) -> Result<Vec<Table>, UnreadableFile> {
    match FileKind::sniff(bytes) {
        FileKind::Xlsx => read_xlsx(bytes),
        FileKind::Csv => read_csv(bytes, csv_name).map(|t| vec![t]),
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Table>, UnreadableFile> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        UnreadableFile(format!(
            "文件不是有效的 Excel 工作簿（.xlsx），无法读取：{e}"
        ))
    })?;
    let mut tables = Vec::new();
    for (name, range) in book.worksheets() {
        let (first_row, _) = range.start().unwrap_or((0, 0));
        let mut rows = range.rows().enumerate();
        let headers = match rows.next() {
            Some((_, cells)) => cells.iter().map(cell_text).collect(),
            None => Vec::new(),
        };
        let rows = rows
            .map(|(i, cells)| {
                (
                    first_row as usize + i + 1,
                    cells.iter().map(cell_text).collect(),
                )
            })
            .filter(|(_, cells): &(usize, Vec<String>)| cells.iter().any(|c| !c.is_empty()))
            .collect();
        tables.push(Table {
            name,
            headers,
            rows,
        });
    }
    Ok(tables)
}

/// Text of a cell as a person typed it: integers without ".0", dates as YYYY-MM-DD.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => excel_date(dt.as_f64())
            .map(|d| d.to_string())
            .unwrap_or_else(|| dt.as_f64().to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Excel's 1900 date system: serial 1 is 1900-01-01, counted from 1899-12-30 past the leap bug.
fn excel_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(serial.floor() as u64))
}

fn read_csv(bytes: &[u8], name: &str) -> Result<Table, UnreadableFile> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(UnreadableFile(
            "CSV 文件不是 UTF-8 编码；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入"
                .to_string(),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| UnreadableFile(format!("CSV 表头无法读取：{e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| UnreadableFile(format!("CSV 第 {} 行无法读取：{e}", i + 2)))?;
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push((i + 2, cells));
        }
    }
    Ok(Table {
        name: name.to_string(),
        headers,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_keep_their_spreadsheet_numbers() {
        let t = read_tables("\u{feff}a,b\n1,2\n,\n3,4\n".as_bytes(), "x").unwrap();
        assert_eq!(t[0].headers, vec!["a", "b"]);
        let numbers: Vec<usize> = t[0].rows.iter().map(|r| r.0).collect();
        assert_eq!(numbers, vec![2, 4]);
    }

    #[test]
    fn broken_files_are_reported_not_panicked() {
        assert!(read_tables(b"PK\x03\x04garbage", "x").is_err());
        assert!(read_tables(b"a,b\n\xff\xfe,1\n", "x").is_err());
    }

    #[test]
    fn excel_serials_become_dates() {
        assert_eq!(excel_date(45292.0).unwrap().to_string(), "2024-01-01");
    }
}
