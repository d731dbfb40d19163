//! A workbook's zip container, inspected before calamine opens it: what it declares (entries,
//! sizes, compression ratios, the workbook's layout) and, unpacked as a stream and thrown away,
//! what its XML holds (the longest tag or text, the sheets' `<dimension>`, the number of shared
//! strings and style elements). calamine reads the shared strings, styles and workbook whole and
//! buffers one XML event at a time, so these bound every allocation it makes on open; the sheets
//! themselves are then read cell by cell (`sheet`).
//!
//! The zip reader refuses to inflate an entry beyond the size it declares, so declared sizes
//! bound what is ever unpacked.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::limits::{LimitExceeded, Limits, RATIO_CHECKED_ABOVE, clip, size};
use crate::sheet_error::SheetError;

/// How a part of the workbook is read by calamine, by its (lower-cased) path. The workbook must
/// sit at `xl/workbook.xml` (`check_relationships`), so these paths are the ones it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// `xl/sharedStrings.xml`: every string kept.
    SharedStrings,
    /// `xl/styles.xml`: every cell format kept, each with a copy of its font and number format.
    Styles,
    /// The package and workbook relationships, the workbook, the theme: read whole.
    Whole,
    /// Sheets (read as a stream) and whatever calamine never opens.
    Other,
}

fn part(path: &str) -> Part {
    match path {
        "xl/sharedstrings.xml" => Part::SharedStrings,
        "xl/styles.xml" => Part::Styles,
        "_rels/.rels"
        | "xl/_rels/workbook.xml.rels"
        | "xl/workbook.xml"
        | "xl/theme/theme1.xml" => Part::Whole,
        _ => Part::Other,
    }
}

/// The one place the workbook may be (every spreadsheet program writes it there).
const WORKBOOK: &str = "xl/workbook.xml";

/// Check `bytes` (a zip file) against `limits` before a workbook reader allocates anything.
pub(crate) fn inspect(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    check_directory_end(bytes, limits)?;
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_a_workbook(&e))?;
    if zip.len() > limits.max_zip_entries {
        return Err(too_large(
            "max_zip_entries",
            format!(
                "工作簿包含 {} 个部件，超过了 {} 个的上限",
                zip.len(),
                limits.max_zip_entries
            ),
        ));
    }
    // Declared sizes first: nothing is unpacked before every one of them is within bounds.
    let mut total: u64 = 0;
    let mut entries = Vec::with_capacity(zip.len());
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(|e| not_a_workbook(&e))?;
        let path = entry
            .name()
            .map_err(|e| not_a_workbook(&e))?
            .replace('\\', "/")
            .to_ascii_lowercase();
        let (unpacked, packed) = (entry.size(), entry.compressed_size());
        let shown = clip(&path, 80);
        if unpacked > RATIO_CHECKED_ABOVE && unpacked / packed.max(1) > limits.max_compression_ratio
        {
            return Err(too_large(
                "max_compression_ratio",
                format!(
                    "工作簿中的 {shown} 压缩后 {}，解压后达 {}（压缩比约 {}:1，上限 {}:1），\
                     疑似压缩炸弹",
                    size(packed),
                    size(unpacked),
                    unpacked / packed.max(1),
                    limits.max_compression_ratio
                ),
            ));
        }
        let (cap, limit, what) = match part(&path) {
            Part::SharedStrings => (
                limits.max_shared_strings_bytes,
                "max_shared_strings_bytes",
                "共享字符串表",
            ),
            Part::Styles | Part::Whole => (limits.max_part_bytes, "max_part_bytes", "部件"),
            Part::Other => (u64::MAX, "", ""),
        };
        if unpacked > cap {
            return Err(too_large(
                limit,
                format!(
                    "工作簿中的{what} {shown} 解压后为 {}，超过了 {} 的上限",
                    size(unpacked),
                    size(cap)
                ),
            ));
        }
        total = total.saturating_add(unpacked);
        if total > limits.max_unpacked_bytes {
            return Err(too_large(
                "max_unpacked_bytes",
                format!(
                    "工作簿解压后超过 {}（各部件声明的大小合计），超过了导入上限；\
                     请删除多余的工作表、图片后重新上传",
                    size(limits.max_unpacked_bytes)
                ),
            ));
        }
        entries.push((index, path));
    }
    // The package relationships say where the workbook is: checked before anything else is
    // read, so the paths above are the ones calamine reads whole.
    let mut order: Vec<&(usize, String)> = entries.iter().collect();
    order.sort_by_key(|(_, path)| path != "_rels/.rels");
    for (index, path) in order {
        let entry = zip.by_index(*index).map_err(|e| not_a_workbook(&e))?;
        scan(entry, path, part(path), limits)?;
    }
    Ok(())
}

/// Unpack one entry as a stream (checking its size and checksum) through the XML scanner.
fn scan(mut entry: impl Read, path: &str, part: Part, limits: &Limits) -> Result<(), SheetError> {
    let shown = clip(path, 80);
    let mut scanner = Scanner::new(path, part, limits);
    let mut buf = vec![0u8; 64 * 1024];
    let mut unpacked: u64 = 0;
    loop {
        let n = entry.read(&mut buf).map_err(|e| {
            SheetError::Unreadable(format!(
                "文件不是有效的 Excel 工作簿（.xlsx）：{shown} 无法解压（{e}）"
            ))
        })?;
        if n == 0 {
            break;
        }
        unpacked += n as u64;
        if !scanner.feed(&buf[..n])? {
            // Not XML: calamine only reads it if the workbook names it as a sheet, and then
            // holds at most the whole entry at once.
            if unpacked > limits.max_part_bytes {
                return Err(too_large(
                    "max_part_bytes",
                    format!(
                        "工作簿中的 {shown} 不是 XML，解压后超过 {} 的上限",
                        size(limits.max_part_bytes)
                    ),
                ));
            }
        }
    }
    scanner.finish()
}

/// Where the scanner is in the XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first byte that says whether this is XML at all.
    Start,
    /// The first bytes were not XML: not scanned further.
    NotXml,
    Text,
    /// Just after '<'.
    Open,
    /// In a start, end or empty tag.
    Tag,
    Comment,
    CData,
    /// `<?…?>`
    Instruction,
}

/// The first bytes of a tag kept, to read the attributes of the few tags that matter.
const TAG_KEPT: usize = 8 * 1024;

/// A byte-by-byte XML tokenizer that only measures: the longest token (what an XML parser would
/// buffer at once), the longest attribute value, the elements, and a few tags' attributes.
struct Scanner<'l> {
    path: String,
    part: Part,
    limits: &'l Limits,
    state: State,
    /// Bytes of the current token.
    run: u64,
    /// Bytes after '<' while deciding what the markup is, then the tag's first bytes.
    head: Vec<u8>,
    truncated: bool,
    end_tag: bool,
    quote: Option<u8>,
    quoted: usize,
    /// The two bytes before, for "-->", "]]>", "?>".
    last: [u8; 2],
    /// The last byte opened a comment, CDATA or instruction.
    fresh: bool,
    /// Bytes of the current comment.
    inner: u64,
    elements: u64,
    strings: u64,
    /// Whether the package relationships name the workbook (`_rels/.rels` only).
    workbook_named: bool,
}

impl<'l> Scanner<'l> {
    fn new(path: &str, part: Part, limits: &'l Limits) -> Self {
        Scanner {
            path: path.to_string(),
            part,
            limits,
            state: State::Start,
            run: 0,
            head: Vec::new(),
            truncated: false,
            end_tag: false,
            quote: None,
            quoted: 0,
            last: [0, 0],
            fresh: false,
            inner: 0,
            elements: 0,
            strings: 0,
            workbook_named: false,
        }
    }

    fn shown(&self) -> String {
        clip(&self.path, 80)
    }

    /// Scan the next bytes; `false` once they turned out not to be XML.
    fn feed(&mut self, bytes: &[u8]) -> Result<bool, SheetError> {
        let mut rest = bytes;
        if self.state == State::Start {
            // A UTF-8 byte order mark and white space may come first; then XML starts with '<'.
            if self.run == 0 {
                rest = rest.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(rest);
            }
            let skipped = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
            self.run += skipped as u64;
            if self.run > self.limits.max_xml_token_bytes {
                return Err(self.token_too_long());
            }
            rest = &rest[skipped..];
            match rest.first() {
                None => return Ok(true),
                Some(b'<') => self.state = State::Text,
                Some(_) => self.state = State::NotXml,
            }
        }
        if self.state == State::NotXml {
            return Ok(false);
        }
        for &b in rest {
            self.byte(b)?;
        }
        Ok(true)
    }

    fn byte(&mut self, b: u8) -> Result<(), SheetError> {
        self.run += 1;
        if self.run > self.limits.max_xml_token_bytes {
            return Err(self.token_too_long());
        }
        match self.state {
            State::Start | State::NotXml => {}
            State::Text => {
                if b == b'<' {
                    self.begin_markup();
                }
            }
            State::Open => self.open(b)?,
            State::Tag => self.tag_byte(b)?,
            State::Comment => {
                // As quick-xml: "-->" closes a comment only after a few bytes of it ("<!---->").
                if b == b'>' && self.last == *b"--" && self.inner >= 4 {
                    self.end_token();
                }
                self.inner += 1;
            }
            State::CData => {
                if b == b'>' && self.last == *b"]]" {
                    self.end_token();
                }
            }
            State::Instruction => {
                if b == b'>' && self.last[1] == b'?' {
                    self.end_token();
                }
            }
        }
        // The bytes that open a comment, CDATA or instruction do not count towards its end.
        self.last = if std::mem::take(&mut self.fresh) {
            [0, 0]
        } else {
            [self.last[1], b]
        };
        Ok(())
    }

    fn begin_markup(&mut self) {
        self.state = State::Open;
        self.run = 1;
        self.head.clear();
        self.truncated = false;
        self.end_tag = false;
        self.quote = None;
    }

    fn end_token(&mut self) {
        self.state = State::Text;
        self.run = 0;
    }

    /// The bytes right after '<' decide what the markup is, as quick-xml decides it.
    fn open(&mut self, b: u8) -> Result<(), SheetError> {
        if self.head.is_empty() {
            match b {
                b'?' => {
                    self.state = State::Instruction;
                    self.fresh = true;
                }
                b'!' => self.head.push(b),
                b'/' => {
                    self.state = State::Tag;
                    self.end_tag = true;
                }
                _ => {
                    self.state = State::Tag;
                    return self.tag_byte(b);
                }
            }
            return Ok(());
        }
        match b {
            b'[' => {
                self.state = State::CData;
                self.fresh = true;
            }
            b'-' => {
                self.state = State::Comment;
                self.fresh = true;
                self.inner = 0;
            }
            b'D' | b'd' => {
                // Office documents never carry a DTD (and its entities are not for us to expand).
                return Err(SheetError::Unreadable(format!(
                    "文件不是有效的 Excel 工作簿（.xlsx）：{} 含有 DOCTYPE 声明",
                    self.shown()
                )));
            }
            _ => {
                // quick-xml refuses this markup; read on to its '>'.
                self.state = State::Tag;
                self.end_tag = true;
            }
        }
        Ok(())
    }

    fn tag_byte(&mut self, b: u8) -> Result<(), SheetError> {
        if let Some(q) = self.quote {
            if b == q {
                self.quote = None;
            } else {
                self.quoted += 1;
                let (max, limit) = match self.part {
                    Part::Styles => (
                        self.limits.max_style_attribute_bytes,
                        "max_style_attribute_bytes",
                    ),
                    Part::Whole => (
                        self.limits.max_part_attribute_bytes,
                        "max_part_attribute_bytes",
                    ),
                    Part::SharedStrings | Part::Other => (usize::MAX, ""),
                };
                if self.quoted > max {
                    return Err(too_large(
                        limit,
                        format!(
                            "工作簿中的 {} 含有长于 {} 的属性值，无法安全读取",
                            self.shown(),
                            size(max as u64)
                        ),
                    ));
                }
            }
        } else if b == b'"' || b == b'\'' {
            self.quote = Some(b);
            self.quoted = 0;
        } else if b == b'>' {
            self.end_token();
            return self.tag_done();
        }
        if self.head.len() < TAG_KEPT {
            self.head.push(b);
        } else {
            self.truncated = true;
        }
        Ok(())
    }

    /// A whole tag was read (its first `TAG_KEPT` bytes are in `head`).
    fn tag_done(&mut self) -> Result<(), SheetError> {
        if self.end_tag {
            return Ok(());
        }
        self.elements += 1;
        if matches!(self.part, Part::Styles | Part::Whole)
            && self.elements > self.limits.max_part_elements
        {
            return Err(too_large(
                "max_part_elements",
                format!(
                    "工作簿中的 {} 含有超过 {} 个元素（如单元格样式），超过了上限",
                    self.shown(),
                    self.limits.max_part_elements
                ),
            ));
        }
        let name_end = self
            .head
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(self.head.len());
        let name = &self.head[..name_end];
        let local = match name.iter().rposition(|b| *b == b':') {
            Some(i) => &name[i + 1..],
            None => name,
        };
        let watched = match (self.part, local) {
            (Part::Whole, b"Relationship") => self.path == "_rels/.rels",
            (Part::SharedStrings, b"si") => {
                self.strings += 1;
                if self.strings > self.limits.max_shared_strings {
                    return Err(self.too_many_strings(self.strings));
                }
                false
            }
            (Part::SharedStrings, b"sst") | (Part::Other, b"dimension") => true,
            _ => false,
        };
        if !watched {
            return Ok(());
        }
        if self.truncated {
            return Err(SheetError::Unreadable(format!(
                "文件不是有效的 Excel 工作簿（.xlsx）：{} 中的“{}”标签过长",
                self.shown(),
                String::from_utf8_lossy(local)
            )));
        }
        let attributes = attributes(&self.head[name_end..]);
        let attribute = |key: &str| {
            attributes
                .iter()
                .find(|(k, _)| local_name(k) == key)
                .map(|(_, v)| v.as_str())
        };
        match local {
            b"Relationship" => {
                let office_document =
                    attribute("Type").is_some_and(|t| t.ends_with("/relationships/officeDocument"));
                if office_document {
                    let target = attribute("Target").unwrap_or_default();
                    let normalized = target.replace('\\', "/").to_ascii_lowercase();
                    if normalized.strip_prefix('/').unwrap_or(&normalized) != WORKBOOK {
                        return Err(SheetError::Unreadable(format!(
                            "文件不是有效的 Excel 工作簿（.xlsx）：工作簿的主文档应位于 \
                             {WORKBOOK}，而不是“{}”",
                            clip(target, 80)
                        )));
                    }
                    self.workbook_named = true;
                }
            }
            b"sst" => {
                let declared = attribute("uniqueCount").and_then(|n| n.trim().parse::<u64>().ok());
                if let Some(n) = declared.filter(|n| *n > self.limits.max_shared_strings) {
                    return Err(self.too_many_strings(n));
                }
            }
            _ => check_dimension(
                attribute("ref").unwrap_or_default(),
                &self.path,
                self.limits,
            )?,
        }
        Ok(())
    }

    fn token_too_long(&self) -> SheetError {
        too_large(
            "max_xml_token_bytes",
            format!(
                "工作簿中的 {} 含有超过 {} 的单个 XML 片段（一个标签、一段文本或注释），\
                 无法安全读取",
                self.shown(),
                size(self.limits.max_xml_token_bytes)
            ),
        )
    }

    fn too_many_strings(&self, n: u64) -> SheetError {
        too_large(
            "max_shared_strings",
            format!(
                "工作簿的共享字符串表含有 {n} 个字符串，超过了 {} 个的上限",
                self.limits.max_shared_strings
            ),
        )
    }

    fn finish(self) -> Result<(), SheetError> {
        if self.path == "_rels/.rels" && !self.workbook_named {
            return Err(SheetError::Unreadable(format!(
                "文件不是有效的 Excel 工作簿（.xlsx）：_rels/.rels 中没有指向 {WORKBOOK} 的主文档"
            )));
        }
        Ok(())
    }
}

fn local_name(key: &str) -> &str {
    key.rsplit(':').next().unwrap_or(key)
}

/// The attributes of a tag's bytes after its name: `key="value"` or `key='value'`, values raw.
fn attributes(bytes: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut rest = text.as_ref();
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().trim_start_matches('/').trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let value = &after[1..];
        let Some(end) = value.find(quote) else {
            break;
        };
        out.push((key, value[..end].to_string()));
        rest = &value[end + 1..];
    }
    out
}

/// A cell reference such as `XFD1048576` (or `$A$1`): its 1-based (row, column).
fn cell_ref(text: &str) -> Option<(u64, u64)> {
    let text = text.trim().replace('$', "");
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (column, row) = text.split_at(letters);
    if !(1..=3).contains(&letters) || row.is_empty() || row.len() > 7 {
        return None;
    }
    let column = column.bytes().fold(0u64, |n, c| {
        n * 26 + u64::from(c.to_ascii_uppercase() - b'A' + 1)
    });
    let row: u64 = row.parse().ok().filter(|r| *r > 0)?;
    Some((row, column))
}

/// A sheet's declared `<dimension ref="A1:XFD1048576">` against the row and column limits.
fn check_dimension(reference: &str, path: &str, limits: &Limits) -> Result<(), SheetError> {
    let mut parts = reference.split(':');
    let (Some(first), second, None) = (parts.next(), parts.next(), parts.next()) else {
        return Ok(());
    };
    let (Some(start), Some(end)) = (cell_ref(first), cell_ref(second.unwrap_or(first))) else {
        // Not a reference this check reads; calamine judges it.
        return Ok(());
    };
    if end.0 < start.0 || end.1 < start.1 {
        return Err(SheetError::Unreadable(format!(
            "文件不是有效的 Excel 工作簿（.xlsx）：{} 声明的范围“{}”无效",
            clip(path, 80),
            clip(reference, 40)
        )));
    }
    let rows = end.0 - start.0 + 1;
    let columns = end.1 - start.1 + 1;
    if rows > limits.max_rows as u64 + 1 || columns > limits.max_columns as u64 {
        return Err(too_large(
            if rows > limits.max_rows as u64 + 1 {
                "max_rows"
            } else {
                "max_columns"
            },
            format!(
                "工作表 {} 声明的范围 {} 有 {rows} 行、{columns} 列，超过了导入上限\
                 （每个工作表 {} 行数据、{} 列）；请只保留有内容的单元格后重新上传",
                clip(path, 80),
                clip(reference, 40),
                limits.max_rows,
                limits.max_columns
            ),
        ));
    }
    Ok(())
}

/// The end of a zip file states how many entries its central directory holds; the zip reader
/// reserves room for them. Every end-of-directory record in the last 64 KiB (and the ZIP64
/// record it points to) is held to `max_zip_entries` before the reader sees the file.
fn check_directory_end(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    const END: &[u8] = b"PK\x05\x06";
    const LOCATOR: &[u8] = b"PK\x06\x07";
    const END64: &[u8] = b"PK\x06\x06";
    let u16_at = |at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u64_at = |at: usize| {
        bytes
            .get(at..at + 8)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
    };
    let max = limits.max_zip_entries as u64;
    let refuse = |n: u64| {
        too_large(
            "max_zip_entries",
            format!("工作簿声明了 {n} 个部件，超过了 {max} 个的上限"),
        )
    };
    let window = bytes.len().saturating_sub(22 + 4 + (1 << 16));
    for at in window..bytes.len().saturating_sub(END.len() - 1) {
        if &bytes[at..at + END.len()] != END {
            continue;
        }
        for n in [u16_at(at + 8), u16_at(at + 10)].into_iter().flatten() {
            if n != 0xFFFF && n > max {
                return Err(refuse(n));
            }
        }
        let Some(locator) = at.checked_sub(20) else {
            continue;
        };
        if bytes.get(locator..locator + 4) != Some(LOCATOR) {
            continue;
        }
        let Some(record) = u64_at(locator + 8).and_then(|o| usize::try_from(o).ok()) else {
            continue;
        };
        if bytes.get(record..record.saturating_add(4)) != Some(END64) {
            continue;
        }
        for n in [
            u64_at(record.saturating_add(24)),
            u64_at(record.saturating_add(32)),
        ]
        .into_iter()
        .flatten()
        {
            if n > max {
                return Err(refuse(n));
            }
        }
    }
    Ok(())
}

fn too_large(limit: &'static str, message: String) -> SheetError {
    SheetError::TooLarge(LimitExceeded::new(limit, message))
}

fn not_a_workbook(e: &dyn std::fmt::Display) -> SheetError {
    SheetError::Unreadable(format!(
        "文件不是有效的 Excel 工作簿（.xlsx），无法读取：{e}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_text(path: &str, xml: &str, limits: &Limits) -> Result<(), SheetError> {
        let path = path.to_ascii_lowercase();
        scan(xml.as_bytes(), &path, part(&path), limits)
    }

    #[test]
    fn references_and_attributes_parse() {
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_576, 16_384)));
        assert_eq!(cell_ref("$B$3"), Some((3, 2)));
        assert_eq!(cell_ref("3"), None);
        assert_eq!(
            attributes(b" Id=\"rId1\" Type='a/b' Target=\"xl/workbook.xml\"/"),
            vec![
                ("Id".to_string(), "rId1".to_string()),
                ("Type".to_string(), "a/b".to_string()),
                ("Target".to_string(), "xl/workbook.xml".to_string()),
            ]
        );
    }

    #[test]
    fn one_long_token_is_refused_wherever_it_hides() {
        let limits = Limits {
            max_xml_token_bytes: 100,
            ..Limits::default()
        };
        let long = "x".repeat(200);
        let gt = ">".repeat(200);
        for xml in [
            format!("<a>{long}</a>"),
            format!("<a b=\"{gt}\"/>"),
            format!("<a><!-- {gt} --></a>"),
            format!("<a><![CDATA[{gt}]]></a>"),
            format!("<?xml {gt}?><a/>"),
        ] {
            let refused = scan_text("xl/worksheets/sheet1.xml", &xml, &limits);
            assert!(
                matches!(refused, Err(SheetError::TooLarge(ref e)) if e.limit == "max_xml_token_bytes"),
                "{xml}: {refused:?}"
            );
        }
        let blank = format!("{}<a/>", " ".repeat(200));
        assert!(scan_text("xl/worksheets/sheet1.xml", &blank, &limits).is_err());
        let doctype = "<!DOCTYPE a [<!ENTITY b \"c\">]><a/>";
        assert!(matches!(
            scan_text("xl/worksheets/sheet1.xml", doctype, &limits),
            Err(SheetError::Unreadable(_))
        ));
        let fine = format!(
            "<a>{}<!-- c --><b c='1'>{}</b></a>",
            "x".repeat(90),
            "y".repeat(90)
        );
        assert!(scan_text("xl/worksheets/sheet1.xml", &fine, &limits).is_ok());
    }

    #[test]
    fn declared_dimensions_and_string_counts_are_bounded() {
        let limits = Limits::default();
        let sheet = |dimension: &str| {
            format!("<worksheet><dimension ref=\"{dimension}\"/><sheetData/></worksheet>")
        };
        assert!(scan_text("xl/worksheets/sheet1.xml", &sheet("A1:U100001"), &limits).is_ok());
        let huge = scan_text("xl/worksheets/sheet1.xml", &sheet("A1:XFD1048576"), &limits);
        assert!(
            matches!(huge, Err(SheetError::TooLarge(ref e)) if e.message.contains("1048576 行")),
            "{huge:?}"
        );
        let inverted = scan_text("xl/worksheets/sheet1.xml", &sheet("C5:A1"), &limits);
        assert!(matches!(inverted, Err(SheetError::Unreadable(_))));
        let sst = "<sst uniqueCount=\"4000000000\"><si><t>a</t></si></sst>";
        assert!(matches!(
            scan_text("xl/sharedStrings.xml", sst, &limits),
            Err(SheetError::TooLarge(e)) if e.limit == "max_shared_strings"
        ));
    }

    #[test]
    fn the_workbook_must_be_where_calamine_reads_whole_parts() {
        let limits = Limits::default();
        let rels = |target: &str| {
            format!(
                "<Relationships><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"{target}\"/></Relationships>"
            )
        };
        assert!(scan_text("_rels/.rels", &rels("xl/workbook.xml"), &limits).is_ok());
        assert!(scan_text("_rels/.rels", &rels("/xl/workbook.xml"), &limits).is_ok());
        assert!(matches!(
            scan_text("_rels/.rels", &rels("xl/worksheets/sheet1.xml"), &limits),
            Err(SheetError::Unreadable(_))
        ));
        assert!(matches!(
            scan_text("_rels/.rels", "<Relationships/>", &limits),
            Err(SheetError::Unreadable(_))
        ));
    }

    #[test]
    fn styles_may_not_multiply_long_names() {
        let limits = Limits::default();
        let styles = format!(
            "<styleSheet><fonts><font><name val=\"{}\"/></font></fonts></styleSheet>",
            "A".repeat(1000)
        );
        assert!(matches!(
            scan_text("xl/styles.xml", &styles, &limits),
            Err(SheetError::TooLarge(e)) if e.limit == "max_style_attribute_bytes"
        ));
        let many = format!(
            "<styleSheet><cellXfs>{}</cellXfs></styleSheet>",
            "<xf/>".repeat(70_000)
        );
        assert!(matches!(
            scan_text("xl/styles.xml", &many, &limits),
            Err(SheetError::TooLarge(e)) if e.limit == "max_part_elements"
        ));
    }
}
