//! Why an uploaded file is not read: shared by the sheet reader and the zip container's guard.

use crate::limits::LimitExceeded;

/// Why a file is not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetError {
    /// It cannot be read at all (Chinese message).
    Unreadable(String),
    /// It is over one of the limits.
    TooLarge(LimitExceeded),
}

impl From<LimitExceeded> for SheetError {
    fn from(e: LimitExceeded) -> Self {
        SheetError::TooLarge(e)
    }
}

impl SheetError {
    pub fn message(&self) -> &str {
        match self {
            SheetError::Unreadable(m) => m,
            SheetError::TooLarge(e) => &e.message,
        }
    }
}
