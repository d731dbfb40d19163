//! "Today" for the rules: the date in China (UTC+8), which every working-day clock counts in.
//! `MULU_TODAY=YYYY-MM-DD` pins it, for test deployments and rehearsals only.

use chrono::{FixedOffset, NaiveDate, Utc};

#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    pinned: Option<NaiveDate>,
}

impl Clock {
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("MULU_TODAY") {
            Ok(raw) => raw
                .parse()
                .map(|d| Clock { pinned: Some(d) })
                .map_err(|_| format!("MULU_TODAY “{raw}” 应为 YYYY-MM-DD")),
            Err(_) => Ok(Clock::default()),
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.pinned.unwrap_or_else(|| {
            let china = FixedOffset::east_opt(8 * 3600).expect("valid offset");
            Utc::now().with_timezone(&china).date_naive()
        })
    }
}
