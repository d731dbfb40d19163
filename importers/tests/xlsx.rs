//! The xlsx template reads back, and a filled workbook's rows and data items are validated.

use importers::columns::{
    ITEM_COLUMNS, ITEM_SHEET, RESOURCE_COLUMNS, RESOURCE_SHEET, display_header,
};
use importers::rows::parse_directory_file;
use importers::template::xlsx_template;
use rust_xlsxwriter::Workbook;

fn workbook(resources: &[&[&str]], items: &[&[&str]]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(RESOURCE_SHEET).unwrap();
    for (i, c) in RESOURCE_COLUMNS.iter().enumerate() {
        sheet.write_string(0, i as u16, display_header(c)).unwrap();
    }
    for (r, row) in resources.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    let sheet = book.add_worksheet();
    sheet.set_name(ITEM_SHEET).unwrap();
    for (i, c) in ITEM_COLUMNS.iter().enumerate() {
        sheet.write_string(0, i as u16, display_header(c)).unwrap();
    }
    for (r, row) in items.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

const BUS: &[&str] = &[
    "公交线路",
    "线路与站点",
    "公交",
    "G",
    "",
    "交通/公交",
    "一般数据/2",
    "无条件共享",
    "",
    "",
    "无条件开放",
    "",
    "每月",
];

#[test]
fn the_empty_template_has_the_sheets_and_no_rows() {
    let bytes = xlsx_template().unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let parsed = parse_directory_file(&bytes);
    assert_eq!(parsed.total_rows, 0);
    assert_eq!(parsed.problems, vec![]);
}

#[test]
fn data_items_attach_to_their_resource() {
    let bytes = workbook(
        &[BUS],
        &[
            &["公交线路", "线路编号", "line_no", "字符型"],
            &["公交线路", "站点名称", "", "字符型", "", "", "一般数据/1"],
        ],
    );
    let parsed = parse_directory_file(&bytes);
    assert_eq!(parsed.problems, vec![]);
    let items = &parsed.valid[0].content.data_items;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].english_name.as_deref(), Some("line_no"));
}

#[test]
fn item_problems_name_the_item_row_and_fail_the_resource() {
    let bytes = workbook(
        &[BUS],
        &[
            &["公交线路", "线路编号", "", "字符型", "", "", "重要数据"],
            &["不存在的资源", "x", "", "字符型"],
        ],
    );
    let parsed = parse_directory_file(&bytes);
    assert!(parsed.valid.is_empty(), "{:?}", parsed.valid);
    let sensitivity = parsed
        .problems
        .iter()
        .find(|p| p.sheet == ITEM_SHEET && p.row == 2)
        .expect("the item row is named");
    assert_eq!(sensitivity.column, "敏感级别");
    assert!(sensitivity.message.contains("高于资源分级"));
    assert!(
        parsed
            .problems
            .iter()
            .any(|p| p.row == 3 && p.message.contains("不存在的资源"))
    );
}
