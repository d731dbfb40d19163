//! End-to-end: the real `mulu` binary on a random port, driven over HTTP and from the command line.

mod audit_cli;
mod bad_input;
mod ckan;
mod crash;
mod dcat;
mod demands;
mod edge;
mod exchange;
mod import;
mod no_leaks;
mod openapi;
mod people;
mod portal;
mod public_api;
mod registration;
mod role_matrix;
mod scale_out;
mod search;
mod secrets;
mod server;
mod workflow;
