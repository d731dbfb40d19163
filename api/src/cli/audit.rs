//! `mulu audit …`: export the chain and verify it, from the database or from an exported file.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use catalog::CatalogError;
use catalog::audit::{AuditEvent, ChainReport, ChainVerifier};

use super::CliError;
use super::args::DbArgs;

/// Print the outcome in Chinese; exit 1 on a break.
pub fn print_report(report: &ChainReport) -> ExitCode {
    match &report.first_break {
        None => {
            println!(
                "审计链完整：{} 个事件，链头哈希 {}",
                report.events, report.head_hash
            );
            ExitCode::SUCCESS
        }
        Some(b) => {
            println!(
                "审计链被破坏：第 {} 号事件 {}（此前 {} 个事件验证通过）",
                b.seq, b.problem, report.events
            );
            ExitCode::from(1)
        }
    }
}

pub async fn export(db: DbArgs) -> Result<ExitCode, CliError> {
    const PAGE: i64 = 1000;
    let store = db.open().await?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    let io = |e: std::io::Error| CliError::io("写出失败")(e);
    let mut after = 0;
    loop {
        let events = store.audit_events(after, PAGE).await?;
        for event in &events {
            serde_json::to_writer(&mut out, event).map_err(|e| io(e.into()))?;
            out.write_all(b"\n").map_err(io)?;
        }
        match events.last() {
            Some(last) if events.len() as i64 == PAGE => after = last.seq,
            _ => break,
        }
    }
    out.flush().map_err(io)?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub fn verify_export(file: &Path) -> Result<ExitCode, CliError> {
    let reader = std::fs::File::open(file)
        .map(BufReader::new)
        .map_err(CliError::io(format!("无法读取 {}", file.display())))?;
    let mut verifier = ChainVerifier::default();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(CliError::io(format!("第 {} 行无法读取", n + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        let event: AuditEvent = serde_json::from_str(&line).map_err(|e| {
            CatalogError::invalid(format!("line {}", n + 1), format!("不是审计事件：{e}"))
        })?;
        if let Err(b) = verifier.check(&event) {
            return Ok(print_report(&verifier.finish(Some(b))));
        }
    }
    Ok(print_report(&verifier.finish(None)))
}

pub async fn verify(db: DbArgs) -> Result<ExitCode, CliError> {
    let store = db.open().await?;
    let report = catalog::audit_log::verify_store(store.as_ref()).await?;
    store.close().await;
    Ok(print_report(&report))
}
