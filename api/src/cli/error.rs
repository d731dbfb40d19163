//! What stops the `mulu` binary, printed as `错误：…` with exit code 2: the catalog refused (a bad
//! argument, a rule), a setting or file given on the command line cannot be used, the index or
//! the server could not start, or standard output could not be written.

use catalog::CatalogError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// A setting (flag, environment variable or the file it names) that cannot be used.
    #[error("配置错误：{0}")]
    Setting(String),
    #[error(transparent)]
    Search(#[from] search::SearchError),
    #[error(transparent)]
    Indexer(#[from] indexer::IndexerError),
    #[error(transparent)]
    Serve(#[from] crate::server::ServeError),
    /// Reading a file or writing standard output failed.
    #[error("{what}：{source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

impl CliError {
    pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> CliError {
        let what = what.into();
        move |source| CliError::Io { what, source }
    }
}
