//! Downloadable directory templates: an .xlsx workbook (resource sheet, data-item sheet, drop-down
//! validations fed from a hidden sheet of allowed values, a guide) and a CSV of the resource sheet;
//! and a directory exported in the same layout, so it can be edited and imported again.
//!
//! Every spreadsheet Mulu writes goes through here, and every cell through [`neutralize`]: text a
//! spreadsheet program would take for a formula is written as text.

use std::borrow::Cow;

use catalog::domain::resource::{DataItem, ResourceContent};
use rust_xlsxwriter::{Color, DataValidation, Format, Formula, Workbook, Worksheet, XlsxError};

use crate::columns::{
    Column, GUIDE_SHEET, ITEM_COLUMNS, ITEM_SHEET, LIST_SHEET, RESOURCE_COLUMNS, RESOURCE_SHEET,
    display_header, enumerations,
};

/// Rows that get the drop-downs (the sheet itself is unlimited).
const VALIDATED_ROWS: u32 = 100_000;

/// A cell's text as Mulu writes it into any spreadsheet (xlsx or csv). Text starting with `=`,
/// `+`, `-` or `@` (or their full-width forms), or with a tab, carriage return or line feed, gets
/// a leading `'` so that no spreadsheet program evaluates it as a formula (OWASP, CSV injection);
/// anything else is written as it is.
pub fn neutralize(value: &str) -> Cow<'_, str> {
    const FORMULA_STARTS: [char; 11] =
        ['=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠'];
    if value.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// Write `value` as a text cell (never a formula), neutralized.
fn text(sheet: &mut Worksheet, row: u32, col: u16, value: &str) -> Result<(), XlsxError> {
    sheet.write_string(row, col, neutralize(value))?;
    Ok(())
}

/// One sheet named `name`: a bold header row, then `rows`, every cell a neutralized text cell
/// (the audit export and other plain tables).
pub fn table_xlsx(
    name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7));
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    for (col, title) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, neutralize(title), &header)?;
    }
    write_rows(sheet, rows.iter().cloned())?;
    book.save_to_buffer()
}

/// The same table as CSV: UTF-8 with a BOM (so spreadsheet programs read the Chinese), every
/// cell neutralized.
pub fn table_csv(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(headers.iter().map(|h| neutralize(h).into_owned()));
    for row in rows {
        let _ = writer.write_record(row.iter().map(|v| neutralize(v).into_owned()));
    }
    writer.into_inner().unwrap_or_default()
}

/// The workbook template as bytes.
pub fn xlsx_template() -> Result<Vec<u8>, XlsxError> {
    directory_xlsx(&[])
}

/// Entries in the template's layout: one row per entry on the resource sheet, one per data item
/// on the data-item sheet, with the template's drop-downs and guide.
pub fn directory_xlsx(entries: &[ResourceContent]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7));
    let lists = enumerations();

    let sheet = book.add_worksheet();
    sheet.set_name(RESOURCE_SHEET)?;
    write_headers(sheet, &RESOURCE_COLUMNS, &header)?;
    add_dropdowns(sheet, &RESOURCE_COLUMNS, &lists)?;
    write_rows(sheet, entries.iter().map(resource_row))?;

    let sheet = book.add_worksheet();
    sheet.set_name(ITEM_SHEET)?;
    write_headers(sheet, &ITEM_COLUMNS, &header)?;
    add_dropdowns(sheet, &ITEM_COLUMNS, &lists)?;
    let items = entries
        .iter()
        .flat_map(|c| c.data_items.iter().map(move |item| item_row(c, item)));
    write_rows(sheet, items)?;

    let sheet = book.add_worksheet();
    sheet.set_name(GUIDE_SHEET)?;
    for (col, title) in ["列", "必填", "说明"].into_iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, neutralize(title), &header)?;
    }
    sheet.set_column_width(2, 60)?;
    let guide = RESOURCE_COLUMNS
        .iter()
        .map(|c| (RESOURCE_SHEET, c))
        .chain(ITEM_COLUMNS.iter().map(|c| (ITEM_SHEET, c)));
    for (i, (table, c)) in guide.enumerate() {
        let row = i as u32 + 1;
        text(sheet, row, 0, &format!("{table}：{}", c.header))?;
        text(sheet, row, 1, if c.required { "是" } else { "否" })?;
        text(sheet, row, 2, c.hint)?;
    }

    // Allowed values live in a hidden sheet: list validations typed inline are capped at 255 chars.
    let sheet = book.add_worksheet();
    sheet.set_name(LIST_SHEET)?;
    for (col, (name, values)) in lists.iter().enumerate() {
        text(sheet, 0, col as u16, name)?;
        for (row, v) in values.iter().enumerate() {
            text(sheet, row as u32 + 1, col as u16, v)?;
        }
    }
    sheet.set_hidden(true);
    book.save_to_buffer()
}

fn write_headers(
    sheet: &mut Worksheet,
    columns: &[Column],
    format: &Format,
) -> Result<(), XlsxError> {
    for (i, c) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, neutralize(&display_header(c)), format)?;
        sheet.set_column_width(i as u16, 16)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Rows below the header; empty values leave the cell empty.
fn write_rows(
    sheet: &mut Worksheet,
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<(), XlsxError> {
    for (i, cells) in rows.enumerate() {
        let row = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (col, value) in cells.iter().enumerate() {
            if !value.is_empty() {
                text(sheet, row, col as u16, value)?;
            }
        }
    }
    Ok(())
}

/// An entry's cells in `RESOURCE_COLUMNS` order, written the way the import reads them back.
fn resource_row(c: &ResourceContent) -> Vec<String> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    RESOURCE_COLUMNS
        .iter()
        .map(|col| match col.field {
            "name" => c.name.clone(),
            "summary" => c.summary.clone(),
            "tags" => c.tags.join("；"),
            "domain" => opt(&c.domain),
            "theme" => opt(&c.theme),
            "category_path" => c.category_path.join("/"),
            "grade" => c.grade.to_string(),
            "share_type" => c.share_type.to_string(),
            "share_condition" => opt(&c.share_condition),
            "share_method" => opt(&c.share_method),
            "open_type" => c.open_type.to_string(),
            "open_condition" => opt(&c.open_condition),
            "update_frequency" => c.update_frequency.to_string(),
            "formats" => c.formats.join(", "),
            "record_count" => c.record_count.map(|n| n.to_string()).unwrap_or_default(),
            "storage_size" => opt(&c.storage_size),
            "coverage_time" => opt(&c.coverage_time),
            "coverage_region" => c
                .coverage_region
                .as_ref()
                .map(|r| r.as_str().to_string())
                .unwrap_or_default(),
            "usage_restrictions" => opt(&c.usage_restrictions),
            "quality_notes" => opt(&c.quality_notes),
            "source_url" => opt(&c.source_url),
            "release_date" => c
                .release_date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            _ => String::new(),
        })
        .collect()
}

/// A data item's cells in `ITEM_COLUMNS` order, under its entry's name.
fn item_row(c: &ResourceContent, item: &DataItem) -> Vec<String> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    ITEM_COLUMNS
        .iter()
        .map(|col| match col.field {
            "resource" => c.name.clone(),
            "name" => item.name.clone(),
            "english_name" => opt(&item.english_name),
            "data_type" => item.data_type.clone(),
            "length_format" => opt(&item.length_format),
            "value_domain" => opt(&item.value_domain),
            "sensitivity" => item.sensitivity.map(|g| g.to_string()).unwrap_or_default(),
            "description" => opt(&item.description),
            _ => String::new(),
        })
        .collect()
}

fn add_dropdowns(
    sheet: &mut Worksheet,
    columns: &[Column],
    lists: &[(&str, Vec<String>)],
) -> Result<(), XlsxError> {
    for (i, c) in columns.iter().enumerate() {
        let Some(list_col) = lists.iter().position(|(name, _)| *name == c.header) else {
            continue;
        };
        let letter = column_letter(list_col);
        let last = lists[list_col].1.len() + 1;
        let validation = DataValidation::new()
            .allow_list_formula(Formula::new(format!(
                "='{LIST_SHEET}'!${letter}$2:${letter}${last}"
            )))
            .set_error_title("取值无效")?
            .set_error_message(format!("“{}”只能从下拉列表中选择", c.header))?;
        sheet.add_data_validation(1, i as u16, VALIDATED_ROWS, i as u16, &validation)?;
    }
    Ok(())
}

/// 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The CSV template: the resource sheet's header and one example row, UTF-8 with a BOM so Excel
/// opens the Chinese headers correctly.
pub fn csv_template() -> Vec<u8> {
    let example = [
        "城市公交线路信息",
        "本市公交线路、站点及首末班时间",
        "公交；线路",
        "G",
        "交通出行",
        "交通/公交",
        "一般数据/2",
        "无条件共享",
        "",
        "接口",
        "有条件开放",
        "经实名认证的开发者申请后开放",
        "每月",
        "csv, json",
        "1200",
        "",
        "2019年至今",
        "510100",
        "",
        "",
        "2025-01-15",
        "",
    ];
    csv_sheet(std::iter::once(
        example.iter().map(|s| s.to_string()).collect(),
    ))
}

/// Entries as the template's resource sheet in CSV (a CSV file has one sheet: data items are
/// only in the xlsx export).
pub fn directory_csv(entries: &[ResourceContent]) -> Vec<u8> {
    csv_sheet(entries.iter().map(resource_row))
}

/// The resource sheet's header and `rows`, every cell neutralized, UTF-8 with a BOM.
fn csv_sheet(rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let headers: Vec<String> = RESOURCE_COLUMNS.iter().map(display_header).collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    table_csv(&headers, &rows.collect::<Vec<_>>())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An entry with every field filled, and two data items.
    pub(crate) fn entry(name: &str) -> ResourceContent {
        serde_json::from_value(serde_json::json!({
            "name": name, "summary": "本市公交线路\n与站点", "tags": ["公交", "线路"],
            "domain": "G", "theme": "交通出行", "category_path": ["交通", "公交"],
            "grade": {"level": "一般数据", "sub_level": 2}, "share_type": "有条件共享",
            "share_condition": "经审批", "share_method": "接口", "open_type": "有条件开放",
            "open_condition": "实名认证", "update_frequency": "每月", "formats": ["csv", "json"],
            "record_count": 1200, "storage_size": "12MB", "coverage_time": "2019年至今",
            "coverage_region": "510100", "usage_restrictions": "不得转售", "quality_notes": "抽检",
            "release_date": "2025-01-15",
            "data_items": [
                {"name": "线路名称", "english_name": "line_name", "data_type": "字符型",
                 "length_format": "C50", "value_domain": "无", "sensitivity": {"level": "一般数据", "sub_level": 1},
                 "description": "线路"},
                {"name": "首班时间", "data_type": "时间型"}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn formula_starts_are_neutralized() {
        for (raw, written) in [
            (
                "=HYPERLINK(\"http://evil\",\"点我\")",
                "'=HYPERLINK(\"http://evil\",\"点我\")",
            ),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("＝1+1", "'＝1+1"),
            ("公交=线路", "公交=线路"),
            ("a-b", "a-b"),
            ("", ""),
        ] {
            assert_eq!(neutralize(raw), written, "{raw:?}");
        }
    }

    #[test]
    fn exported_cells_never_start_a_formula() {
        use calamine::{Data, Reader, Xlsx};
        let mut evil = entry("=HYPERLINK(\"http://evil.example/\",\"点我\")");
        evil.data_items[0].description = Some("@cmd|' /C calc'!A0".into());
        evil.tags = vec!["+1".into(), "-1".into()];
        let csv = String::from_utf8(directory_csv(std::slice::from_ref(&evil))).unwrap();
        assert!(csv.contains("'=HYPERLINK"), "{csv}");
        assert!(csv.contains("'+1；-1"), "{csv}");

        let bytes = directory_xlsx(&[evil]).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let mut starts = Vec::new();
        for sheet in [RESOURCE_SHEET, ITEM_SHEET] {
            assert!(
                book.worksheet_formula(sheet)
                    .unwrap()
                    .used_cells()
                    .next()
                    .is_none()
            );
            for (_, _, cell) in book.worksheet_range(sheet).unwrap().used_cells() {
                if let Data::String(s) = cell {
                    starts.push(s.chars().next().unwrap_or(' '));
                }
            }
        }
        assert!(starts.contains(&'\''));
        assert!(!starts.iter().any(|c| "=+-@".contains(*c)), "{starts:?}");
    }

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
    }
}
