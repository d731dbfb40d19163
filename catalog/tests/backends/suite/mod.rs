//! The behaviours every backend must show, by area. Each function gets a fresh catalog.

mod world;
pub use world::*;

mod agreements;
pub use agreements::*;
mod audit;
pub use audit::*;
mod authorizations;
pub use authorizations::*;
mod demands;
pub use demands::*;
mod directory;
pub use directory::*;
mod editions;
pub use editions::*;
mod exchange;
pub use exchange::*;
mod imports;
pub use imports::*;
mod objections;
pub use objections::*;
mod people;
pub use people::*;
mod registrations;
pub use registrations::*;
mod resources;
pub use resources::*;
mod rules;
pub use rules::*;
