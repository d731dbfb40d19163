//! Validating a filled-in directory template row by row, while the sheets are read. Every problem
//! is reported with its sheet, row, column and a Chinese message; nothing stops at the first one,
//! but the report lists only the first ones (`problems`) and counts the rest by kind.

use std::collections::HashMap;

use catalog::CatalogError;
use catalog::domain::resource::{DataItem, ResourceContent};
use catalog::domain::{Grade, OpenType, RegionCode, ShareType, UpdateFrequency};
use chrono::NaiveDate;

use crate::columns::{
    Column, ITEM_COLUMNS, ITEM_SHEET, RESOURCE_COLUMNS, RESOURCE_SHEET, normalize_header,
};
use crate::limits::{LimitExceeded, Limits};
use crate::problems::{ProblemKind, ProblemLog};
use crate::sheet::{Row, SheetError, Workbook};

pub use crate::problems::RowProblem;
use crate::template::column_letter;

/// A valid resource row.
#[derive(Debug, Clone)]
pub struct ParsedRow {
    pub row: usize,
    pub content: ResourceContent,
}

/// The outcome of reading a template: valid rows, and the problems of the others.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    /// Resource rows found (valid or not).
    pub total_rows: usize,
    pub valid: Vec<ParsedRow>,
    /// The first problems (`Limits::max_listed_problems`, by their place in the file), then
    /// those of the file as a whole.
    pub problems: Vec<RowProblem>,
    /// Every problem found, listed or not.
    pub problem_count: usize,
    /// Every problem counted by sheet and column, most frequent first.
    pub problem_kinds: Vec<ProblemKind>,
    /// The file was refused because it is over a limit: nothing of it may be imported.
    pub too_large: Option<LimitExceeded>,
}

impl ParsedFile {
    /// Resource rows with at least one problem.
    pub fn invalid_rows(&self) -> usize {
        self.total_rows - self.valid.len()
    }

    /// A problem of the file as a whole (row 0), listed and counted.
    pub fn push_whole_file_problem(&mut self, sheet: &str, message: impl Into<String>) {
        let message = message.into();
        self.problem_count += 1;
        match self
            .problem_kinds
            .iter_mut()
            .find(|k| k.sheet == sheet && k.column.is_empty())
        {
            Some(kind) => kind.count += 1,
            None => self.problem_kinds.push(ProblemKind {
                sheet: sheet.to_string(),
                column: String::new(),
                count: 1,
                example: message.clone(),
            }),
        }
        self.problems.push(RowProblem {
            sheet: sheet.to_string(),
            row: 0,
            column: String::new(),
            cell: None,
            value: None,
            message,
        });
    }

    /// A file refused as a whole: one problem, no rows.
    pub fn refused(error: SheetError) -> ParsedFile {
        let mut file = ParsedFile::default();
        file.push_whole_file_problem("", error.message());
        if let SheetError::TooLarge(e) = error {
            file.too_large = Some(e);
        }
        file
    }
}

/// Read and validate an uploaded .xlsx or .csv directory file within the default [`Limits`].
pub fn parse_directory_file(bytes: &[u8]) -> ParsedFile {
    parse_directory_file_within(bytes, &Limits::default())
}

/// Read and validate an uploaded .xlsx or .csv directory file, refusing it as a whole when it is
/// over one of `limits`. The resource sheet is validated while it is read, then the data-item
/// sheet; only the resources (and their items) are kept, never the sheets.
pub fn parse_directory_file_within(bytes: &[u8], limits: &Limits) -> ParsedFile {
    match read_and_validate(bytes, limits) {
        Ok(file) => file,
        Err(e) => ParsedFile::refused(e),
    }
}

fn read_and_validate(bytes: &[u8], limits: &Limits) -> Result<ParsedFile, SheetError> {
    let mut book = Workbook::open(bytes, RESOURCE_SHEET, limits)?;
    let names = book.sheet_names();
    let Some(resources) = names
        .iter()
        .find(|n| *n == RESOURCE_SHEET)
        .or_else(|| names.iter().find(|n| *n != ITEM_SHEET))
    else {
        return Err(SheetError::Unreadable(format!(
            "文件中没有“{RESOURCE_SHEET}”工作表"
        )));
    };
    let mut validation = Validation::new(resources, limits);
    book.read(resources, |row| validation.resource_row(row))?;
    if let Some(items) = names.iter().find(|n| *n == ITEM_SHEET) {
        validation.item_sheet = items.clone();
        book.read(items, |row| validation.item_row(row))?;
    }
    Ok(validation.finish())
}

/// Where each template column sits in the file.
struct Layout {
    sheet: String,
    index: HashMap<&'static str, usize>,
}

impl Layout {
    fn empty(sheet: &str) -> Self {
        Layout {
            sheet: sheet.to_string(),
            index: HashMap::new(),
        }
    }

    /// The header row's columns; a missing required one is a problem of the file.
    fn read_header(&mut self, headers: &[String], columns: &[Column], problems: &mut Problems) {
        let found: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
        for c in columns {
            match found.iter().position(|h| h == c.header) {
                Some(i) => {
                    self.index.insert(c.header, i);
                }
                None if c.required => {
                    problems.file_broken = true;
                    problems.push(RowProblem {
                        sheet: self.sheet.clone(),
                        row: 1,
                        column: c.header.to_string(),
                        cell: None,
                        value: None,
                        message: format!("缺少必填列“{}”，请使用最新的模板", c.header),
                    });
                }
                None => {}
            }
        }
    }

    fn cell<'r>(&self, cells: &'r [String], header: &str) -> Option<&'r str> {
        let i = *self.index.get(header)?;
        cells.get(i).map(String::as_str).filter(|s| !s.is_empty())
    }

    fn problem(
        &self,
        row: usize,
        header: &str,
        value: Option<&str>,
        message: String,
    ) -> RowProblem {
        RowProblem {
            sheet: self.sheet.to_string(),
            row,
            column: header.to_string(),
            cell: self
                .index
                .get(header)
                .map(|i| format!("{}{row}", column_letter(*i))),
            value: value.filter(|v| !v.is_empty()).map(str::to_string),
            message,
        }
    }
}

/// The problems of a template, listed by place: the resource sheet's rows, then the data-item
/// sheet's.
struct Problems {
    log: ProblemLog,
    /// A header lacks a required column: no row may be imported.
    file_broken: bool,
    resource_sheet: String,
}

impl Problems {
    fn push(&mut self, p: RowProblem) {
        let sheet = u64::from(p.sheet != self.resource_sheet);
        self.log.push_ranked((sheet << 40) | p.row as u64, p);
    }
}

/// Collects a row's problems while its cells are read.
struct RowReader<'l> {
    layout: &'l Layout,
    row: usize,
    cells: &'l [String],
    problems: Vec<RowProblem>,
}

impl RowReader<'_> {
    fn text(&self, header: &str) -> Option<String> {
        self.layout.cell(self.cells, header).map(str::to_string)
    }

    fn required(&mut self, header: &str) -> String {
        match self.text(header) {
            Some(v) => v,
            None => {
                let p = self
                    .layout
                    .problem(self.row, header, None, format!("“{header}”为必填项"));
                self.problems.push(p);
                String::new()
            }
        }
    }

    /// A cell parsed with `parse`; its error message is reported at the cell.
    fn parsed<T>(
        &mut self,
        header: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let raw = self.text(header)?;
        match parse(&raw) {
            Ok(v) => Some(v),
            Err(message) => {
                let p = self.layout.problem(self.row, header, Some(&raw), message);
                self.problems.push(p);
                None
            }
        }
    }

    fn required_parsed<T>(
        &mut self,
        header: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        if self.text(header).is_none() {
            self.required(header);
            return None;
        }
        self.parsed(header, parse)
    }
}

struct Pending {
    row: usize,
    /// The resource, while the row has no problem.
    content: Option<ResourceContent>,
    /// Spreadsheet rows of the data items attached, in order.
    item_rows: Vec<usize>,
}

/// A template validated row by row as its sheets are read.
struct Validation {
    /// The resource sheet's columns, once its header row is read.
    resources: Option<Layout>,
    resource_sheet: String,
    /// The data-item sheet, when there is one ("" until it is read), and its columns.
    item_sheet: String,
    items: Option<Layout>,
    pending: Vec<Pending>,
    /// Names identify resources for the data-item sheet, so they must be unique in the file.
    by_name: HashMap<String, usize>,
    problems: Problems,
}

impl Validation {
    fn new(resource_sheet: &str, limits: &Limits) -> Self {
        Validation {
            resources: None,
            resource_sheet: resource_sheet.to_string(),
            item_sheet: String::new(),
            items: None,
            pending: Vec::new(),
            by_name: HashMap::new(),
            problems: Problems {
                log: ProblemLog::new(limits),
                file_broken: false,
                resource_sheet: resource_sheet.to_string(),
            },
        }
    }

    fn resource_row(&mut self, (row, cells): Row) {
        let Some(layout) = &self.resources else {
            let mut layout = Layout::empty(&self.resource_sheet);
            layout.read_header(&cells, &RESOURCE_COLUMNS, &mut self.problems);
            self.resources = Some(layout);
            return;
        };
        let (content, mut problems) = read_resource(layout, row, &cells);
        if let Some(name) = content.as_ref().map(|c| c.name.clone()) {
            match self.by_name.get(&name) {
                Some(first) => {
                    let first_row = self.pending[*first].row;
                    problems.push(layout.problem(
                        row,
                        "资源名称",
                        Some(&name),
                        format!("资源名称“{name}”与第 {first_row} 行重复"),
                    ));
                }
                None => {
                    self.by_name.insert(name, self.pending.len());
                }
            }
        }
        let has_problems = !problems.is_empty();
        for p in problems {
            self.problems.push(p);
        }
        self.pending.push(Pending {
            row,
            content: if has_problems { None } else { content },
            item_rows: Vec::new(),
        });
    }

    fn item_row(&mut self, (row, cells): Row) {
        let Some(layout) = &self.items else {
            let mut layout = Layout::empty(&self.item_sheet);
            layout.read_header(&cells, &ITEM_COLUMNS, &mut self.problems);
            self.items = Some(layout);
            return;
        };
        let (owner, item, mut problems) = read_item(layout, row, &cells);
        match owner.as_ref().and_then(|name| self.by_name.get(name)) {
            Some(&i) => {
                let pending = &mut self.pending[i];
                if !problems.is_empty() {
                    pending.content = None;
                }
                if let (Some(item), Some(content)) = (item, pending.content.as_mut()) {
                    content.data_items.push(item);
                    pending.item_rows.push(row);
                }
            }
            None => {
                if let Some(name) = owner {
                    problems.push(layout.problem(
                        row,
                        "资源名称",
                        Some(&name),
                        format!("“{RESOURCE_SHEET}”表中没有名为“{name}”的资源"),
                    ));
                }
                // An item of no resource is a problem of the file: no row is imported.
                self.problems.file_broken |= !problems.is_empty();
            }
        }
        for p in problems {
            self.problems.push(p);
        }
    }

    /// Cross-field checks of every resource without a problem (its data items attached), and
    /// the outcome.
    fn finish(mut self) -> ParsedFile {
        // A sheet without even a header row lacks every required column.
        if self.resources.is_none() {
            let mut layout = Layout::empty(&self.resource_sheet);
            layout.read_header(&[], &RESOURCE_COLUMNS, &mut self.problems);
            self.resources = Some(layout);
        }
        if self.items.is_none() && !self.item_sheet.is_empty() {
            let mut layout = Layout::empty(&self.item_sheet);
            layout.read_header(&[], &ITEM_COLUMNS, &mut self.problems);
            self.items = Some(layout);
        }
        let Validation {
            resources,
            items,
            pending,
            mut problems,
            ..
        } = self;
        let total_rows = pending.len();
        let mut valid = Vec::new();
        for mut p in pending {
            let Some(content) = p.content.take() else {
                continue;
            };
            if let Err(e) = content.validate() {
                if let Some(layout) = &resources {
                    problems.push(validation_problem(layout, items.as_ref(), &p, e));
                }
                continue;
            }
            if !problems.file_broken {
                valid.push(ParsedRow {
                    row: p.row,
                    content,
                });
            }
        }
        let (problems, problem_count, problem_kinds) = problems.log.finish();
        ParsedFile {
            total_rows,
            valid,
            problems,
            problem_count,
            problem_kinds,
            too_large: None,
        }
    }
}

/// A resource row's content (when it has no problem) and its problems.
fn read_resource(
    layout: &Layout,
    row: usize,
    cells: &[String],
) -> (Option<ResourceContent>, Vec<RowProblem>) {
    let mut r = RowReader {
        layout,
        row,
        cells,
        problems: Vec::new(),
    };
    let name = r.required("资源名称");
    let summary = r.required("资源摘要");
    let grade = r.required_parsed("数据分级", |s| Grade::parse(s).map_err(|e| e.message));
    let share_type = r.required_parsed("共享类型", |s| {
        ShareType::parse(s).map_err(|e| e.message)
    });
    let open_type = r.required_parsed("开放类型", |s| {
        OpenType::parse(s).map_err(|e| e.message)
    });
    let update_frequency = r.required_parsed("更新频率", parse_frequency);
    let domain = r.parsed("行业分类", parse_domain);
    let record_count = r.parsed("记录数", |s| {
        s.replace([',', '，'], "")
            .parse::<u64>()
            .map_err(|_| format!("记录数“{s}”不是非负整数"))
    });
    let coverage_region = r.parsed("覆盖区域", |s| {
        RegionCode::parse(s).map_err(|e| e.message)
    });
    let release_date = r.parsed("发布日期", parse_date);
    let content = match (grade, share_type, open_type, update_frequency) {
        (Some(grade), Some(share_type), Some(open_type), Some(update_frequency))
            if r.problems.is_empty() =>
        {
            Some(ResourceContent {
                name,
                summary,
                tags: r.text("标签").map(|t| split_list(&t)).unwrap_or_default(),
                domain,
                theme: r.text("主题分类"),
                category_path: r
                    .text("分类路径")
                    .map(|p| {
                        p.split(['/', '／'])
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
                grade,
                share_type,
                share_condition: r.text("共享条件"),
                share_method: r.text("共享方式"),
                open_type,
                open_condition: r.text("开放条件"),
                update_frequency,
                formats: r
                    .text("数据格式")
                    .map(|f| split_list(&f.to_lowercase()))
                    .unwrap_or_default(),
                record_count,
                storage_size: r.text("存储量"),
                coverage_time: r.text("时间范围"),
                coverage_region,
                usage_restrictions: r.text("使用限制"),
                quality_notes: r.text("质量说明"),
                release_date,
                related_codes: Vec::new(),
                data_items: Vec::new(),
                source_url: r.text("来源页面"),
            })
        }
        _ => None,
    };
    (content, r.problems)
}

fn read_item(
    layout: &Layout,
    row: usize,
    cells: &[String],
) -> (Option<String>, Option<DataItem>, Vec<RowProblem>) {
    let mut r = RowReader {
        layout,
        row,
        cells,
        problems: Vec::new(),
    };
    let owner = r.text("资源名称");
    if owner.is_none() {
        r.required("资源名称");
    }
    let name = r.required("信息项名称");
    let data_type = r.required("数据类型");
    let sensitivity = r.parsed("敏感级别", |s| Grade::parse(s).map_err(|e| e.message));
    let item = r.problems.is_empty().then(|| DataItem {
        name,
        english_name: r.text("英文名称"),
        data_type,
        length_format: r.text("长度格式"),
        value_domain: r.text("值域"),
        sensitivity,
        description: r.text("说明"),
    });
    (owner, item, r.problems)
}

/// The template's values exactly; a near miss is named in the message.
fn parse_frequency(raw: &str) -> Result<UpdateFrequency, String> {
    UpdateFrequency::parse(raw).map_err(|e| match UpdateFrequency::normalize(raw) {
        Some(f) => format!("{}（是否指“{f}”？）", e.message),
        None => e.message,
    })
}

fn parse_domain(raw: &str) -> Result<String, String> {
    let letter = raw.trim().to_ascii_uppercase();
    if letter.len() == 1 && ("A"..="T").contains(&letter.as_str()) {
        return Ok(letter);
    }
    crate::corpus::industry_section(raw)
        .map(str::to_string)
        .ok_or_else(|| format!("行业分类“{raw}”无效，应为 GB/T 4754-2017 门类代码 A–T"))
}

fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%Y/%m/%d"))
        .map_err(|_| format!("发布日期“{raw}”无效，应为 YYYY-MM-DD 格式的日期"))
}

fn split_list(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in raw
        .split([',', '，', ';', '；', '、'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if !out.iter().any(|o| o == part) {
            out.push(part.to_string());
        }
    }
    out
}

/// A cross-field error from `ResourceContent::validate`, placed at its column (or data-item row).
fn validation_problem(
    layout: &Layout,
    items: Option<&Layout>,
    p: &Pending,
    e: CatalogError,
) -> RowProblem {
    let (field, message) = match e {
        CatalogError::Invalid { field, message } => (field, message),
        other => (String::new(), other.to_string()),
    };
    let field = field.strip_prefix("content.").unwrap_or(&field);
    if let Some(rest) = field.strip_prefix("data_items[")
        && let Some((index, item_field)) = rest.split_once("].")
        && let Ok(index) = index.parse::<usize>()
        && let (Some(items), Some(row)) = (items, p.item_rows.get(index))
    {
        let header = column_for(&ITEM_COLUMNS, item_field);
        return items.problem(*row, header, None, message);
    }
    layout.problem(p.row, column_for(&RESOURCE_COLUMNS, field), None, message)
}

/// The resource sheet's header for a `ResourceContent` field ("" when it has none).
pub fn column_for_field(field: &str) -> &'static str {
    column_for(&RESOURCE_COLUMNS, field)
}

fn column_for(columns: &[Column], field: &str) -> &'static str {
    let base = field.split(['.', '[']).next().unwrap_or(field);
    columns
        .iter()
        .find(|c| c.field == base)
        .map(|c| c.header)
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::csv_template;

    const HEADER: &str =
        "资源名称*,资源摘要*,数据分级*,共享类型*,开放类型*,开放条件,更新频率*,记录数,发布日期";

    #[test]
    fn the_csv_template_example_is_valid() {
        let parsed = parse_directory_file(&csv_template());
        assert_eq!(parsed.problems, vec![]);
        assert_eq!(parsed.valid.len(), 1);
        assert_eq!(parsed.valid[0].row, 2);
        assert_eq!(parsed.valid[0].content.grade.to_string(), "一般数据2级");
    }

    #[test]
    fn every_problem_of_every_row_is_reported() {
        let csv = format!(
            "{HEADER}\n\
             道路名录,全市道路,一般数据,无条件共享,无条件开放,,每月,10,2024-01-02\n\
             ,摘要,秘密,随便,无条件开放,,季度,-1,2024-13-01\n\
             桥梁,摘要,一般数据,无条件共享,有条件开放,,每年,,\n"
        );
        let parsed = parse_directory_file(csv.as_bytes());
        assert_eq!(parsed.total_rows, 3);
        assert_eq!(parsed.valid.len(), 1);
        let at = |row: usize, column: &str| {
            parsed
                .problems
                .iter()
                .find(|p| p.row == row && p.column == column)
                .unwrap_or_else(|| panic!("no problem at {row}/{column}: {:?}", parsed.problems))
        };
        assert!(at(3, "资源名称").message.contains("必填"));
        assert!(at(3, "数据分级").message.contains("秘密"));
        assert!(at(3, "共享类型").message.contains("随便"));
        assert!(at(3, "更新频率").message.contains("每季度"));
        assert_eq!(at(3, "更新频率").cell.as_deref(), Some("G3"));
        assert!(at(3, "记录数").message.contains("非负整数"));
        assert!(at(3, "发布日期").message.contains("YYYY-MM-DD"));
        assert!(at(4, "开放条件").message.contains("开放条件"));
    }

    #[test]
    fn missing_required_columns_fail_the_whole_file() {
        let parsed = parse_directory_file("资源名称,资源摘要\n甲,乙\n".as_bytes());
        assert!(parsed.valid.is_empty());
        assert!(
            parsed
                .problems
                .iter()
                .any(|p| p.row == 1 && p.column == "更新频率")
        );
    }

    #[test]
    fn a_broken_xlsx_is_one_whole_file_problem() {
        let parsed = parse_directory_file(b"PK\x03\x04not really a zip");
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].row, 0);
        assert!(parsed.problems[0].message.contains("Excel"));
    }

    #[test]
    fn duplicate_names_are_reported() {
        let csv = format!(
            "{HEADER}\n甲,摘要,一般数据,无条件共享,无条件开放,,每月,,\n甲,摘要,一般数据,无条件共享,无条件开放,,每月,,\n"
        );
        let parsed = parse_directory_file(csv.as_bytes());
        assert_eq!(parsed.valid.len(), 1);
        assert!(parsed.problems[0].message.contains("第 2 行重复"));
    }
}
