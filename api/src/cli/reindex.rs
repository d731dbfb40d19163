//! `mulu reindex`: rebuild the search index from the database, with a progress bar.

use std::process::ExitCode;
use std::time::Instant;

use catalog::Catalog;
use indicatif::{ProgressBar, ProgressStyle};

use super::CliError;
use super::args::ReindexArgs;

pub async fn run(args: ReindexArgs) -> Result<ExitCode, CliError> {
    let catalog = Catalog::with_builtin_config(args.db.open().await?);
    let index = args.index.open(&args.db)?;
    let writer = search::spawn_writer(&index)
        .map_err(|e| CliError::Setting(format!("{e}（是否有 mulu serve 正在使用该索引？）")))?;
    let total = indexer::rebuild_total(&catalog).await?;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} 条 {per_sec} 预计剩余 {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let rows = indexer::rebuild(&catalog, &writer, |done| bar.set_position(done)).await?;
    // One segment instead of dozens: each is a fixed cost to every query.
    writer.merge_segments().await?;
    bar.finish_and_clear();
    writer.shutdown().await;
    println!(
        "已重建搜索索引：读取 {rows} 条记录，索引 {} 个文档，用时 {:.1} 秒，变更日志位置 {}",
        index.doc_count(),
        started.elapsed().as_secs_f64(),
        index.last_applied_seq().unwrap_or(0)
    );
    catalog.store().close().await;
    Ok(ExitCode::SUCCESS)
}
