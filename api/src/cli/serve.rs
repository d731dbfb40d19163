//! `mulu serve`: settings first (a bad one stops the start), then the store, the index, the
//! background jobs and the HTTP server.

use std::process::ExitCode;

use catalog::Catalog;
use catalog::calendar::WorkingCalendar;
use catalog::policy::PolicySet;

use super::CliError;
use super::args::ServeArgs;

pub async fn run(args: ServeArgs) -> Result<ExitCode, CliError> {
    init_logging(args.log_json);
    // Settings first: a bad one stops the start before anything is opened.
    let web = args.web.config()?;
    crate::portal::layout::configure_site(args.web.site());
    let policy = match &args.policy {
        Some(path) => PolicySet::load(path)?,
        None => PolicySet::builtin(),
    };
    let calendar = match &args.calendar {
        Some(path) => WorkingCalendar::load(path)?,
        None => WorkingCalendar::builtin(),
    };
    let store = args.db.open().await?;
    let catalog = Catalog::new(store, policy, calendar);
    // Read first: the demo dates its workflows by the same "today" the service runs on.
    let clock = crate::clock::Clock::from_env().map_err(CliError::Setting)?;
    if args.demo {
        crate::demo::load(&catalog, args.demo_corpus.as_deref(), clock.today()).await?;
    }
    let search = args.index.open(&args.db)?;
    let cursor_secret = match args.cursor_key.as_deref().filter(|s| !s.is_empty()) {
        Some(secret) => secret.as_bytes().to_vec(),
        None => catalog.deployment_secret("search-cursor").await?,
    };
    search.set_cursor_key(&cursor_secret);
    if let Some(path) = &args.synonyms {
        crate::synonyms::watch(path.clone(), &search)?;
    }
    indexer::start(catalog.clone(), &search)?;
    crate::jobs::webhooks::spawn(catalog.clone(), args.webhooks.clone());
    crate::jobs::housekeeping::spawn(catalog.clone(), clock);
    let views = crate::page_views::ViewCounter::default();
    crate::jobs::page_views::spawn(catalog.clone(), views.clone());
    let edge = crate::server::EdgeOptions {
        cors_origins: args.cors_origins.clone(),
        rate_limit: crate::middleware::rate_limit::RateLimit {
            per_second: args.public_rate,
            burst: args.public_burst,
            trust_forwarded_for: args.trust_forwarded_for,
            token_per_second: args.token_rate,
            token_burst: args.token_burst,
            auth_failures_per_minute: args.auth_failures_per_minute,
        },
        webhook_targets: args.webhooks.targets(),
        connections: crate::server::ConnectionLimits {
            header_timeout: std::time::Duration::from_secs(args.header_timeout_secs),
            idle_timeout: std::time::Duration::from_secs(args.idle_timeout_secs),
            per_client: if args.trust_forwarded_for {
                0
            } else {
                args.max_connections_per_client
            },
        },
        metrics_public: args.metrics_public,
    };
    let state = crate::state::AppState {
        catalog,
        clock,
        search,
        web: std::sync::Arc::new(web),
        import_jobs: Default::default(),
        views,
    };
    crate::server::serve(state, &args.bind, &edge).await?;
    Ok(ExitCode::SUCCESS)
}

/// Logging when `RUST_LOG` is unset. tantivy warns "couldn't find segment in SegmentManager"
/// whenever a merge's segments were merged by another merge first; the search writer merges again
/// (`search::writer`), so at every demo start an operator saw a warning about nothing.
const DEFAULT_LOG_FILTER: &str = "info,tantivy::indexer::segment_manager=error";

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
