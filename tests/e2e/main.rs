//! End-to-end: the real `mulu` binary on a random port, driven over HTTP and from the command line.

mod audit_cli;
mod bad_input;
mod ckan;
mod crash;
mod dcat;
mod demands;
mod edge;
mod edge_security;
mod exchange;
mod hygiene;
mod import;
mod no_leaks;
mod openapi;
mod people;
mod portal;
mod public_api;
mod public_view;
mod registration;
mod role_matrix;
mod scale_out;
mod search;
mod secrets;
mod server;
mod upload_bombs;
mod workbench;
mod workflow;
