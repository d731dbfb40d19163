//! How many items one page of a listing may hold, as a request asks for it: one parser, one
//! message, for every listing (each with its own bounds, which its OpenAPI parameter states).

use std::ops::RangeInclusive;

use crate::error::{ApiError, ApiResult};

/// A page size within its listing's bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimit(usize);

impl PageLimit {
    /// `asked` (`default` when absent) if it is within `bounds`; otherwise a 400 naming `field`.
    pub fn parse(
        asked: Option<i64>,
        default: usize,
        bounds: RangeInclusive<usize>,
        field: &str,
    ) -> ApiResult<PageLimit> {
        let refused = || {
            ApiError::bad_request(
                field,
                format!("{field} 必须在 {} 到 {} 之间", bounds.start(), bounds.end()),
            )
        };
        let n = match asked {
            None => default,
            Some(n) => usize::try_from(n).map_err(|_| refused())?,
        };
        if bounds.contains(&n) {
            Ok(PageLimit(n))
        } else {
            Err(refused())
        }
    }

    pub fn get(self) -> usize {
        self.0
    }

    /// For the store's `LIMIT`.
    pub fn as_i64(self) -> i64 {
        i64::try_from(self.0).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::PageLimit;

    #[test]
    fn a_limit_is_its_default_or_within_its_bounds() {
        assert_eq!(
            PageLimit::parse(None, 20, 0..=100, "limit").unwrap().get(),
            20
        );
        assert_eq!(
            PageLimit::parse(Some(0), 20, 0..=100, "limit")
                .unwrap()
                .get(),
            0
        );
        assert_eq!(
            PageLimit::parse(Some(100), 20, 0..=100, "limit")
                .unwrap()
                .get(),
            100
        );
        for refused in [-1, 101, i64::MIN] {
            assert!(PageLimit::parse(Some(refused), 20, 0..=100, "limit").is_err());
        }
        assert!(PageLimit::parse(Some(0), 8, 1..=20, "limit").is_err());
    }
}
