//! What every handler can reach.

use catalog::Catalog;
use search::SearchIndex;

use crate::clock::Clock;

#[derive(Clone)]
pub struct AppState {
    pub catalog: Catalog,
    pub clock: Clock,
    /// The local search index (derived data, following the database's change log).
    pub search: SearchIndex,
    /// Cookies and single sign-on of the signed-in web.
    pub web: crate::web::config::SharedWebConfig,
    /// The workbench's background imports, in memory only (a restart forgets them).
    pub import_jobs: crate::web::import_jobs::ImportJobs,
    /// Page views counted since the last batch (see `page_views`).
    pub views: crate::page_views::ViewCounter,
}
