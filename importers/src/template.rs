//! Downloadable directory templates: an .xlsx workbook (resource sheet, data-item sheet, drop-down
//! validations fed from a hidden sheet of allowed values, a guide) and a CSV of the resource sheet.

use rust_xlsxwriter::{Color, DataValidation, Format, Formula, Workbook, Worksheet, XlsxError};

use crate::columns::{
    Column, GUIDE_SHEET, ITEM_COLUMNS, ITEM_SHEET, LIST_SHEET, RESOURCE_COLUMNS, RESOURCE_SHEET,
    display_header, enumerations,
};

/// Rows that get the drop-downs (the sheet itself is unlimited).
const VALIDATED_ROWS: u32 = 100_000;

/// The workbook template as bytes.
pub fn xlsx_template() -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7));
    let lists = enumerations();

    let sheet = book.add_worksheet();
    sheet.set_name(RESOURCE_SHEET)?;
    write_headers(sheet, &RESOURCE_COLUMNS, &header)?;
    add_dropdowns(sheet, &RESOURCE_COLUMNS, &lists)?;

    let sheet = book.add_worksheet();
    sheet.set_name(ITEM_SHEET)?;
    write_headers(sheet, &ITEM_COLUMNS, &header)?;
    add_dropdowns(sheet, &ITEM_COLUMNS, &lists)?;

    let sheet = book.add_worksheet();
    sheet.set_name(GUIDE_SHEET)?;
    sheet.write_string_with_format(0, 0, "列", &header)?;
    sheet.write_string_with_format(0, 1, "必填", &header)?;
    sheet.write_string_with_format(0, 2, "说明", &header)?;
    sheet.set_column_width(2, 60)?;
    let guide = RESOURCE_COLUMNS
        .iter()
        .map(|c| (RESOURCE_SHEET, c))
        .chain(ITEM_COLUMNS.iter().map(|c| (ITEM_SHEET, c)));
    for (i, (table, c)) in guide.enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, format!("{table}：{}", c.header))?;
        sheet.write_string(row, 1, if c.required { "是" } else { "否" })?;
        sheet.write_string(row, 2, c.hint)?;
    }

    // Allowed values live in a hidden sheet: list validations typed inline are capped at 255 chars.
    let sheet = book.add_worksheet();
    sheet.set_name(LIST_SHEET)?;
    for (col, (name, values)) in lists.iter().enumerate() {
        sheet.write_string(0, col as u16, *name)?;
        for (row, v) in values.iter().enumerate() {
            sheet.write_string(row as u32 + 1, col as u16, v)?;
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
        sheet.write_string_with_format(0, i as u16, display_header(c), format)?;
        sheet.set_column_width(i as u16, 16)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
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
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let headers: Vec<String> = RESOURCE_COLUMNS.iter().map(display_header).collect();
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
    ];
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(&headers);
    let _ = writer.write_record(example);
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
    }
}
