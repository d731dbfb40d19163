//! HTTP routes. Handlers stay thin: parse, call `catalog`, shape the response.

mod directory;
mod health;
mod public;

use axum::Router;

use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::routes())
        .merge(public::routes())
        .merge(directory::routes())
        .with_state(state)
}
