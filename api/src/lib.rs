//! Mulu's HTTP API and the `mulu` command line.

pub mod cli;
pub mod demo;
pub mod error;
pub mod routes;
pub mod server;
pub mod state;
