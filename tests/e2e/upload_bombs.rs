//! Spreadsheet bombs against the real server (POST /api/v1/imports) and `mulu import`: a 2 KiB
//! workbook whose sheet spans A1:XFD1048576, a 400 KiB workbook whose one shared string unpacks
//! to 400 MiB, a gzip file of JSON Lines that unpacks without end, and a sheet of 60,000 invalid
//! rows. Each is refused (413, or 422 with a small report) with a Chinese problem, and the peak
//! resident memory (VmHWM) of the process that read it stays within the figure README
//! "Security" documents: an upload raises the server's peak by at most 512 MiB, a bomb by far
//! less.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;

use crate::app::{PROVIDER, TestApp};
use crate::server::{MULU, Server, mulu};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const MIB: u64 = 1024 * 1024;
/// README "Security": one upload raises the server's peak resident memory by at most this.
const UPLOAD_BOUND: u64 = 512 * MIB;
/// A bomb is refused before it is unpacked: it costs the reader next to nothing.
const BOMB_BOUND: u64 = 64 * MIB;

/// The peak resident memory of process `pid` so far (`VmHWM`), in bytes.
fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// One entry of a zip file: its name and its bytes, given as `head`, then `chunk` repeated
/// `times` times, then `tail` (so a bomb is deflated without ever being held).
struct Entry<'a> {
    name: &'a str,
    head: &'a [u8],
    chunk: &'a [u8],
    times: usize,
    tail: &'a [u8],
}

impl<'a> Entry<'a> {
    fn text(name: &'a str, text: &'a str) -> Self {
        Entry {
            name,
            head: text.as_bytes(),
            chunk: b"",
            times: 0,
            tail: b"",
        }
    }
}

/// A zip file of deflated entries with true sizes and checksums, as every zip writer makes it.
fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for entry in entries {
        let mut crc = flate2::Crc::new();
        let mut deflate =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        let mut feed = |bytes: &[u8]| {
            crc.update(bytes);
            deflate.write_all(bytes).unwrap();
        };
        feed(entry.head);
        for _ in 0..entry.times {
            feed(entry.chunk);
        }
        feed(entry.tail);
        let packed = deflate.finish().unwrap();
        let unpacked = crc.amount();
        let offset = out.len() as u32;
        // Version 2.0, no flags, deflate, 1980-01-01 00:00.
        let common = |header: &mut Vec<u8>| {
            header.extend(20u16.to_le_bytes());
            header.extend(0u16.to_le_bytes());
            header.extend(8u16.to_le_bytes());
            header.extend(0u16.to_le_bytes());
            header.extend(0x21u16.to_le_bytes());
            header.extend(crc.sum().to_le_bytes());
            header.extend((packed.len() as u32).to_le_bytes());
            header.extend(unpacked.to_le_bytes());
            header.extend((entry.name.len() as u16).to_le_bytes());
            header.extend(0u16.to_le_bytes());
        };
        out.extend(b"PK\x03\x04");
        common(&mut out);
        out.extend(entry.name.as_bytes());
        out.extend(&packed);
        directory.extend(b"PK\x01\x02");
        directory.extend(20u16.to_le_bytes());
        common(&mut directory);
        // No comment, disk 0, no attributes.
        directory.extend([0u8; 6]);
        directory.extend(0u32.to_le_bytes());
        directory.extend(offset.to_le_bytes());
        directory.extend(entry.name.as_bytes());
    }
    let start = out.len() as u32;
    out.extend(&directory);
    out.extend(b"PK\x05\x06");
    out.extend([0u8; 4]);
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((directory.len() as u32).to_le_bytes());
    out.extend(start.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="资源目录" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A workbook of one sheet "资源目录" (`<dimension ref=dimension>`, then `rows`) whose one shared
/// string is `chunk` repeated `times` times.
fn workbook(dimension: &str, rows: &str, chunk: &[u8], times: usize) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    );
    zip(&[
        Entry::text("[Content_Types].xml", CONTENT_TYPES),
        Entry::text("_rels/.rels", RELS),
        Entry::text("xl/workbook.xml", WORKBOOK),
        Entry::text("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        Entry::text("xl/worksheets/sheet1.xml", &sheet),
        Entry {
            name: "xl/sharedStrings.xml",
            head: br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#,
            chunk,
            times,
            tail: b"</t></si></sst>",
        },
    ])
}

/// A header cell in A1 and one cell at XFD1048576: a reader that builds the sheet's grid asks
/// for 16,384 × 1,048,576 cells.
fn dimension_bomb() -> Vec<u8> {
    workbook(
        "A1:XFD1048576",
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>资源名称</t></is></c></row><row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>"#,
        b"x",
        1,
    )
}

/// 400 MiB of one character in the shared-string table: about 400 KiB compressed.
fn shared_string_bomb() -> Vec<u8> {
    workbook(
        "A1:A2",
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>"#,
        &vec![b'A'; MIB as usize],
        400,
    )
}

/// 1 GiB of blank lines, gzip-compressed to about 1 MiB.
fn gzip_bomb() -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let mut line = vec![b' '; 512 * 1024];
    line.push(b'\n');
    for _ in 0..2048 {
        gz.write_all(&line).unwrap();
    }
    gz.finish().unwrap()
}

const INVALID_ROWS: usize = 60_000;

/// A sheet of rows that are all wrong: no name, no summary and four values that are not the
/// template's; six problems each.
fn invalid_rows() -> Vec<u8> {
    let header = [
        "资源名称",
        "资源摘要",
        "数据分级",
        "共享类型",
        "开放类型",
        "更新频率",
    ];
    let mut rows = String::from(r#"<row r="1">"#);
    for (i, h) in header.iter().enumerate() {
        let column = (b'A' + i as u8) as char;
        rows.push_str(&format!(
            r#"<c r="{column}1" t="inlineStr"><is><t>{h}</t></is></c>"#
        ));
    }
    rows.push_str("</row>");
    for r in 2..INVALID_ROWS + 2 {
        rows.push_str(&format!(
            r#"<row r="{r}"><c r="C{r}" t="inlineStr"><is><t>秘密{r}</t></is></c><c r="D{r}" t="inlineStr"><is><t>随便</t></is></c><c r="E{r}" t="inlineStr"><is><t>乱写</t></is></c><c r="F{r}" t="inlineStr"><is><t>看情况</t></is></c></row>"#
        ));
    }
    workbook(&format!("A1:F{}", INVALID_ROWS + 1), &rows, b"x", 1)
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The provider and its token.
fn setup() -> (TestApp, String) {
    let app = TestApp::new().with_org(PROVIDER);
    let token = app.token(&PROVIDER);
    (app, token)
}

struct Refusal {
    status: StatusCode,
    body: Value,
    bytes: usize,
    /// How far the upload raised the server's peak resident memory.
    growth: u64,
}

async fn upload(server: &Server, token: &str, content_type: &str, bytes: Vec<u8>) -> Refusal {
    let before = peak_rss(server.pid()).expect("the server runs");
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/imports"))
        .bearer_auth(token)
        .header(CONTENT_TYPE, content_type)
        .body(bytes)
        .timeout(Duration::from_secs(120))
        .send()
        .await
        .expect("the server answers (and is still alive)");
    let status = response.status();
    assert_eq!(
        response.headers()[CONTENT_TYPE],
        "application/problem+json",
        "{status}"
    );
    let raw = response.bytes().await.unwrap();
    let after = peak_rss(server.pid()).expect("the server survives the upload");
    let body: Value = serde_json::from_slice(&raw).unwrap();
    assert_eq!(body["status"], status.as_u16(), "{body}");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(has_chinese(detail), "a Chinese detail: {body}");
    assert_eq!(body["field"], "body", "{body}");
    Refusal {
        status,
        body,
        bytes: raw.len(),
        growth: after.saturating_sub(before),
    }
}

/// `mulu import FILE --json`, its peak resident memory sampled from here every few
/// milliseconds while it runs: (exit code, report, peak bytes).
fn import(d: &Path, file: &Path) -> (Option<i32>, Value, u64) {
    let mut child = Command::new(MULU)
        .arg("import")
        .arg(file)
        .args(["--provider", PROVIDER.uscc, "--json", "--data-dir"])
        .arg(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).unwrap();
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let mut peak = 0;
    let status = loop {
        if let Some(rss) = peak_rss(pid) {
            peak = peak.max(rss);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let stdout = stdout.join().unwrap();
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap()).to_string();
    let report = serde_json::from_slice(&stdout)
        .unwrap_or_else(|e| panic!("{e}: the report of {} ({status}): {stderr}", file.display()));
    (status.code(), report, peak)
}

/// The one whole-file problem of a refused report.
fn whole_file_message(report: &Value) -> String {
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{report}");
    assert_eq!(problems[0]["row"], 0, "{report}");
    assert_eq!(report["imported"], 0, "{report}");
    problems[0]["message"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn upload_bombs_are_refused_within_the_documented_memory() {
    let (app, token) = setup();
    let d = app.dir();
    let server = Server::start_empty(d);

    let bombs = [
        ("dimension", XLSX, dimension_bomb(), "A1:XFD1048576"),
        ("shared-string", XLSX, shared_string_bomb(), "压缩炸弹"),
        ("gzip", "application/gzip", gzip_bomb(), "解压后超过"),
    ];
    for (name, content_type, bytes, says) in bombs {
        assert!(
            bytes.len() < 2 * MIB as usize,
            "the {name} bomb is small: {}",
            bytes.len()
        );
        let refused = upload(&server, &token, content_type, bytes.clone()).await;
        assert_eq!(
            refused.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{name}: {}",
            refused.body
        );
        assert_eq!(
            refused.body["type"], "https://mulu.example/problems/import-too-large",
            "{name}"
        );
        let detail = refused.body["detail"].as_str().unwrap();
        assert!(
            detail.contains(says) && detail.contains("上限"),
            "{name}: {detail}"
        );
        assert!(has_chinese(&whole_file_message(&refused.body["report"])));
        assert!(refused.bytes < 16 * 1024, "{name}: {} bytes", refused.bytes);
        eprintln!("{name} bomb: server peak +{} MiB", refused.growth / MIB);
        assert!(
            refused.growth < BOMB_BOUND,
            "the {name} bomb raised the server's peak by {} MiB",
            refused.growth / MIB
        );

        // The same file from the command line.
        let file = d.join(format!(
            "{name}.{}",
            if content_type == XLSX {
                "xlsx"
            } else {
                "txt.gz"
            }
        ));
        // (`mulu import` streams a file named .jsonl[.gz]; any other name is read whole, as an
        // upload is.)
        std::fs::write(&file, &bytes).unwrap();
        let (code, report, peak) = import(d, &file);
        assert_eq!(code, Some(1), "{name}: {report}");
        let message = whole_file_message(&report);
        assert!(
            has_chinese(&message) && message.contains(says),
            "{name}: {message}"
        );
        eprintln!("{name} bomb: mulu import peak {} MiB", peak / MIB);
        assert!(
            peak < 128 * MIB,
            "mulu import of the {name} bomb peaked at {} MiB",
            peak / MIB
        );
    }

    // Nothing was written; the server still serves.
    let audit = mulu(d, &["audit", "verify"]);
    assert!(has_chinese(&audit), "{audit}");
}

#[tokio::test]
async fn a_sheet_of_invalid_rows_gets_a_small_report_that_counts_every_problem() {
    let (app, token) = setup();
    let d = app.dir();
    let server = Server::start_empty(d);
    let bytes = invalid_rows();

    let refused = upload(&server, &token, XLSX, bytes.clone()).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let report = &refused.body["report"];
    assert_eq!(report["total_rows"], INVALID_ROWS);
    assert_eq!(report["rejected"], INVALID_ROWS);
    assert_eq!(report["problem_count"], INVALID_ROWS * 6);
    assert_eq!(report["problems"].as_array().unwrap().len(), 1_000);
    assert_eq!(report["problems"][0]["row"], 2);
    let kinds = report["problem_kinds"].as_array().unwrap();
    let grades = kinds
        .iter()
        .find(|k| k["column"] == "数据分级")
        .unwrap_or_else(|| panic!("{kinds:?}"));
    assert_eq!(grades["count"], INVALID_ROWS);
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("共 {} 个问题", INVALID_ROWS * 6))
            && detail.contains("前 1000 个"),
        "{detail}"
    );
    assert!(
        refused.bytes < 512 * 1024,
        "a report of {} bytes",
        refused.bytes
    );
    eprintln!(
        "{INVALID_ROWS} invalid rows: server peak +{} MiB, report {} KiB",
        refused.growth / MIB,
        refused.bytes / 1024
    );
    assert!(
        refused.growth < UPLOAD_BOUND,
        "the invalid rows raised the server's peak by {} MiB",
        refused.growth / MIB
    );

    let file = d.join("invalid.xlsx");
    std::fs::write(&file, &bytes).unwrap();
    let (code, report, peak) = import(d, &file);
    assert_eq!(code, Some(1));
    assert_eq!(report["problem_count"], INVALID_ROWS * 6);
    assert_eq!(report["problems"].as_array().unwrap().len(), 1_000);
    eprintln!(
        "{INVALID_ROWS} invalid rows: mulu import peak {} MiB",
        peak / MIB
    );
    assert!(
        peak < UPLOAD_BOUND,
        "mulu import peaked at {} MiB",
        peak / MIB
    );
}
