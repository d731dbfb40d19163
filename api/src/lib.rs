//! Mulu's HTTP API and the `mulu` command line.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod cpu;
pub mod demo;
pub mod demo_people;
pub mod error;
pub mod extract;
pub mod import_gate;
pub mod interop;
pub mod jobs;
pub mod middleware;
pub mod openapi;
pub mod page_limit;
pub mod page_views;
pub mod places;
pub mod portal;
pub mod routes;
pub mod server;
pub mod state;
pub mod synonyms;
pub mod web;
