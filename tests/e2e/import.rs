//! Batch import over HTTP and from the command line: templates download and open in a spreadsheet
//! reader; a good workbook becomes drafts (the provider's, invisible to the public); a broken
//! workbook or wrong enumerations are refused with the full report and change nothing; partial
//! mode imports the good rows; `mulu import` reads real corpus records.

use std::io::{BufRead, BufReader, Cursor, Write};

use calamine::{Reader, open_workbook_auto_from_rs};
use importers::columns::{ITEM_SHEET, RESOURCE_SHEET};
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

use crate::app::{ADMIN, PROVIDER, TestApp};
use crate::server::{Api, MULU, Server};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A data administration (reads the audit trail) and a provider, with a token each.
fn setup() -> (TestApp, String, String) {
    let app = TestApp::new().with_orgs(&[ADMIN, PROVIDER]);
    let [admin, provider] = app.tokens([&ADMIN, &PROVIDER]);
    (app, admin, provider)
}

struct Upload {
    status: StatusCode,
    content_type: String,
    body: Value,
}

async fn upload(api: &Api, token: Option<&str>, query: &str, ct: &str, bytes: Vec<u8>) -> Upload {
    let mut request = api
        .http
        .post(api.server.url(&format!("/api/v1/imports{query}")))
        .header(CONTENT_TYPE, ct)
        .body(bytes);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = response.json().await.unwrap_or(Value::Null);
    Upload {
        status,
        content_type,
        body,
    }
}

/// A `multipart/form-data` body as a browser sends it: plain fields, then the file part
/// (name, file name, part type, bytes). Returns (Content-Type, body).
fn form(fields: &[(&str, &[u8])], file: (&str, &str, &str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----MuluFormBoundary7d3f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend(*value);
        body.extend(b"\r\n");
    }
    let (name, file_name, part_type, bytes) = file;
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; \
             filename=\"{file_name}\"\r\nContent-Type: {part_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// (resources the administration sees, audit events), to prove a refusal wrote nothing.
async fn state(api: &Api, admin: &str) -> (usize, i64) {
    let (s, list, _) = api
        .call(
            Method::GET,
            "/api/v1/workspace/resources?limit=500",
            Some(admin),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let (s, chain, _) = api
        .call(Method::GET, "/api/v1/audit/verify", Some(admin), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{chain}");
    assert!(chain["first_break"].is_null(), "{chain}");
    (
        list["items"].as_array().unwrap().len(),
        chain["events"].as_i64().unwrap(),
    )
}

/// A workbook with the downloaded template's resource-sheet headers and these rows.
fn filled_workbook(headers: &[String], rows: &[Vec<(&str, &str)>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(RESOURCE_SHEET).unwrap();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (header, value) in row {
            let c = headers
                .iter()
                .position(|h| h.trim_end_matches('*') == *header)
                .unwrap_or_else(|| panic!("template has no column {header}: {headers:?}"));
            sheet.write_string(r as u32 + 1, c as u16, *value).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn row<'a>(name: &'a str, grade: &'a str, frequency: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("资源名称", name),
        ("资源摘要", "线路、站点与首末班时间"),
        ("数据分级", grade),
        ("共享类型", "无条件共享"),
        ("开放类型", "无条件开放"),
        ("更新频率", frequency),
    ]
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["content"]["name"]
                .as_str()
                .or(r["name"].as_str())
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn uploads_import_all_or_nothing_with_a_full_report() {
    let (app, admin, provider) = setup();
    let d = app.dir();
    let api = Api {
        http: Client::new(),
        server: Server::start(&[
            "--data-dir",
            d.to_str().unwrap(),
            "--public-rate",
            "100000",
            "--public-burst",
            "100000",
        ]),
    };

    // The templates are public downloads; the workbook opens in a spreadsheet reader.
    let response = api
        .http
        .get(api.server.url("/api/v1/import-templates/directory.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], XLSX);
    assert!(
        response.headers()[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let template = response.bytes().await.unwrap().to_vec();
    let mut book = open_workbook_auto_from_rs(Cursor::new(template)).unwrap();
    let sheets = book.sheet_names();
    assert!(sheets.contains(&RESOURCE_SHEET.to_string()), "{sheets:?}");
    assert!(sheets.contains(&ITEM_SHEET.to_string()), "{sheets:?}");
    let range = book.worksheet_range(RESOURCE_SHEET).unwrap();
    let headers: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(
        headers.iter().any(|h| h.starts_with("更新频率")),
        "{headers:?}"
    );

    let response = api
        .http
        .get(api.server.url("/api/v1/import-templates/directory.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv_template = response.bytes().await.unwrap().to_vec();
    assert!(
        csv_template.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 BOM for Excel"
    );

    let before = state(&api, &admin).await;

    // Only providers upload.
    let good = filled_workbook(
        &headers,
        &[
            row("公交线路导入测试", "一般数据/2", "每月"),
            row("出租车站点导入测试", "一般数据", "每日"),
        ],
    );
    let anonymous = upload(&api, None, "", XLSX, good.clone()).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let wrong_role = upload(&api, Some(&admin), "", XLSX, good.clone()).await;
    assert_eq!(wrong_role.status, StatusCode::FORBIDDEN);
    let json = upload(
        &api,
        Some(&provider),
        "",
        "application/json",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(
        json.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{}",
        json.body
    );
    assert_eq!(state(&api, &admin).await, before);

    // A dry run validates and writes nothing.
    let dry = upload(&api, Some(&provider), "?dry_run=true", XLSX, good.clone()).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    assert_eq!(dry.body["valid_rows"], 2);
    assert_eq!(dry.body["imported"], 0);
    assert_eq!(state(&api, &admin).await, before);

    // The same file from a browser form: the part named `file`, its kind from its name (the
    // part type browsers guess says nothing here).
    let (ct, body) = form(
        &[("note", b"ignored")],
        ("file", "目录.xlsx", "application/vnd.ms-excel", &good),
    );
    let by_form = upload(&api, Some(&provider), "?dry_run=true", &ct, body).await;
    assert_eq!(by_form.status, StatusCode::OK, "{}", by_form.body);
    assert_eq!(by_form.body["valid_rows"], 2);
    // A form over axum's 2 MiB default for forms is read whole: uploads have their own limit.
    let padding = vec![b'x'; 3 * 1024 * 1024];
    let (ct, body) = form(
        &[("note", &padding)],
        ("file", "目录.xlsx", "application/vnd.ms-excel", &good),
    );
    let big_form = upload(&api, Some(&provider), "?dry_run=true", &ct, body).await;
    assert_eq!(big_form.status, StatusCode::OK, "{}", big_form.body);
    let (ct, body) = form(
        &[("note", b"no file here")],
        ("other", "x.csv", "text/csv", b"a"),
    );
    let no_file = upload(&api, Some(&provider), "", &ct, body).await;
    assert_eq!(no_file.status, StatusCode::BAD_REQUEST, "{}", no_file.body);
    assert_eq!(no_file.content_type, "application/problem+json");
    assert_eq!(no_file.body["field"], "file");
    assert_eq!(state(&api, &admin).await, before);

    // A good workbook: two drafts of the caller's organization, one audit event each.
    let done = upload(&api, Some(&provider), "", XLSX, good).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
    assert_eq!(done.body["imported"], 2);
    assert_eq!(done.body["problems"], serde_json::json!([]));
    let codes = done.body["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 2);
    assert!(codes[0].as_str().unwrap().contains("510500"), "{codes:?}");
    let after_good = state(&api, &admin).await;
    assert_eq!(after_good, (before.0 + 2, before.1 + 2));

    let (s, own, _) = api
        .call(
            Method::GET,
            "/api/v1/workspace/resources?status=draft",
            Some(&provider),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{own}");
    let own_names = names(&own);
    assert!(own_names.contains(&"公交线路导入测试".to_string()), "{own}");
    assert!(own_names.contains(&"出租车站点导入测试".to_string()));
    let (s, public, _) = api
        .call(Method::GET, "/api/v1/resources?limit=500", None, None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !public.to_string().contains("导入测试"),
        "drafts are not public"
    );
    let id = own["items"][0]["id"].as_str().unwrap();
    let (s, _, _) = api
        .call(Method::GET, &format!("/api/v1/resources/{id}"), None, None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A broken workbook: 422 problem with the report, nothing written.
    let broken = upload(
        &api,
        Some(&provider),
        "",
        XLSX,
        b"PK\x03\x04this is not a workbook".to_vec(),
    )
    .await;
    assert_eq!(
        broken.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        broken.body
    );
    assert_eq!(broken.content_type, "application/problem+json");
    assert_eq!(broken.body["status"], 422);
    let problems = broken.body["report"]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{}", broken.body);
    assert_eq!(problems[0]["row"], 0);
    assert!(problems[0]["message"].as_str().unwrap().contains("Excel"));
    assert_eq!(state(&api, &admin).await, after_good);

    // Wrong enumerations in a CSV: every bad cell reported, nothing written.
    let mut csv = csv_template.clone();
    let header = String::from_utf8(csv_template[3..].to_vec()).unwrap();
    let header = header.lines().next().unwrap();
    let columns: Vec<&str> = header.split(',').collect();
    let line = |values: &[(&str, &str)]| {
        columns
            .iter()
            .map(|c| {
                values
                    .iter()
                    .find(|(h, _)| c.trim_end_matches('*') == *h)
                    .map_or("", |(_, v)| *v)
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    writeln!(csv, "{}", line(&row("道路名录导入测试", "秘密", "每季度"))).unwrap();
    writeln!(
        csv,
        "{}",
        line(&row("桥梁名录导入测试", "一般数据/2", "季度"))
    )
    .unwrap();
    let refused = upload(&api, Some(&provider), "", "text/csv", csv.clone()).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(refused.content_type, "application/problem+json");
    let report = &refused.body["report"];
    assert_eq!(report["total_rows"], 3, "{report}");
    assert_eq!(report["rejected"], 2);
    assert_eq!(report["imported"], 0);
    let at = |row: i64, column: &str| {
        report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["row"] == row && p["column"] == column)
            .unwrap_or_else(|| panic!("no problem at row {row} column {column}: {report}"))
            .clone()
    };
    let grade = at(3, "数据分级");
    assert!(
        grade["message"].as_str().unwrap().contains("秘密"),
        "{grade}"
    );
    assert_eq!(grade["value"], "秘密");
    assert!(grade["cell"].as_str().unwrap().ends_with('3'));
    let frequency = at(4, "更新频率");
    assert!(
        frequency["message"].as_str().unwrap().contains("每季度"),
        "the near miss is named: {frequency}"
    );
    assert_eq!(state(&api, &admin).await, after_good);

    // Partial: the template's example row goes in, the two bad rows are reported.
    let partial = upload(&api, Some(&provider), "?partial=true", "text/csv", csv).await;
    assert_eq!(partial.status, StatusCode::CREATED, "{}", partial.body);
    assert_eq!(partial.body["imported"], 1);
    assert_eq!(partial.body["rejected"], 2);
    assert!(!partial.body["problems"].as_array().unwrap().is_empty());
    assert_eq!(
        state(&api, &admin).await,
        (after_good.0 + 1, after_good.1 + 1)
    );

    // Garbage as octet-stream is a client error.
    let garbage = upload(
        &api,
        Some(&provider),
        "",
        "application/octet-stream",
        vec![0xff, 0x00, 0x13, 0x37],
    )
    .await;
    assert!(garbage.status.is_client_error(), "{}", garbage.status);
}

#[test]
fn mulu_import_reads_real_corpus_records_and_reports_as_json() {
    let (app, _, _) = setup();
    let d = app.dir();
    // 300 lines of the real corpus (the built-in sample when it is absent).
    let sample = d.join("sample.jsonl");
    let lines: Vec<String> = match importers::corpus::default_corpus_path() {
        Some(path) => {
            let file = std::fs::File::open(path).unwrap();
            BufReader::new(flate2::read::GzDecoder::new(file))
                .lines()
                .take(300)
                .map(Result::unwrap)
                .collect()
        }
        None => include_str!("../../importers/src/builtin_sample.jsonl")
            .lines()
            .map(str::to_string)
            .collect(),
    };
    std::fs::write(&sample, lines.join("\n")).unwrap();
    let out = std::process::Command::new(MULU)
        .arg("import")
        .arg(&sample)
        .args(["--provider", PROVIDER.uscc, "--json", "--data-dir"])
        .arg(d)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["total_rows"], lines.len());
    assert_eq!(report["imported"], lines.len());
    assert_eq!(report["codes"].as_array().unwrap().len(), lines.len());
    assert!(
        !report["normalized"].as_array().unwrap().is_empty(),
        "the corpus always needs normalizing: {report}"
    );
    let verify = std::process::Command::new(MULU)
        .args(["audit", "verify", "--data-dir"])
        .arg(d)
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "the chain verifies after a batch import"
    );

    // A file with a bad line is refused as a whole (exit 1), with the line in the report.
    let bad = d.join("bad.jsonl");
    std::fs::write(&bad, format!("{}\nnot json\n", lines[0])).unwrap();
    let out = std::process::Command::new(MULU)
        .arg("import")
        .arg(&bad)
        .args(["--provider", PROVIDER.uscc, "--json", "--data-dir"])
        .arg(d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["imported"], 0);
    assert_eq!(report["problems"][0]["row"], 2);
}

/// `mulu import FILE --json` with `extra` arguments: exit code and report.
fn import_json(d: &std::path::Path, file: &std::path::Path, extra: &[&str]) -> (i32, Value) {
    let out = std::process::Command::new(MULU)
        .arg("import")
        .arg(file)
        .args(["--provider", PROVIDER.uscc, "--json", "--data-dir"])
        .arg(d)
        .args(extra)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), report)
}

/// The sequence number inside a resource code (`510500-00000001-X`).
fn sequence(code: &Value) -> u64 {
    code.as_str()
        .unwrap()
        .split('-')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn mulu_import_writes_a_corpus_file_while_reading_it_and_still_all_or_nothing() {
    let (app, _, _) = setup();
    let d = app.dir();
    let before = audit_events(d);
    // 9,000 rows: the reader hands on two full batches (4,096 each) before it meets the bad
    // line, so the write transaction has stored rows by then.
    let sample: Vec<&str> = include_str!("../../importers/src/builtin_sample.jsonl")
        .lines()
        .collect();
    let mut lines: Vec<&str> = sample.iter().copied().cycle().take(9_000).collect();
    let good = d.join("good.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(lines.join("\n").as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(&good, &gz).unwrap();
    lines[8_499] = "{\"id\": 1, 这不是 JSON";
    let bad = d.join("bad.jsonl");
    std::fs::write(&bad, lines.join("\n")).unwrap();

    let (code, report) = import_json(d, &bad, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        (report["total_rows"].as_u64(), report["imported"].as_u64()),
        (Some(9_000), Some(0))
    );
    assert_eq!(report["problems"].as_array().unwrap().len(), 1);
    assert_eq!(report["problems"][0]["row"], 8_500);

    // Nothing of the rolled-back rows remains: not even their codes were consumed.
    let (code, report) = import_json(d, &good, &[]);
    assert_eq!(code, 0, "{report}");
    let codes = report["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 9_000);
    let numbers: Vec<u64> = codes.iter().map(sequence).collect();
    assert_eq!(numbers, (1..=9_000).collect::<Vec<_>>());

    // --partial keeps every valid row, in order, after the ones before.
    let (code, report) = import_json(d, &bad, &["--partial"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["imported"], 8_999);
    assert_eq!(sequence(&report["codes"][0]), 9_001);
    assert_eq!(sequence(&report["codes"][8_998]), 17_999);

    // A gzip file cut short is refused as a whole even with --partial: rows before the break
    // were written inside the transaction and are rolled back.
    let cut = d.join("cut.jsonl.gz");
    std::fs::write(&cut, &gz[..gz.len() * 2 / 3]).unwrap();
    let (code, report) = import_json(d, &cut, &["--partial"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["imported"], 0);
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.last().unwrap()["row"], 0, "{report}");
    let (_, report) = import_json(d, &good, &["--dry-run"]);
    assert_eq!(
        (report["valid_rows"].as_u64(), report["imported"].as_u64()),
        (Some(9_000), Some(0))
    );
    // One audit event per stored draft, none for the rolled-back ones; the chain verifies.
    assert_eq!(audit_events(d), before + 17_999);
}

/// The number of audit events, as `mulu audit verify` counts them (it fails on a break).
fn audit_events(d: &std::path::Path) -> u64 {
    let out = std::process::Command::new(MULU)
        .args(["audit", "verify", "--data-dir"])
        .arg(d)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    text.split_once('：')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no event count in {text}"))
}
