//! The error every domain parser returns: a Chinese message a person can act on.
//! The caller attaches the field path (see `CatalogError::invalid`).

/// A value that does not parse into a domain type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidValue {
    /// Human-readable reason, in Chinese.
    pub message: String,
}

impl InvalidValue {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}
