//! Mulu's HTTP API and the `mulu` command line.

pub mod audit_cli;
pub mod auth;
pub mod cli;
pub mod cli_harvest;
pub mod cli_import;
pub mod cli_people;
pub mod clock;
pub mod cpu;
pub mod demo;
pub mod demo_people;
pub mod error;
pub mod extract;
pub mod housekeeping;
pub mod indexer;
pub mod interop;
pub mod middleware;
pub mod openapi;
pub mod places;
pub mod portal;
pub mod reindex_cli;
pub mod routes;
pub mod server;
pub mod state;
pub mod synonyms;
pub mod web;
pub mod webhook_worker;
