//! Spreadsheet bombs, built here with the zip crate, are refused as a whole with a Chinese
//! message before they cost memory: a sheet declaring every cell of Excel, a shared string that
//! unpacks 1,000-fold, a sheet of invalid rows whose report would dwarf the file, and the JSON
//! Lines and CSV counterparts.

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

use importers::limits::Limits;
use importers::report::{SourceFormat, prepare, prepare_within};
use importers::rows::{ParsedFile, parse_directory_file, parse_directory_file_within};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="资源目录" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SST_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#;
const SST_TAIL: &str = "</t></si></sst>";

/// A workbook of one sheet "资源目录" (`sheet_data` inside `<sheetData>`, after a `<dimension>`),
/// and a shared-string table whose one string is `shared_string` repeated `times` times.
fn workbook(dimension: &str, sheet_data: &str, shared_string: &[u8], times: usize) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, text) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>"#
    )
    .unwrap();
    zip.start_file("xl/sharedStrings.xml", options).unwrap();
    zip.write_all(SST_HEAD.as_bytes()).unwrap();
    for _ in 0..times {
        zip.write_all(shared_string).unwrap();
    }
    zip.write_all(SST_TAIL.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// The one whole-file problem of a refused file, and the limit named.
fn refusal(parsed: &ParsedFile) -> (&str, &str) {
    assert!(parsed.valid.is_empty());
    assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
    assert_eq!(parsed.problems[0].row, 0);
    let limit = parsed.too_large.as_ref().map_or("", |e| e.limit);
    (&parsed.problems[0].message, limit)
}

fn quickly<T>(what: &str, work: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = work();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "{what} took {took:?}");
    out
}

const HEADER_CELL: &str = r#"<c r="A1" t="inlineStr"><is><t>资源名称</t></is></c>"#;

#[test]
fn a_sheet_declaring_every_cell_of_excel_is_refused_before_its_cells_are_read() {
    let lonely = workbook(
        "A1:XFD1048576",
        r#"<row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>"#,
        b"x",
        1,
    );
    // With a header cell too, a reader that builds the sheet's grid asks for 16384 × 1048576
    // cells.
    let grid = workbook(
        "A1:XFD1048576",
        &format!(
            r#"<row r="1">{HEADER_CELL}</row><row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>"#
        ),
        b"x",
        1,
    );
    for bytes in [lonely, grid] {
        assert!(bytes.len() < 10_000, "a bomb of {} bytes", bytes.len());
        let parsed = quickly("the dimension bomb", || parse_directory_file(&bytes));
        let (message, limit) = refusal(&parsed);
        assert_eq!(limit, "max_rows");
        assert!(
            message.contains("A1:XFD1048576") && message.contains("1048576 行"),
            "{message}"
        );
        assert!(message.contains("上限"), "{message}");
    }
}

#[test]
fn a_sheet_hiding_its_size_is_refused_at_the_first_cell_out_of_bounds() {
    // The dimension says one cell; the cells say otherwise.
    let bytes = workbook(
        "A1",
        &format!(
            r#"<row r="1">{HEADER_CELL}</row><row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>"#
        ),
        b"x",
        1,
    );
    let parsed = quickly("the hidden grid", || parse_directory_file(&bytes));
    let (message, limit) = refusal(&parsed);
    assert_eq!(limit, "max_columns");
    assert!(message.contains("XFD1048576"), "{message}");
}

#[test]
fn a_shared_string_that_unpacks_a_thousandfold_is_refused_unread() {
    // 400 MiB of one character: a few hundred KiB compressed.
    let chunk = vec![b'A'; 1 << 20];
    let bytes = workbook(
        "A1:A2",
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>"#,
        &chunk,
        400,
    );
    assert!(bytes.len() < 1 << 20, "a bomb of {} bytes", bytes.len());
    let parsed = quickly("the shared-string bomb", || parse_directory_file(&bytes));
    let (message, limit) = refusal(&parsed);
    assert_eq!(limit, "max_compression_ratio");
    assert!(
        message.contains("sharedstrings.xml") && message.contains("压缩炸弹"),
        "{message}"
    );
    // Each limit holds on its own: the shared strings' size, then the total unpacked.
    let no_ratio = Limits {
        max_compression_ratio: u64::MAX,
        ..Limits::default()
    };
    let parsed = quickly("the shared-string bomb", || {
        parse_directory_file_within(&bytes, &no_ratio)
    });
    let (message, limit) = refusal(&parsed);
    assert_eq!(limit, "max_shared_strings_bytes");
    assert!(message.contains("共享字符串表"), "{message}");
    let no_part_limit = Limits {
        max_shared_strings_bytes: u64::MAX,
        ..no_ratio
    };
    let parsed = quickly("the shared-string bomb", || {
        parse_directory_file_within(&bytes, &no_part_limit)
    });
    let (message, limit) = refusal(&parsed);
    assert_eq!(limit, "max_unpacked_bytes");
    assert!(message.contains("解压后超过 256 MiB"), "{message}");
}

#[test]
fn a_shared_string_used_by_every_cell_is_counted_once_per_cell() {
    // One string of 1 MiB, used by 200 cells: 200 MiB of text from a small file.
    let mut cells = String::from(r#"<row r="1">"#);
    cells.push_str(HEADER_CELL);
    cells.push_str("</row>");
    for r in 2..=201 {
        cells.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#
        ));
    }
    let bytes = workbook("A1:A201", &cells, &[b'a'; 1024], 1024);
    let limits = Limits {
        max_compression_ratio: u64::MAX,
        max_cell_chars: usize::MAX,
        ..Limits::default()
    };
    let parsed = quickly("the shared-string multiplier", || {
        parse_directory_file_within(&bytes, &limits)
    });
    let (message, limit) = refusal(&parsed);
    assert_eq!(limit, "max_text_bytes");
    assert!(message.contains("96 MiB"), "{message}");
}

#[test]
fn a_sheet_of_invalid_rows_gives_a_small_report_that_counts_every_problem() {
    const ROWS: usize = 30_000;
    let header = [
        "资源名称",
        "资源摘要",
        "数据分级",
        "共享类型",
        "开放类型",
        "更新频率",
    ];
    let mut data = String::from(r#"<row r="1">"#);
    for (i, h) in header.iter().enumerate() {
        let column = (b'A' + i as u8) as char;
        data.push_str(&format!(
            r#"<c r="{column}1" t="inlineStr"><is><t>{h}</t></is></c>"#
        ));
    }
    data.push_str("</row>");
    for r in 2..ROWS + 2 {
        // No name or summary, and four values that are not the template's.
        data.push_str(&format!(
            r#"<row r="{r}"><c r="C{r}" t="inlineStr"><is><t>秘密{r}</t></is></c><c r="D{r}" t="inlineStr"><is><t>随便</t></is></c><c r="E{r}" t="inlineStr"><is><t>乱写</t></is></c><c r="F{r}" t="inlineStr"><is><t>看情况</t></is></c></row>"#
        ));
    }
    let bytes = workbook(&format!("A1:F{}", ROWS + 1), &data, b"x", 1);
    let parsed = parse_directory_file(&bytes);
    assert_eq!(parsed.total_rows, ROWS);
    assert!(parsed.valid.is_empty());
    assert!(parsed.too_large.is_none());
    assert_eq!(parsed.problem_count, ROWS * 6, "{:?}", parsed.problem_kinds);
    assert_eq!(parsed.problems.len(), 1_000);
    // The first problems of the file, in its order.
    assert_eq!(parsed.problems[0].row, 2);
    assert!(parsed.problems.iter().all(|p| p.row <= 2 + 1_000 / 6));
    let grades = parsed
        .problem_kinds
        .iter()
        .find(|k| k.column == "数据分级")
        .unwrap();
    assert_eq!(grades.count, ROWS);
    assert!(grades.example.contains("秘密"), "{}", grades.example);
    let report = serde_json::to_vec(&(&parsed.problems, &parsed.problem_kinds)).unwrap();
    assert!(
        report.len() < 512 * 1024,
        "a report of {} bytes",
        report.len()
    );
}

#[test]
fn too_many_rows_refuse_the_file_as_a_whole() {
    let limits = Limits {
        max_rows: 100,
        ..Limits::default()
    };
    let mut csv = String::from("资源名称*,资源摘要*\n");
    for i in 0..150 {
        csv.push_str(&format!("资源{i},摘要\n"));
    }
    let parsed = prepare_within(csv.as_bytes(), SourceFormat::Csv, "x.csv", &limits).parsed;
    let (message, limit) = refusal(&parsed);
    assert_eq!(limit, "max_rows");
    assert!(message.contains("100 行"), "{message}");
}

#[test]
fn a_gzip_bomb_of_json_lines_is_refused_while_it_unpacks() {
    // 200 MiB of blank lines: a few hundred KiB compressed.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let mut line = vec![b' '; 512 * 1024];
    line.push(b'\n');
    for _ in 0..400 {
        gz.write_all(&line).unwrap();
    }
    let gz = gz.finish().unwrap();
    let prepared = quickly("the gzip bomb", || {
        prepare(&gz, SourceFormat::JsonlGz, "bomb.jsonl.gz")
    });
    let (message, limit) = refusal(&prepared.parsed);
    assert_eq!(limit, "max_text_bytes");
    assert!(message.contains("解压后超过"), "{message}");
    // One endless line is refused at its limit, not buffered.
    let line = vec![b'{'; 2 << 20];
    let prepared = prepare(&line, SourceFormat::Jsonl, "line.jsonl");
    let (message, limit) = refusal(&prepared.parsed);
    assert_eq!(limit, "max_line_bytes");
    assert!(message.contains("第 1 行"), "{message}");
}
