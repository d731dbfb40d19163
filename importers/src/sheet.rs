//! Spreadsheets read row by row: an uploaded .xlsx (calamine's cell reader, after `zip_guard` has
//! checked what the zip container declares) or .csv (csv). Rows are handed on as they are read,
//! each as trimmed strings by column (A = 0) with its spreadsheet row number; no sheet-sized grid
//! is ever built, and the rows, columns and text a file may hand on are bounded by [`Limits`].

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{DataRef, Reader, Xlsx, XlsxError};
use chrono::{Days, NaiveDate};

pub use crate::sheet_error::SheetError;

use crate::limits::{LimitExceeded, Limits, size};
use crate::template::column_letter;
use crate::zip_guard;

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

/// A workbook (or a CSV file, its one sheet) open for reading row by row.
pub struct Workbook<'a> {
    source: Source<'a>,
    limits: Limits,
    /// Text handed on so far, all sheets together.
    text: u64,
}

enum Source<'a> {
    Xlsx(Box<Xlsx<Cursor<&'a [u8]>>>),
    Csv { bytes: &'a [u8], name: String },
}

/// One row: its 1-based spreadsheet row number and its cells by column (A = 0), trailing empty
/// cells left out. The first row a sheet hands on is its header.
pub type Row = (usize, Vec<String>);

const NOT_A_WORKBOOK: &str = "文件不是有效的 Excel 工作簿（.xlsx），无法读取";

impl<'a> Workbook<'a> {
    /// Open `bytes`: a workbook is inspected before it is opened; a CSV file (its sheet named
    /// `csv_name`) must be UTF-8.
    pub fn open(bytes: &'a [u8], csv_name: &str, limits: &Limits) -> Result<Self, SheetError> {
        let source = match FileKind::sniff(bytes) {
            FileKind::Xlsx => {
                zip_guard::inspect(bytes, limits)?;
                let book = guarded(|| Xlsx::new(Cursor::new(bytes)))?
                    .map_err(|e| SheetError::Unreadable(format!("{NOT_A_WORKBOOK}：{e}")))?;
                Source::Xlsx(Box::new(book))
            }
            FileKind::Csv => {
                let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                if std::str::from_utf8(bytes).is_err() {
                    return Err(SheetError::Unreadable(
                        "CSV 文件不是 UTF-8 编码；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入"
                            .to_string(),
                    ));
                }
                Source::Csv {
                    bytes,
                    name: csv_name.to_string(),
                }
            }
        };
        Ok(Workbook {
            source,
            limits: limits.clone(),
            text: 0,
        })
    }

    /// The sheets, in workbook order.
    pub fn sheet_names(&self) -> Vec<String> {
        match &self.source {
            Source::Xlsx(book) => book.sheet_names(),
            Source::Csv { name, .. } => vec![name.clone()],
        }
    }

    /// Hand every row of sheet `name` that holds a value to `each`, in order: the first is the
    /// header (a CSV file's first record, even when empty). A sheet that is not a worksheet (a
    /// chart) has no rows.
    pub fn read(&mut self, name: &str, mut each: impl FnMut(Row)) -> Result<(), SheetError> {
        let Workbook {
            source,
            limits,
            text,
        } = self;
        let mut rows = Rows {
            sheet: name,
            limits,
            text,
            data_rows: 0,
            header_seen: false,
        };
        match source {
            Source::Xlsx(book) => guarded(|| read_xlsx(book, name, &mut rows, &mut each))?,
            Source::Csv { bytes, .. } => read_csv(bytes, &mut rows, &mut each),
        }
    }
}

/// calamine on bytes from outside: a panic in it is a file that cannot be read, not a crash.
fn guarded<T>(read: impl FnOnce() -> T) -> Result<T, SheetError> {
    catch_unwind(AssertUnwindSafe(read))
        .map_err(|_| SheetError::Unreadable(format!("{NOT_A_WORKBOOK}（读取时出错）")))
}

/// The bounds of the rows of one sheet.
struct Rows<'l> {
    sheet: &'l str,
    limits: &'l Limits,
    text: &'l mut u64,
    data_rows: usize,
    header_seen: bool,
}

impl Rows<'_> {
    /// One non-empty cell of text, counted against the text and column limits.
    fn cell(&mut self, row: usize, column: usize, text: &str) -> Result<(), SheetError> {
        let limits = self.limits;
        if column >= limits.max_columns {
            return Err(LimitExceeded::new(
                "max_columns",
                format!(
                    "工作表“{}”的单元格 {}{row} 超出了 {} 列的上限；请只保留模板中的列",
                    self.sheet,
                    column_letter(column),
                    limits.max_columns
                ),
            )
            .into());
        }
        if text.len() > limits.max_cell_chars && text.chars().count() > limits.max_cell_chars {
            return Err(LimitExceeded::new(
                "max_cell_chars",
                format!(
                    "工作表“{}”的单元格 {}{row} 超过 {} 个字符（Excel 单元格的上限）",
                    self.sheet,
                    column_letter(column),
                    limits.max_cell_chars
                ),
            )
            .into());
        }
        *self.text += text.len() as u64;
        if *self.text > limits.max_text_bytes {
            return Err(LimitExceeded::new(
                "max_text_bytes",
                format!(
                    "文件中单元格的文本合计超过 {}，超过了导入上限；请拆分后分批导入",
                    size(limits.max_text_bytes)
                ),
            )
            .into());
        }
        Ok(())
    }

    /// A row with a value: the header, or one more data row.
    fn row(&mut self) -> Result<(), SheetError> {
        if !self.header_seen {
            self.header_seen = true;
            return Ok(());
        }
        self.data_rows += 1;
        if self.data_rows > self.limits.max_rows {
            return Err(LimitExceeded::new(
                "max_rows",
                format!(
                    "工作表“{}”超过 {} 行数据，超过了导入上限；请拆分后分批导入",
                    self.sheet, self.limits.max_rows
                ),
            )
            .into());
        }
        Ok(())
    }
}

fn read_xlsx(
    book: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    rows: &mut Rows,
    each: &mut impl FnMut(Row),
) -> Result<(), SheetError> {
    let unreadable = |e: XlsxError| SheetError::Unreadable(format!("{NOT_A_WORKBOOK}：{e}"));
    let mut cells = match book.worksheet_cells_reader(name) {
        Ok(cells) => cells,
        Err(XlsxError::NotAWorksheet(_)) => return Ok(()),
        Err(e) => return Err(unreadable(e)),
    };
    // `zip_guard` checked every sheet's declared dimension; this is the one calamine read.
    let declared = cells.dimensions();
    let declared_rows = u64::from(declared.end.0.saturating_sub(declared.start.0)) + 1;
    let declared_columns = u64::from(declared.end.1.saturating_sub(declared.start.1)) + 1;
    let too_many_rows = declared_rows > rows.limits.max_rows as u64 + 1;
    if too_many_rows || declared_columns > rows.limits.max_columns as u64 {
        return Err(LimitExceeded::new(
            if too_many_rows {
                "max_rows"
            } else {
                "max_columns"
            },
            format!(
                "工作表“{name}”声明了 {declared_rows} 行、{declared_columns} 列，超过了导入上限\
                 （每个工作表 {} 行数据、{} 列）",
                rows.limits.max_rows, rows.limits.max_columns
            ),
        )
        .into());
    }
    let mut current: Option<Row> = None;
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (r, c) = cell.get_position();
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let (number, column) = (r as usize + 1, c as usize);
        rows.cell(number, column, &text)?;
        if current.as_ref().is_some_and(|(n, _)| *n != number) {
            rows.row()?;
            each(current.take().unwrap_or_default());
        }
        let (_, values) = current.get_or_insert_with(|| (number, Vec::new()));
        if values.len() <= column {
            values.resize(column + 1, String::new());
        }
        values[column] = text;
    }
    if let Some(last) = current {
        rows.row()?;
        each(last);
    }
    Ok(())
}

/// Text of a cell as a person typed it: integers without ".0", dates as YYYY-MM-DD.
fn cell_text(cell: &DataRef) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        DataRef::DateTime(dt) => excel_date(dt.as_f64())
            .map(|d| d.to_string())
            .unwrap_or_else(|| dt.as_f64().to_string()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.chars().take(10).collect(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// Excel's 1900 date system: serial 1 is 1900-01-01, counted from 1899-12-30 past the leap bug.
fn excel_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(serial.floor() as u64))
}

fn read_csv(bytes: &[u8], rows: &mut Rows, each: &mut impl FnMut(Row)) -> Result<(), SheetError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| SheetError::Unreadable(format!("CSV 表头无法读取：{e}")))?
        .clone();
    let mut record = csv::StringRecord::new();
    let header = csv_cells(rows, 1, &headers)?;
    rows.header_seen = true;
    each((1, header));
    let mut index = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(SheetError::Unreadable(format!(
                    "CSV 第 {} 行无法读取：{e}",
                    index + 2
                )));
            }
        }
        index += 1;
        let number = index + 1;
        let cells = csv_cells(rows, number, &record)?;
        if cells.iter().any(|c| !c.is_empty()) {
            rows.row()?;
            each((number, cells));
        }
    }
    Ok(())
}

/// A CSV record's trimmed cells, each non-empty one counted against the limits.
fn csv_cells(
    rows: &mut Rows,
    number: usize,
    record: &csv::StringRecord,
) -> Result<Vec<String>, SheetError> {
    let mut cells = Vec::with_capacity(record.len().min(rows.limits.max_columns));
    for (column, value) in record.iter().enumerate() {
        let value = value.trim();
        if !value.is_empty() {
            rows.cell(number, column, value)?;
        }
        if column < rows.limits.max_columns {
            cells.push(value.to_string());
        }
    }
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], limits: &Limits) -> Result<Vec<(String, Vec<Row>)>, SheetError> {
        let mut book = Workbook::open(bytes, "x", limits)?;
        let mut out = Vec::new();
        for name in book.sheet_names() {
            let mut rows = Vec::new();
            book.read(&name, |row| rows.push(row))?;
            out.push((name, rows));
        }
        Ok(out)
    }

    #[test]
    fn csv_rows_keep_their_spreadsheet_numbers() {
        let t = read_all("\u{feff}a,b\n1,2\n,\n3,4\n".as_bytes(), &Limits::default()).unwrap();
        let rows = &t[0].1;
        assert_eq!(rows[0], (1, vec!["a".to_string(), "b".to_string()]));
        let numbers: Vec<usize> = rows.iter().map(|r| r.0).collect();
        assert_eq!(numbers, vec![1, 2, 4]);
    }

    #[test]
    fn broken_files_are_reported_not_panicked() {
        assert!(read_all(b"PK\x03\x04garbage", &Limits::default()).is_err());
        assert!(read_all(b"a,b\n\xff\xfe,1\n", &Limits::default()).is_err());
    }

    #[test]
    fn csv_rows_and_columns_are_bounded() {
        let limits = Limits {
            max_rows: 2,
            max_columns: 3,
            ..Limits::default()
        };
        let refused = read_all(b"a,b\n1,2\n3,4\n5,6\n", &limits);
        assert!(
            matches!(refused, Err(SheetError::TooLarge(ref e)) if e.limit == "max_rows"),
            "{refused:?}"
        );
        let refused = read_all(b"a,b,c,d\n1,2,3,4\n", &limits);
        assert!(
            matches!(refused, Err(SheetError::TooLarge(ref e)) if e.limit == "max_columns"),
            "{refused:?}"
        );
        assert!(read_all(b"a,b,c,,\n1,2,3,,\n", &limits).is_ok());
    }

    #[test]
    fn xlsx_rows_stream_by_absolute_column() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("表").unwrap();
        sheet.write_string(1, 1, " 名称 ").unwrap();
        sheet.write_number(3, 2, 42.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let t = read_all(&bytes, &Limits::default()).unwrap();
        assert_eq!(t[0].0, "表");
        assert_eq!(
            t[0].1,
            vec![
                (2, vec![String::new(), "名称".to_string()]),
                (4, vec![String::new(), String::new(), "42".to_string()]),
            ]
        );
    }

    #[test]
    fn excel_serials_become_dates() {
        assert_eq!(excel_date(45292.0).unwrap().to_string(), "2024-01-01");
    }
}
