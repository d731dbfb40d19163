//! `mulu harvest dcat|ckan URL --provider USCC`: a foreign catalog's datasets become drafts of
//! that provider through the same validation and report as `mulu import`.

use std::process::ExitCode;
use std::time::Instant;

use catalog::CatalogError;
use importers::harvest::{self, Harvest, HarvestError};
use importers::report::ImportMode;

use super::CliError;
use super::args::HarvestCommand;
use super::import::write_and_report;

pub async fn run(command: HarvestCommand) -> Result<ExitCode, CliError> {
    let started = Instant::now();
    let client = harvest::client();
    let (args, result) = match command {
        HarvestCommand::Dcat(args) => {
            let r = harvest::dcat::harvest(&client, &args.url, Some(args.max_pages)).await;
            (args, r)
        }
        HarvestCommand::Ckan { args, rows } => {
            let r = harvest::ckan::harvest(&client, &args.url, rows, Some(args.max_pages)).await;
            (args, r)
        }
    };
    let harvested: Harvest =
        result.map_err(|e: HarvestError| CatalogError::invalid("url", e.to_string()))?;
    eprintln!(
        "已读取 {} 页，{} 个数据集",
        harvested.pages,
        harvested.rows.len()
    );
    let prepared = harvested.prepare(&args.url);
    let mode = ImportMode {
        partial: args.partial,
        dry_run: args.dry_run,
    };
    write_and_report(&args.db, &args.provider, prepared, mode, args.json, started).await
}
