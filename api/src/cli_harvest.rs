//! `mulu harvest dcat|ckan URL --provider USCC`: a foreign catalog's datasets become drafts of
//! that provider through the same validation and report as `mulu import`.

use std::process::ExitCode;
use std::time::Instant;

use catalog::CatalogError;
use clap::{Args, Subcommand};
use importers::harvest::{self, Harvest, HarvestError};
use importers::report::ImportMode;

use crate::cli::DbArgs;
use crate::cli_import::write_and_report;

#[derive(Debug, Subcommand)]
pub enum HarvestCommand {
    /// A DCAT catalog (Turtle or JSON-LD); pages are followed through `hydra:next`.
    Dcat(HarvestArgs),
    /// A CKAN portal through the Action API (`package_search`, start/rows paging).
    Ckan {
        #[command(flatten)]
        args: HarvestArgs,
        /// Packages per `package_search` page (1–1000).
        #[arg(long, default_value_t = 100)]
        rows: usize,
    },
}

#[derive(Debug, Clone, Args)]
pub struct HarvestArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The catalog's address: a DCAT page, or a CKAN site (or its package_search URL).
    pub url: String,
    /// The provider's 统一社会信用代码; the drafts are created for it.
    #[arg(long)]
    pub provider: String,
    /// Import the valid datasets and report the rest (default: all or nothing).
    #[arg(long)]
    pub partial: bool,
    /// Fetch, validate and report only; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Stop after this many pages.
    #[arg(long, default_value_t = harvest::DEFAULT_MAX_PAGES)]
    pub max_pages: usize,
}

pub async fn run(command: HarvestCommand) -> Result<ExitCode, CatalogError> {
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
