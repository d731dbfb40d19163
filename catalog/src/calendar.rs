//! The working-day calendar (工作日): weekends, public holidays and adjusted working weekends (调休),
//! loaded from a data file the deployment can replace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

use crate::error::{CatalogError, Result};

pub const BUILTIN_CALENDAR: &str = include_str!("../../config/calendar.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Year {
    /// Computed from the holiday rules ahead of the State Council's notice for the year.
    #[serde(default)]
    provisional: bool,
    holidays: Vec<NaiveDate>,
    workdays: Vec<NaiveDate>,
}

#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
    provisional: BTreeSet<i32>,
    /// The years the file lists, official or provisional.
    known: BTreeSet<i32>,
}

/// How far a computed date can be trusted, from the year it falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DateCertainty {
    /// The year's official notice is in the calendar.
    Official,
    /// The year is computed from the holiday rules ahead of its notice.
    Provisional,
    /// Past the last year the calendar knows: only weekends are known to be rest days.
    Unknown,
}

impl DateCertainty {
    /// What a person reading the date should know about it.
    pub fn label(self) -> &'static str {
        match self {
            DateCertainty::Official => "依国务院办公厅节假日安排计算",
            DateCertainty::Provisional => {
                "该年节假日安排尚未公布，按节假日规则推算，公布后可能推迟一两天"
            }
            DateCertainty::Unknown => "超出工作日历已知年份，仅按周一至周五推算，须更新工作日历",
        }
    }
}

impl WorkingCalendar {
    pub fn builtin() -> Self {
        Self::from_toml(BUILTIN_CALENDAR).expect("the shipped calendar is valid")
    }

    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CatalogError::Config(format!("无法读取日历文件 {}：{e}", path.display()))
        })?;
        Self::from_toml(&text)
    }

    pub fn from_toml(text: &str) -> Result<Self> {
        let years: BTreeMap<String, Year> = toml::from_str(text)
            .map_err(|e| CatalogError::Config(format!("日历文件格式错误：{e}")))?;
        let mut calendar = WorkingCalendar::default();
        for (year, days) in years {
            for d in days.holidays.iter().chain(&days.workdays) {
                if d.year().to_string() != year {
                    return Err(CatalogError::Config(format!("日期 {d} 不属于 [{year}]")));
                }
            }
            if let Some(d) = days.holidays.iter().find(|d| days.workdays.contains(d)) {
                return Err(CatalogError::Config(format!(
                    "{d} 同时被列为节假日和调休工作日"
                )));
            }
            let y = year
                .parse()
                .map_err(|_| CatalogError::Config(format!("年份“{year}”无效")))?;
            calendar.known.insert(y);
            if days.provisional {
                calendar.provisional.insert(y);
            }
            calendar.holidays.extend(days.holidays);
            calendar.workdays.extend(days.workdays);
        }
        Ok(calendar)
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        !self.holidays.contains(&day) && !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The day's year is only provisionally known (no official notice yet): deadlines computed
    /// across it may move by a day or two once the notice's adjusted working days are added.
    pub fn is_provisional(&self, day: NaiveDate) -> bool {
        self.provisional.contains(&day.year())
    }

    /// Whether a date computed with this calendar is final: its year official, provisional, or
    /// unknown (then only weekends are rest days, and the date may well be wrong).
    pub fn certainty(&self, day: NaiveDate) -> DateCertainty {
        let year = day.year();
        if !self.known.contains(&year) {
            DateCertainty::Unknown
        } else if self.provisional.contains(&year) {
            DateCertainty::Provisional
        } else {
            DateCertainty::Official
        }
    }

    /// The `n`th working day after `from` (not counting `from` itself); `from` when `n` is 0.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().expect("dates stay far from chrono's limits");
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn national_day_and_its_adjusted_saturday() {
        let cal = WorkingCalendar::builtin();
        assert!(!cal.is_working_day(d("2026-10-05")), "国庆假期");
        assert!(cal.is_working_day(d("2026-10-10")), "调休上班的周六");
        assert!(!cal.is_working_day(d("2026-10-11")), "普通周日");
        // 2026-09-30 (Wed) + 1 wd skips the holiday to 10-08; then 10-09, 10-10 (Sat, adjusted).
        assert_eq!(cal.add_working_days(d("2026-09-30"), 1), d("2026-10-08"));
        assert_eq!(cal.add_working_days(d("2026-09-30"), 3), d("2026-10-10"));
        assert_eq!(cal.add_working_days(d("2026-09-30"), 4), d("2026-10-12"));
        // The 10th working day after Thu 2026-09-24: 中秋 (09-25) and 国庆 are skipped, the
        // adjusted Saturday 10-10 counts: 09-28, 09-29, 09-30, 10-08, 10-09, 10-10, 10-12 … 10-15.
        assert_eq!(cal.add_working_days(d("2026-09-24"), 10), d("2026-10-15"));
        // 2025: the adjusted Sunday 09-28 and Saturday 10-11 count, 10-01 … 10-08 do not.
        assert_eq!(cal.add_working_days(d("2025-09-26"), 10), d("2025-10-16"));
    }

    #[test]
    fn dates_past_the_known_years_are_not_official() {
        let cal = WorkingCalendar::builtin();
        assert_eq!(cal.certainty(d("2026-12-31")), DateCertainty::Official);
        assert_eq!(cal.certainty(d("2027-01-04")), DateCertainty::Provisional);
        assert_eq!(cal.certainty(d("2028-01-03")), DateCertainty::Unknown);
    }

    #[test]
    fn provisional_2027_follows_the_holiday_rules() {
        let cal = WorkingCalendar::builtin();
        assert!(cal.is_provisional(d("2027-06-01")));
        assert!(!cal.is_provisional(d("2026-06-01")));
        // 春节: 除夕 is Friday 2027-02-05; eight days off from 除夕.
        assert!(!cal.is_working_day(d("2027-02-05")));
        assert!(!cal.is_working_day(d("2027-02-12")));
        assert!(cal.is_working_day(d("2027-02-04")));
        assert!(cal.is_working_day(d("2027-02-15")));
        // 清明 (Mon 04-05), 端午 (Wed 06-09), 中秋 (Wed 09-15) and 国庆 10-01 … 10-07.
        for day in ["2027-04-05", "2027-06-09", "2027-09-15", "2027-10-07"] {
            assert!(!cal.is_working_day(d(day)), "{day}");
        }
        assert!(cal.is_working_day(d("2027-10-08")));
        // 2026-12-31 (Thu) + 1 wd skips 元旦 (Fri) and the weekend.
        assert_eq!(cal.add_working_days(d("2026-12-31"), 1), d("2027-01-04"));
    }

    #[test]
    fn contradictory_files_are_refused() {
        let bad = "[2026]\nholidays = [\"2026-10-01\"]\nworkdays = [\"2026-10-01\"]\n";
        assert!(WorkingCalendar::from_toml(bad).is_err());
        let wrong_year = "[2026]\nholidays = [\"2025-10-01\"]\nworkdays = []\n";
        assert!(WorkingCalendar::from_toml(wrong_year).is_err());
    }
}
