//! Readers that turn foreign catalog files into validated Mulu drafts, reporting every value they
//! had to normalize.

pub mod columns;
pub mod corpus;
pub mod harvest;
pub mod limits;
pub mod problems;
pub mod report;
pub mod rows;
pub mod sheet;
mod sheet_error;
pub mod stream;
pub mod template;
mod zip_guard;
