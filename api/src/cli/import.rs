//! `mulu import FILE --provider USCC`: a filled directory template (.xlsx/.csv) or a corpus file
//! (.jsonl[.gz]) becomes drafts of that provider. Every problem is reported with row, column and
//! a Chinese message; nothing is written unless every row is valid, or `--partial` is given.
//! Templates are held to the same limits as uploads (`importers::limits`): a workbook bomb is
//! refused before it is unpacked, and the report lists the first 1,000 problems and counts all.

use std::process::ExitCode;
use std::time::Instant;

use catalog::{Actor, Catalog, CatalogError, Role};
use importers::report::{
    ImportMode, ImportReport, Prepared, SourceFormat, import_prepared, prepare, read_path,
};
use importers::stream::{CorpusFile, import_corpus_stream};
use indicatif::{ProgressBar, ProgressStyle};

use super::CliError;
use super::args::{DbArgs, ImportArgs};
use super::org::registered_org;

pub async fn run(args: ImportArgs) -> Result<ExitCode, CliError> {
    let started = Instant::now();
    let source = args.file.display().to_string();
    let mode = ImportMode {
        partial: args.partial,
        dry_run: args.dry_run,
    };
    // Corpus files can be large: written while they are read. Templates are read whole (one
    // sheet, cells cross-checked against the data-items sheet).
    match SourceFormat::from_name(&source) {
        Some(format @ (SourceFormat::Jsonl | SourceFormat::JsonlGz)) => {
            stream_and_report(&args, format == SourceFormat::JsonlGz, mode, started).await
        }
        _ => {
            let (bytes, format) =
                read_path(&args.file).map_err(|e| CatalogError::invalid("file", e))?;
            let prepared = prepare(&bytes, format, &source);
            drop(bytes);
            write_and_report(&args.db, &args.provider, prepared, mode, args.json, started).await
        }
    }
}

/// A corpus file imported while it is read; the bar follows the bytes read, its message the
/// rows written.
async fn stream_and_report(
    args: &ImportArgs,
    gzip: bool,
    mode: ImportMode,
    started: Instant,
) -> Result<ExitCode, CliError> {
    let source = args.file.display().to_string();
    let file = std::fs::File::open(&args.file)
        .map_err(|e| CatalogError::invalid("file", format!("无法读取 {source}：{e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let (catalog, actor, provider_id) = open_as_provider(&args.db, &args.provider).await?;
    let bar = ProgressBar::new(size).with_style(
        ProgressStyle::with_template(
            "读取 {bar:40} {binary_bytes}/{binary_total_bytes} {msg} 预计剩余 {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let written = bar.clone();
    let report = import_corpus_stream(
        &catalog,
        &actor,
        provider_id,
        CorpusFile {
            bytes: bar.wrap_read(file),
            gzip,
            name: source.clone(),
        },
        mode,
        move |n| written.set_message(format!("已写入 {n} 条")),
    )
    .await?;
    bar.finish_and_clear();
    catalog.store().close().await;
    print_outcome(&report, args.json);
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "用时 {seconds:.2} 秒（边读取校验边写入），共 {:.0} 行/秒",
        report.total_rows as f64 / seconds.max(1e-9)
    );
    Ok(exit_code(&report))
}

/// The catalog at `db`, and the provider with 统一社会信用代码 `uscc` (its id, and it acting
/// for itself).
async fn open_as_provider(
    db: &DbArgs,
    uscc: &str,
) -> Result<(Catalog, Actor, uuid::Uuid), CatalogError> {
    let catalog = Catalog::with_builtin_config(db.open().await?);
    let provider = registered_org(&catalog, uscc, "provider").await?;
    Ok((
        catalog,
        Actor::new(Role::Provider, provider.id),
        provider.id,
    ))
}

/// The report, as JSON or as text.
fn print_outcome(report: &ImportReport, json: bool) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(report).unwrap_or_default()
        );
    } else {
        print_report(report);
    }
}

/// 1 when any row had a problem.
fn exit_code(report: &ImportReport) -> ExitCode {
    if report.problem_count == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Write a prepared file as drafts of the provider `uscc` (as `mode` allows), print the report
/// (JSON or text) and the timing; exit 1 when any row had a problem.
pub async fn write_and_report(
    db: &DbArgs,
    uscc: &str,
    prepared: Prepared,
    mode: ImportMode,
    json: bool,
    started: Instant,
) -> Result<ExitCode, CliError> {
    let parse_seconds = started.elapsed().as_secs_f64();
    let (catalog, actor, provider_id) = open_as_provider(db, uscc).await?;
    let rows = prepared.parsed.valid.len() as u64;
    let bar = ProgressBar::new(rows).with_style(
        ProgressStyle::with_template("写入 {bar:40} {pos}/{len} 条 {per_sec} 预计剩余 {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let write_started = Instant::now();
    let report = import_prepared(&catalog, &actor, provider_id, prepared, mode, |n| {
        bar.set_position(n as u64)
    })
    .await?;
    bar.finish_and_clear();
    let write_seconds = write_started.elapsed().as_secs_f64();
    let seconds = started.elapsed().as_secs_f64();
    catalog.store().close().await;
    print_outcome(&report, json);
    eprintln!(
        "用时 {seconds:.2} 秒（读取与校验 {parse_seconds:.2} 秒，写入 {write_seconds:.2} 秒），\
         共 {:.0} 行/秒，写入 {:.0} 行/秒",
        report.total_rows as f64 / seconds.max(1e-9),
        report.imported as f64 / write_seconds.max(1e-9)
    );
    Ok(exit_code(&report))
}

/// The report as people read it: one line per problem, then the normalizations and the outcome.
pub fn print_report(report: &ImportReport) {
    for p in &report.problems {
        let place = match (&p.cell, p.row) {
            (_, 0) => "文件".to_string(),
            (Some(cell), _) => format!("{} 第 {} 行 {cell}", p.sheet, p.row),
            (None, _) => format!("{} 第 {} 行", p.sheet, p.row),
        };
        let column = if p.column.is_empty() {
            String::new()
        } else {
            format!("【{}】", p.column)
        };
        println!("{place}{column}：{}", p.message);
    }
    let unlisted = report.problem_count.saturating_sub(report.problems.len());
    if unlisted > 0 {
        println!("另有 {unlisted} 个问题未逐条列出；全部问题按列统计：");
        for k in &report.problem_kinds {
            let place = match (k.sheet.as_str(), k.column.as_str()) {
                ("", "") => "文件".to_string(),
                (sheet, "") => sheet.to_string(),
                (sheet, column) => format!("{sheet}【{column}】"),
            };
            println!("  {place}：{} 个，例如：{}", k.count, k.example);
        }
    }
    for n in &report.normalized {
        println!(
            "已规范化 {}：“{}” → “{}”（{} 行）",
            n.field, n.raw, n.normalized, n.count
        );
    }
    let outcome = if report.dry_run {
        format!("试运行：{} 行可导入，未写入任何数据", report.valid_rows)
    } else if report.imported == 0 {
        "未写入任何数据".to_string()
    } else {
        format!("已导入 {} 条草稿", report.imported)
    };
    println!(
        "共 {} 行，{outcome}，{} 行有问题（{} 个问题）",
        report.total_rows, report.rejected, report.problem_count
    );
}
