//! Mulu's HTTP API and the `mulu` command line.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod cpu;
pub mod demo;
pub mod demo_people;
pub mod error;
pub mod extract;
pub mod indexer;
pub mod interop;
pub mod middleware;
pub mod openapi;
pub mod places;
pub mod portal;
pub mod routes;
pub mod server;
pub mod state;
pub mod synonyms;
pub mod web;
pub mod jobs;
