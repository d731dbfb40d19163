//! Placeholder until the index lands (issue 4).
