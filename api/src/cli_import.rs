//! `mulu import FILE --provider USCC`: a filled directory template (.xlsx/.csv) or a corpus file
//! (.jsonl[.gz]) becomes drafts of that provider. Every problem is reported with row, column and
//! a Chinese message; nothing is written unless every row is valid, or `--partial` is given.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use catalog::domain::Uscc;
use catalog::domain::resource::ResourceContent;
use catalog::error::AtField;
use catalog::{Actor, Catalog, CatalogError, Role};
use clap::Args;
use importers::corpus;
use importers::rows::{ParsedFile, ParsedRow, RowProblem, parse_directory_file};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::cli::DbArgs;

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// A filled template (.xlsx or .csv), or an open-data corpus file (.jsonl or .jsonl.gz).
    pub file: PathBuf,
    /// The provider's 统一社会信用代码; the drafts are created for it.
    #[arg(long)]
    pub provider: String,
    /// Import the valid rows and report the rest (default: all or nothing).
    #[arg(long)]
    pub partial: bool,
    /// Validate and report only; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What an import did; also the body of the upload endpoint's answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Resource rows found in the file.
    pub total_rows: usize,
    /// Drafts created.
    pub imported: usize,
    /// Rows with at least one problem (not imported).
    pub rejected: usize,
    /// Every problem, with sheet, row, column and a Chinese message.
    pub problems: Vec<RowProblem>,
    /// Values changed on the way in (corpus files), e.g. an update frequency mapped to a standard one.
    pub normalized: Vec<Normalized>,
    /// Codes of the drafts created, in row order.
    pub codes: Vec<String>,
}

/// How often one field was normalized from one raw value.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Normalized {
    pub field: String,
    pub raw: String,
    pub normalized: String,
    pub count: usize,
}

pub async fn run(args: ImportArgs) -> Result<ExitCode, CatalogError> {
    let started = Instant::now();
    let name = args.file.display().to_string();
    let (parsed, normalized) = if name.ends_with(".jsonl") || name.ends_with(".jsonl.gz") {
        read_corpus(&args.file)?
    } else {
        let bytes = std::fs::read(&args.file)
            .map_err(|e| CatalogError::invalid("file", format!("无法读取 {name}：{e}")))?;
        (parse_directory_file(&bytes), Vec::new())
    };
    let parse_seconds = started.elapsed().as_secs_f64();
    let catalog = Catalog::with_builtin_config(args.db.open().await?);
    let uscc = Uscc::parse(&args.provider).at("provider")?;
    let provider = catalog
        .organization_by_uscc(&uscc)
        .await?
        .ok_or_else(|| CatalogError::invalid("provider", format!("机构 {uscc} 未登记")))?;
    let write = !args.dry_run && (parsed.problems.is_empty() || args.partial);
    let rows = parsed.valid.len();
    let mut codes = Vec::new();
    if write && rows > 0 {
        let bar = ProgressBar::new(rows as u64).with_style(
            ProgressStyle::with_template("写入 {bar:40} {pos}/{len} 条 {per_sec} 预计剩余 {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let contents: Vec<ResourceContent> =
            parsed.valid.iter().map(|r| r.content.clone()).collect();
        let actor = Actor::new(Role::Provider, provider.id);
        let created = catalog
            .import_drafts(&actor, provider.id, contents, |n| {
                bar.set_position(n as u64)
            })
            .await?;
        bar.finish_and_clear();
        codes = created
            .iter()
            .map(|r| r.code.as_str().to_string())
            .collect();
    }
    let seconds = started.elapsed().as_secs_f64();
    catalog.store().close().await;
    let report = ImportReport {
        total_rows: parsed.total_rows,
        imported: codes.len(),
        rejected: parsed.invalid_rows(),
        problems: parsed.problems,
        normalized,
        codes,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print_report(&report);
    }
    eprintln!(
        "用时 {seconds:.2} 秒（读取与校验 {parse_seconds:.2} 秒），{:.0} 行/秒",
        report.total_rows as f64 / seconds.max(1e-9)
    );
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_report(report: &ImportReport) {
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
    for n in &report.normalized {
        println!(
            "已规范化 {}：“{}” → “{}”（{} 行）",
            n.field, n.raw, n.normalized, n.count
        );
    }
    let outcome = if report.imported == 0 && !report.problems.is_empty() {
        "未写入任何数据".to_string()
    } else {
        format!("已导入 {} 条草稿", report.imported)
    };
    println!(
        "共 {} 行，{outcome}，{} 行有问题（{} 个问题）",
        report.total_rows,
        report.rejected,
        report.problems.len()
    );
}

/// The shared open-data corpus, mapped onto our model with every normalization counted.
fn read_corpus(path: &std::path::Path) -> Result<(ParsedFile, Vec<Normalized>), CatalogError> {
    let records =
        corpus::read_corpus(path).map_err(|e| CatalogError::invalid("file", e.to_string()))?;
    let bar = ProgressBar::new(records.len() as u64).with_style(
        ProgressStyle::with_template("校验 {bar:40} {pos}/{len} 条")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut counts: std::collections::BTreeMap<(String, String, String), usize> =
        Default::default();
    let mut parsed = ParsedFile {
        total_rows: records.len(),
        ..ParsedFile::default()
    };
    for (i, r) in records.iter().enumerate() {
        let mapped = corpus::map_record(r);
        for n in mapped.notes {
            *counts
                .entry((n.field.to_string(), n.raw, n.normalized))
                .or_default() += 1;
        }
        let row = i + 1;
        match mapped.content.validate() {
            Ok(()) => parsed.valid.push(ParsedRow {
                row,
                content: mapped.content,
            }),
            Err(e) => parsed.problems.push(RowProblem {
                sheet: path.display().to_string(),
                row,
                column: match &e {
                    CatalogError::Invalid { field, .. } => field.clone(),
                    _ => String::new(),
                },
                cell: None,
                value: None,
                message: e.to_string(),
            }),
        }
        if i % 1000 == 0 {
            bar.set_position(i as u64);
        }
    }
    bar.finish_and_clear();
    let normalized = counts
        .into_iter()
        .map(|((field, raw, normalized), count)| Normalized {
            field,
            raw,
            normalized,
            count,
        })
        .collect();
    Ok((parsed, normalized))
}
