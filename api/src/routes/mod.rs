//! HTTP routes. Handlers stay thin: parse, call `catalog`, shape the response.

mod admin;
mod audit;
mod authorizations;
mod directory;
mod health;
mod public;
mod registrations;
mod resources;

use axum::Router;

use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::routes())
        .merge(public::routes())
        .merge(directory::routes())
        .merge(resources::routes())
        .merge(admin::routes())
        .merge(authorizations::routes())
        .merge(audit::routes())
        .merge(registrations::routes())
        .with_state(state)
}
