//! What every handler can reach.

use catalog::Catalog;

#[derive(Clone)]
pub struct AppState {
    pub catalog: Catalog,
}
