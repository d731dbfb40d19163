//! One import, whatever the file: its format is told by the content type or name (or sniffed
//! from the bytes), every row is validated, and the report says what was normalized and why
//! each rejected row was rejected. Shared by `mulu import`, `POST /api/v1/imports` and harvests.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read};

use catalog::{Actor, Catalog, CatalogError};
use rayon::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use crate::corpus::{self, CorpusRecord, Mapped, Normalization};
use crate::limits::{LimitExceeded, Limits, clip, size};
use crate::problems::{ProblemKind, ProblemLog};
use crate::rows::{
    ParsedFile, ParsedRow, RowProblem, column_for_field, parse_directory_file_within,
};

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
        !self.parsed.valid.is_empty() && (partial || self.parsed.problem_count == 0)
    }
}

/// Read and validate `bytes` as `format` within the default [`Limits`]; `source` names the file
/// in problems of corpus rows. A file without a single data row is a problem too: there is
/// nothing to import.
pub fn prepare(bytes: &[u8], format: SourceFormat, source: &str) -> Prepared {
    prepare_within(bytes, format, source, &Limits::default())
}

/// `prepare`, refusing a file over one of `limits` as a whole (`parsed.too_large`).
pub fn prepare_within(
    bytes: &[u8],
    format: SourceFormat,
    source: &str,
    limits: &Limits,
) -> Prepared {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        let mut parsed = ParsedFile::default();
        parsed.push_whole_file_problem("", "文件为空");
        return Prepared {
            parsed,
            normalized: Vec::new(),
        };
    }
    let mut prepared = match format {
        SourceFormat::Xlsx | SourceFormat::Csv => Prepared {
            parsed: parse_directory_file_within(bytes, limits),
            normalized: Vec::new(),
        },
        SourceFormat::Jsonl => corpus_lines(Unpacked::new(bytes, limits), source, limits),
        SourceFormat::JsonlGz => corpus_lines(
            Unpacked::new(flate2::read::GzDecoder::new(bytes), limits),
            source,
            limits,
        ),
    };
    if prepared.parsed.total_rows == 0 && prepared.parsed.problem_count == 0 {
        prepared.parsed.push_whole_file_problem("", NO_DATA_ROWS);
    }
    prepared
}

/// A file read whole, unpacked: at most `max_text_bytes` of it (a gzip file may unpack to
/// anything), then a [`LimitExceeded`] error.
struct Unpacked<R> {
    inner: R,
    left: u64,
    max: u64,
}

impl<R: Read> Unpacked<R> {
    fn new(inner: R, limits: &Limits) -> BufReader<Self> {
        BufReader::with_capacity(
            1 << 16,
            Unpacked {
                inner,
                left: limits.max_text_bytes,
                max: limits.max_text_bytes,
            },
        )
    }
}

impl<R: Read> Read for Unpacked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            io::Error::other(LimitExceeded::new(
                "max_text_bytes",
                format!(
                    "文件解压后超过 {}，超过了上传的上限；请拆分后分批导入，或用 mulu import 导入",
                    size(self.max)
                ),
            ))
        })?;
        Ok(n)
    }
}

/// The problem of a file that holds no data row: there is nothing to import.
pub(crate) const NO_DATA_ROWS: &str = "文件中没有数据行，没有可导入的内容";

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

/// Corpus records, one per line, all kept: at most `max_rows` of them. A line that is not a record
/// is that row's problem.
fn corpus_lines(reader: impl BufRead, source: &str, limits: &Limits) -> Prepared {
    let mut checker = RowChecker::within(source, limits);
    let mut lines = CorpusBatches::within(reader, limits, Some(limits.max_rows));
    let mut valid = Vec::new();
    while let Some(rows) = lines.next_checked(&mut checker) {
        valid.extend(rows);
    }
    checker.finish(valid)
}

/// Lines of a corpus file per batch of this many: big enough to keep every core busy, small
/// enough that a streaming import starts writing at once and holds little.
const LINES_PER_BATCH: usize = 4096;

/// A corpus file read batch by batch: each batch's lines are parsed, mapped and validated on
/// every core before the next batch is read.
pub struct CorpusBatches<R> {
    reader: R,
    lines_read: usize,
    rows: usize,
    max_line: usize,
    max_rows: Option<usize>,
    done: bool,
}

impl<R: BufRead> CorpusBatches<R> {
    /// Lines of at most the default `max_line_bytes`, as many as there are (a streaming import).
    pub fn new(reader: R) -> Self {
        Self::within(reader, &Limits::default(), None)
    }

    /// Lines of at most `limits.max_line_bytes`; more than `max_rows` records refuse the file.
    pub fn within(reader: R, limits: &Limits, max_rows: Option<usize>) -> Self {
        CorpusBatches {
            reader,
            lines_read: 0,
            rows: 0,
            max_line: limits.max_line_bytes,
            max_rows,
            done: false,
        }
    }

    /// The valid rows of the next batch (problems go to `checker`); `None` at the end of the
    /// file or after a read error (a whole-file problem: a corrupt file is not half imported).
    pub fn next_checked(&mut self, checker: &mut RowChecker) -> Option<Vec<ParsedRow>> {
        if self.done {
            return None;
        }
        let mut lines = Vec::with_capacity(LINES_PER_BATCH);
        while lines.len() < LINES_PER_BATCH {
            let mut line = Vec::new();
            // One byte more than a line may have: a longer line is refused, not buffered.
            let longest = self.max_line as u64 + 1;
            match (&mut self.reader)
                .take(longest)
                .read_until(b'\n', &mut line)
            {
                Ok(0) => {
                    self.done = true;
                    break;
                }
                Ok(_) => {
                    self.lines_read += 1;
                    if line.len() > self.max_line && line.last() != Some(&b'\n') {
                        self.done = true;
                        checker.too_large(LimitExceeded::new(
                            "max_line_bytes",
                            format!(
                                "文件第 {} 行超过 {}，不是有效的目录记录",
                                self.lines_read,
                                size(self.max_line as u64)
                            ),
                        ));
                        return None;
                    }
                    if !line.iter().all(u8::is_ascii_whitespace) {
                        self.rows += 1;
                        if let Some(max) = self.max_rows.filter(|max| self.rows > *max) {
                            self.done = true;
                            checker.too_large(LimitExceeded::new(
                                "max_rows",
                                format!(
                                    "文件超过 {max} 行记录，超过了上传的上限；\
                                     请拆分后分批导入，或用 mulu import 导入"
                                ),
                            ));
                            return None;
                        }
                        lines.push((self.lines_read, line));
                    }
                }
                Err(e) => {
                    self.done = true;
                    match e.get_ref().and_then(|e| e.downcast_ref::<LimitExceeded>()) {
                        Some(limit) => checker.too_large(limit.clone()),
                        None => checker.whole_file_problem(format!(
                            "文件第 {} 行处无法读取（压缩数据损坏？）：{e}",
                            self.lines_read + 1
                        )),
                    }
                    return None;
                }
            }
        }
        if lines.is_empty() {
            return None;
        }
        // Lines are independent: parsed on every core.
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
        Some(checker.check(rows))
    }
}

/// Mapped foreign records (corpus lines, harvested datasets) through the same validation as a
/// template: each row is either a valid draft or carries its problems; normalizations counted.
pub fn validate_mapped(rows: Vec<(usize, Result<Mapped, String>)>, source: &str) -> Prepared {
    let mut checker = RowChecker::new(source);
    let valid = checker.check(rows);
    checker.finish(valid)
}

/// Validation of mapped rows batch by batch, keeping the report so far: the first problems in
/// row order, every problem and every normalization counted.
pub struct RowChecker {
    source: String,
    total_rows: usize,
    valid_rows: usize,
    problems: ProblemLog,
    counts: BTreeMap<(String, String, String), usize>,
    max_normalizations: usize,
    /// Characters kept of a normalization's values.
    max_chars: usize,
    /// The file as a whole was refused (unreadable, empty): no row of it may be written.
    refused: bool,
    too_large: Option<LimitExceeded>,
}

/// A normalization among the ones past `max_normalizations`, counted per field.
const OTHER_RAW: &str = "（其余取值）";
const OTHER_NORMALIZED: &str = "（各不相同）";

impl RowChecker {
    /// `source` names the file in problems; the report is bounded by the default [`Limits`].
    pub fn new(source: &str) -> Self {
        Self::within(source, &Limits::default())
    }

    /// `source` names the file in problems; the report is bounded by `limits`.
    pub fn within(source: &str, limits: &Limits) -> Self {
        RowChecker {
            source: source.to_string(),
            total_rows: 0,
            valid_rows: 0,
            problems: ProblemLog::new(limits),
            counts: BTreeMap::new(),
            max_normalizations: limits.max_normalizations,
            max_chars: limits.max_problem_chars,
            refused: false,
            too_large: None,
        }
    }

    /// Whether any row (or the file) had a problem so far.
    pub fn has_problems(&self) -> bool {
        self.problems.total() > 0
    }

    /// Rows that passed so far.
    pub fn valid_rows(&self) -> usize {
        self.valid_rows
    }

    /// Rows checked so far.
    pub fn total_rows(&self) -> usize {
        self.total_rows
    }

    /// The report of an import whose rows were handed on batch by batch (not kept): `codes` are
    /// the drafts written.
    pub fn into_report(self, dry_run: bool, codes: Vec<String>) -> ImportReport {
        let valid_rows = if self.refused { 0 } else { self.valid_rows };
        let total_rows = self.total_rows;
        let Prepared { parsed, normalized } = self.finish(Vec::new());
        ImportReport {
            total_rows,
            valid_rows,
            rejected: total_rows - valid_rows,
            imported: codes.len(),
            dry_run,
            problems: parsed.problems,
            problem_count: parsed.problem_count,
            problem_kinds: parsed.problem_kinds,
            normalized,
            codes,
        }
    }

    /// Whether a whole-file problem refused the file: nothing of it may be written.
    pub fn refused(&self) -> bool {
        self.refused
    }

    /// A problem of the file as a whole (row 0); it refuses the file.
    pub fn whole_file_problem(&mut self, message: impl Into<String>) {
        self.problems.push(whole_file(message));
        self.refused = true;
    }

    /// The file is over a limit: refused as a whole.
    pub fn too_large(&mut self, limit: LimitExceeded) {
        self.whole_file_problem(limit.message.clone());
        self.too_large = Some(limit);
    }

    /// Validate one batch (per row, on every core); its valid rows in row order.
    pub fn check(&mut self, rows: Vec<(usize, Result<Mapped, String>)>) -> Vec<ParsedRow> {
        self.total_rows += rows.len();
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
        let mut valid = Vec::new();
        for (row, checked) in checked {
            let (mapped, verdict) = match checked {
                Ok(checked) => checked,
                Err(message) => {
                    self.problem(row, String::new(), message);
                    continue;
                }
            };
            for Normalization {
                field,
                raw,
                normalized,
            } in mapped.notes
            {
                let clipped = |text: String| match text.chars().nth(self.max_chars) {
                    Some(_) => clip(&text, self.max_chars),
                    None => text,
                };
                let mut key = (field.to_string(), clipped(raw), clipped(normalized));
                if self.counts.len() >= self.max_normalizations && !self.counts.contains_key(&key) {
                    key = (key.0, OTHER_RAW.to_string(), OTHER_NORMALIZED.to_string());
                }
                *self.counts.entry(key).or_default() += 1;
            }
            match verdict {
                Ok(()) => valid.push(ParsedRow {
                    row,
                    content: mapped.content,
                }),
                Err(CatalogError::Invalid { field, message }) => {
                    let field = field.strip_prefix("content.").unwrap_or(&field);
                    let column = match column_for_field(field) {
                        "" => field.to_string(),
                        header => header.to_string(),
                    };
                    self.problem(row, column, message);
                }
                Err(other) => self.problem(row, String::new(), other.to_string()),
            }
        }
        self.valid_rows += valid.len();
        valid
    }

    fn problem(&mut self, row: usize, column: String, message: String) {
        self.problems.push(RowProblem {
            sheet: self.source.clone(),
            row,
            column,
            cell: None,
            value: None,
            message,
        });
    }

    /// The report of every batch checked, with `valid` (the rows kept, if any) as its rows;
    /// none when the file was refused.
    pub fn finish(self, valid: Vec<ParsedRow>) -> Prepared {
        let valid = if self.refused { Vec::new() } else { valid };
        let normalized = self
            .counts
            .into_iter()
            .map(|((field, raw, normalized), count)| Normalized {
                field,
                raw,
                normalized,
                count,
            })
            .collect();
        let (problems, problem_count, problem_kinds) = self.problems.finish();
        Prepared {
            parsed: ParsedFile {
                total_rows: self.total_rows,
                valid,
                problems,
                problem_count,
                problem_kinds,
                too_large: self.too_large,
            },
            normalized,
        }
    }
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
    /// The first problems (at most 1,000, in the order of the file, then those of the file as a
    /// whole), with sheet, row, column (the template's Chinese header), cell and a Chinese
    /// message. Row 0 is the file as a whole; row 1 the header row.
    pub problems: Vec<RowProblem>,
    /// Every problem found, listed in `problems` or not.
    pub problem_count: usize,
    /// Every problem counted by sheet and column, most frequent first.
    pub problem_kinds: Vec<ProblemKind>,
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
        problem_count: parsed.problem_count,
        problem_kinds: parsed.problem_kinds,
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

    /// The directory as exported (xlsx and CSV) reads back as the same entries.
    #[test]
    fn exports_read_back_as_the_same_entries() {
        use crate::template::tests::entry;
        use crate::template::{directory_csv, directory_xlsx};

        let entries = [entry("城市公交线路"), entry("地铁站点")];
        // Every row valid, read back as its entry.
        let read_back = |bytes: &[u8], format, name| {
            let prepared = prepare(bytes, format, name);
            assert!(
                prepared.parsed.problems.is_empty(),
                "{name}: {:?}",
                prepared.parsed.problems
            );
            let back: Vec<_> = prepared
                .parsed
                .valid
                .into_iter()
                .map(|r| r.content)
                .collect();
            back
        };
        let xlsx = directory_xlsx(&entries).unwrap();
        assert_eq!(read_back(&xlsx, SourceFormat::Xlsx, "export.xlsx"), entries);
        // The CSV is the resource sheet alone: no data items.
        let without_items: Vec<_> = entries
            .iter()
            .cloned()
            .map(|mut e| {
                e.data_items.clear();
                e
            })
            .collect();
        let csv = directory_csv(&entries);
        assert_eq!(
            read_back(&csv, SourceFormat::Csv, "export.csv"),
            without_items
        );
    }
}
