//! What every handler can reach.

use catalog::Catalog;

use crate::clock::Clock;

#[derive(Clone)]
pub struct AppState {
    pub catalog: Catalog,
    pub clock: Clock,
}
