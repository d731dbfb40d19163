//! One import, whatever the file: its format is told by the content type or name (or sniffed
//! from the bytes), every row is validated, and the report says what was normalized and why
//! each rejected row was rejected. Shared by `mulu import`, `POST /api/v1/imports` and harvests.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};

use catalog::{Actor, Catalog, CatalogError};
use rayon::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use crate::corpus::{self, CorpusRecord, Mapped, Normalization};
use crate::rows::{ParsedFile, ParsedRow, RowProblem, column_for_field, parse_directory_file};

/// The kinds of file an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// A filled directory template, Excel workbook.
    Xlsx,
    /// The template's resource sheet as CSV (UTF-8).
    Csv,
    /// Open-data corpus records, one JSON object per line.
    Jsonl,
    /// The same, gzip-compressed.
    JsonlGz,
}

impl SourceFormat {
    /// By file name: `.xlsx`, `.csv`, `.jsonl`/`.ndjson`, `.jsonl.gz`.
    pub fn from_name(name: &str) -> Option<SourceFormat> {
        let name = name.to_ascii_lowercase();
        [
            (".jsonl.gz", SourceFormat::JsonlGz),
            (".ndjson.gz", SourceFormat::JsonlGz),
            (".jsonl", SourceFormat::Jsonl),
            (".ndjson", SourceFormat::Jsonl),
            (".xlsx", SourceFormat::Xlsx),
            (".csv", SourceFormat::Csv),
        ]
        .into_iter()
        .find(|(ext, _)| name.ends_with(ext))
        .map(|(_, f)| f)
    }

    /// By media type; `None` for generic types (`application/octet-stream`) that say nothing.
    /// `Err` for a media type that is certainly not an import file (e.g. `application/json`).
    pub fn from_media_type(media_type: &str) -> Result<Option<SourceFormat>, String> {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        Ok(Some(match essence.as_str() {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
                SourceFormat::Xlsx
            }
            "text/csv" | "application/csv" | "text/plain" => SourceFormat::Csv,
            "application/x-ndjson"
            | "application/jsonl"
            | "application/x-jsonlines"
            | "application/jsonlines" => SourceFormat::Jsonl,
            "application/gzip" | "application/x-gzip" => SourceFormat::JsonlGz,
            "application/octet-stream" | "" => return Ok(None),
            other => {
                return Err(format!(
                    "不支持的文件类型 {other}：请上传 .xlsx 模板（{XLSX}）、CSV（text/csv）\
                     或 JSON Lines（application/x-ndjson，可 gzip 压缩）",
                    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                ));
            }
        }))
    }

    /// By content: xlsx is a zip ("PK\x03\x04"), gzip starts 1f 8b, JSON Lines with '{';
    /// anything else is read as CSV.
    pub fn sniff(bytes: &[u8]) -> SourceFormat {
        let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let first = start.iter().find(|b| !b.is_ascii_whitespace());
        if bytes.starts_with(b"PK\x03\x04") {
            SourceFormat::Xlsx
        } else if bytes.starts_with(&[0x1f, 0x8b]) {
            SourceFormat::JsonlGz
        } else if first == Some(&b'{') {
            SourceFormat::Jsonl
        } else {
            SourceFormat::Csv
        }
    }
}

/// How often one field was normalized from one raw value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Normalized {
    pub field: String,
    pub raw: String,
    pub normalized: String,
    pub count: usize,
}

/// A file read and validated, not yet written.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    pub parsed: ParsedFile,
    pub normalized: Vec<Normalized>,
}

impl Prepared {
    /// Whether a write may go ahead: all rows valid, or `partial` and at least one valid.
    pub fn writable(&self, partial: bool) -> bool {
        !self.parsed.valid.is_empty() && (partial || self.parsed.problems.is_empty())
    }
}

/// Read and validate `bytes` as `format`; `source` names the file in problems of corpus rows.
/// A file without a single data row is a problem too: there is nothing to import.
pub fn prepare(bytes: &[u8], format: SourceFormat, source: &str) -> Prepared {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Prepared {
            parsed: ParsedFile {
                problems: vec![whole_file("文件为空")],
                ..ParsedFile::default()
            },
            normalized: Vec::new(),
        };
    }
    let mut prepared = match format {
        SourceFormat::Xlsx | SourceFormat::Csv => Prepared {
            parsed: parse_directory_file(bytes),
            normalized: Vec::new(),
        },
        SourceFormat::Jsonl => corpus_lines(BufReader::new(bytes), source),
        SourceFormat::JsonlGz => {
            corpus_lines(BufReader::new(flate2::read::GzDecoder::new(bytes)), source)
        }
    };
    if prepared.parsed.total_rows == 0 && prepared.parsed.problems.is_empty() {
        prepared
            .parsed
            .problems
            .push(whole_file("文件中没有数据行，没有可导入的内容"));
    }
    prepared
}

fn whole_file(message: impl Into<String>) -> RowProblem {
    RowProblem {
        sheet: String::new(),
        row: 0,
        column: String::new(),
        cell: None,
        value: None,
        message: message.into(),
    }
}

/// Corpus records, one per line; a line that is not a record is that row's problem.
fn corpus_lines(reader: impl BufRead, source: &str) -> Prepared {
    let mut lines = Vec::new();
    for (i, line) in reader.split(b'\n').enumerate() {
        match line {
            Ok(l) if l.iter().all(u8::is_ascii_whitespace) => {}
            Ok(l) => lines.push((i + 1, l)),
            Err(e) => {
                return Prepared {
                    parsed: ParsedFile {
                        problems: vec![whole_file(format!(
                            "文件第 {} 行处无法读取（压缩数据损坏？）：{e}",
                            i + 1
                        ))],
                        ..ParsedFile::default()
                    },
                    normalized: Vec::new(),
                };
            }
        }
    }
    // Lines are independent: parsed on every core (the writer waits for the whole report).
    let rows = lines
        .into_par_iter()
        .map(|(row, line)| {
            let record = std::str::from_utf8(&line)
                .map_err(|_| "该行不是 UTF-8 文本".to_string())
                .and_then(|text| {
                    serde_json::from_str::<CorpusRecord>(text)
                        .map_err(|e| format!("该行不是有效的目录记录：{e}"))
                })
                .map(|r| corpus::map_record(&r));
            (row, record)
        })
        .collect();
    validate_mapped(rows, source)
}

/// Mapped foreign records (corpus lines, harvested datasets) through the same validation as a
/// template: each row is either a valid draft or carries its problems; normalizations counted.
pub fn validate_mapped(rows: Vec<(usize, Result<Mapped, String>)>, source: &str) -> Prepared {
    let mut counts: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let mut parsed = ParsedFile {
        total_rows: rows.len(),
        ..ParsedFile::default()
    };
    let problem = |row, column: String, message: String| RowProblem {
        sheet: source.to_string(),
        row,
        column,
        cell: None,
        value: None,
        message,
    };
    // Validation is per row: on every core, then gathered in row order.
    let checked: Vec<_> = rows
        .into_par_iter()
        .map(|(row, mapped)| {
            let checked = mapped.map(|m| {
                let verdict = m.content.validate();
                (m, verdict)
            });
            (row, checked)
        })
        .collect();
    for (row, checked) in checked {
        let (mapped, verdict) = match checked {
            Ok(checked) => checked,
            Err(message) => {
                parsed.problems.push(problem(row, String::new(), message));
                continue;
            }
        };
        for Normalization {
            field,
            raw,
            normalized,
        } in mapped.notes
        {
            *counts
                .entry((field.to_string(), raw, normalized))
                .or_default() += 1;
        }
        match verdict {
            Ok(()) => parsed.valid.push(ParsedRow {
                row,
                content: mapped.content,
            }),
            Err(CatalogError::Invalid { field, message }) => {
                let field = field.strip_prefix("content.").unwrap_or(&field);
                let column = match column_for_field(field) {
                    "" => field.to_string(),
                    header => header.to_string(),
                };
                parsed.problems.push(problem(row, column, message));
            }
            Err(other) => parsed
                .problems
                .push(problem(row, String::new(), other.to_string())),
        }
    }
    let normalized = counts
        .into_iter()
        .map(|((field, raw, normalized), count)| Normalized {
            field,
            raw,
            normalized,
            count,
        })
        .collect();
    Prepared { parsed, normalized }
}

/// What an import did (or, in a dry run, would do); also the upload endpoint's answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Resource rows found in the file.
    pub total_rows: usize,
    /// Rows that passed validation.
    pub valid_rows: usize,
    /// Rows with at least one problem (never imported).
    pub rejected: usize,
    /// Drafts created (0 in a dry run and when the file was refused).
    pub imported: usize,
    /// Nothing was written because this was a dry run.
    pub dry_run: bool,
    /// Every problem, with sheet, row, column (the template's Chinese header), cell and a
    /// Chinese message. Row 0 is the file as a whole; row 1 the header row.
    pub problems: Vec<RowProblem>,
    /// Values changed on the way in, e.g. an update frequency mapped to a standard one.
    pub normalized: Vec<Normalized>,
    /// Codes of the drafts created, in row order.
    pub codes: Vec<String>,
}

/// How an import writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportMode {
    /// Import the valid rows even when others have problems (default: all or nothing).
    pub partial: bool,
    /// Validate and report only.
    pub dry_run: bool,
}

/// Write a prepared file's valid rows as drafts of `provider_id` (in one transaction, through
/// the catalog, each with its audit event) when `mode` allows it; report either way.
/// `progress` hears how many rows are written so far.
pub async fn import_prepared(
    catalog: &Catalog,
    actor: &Actor,
    provider_id: Uuid,
    prepared: Prepared,
    mode: ImportMode,
    progress: impl Fn(usize) + Send,
) -> Result<ImportReport, CatalogError> {
    let write = !mode.dry_run && prepared.writable(mode.partial);
    let Prepared { parsed, normalized } = prepared;
    let mut report = ImportReport {
        total_rows: parsed.total_rows,
        valid_rows: parsed.valid.len(),
        rejected: parsed.invalid_rows(),
        imported: 0,
        dry_run: mode.dry_run,
        problems: parsed.problems,
        normalized,
        codes: Vec::new(),
    };
    if write {
        let contents = parsed.valid.into_iter().map(|r| r.content).collect();
        let created = catalog
            .import_drafts(actor, provider_id, contents, progress)
            .await?;
        report.codes = created
            .into_iter()
            .map(|r| r.code.as_str().to_string())
            .collect();
        report.imported = report.codes.len();
    }
    Ok(report)
}

/// Read a whole file from disk (gzip is inflated by `prepare`).
pub fn read_path(path: &std::path::Path) -> Result<(Vec<u8>, SourceFormat), String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| format!("无法读取 {}：{e}", path.display()))?;
    let format = SourceFormat::from_name(&path.display().to_string())
        .unwrap_or_else(|| SourceFormat::sniff(&bytes));
    Ok((bytes, format))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::csv_template;

    #[test]
    fn formats_by_name_type_and_content() {
        assert_eq!(
            SourceFormat::from_name("a/b.JSONL.gz"),
            Some(SourceFormat::JsonlGz)
        );
        assert_eq!(SourceFormat::from_name("x.xlsx"), Some(SourceFormat::Xlsx));
        assert_eq!(SourceFormat::from_name("x.txt"), None);
        assert_eq!(
            SourceFormat::from_media_type("text/csv; charset=utf-8"),
            Ok(Some(SourceFormat::Csv))
        );
        assert_eq!(
            SourceFormat::from_media_type("application/octet-stream"),
            Ok(None)
        );
        assert!(SourceFormat::from_media_type("application/json").is_err());
        assert_eq!(SourceFormat::sniff(b"PK\x03\x04.."), SourceFormat::Xlsx);
        assert_eq!(SourceFormat::sniff(b"\x1f\x8b.."), SourceFormat::JsonlGz);
        assert_eq!(SourceFormat::sniff(b"\n {\"id\":1}"), SourceFormat::Jsonl);
        assert_eq!(
            SourceFormat::sniff("资源名称,x".as_bytes()),
            SourceFormat::Csv
        );
    }

    #[test]
    fn corpus_lines_report_bad_lines_by_number_and_count_normalizations() {
        let good = r#"{"id":"1","title":"道路名录","update_frequency":"年","province":"四川省","source":"s"}"#;
        let file = format!(
            "{good}\n\nnot json\n{{\"id\":\"2\",\"title\":\"\",\"province\":\"四川省\",\"source\":\"s\"}}\n"
        );
        let p = prepare(file.as_bytes(), SourceFormat::Jsonl, "up.jsonl");
        assert_eq!(p.parsed.total_rows, 3);
        assert_eq!(p.parsed.valid.len(), 1);
        let rows: Vec<usize> = p.parsed.problems.iter().map(|p| p.row).collect();
        assert_eq!(rows, vec![3, 4]);
        assert_eq!(p.parsed.problems[1].column, "资源名称");
        assert!(
            p.normalized
                .iter()
                .any(|n| n.field == "update_frequency" && n.raw == "年" && n.count == 1)
        );
        assert!(!p.writable(false));
        assert!(p.writable(true));
    }

    #[test]
    fn empty_and_corrupt_files_are_whole_file_problems() {
        let p = prepare(b"", SourceFormat::Csv, "x");
        assert_eq!(p.parsed.problems[0].row, 0);
        let p = prepare(b"\x1f\x8b\x08garbage", SourceFormat::JsonlGz, "x");
        assert_eq!(p.parsed.problems.len(), 1);
        assert_eq!(p.parsed.problems[0].row, 0);
        let p = prepare(&csv_template(), SourceFormat::Csv, "x");
        assert!(p.writable(false));
        assert_eq!(p.parsed.total_rows, 1);
    }
}
