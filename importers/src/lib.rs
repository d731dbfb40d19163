//! Readers that turn foreign catalog files into validated Mulu drafts, reporting every value they
//! had to normalize.

pub mod corpus;
